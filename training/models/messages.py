"""The outbox (one row per message to send exactly once) and in-portal notifications."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from districts.models import CivilServant

from .enrolment import Enrollment
from .learning import OutsideLearning


class Reminder(models.Model):
    """An outbox row: one message to send exactly once, recorded before it is sent."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        SKIPPED = "skipped", _("No longer needed")

    # A message is about an enrolment, or (outside learning) about a claim.
    enrollment = models.ForeignKey(
        Enrollment, on_delete=models.CASCADE, null=True, blank=True, related_name="reminders"
    )
    outside_learning = models.ForeignKey(
        OutsideLearning, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    # A kind registered with the outbox by the feature that owns it
    # (training.messages.outbox.kind); no list of kinds here to keep in step.
    kind = models.CharField(max_length=12)
    fingerprint = models.CharField(max_length=64, blank=True)
    recipient = models.ForeignKey(CivilServant, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    subject = models.CharField(max_length=255, blank=True)
    body = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["enrollment", "kind", "fingerprint"], name="reminder_once_per_key"
            ),
            models.UniqueConstraint(
                fields=["outside_learning", "kind", "fingerprint"],
                condition=Q(outside_learning__isnull=False),
                name="reminder_once_per_claim_key",
            ),
            models.CheckConstraint(
                condition=Q(enrollment__isnull=False) | Q(outside_learning__isnull=False),
                name="reminder_about_something",
            ),
        ]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self):
        return f"{self.kind} {self.enrollment_id or self.outside_learning_id} {self.status}"


class Notification(models.Model):
    """An in-portal message shown in the person's notification list."""

    recipient = models.ForeignKey(
        CivilServant, on_delete=models.CASCADE, related_name="notifications"
    )
    reminder = models.OneToOneField(
        Reminder, on_delete=models.CASCADE, null=True, blank=True, related_name="notification"
    )
    title = models.CharField(max_length=255)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self):
        return self.title
