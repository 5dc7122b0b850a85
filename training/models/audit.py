"""The audit trail: who did what to a session, and when."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from districts.models import District

from .sessions import TrainingSession


class AuditEntry(models.Model):
    class Action(models.TextChoices):
        CREATED = "created", _("created")
        UPDATED = "updated", _("changed")
        PUBLISHED = "published", _("published")
        RESCHEDULED = "rescheduled", _("rescheduled")
        CANCELLED = "cancelled", _("cancelled")
        WARNING_OVERRIDDEN = "warning_overridden", _("overrode a warning")
        ENROLLMENT_CHANGED = "enrollment_changed", _("changed an enrolment")
        ATTENDANCE_MARKED = "attendance_marked", _("marked attendance")
        COMPLETION_RECORDED = "completion_recorded", _("recorded completion")
        CERTIFICATE_ISSUED = "certificate_issued", _("issued a certificate")
        IMPORTED = "imported", _("imported")
        PASSWORD_RESET_SENT = "password_reset", _("sent a password reset link")
        OUTSIDE_LEARNING = "outside_learning", _("outside learning")
        API_WRITE = "api_write", _("wrote through the API")
        API_TOKEN = "api_token", _("changed an API token")

    district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="+", verbose_name=_("district")
    )
    session = models.ForeignKey(
        TrainingSession,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="audit_entries",
        verbose_name=_("session"),
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    detail = models.TextField(_("detail"), blank=True)
    at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.action}"
