"""The outbox (one row per message to send exactly once) and in-portal notifications."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from districts.models import CivilServant

from .enrolment import Enrollment


class Reminder(models.Model):
    """A message to send exactly once: recorded before it is sent."""

    class Kind(models.TextChoices):
        CONFLICT = "conflict", _("Conflict")
        ESCALATION = "escalation", _("Escalation to supervisor")
        BEFORE_7_DAYS = "before_7d", _("7 days before")
        BEFORE_1_DAY = "before_1d", _("1 day before")
        # Notices: told once after a change (the fingerprint names the change).
        ENROLLED = "enrolled", _("Enrolment confirmation")
        PROMOTED = "promoted", _("Waitlist promotion")
        DECISION = "decision", _("Supervisor decision")
        UNENROLLED = "unenrolled", _("Enrolment cancellation")
        APPROVAL = "approval_ask", _("Approval request to supervisor")
        RESCHEDULED = "rescheduled", _("Session rescheduled")
        SESSION_CANCELLED = "sess_cancel", _("Session cancelled")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        SKIPPED = "skipped", _("No longer needed")

    enrollment = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=12, choices=Kind.choices)
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
        ]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self):
        return f"{self.kind} {self.enrollment_id} {self.status}"


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
