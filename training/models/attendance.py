"""Attendance: one mark per enrolment and meeting."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .enrolment import Enrollment
from .meetings import Meeting


class Attendance(models.Model):
    class Status(models.TextChoices):
        PRESENT = "present", _("Present")
        LATE = "late", _("Late")
        EXCUSED = "excused", _("Excused")
        ABSENT = "absent", _("Absent")

    class Source(models.TextChoices):
        HR = "hr", _("Marked by HR")
        QR = "qr", _("Scanned the QR code")
        CODE = "code", _("Entered the meeting code")

    # Marks that count as attending the meeting.
    ATTENDED = ("present", "late")

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="attendances", verbose_name=_("meeting")
    )
    enrollment = models.ForeignKey(
        Enrollment,
        on_delete=models.CASCADE,
        related_name="attendances",
        verbose_name=_("enrolment"),
    )
    status = models.CharField(_("attendance"), max_length=8, choices=Status.choices)
    reason = models.CharField(_("reason"), max_length=250, blank=True)
    source = models.CharField(_("recorded by"), max_length=4, choices=Source.choices)
    marked_at = models.DateTimeField(_("marked at"))
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["meeting", "enrollment"]
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "enrollment"], name="one_attendance_per_meeting"
            ),
            models.CheckConstraint(
                condition=~Q(status="excused") | ~Q(reason=""), name="excused_has_reason"
            ),
        ]

    def __str__(self):
        return f"{self.enrollment} · {self.meeting}: {self.status}"
