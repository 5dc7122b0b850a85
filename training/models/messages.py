"""The outbox (one row per message to send exactly once) and in-portal notifications."""

from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from districts.models import CivilServant

from .enrolment import Enrollment
from .learning import OutsideLearning
from .plans import Invitation


class Reminder(models.Model):
    """An outbox row: one message to send exactly once, recorded before it is sent."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        SKIPPED = "skipped", _("No longer needed")

    # A message is about an enrolment, an invitation not yet answered, or an
    # outside-learning claim.
    enrollment = models.ForeignKey(
        Enrollment,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reminders",
        verbose_name=_("enrolment"),
    )
    invitation = models.ForeignKey(
        Invitation,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("invitation"),
    )
    outside_learning = models.ForeignKey(
        OutsideLearning,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("outside learning"),
    )
    # A kind registered with the outbox by the feature that owns it
    # (training.messages.outbox.kind); no list of kinds here to keep in step.
    kind = models.CharField(_("kind"), max_length=12)
    fingerprint = models.CharField(_("key"), max_length=64, blank=True)
    recipient = models.ForeignKey(
        CivilServant, on_delete=models.CASCADE, related_name="+", verbose_name=_("recipient")
    )
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.PENDING
    )
    subject = models.CharField(_("subject"), max_length=255, blank=True)
    body = models.TextField(_("text"), blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("outgoing message")
        verbose_name_plural = _("outgoing messages")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["enrollment", "kind", "fingerprint"], name="reminder_once_per_key"
            ),
            models.UniqueConstraint(
                fields=["invitation", "kind", "fingerprint"],
                condition=Q(invitation__isnull=False),
                name="reminder_once_per_invitation_key",
            ),
            models.UniqueConstraint(
                fields=["outside_learning", "kind", "fingerprint"],
                condition=Q(outside_learning__isnull=False),
                name="reminder_once_per_claim_key",
            ),
            models.CheckConstraint(
                condition=Q(enrollment__isnull=False)
                | Q(invitation__isnull=False)
                | Q(outside_learning__isnull=False),
                name="reminder_about_something",
            ),
        ]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self):
        return (
            f"{self.kind} "
            f"{self.enrollment_id or self.invitation_id or self.outside_learning_id} {self.status}"
        )


class Notification(models.Model):
    """An in-portal message shown in the person's notification list."""

    recipient = models.ForeignKey(
        CivilServant,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("recipient"),
    )
    reminder = models.OneToOneField(
        Reminder,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notification",
        verbose_name=_("outgoing message"),
    )
    title = models.CharField(_("title"), max_length=255)
    body = models.TextField(_("text"), blank=True)
    url = models.CharField(_("link"), max_length=255, blank=True)
    # The title and body in the portal's other languages, {"en": {"title", "body"}}:
    # shown in the reader's language. Empty on rows from before (shown as stored).
    translations = models.JSONField(_("translations"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self):
        return self.title

    def _in_reader_language(self, part: str) -> str:
        language = (get_language() or "").split("-")[0]
        return (self.translations or {}).get(language, {}).get(part) or getattr(self, part)

    @property
    def shown_title(self) -> str:
        """Return the title in the active language (as stored when it has no translation)."""
        return self._in_reader_language("title")

    @property
    def shown_body(self) -> str:
        """Return the body in the active language (as stored when it has no translation)."""
        return self._in_reader_language("body")
