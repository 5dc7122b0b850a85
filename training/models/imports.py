"""HR uploads of personnel and duty rosters."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from districts.models import District


class ImportJob(models.Model):
    """An HR upload of personnel or schedule rows: previewed, then committed."""

    class Kind(models.TextChoices):
        PERSONNEL = "personnel", _("Personnel")
        SCHEDULE = "schedule", _("Duty roster / schedule")

    class Status(models.TextChoices):
        UPLOADED = "uploaded", _("Uploaded")
        PREVIEWING = "previewing", _("Checking")
        PREVIEWED = "previewed", _("Ready to commit")
        COMMITTING = "committing", _("Committing")
        COMMITTED = "committed", _("Committed")
        FAILED = "failed", _("Failed")
        DISCARDED = "discarded", _("Discarded")
        EXPIRED = "expired", _("Expired")

    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    file = models.FileField(upload_to="imports/%Y/%m/")
    original_name = models.CharField(max_length=255)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.UPLOADED)
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    preview = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    # The error in every language of the portal ({"en": ...}), read in the
    # reader's; empty on jobs from before (their ``error`` is shown as stored).
    error_messages = models.JSONField(default=dict, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Moves with every status or progress change: a job that stops moving
    # while it should (a worker died) is failed by ``expire_import_jobs``.
    updated_at = models.DateTimeField(auto_now=True)
    committed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "updated_at"])]

    def __str__(self):
        return f"{self.kind} {self.original_name}"
