"""Enrolments, and what a participant adds to one: feedback, conflict resolutions."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from districts.models import CivilServant

from .sessions import TrainingSession


class Enrollment(models.Model):
    class Status(models.TextChoices):
        REQUESTED = "requested", _("Awaiting supervisor approval")
        APPROVED = "approved", _("Enrolled")
        WAITLISTED = "waitlisted", _("Waitlisted")
        REJECTED = "rejected", _("Rejected")
        CANCELLED = "cancelled", _("Cancelled")
        ATTENDED = "attended", _("Attended")
        PARTIAL = "partial", _("Partly attended")
        NO_SHOW = "no_show", _("Did not attend")
        COMPLETED = "completed", _("Completed")

    # Enrolments that still concern an upcoming session (conflict checks).
    ACTIVE = ("requested", "approved", "waitlisted")
    # Enrolments that take one of the session's seats.
    SEAT_HOLDING = ("requested", "approved", "attended", "partial", "no_show", "completed")
    # Enrolments that are closed and free the person to enrol again.
    ENDED = ("rejected", "cancelled")

    session = models.ForeignKey(
        TrainingSession,
        on_delete=models.PROTECT,
        related_name="enrollments",
        verbose_name=_("session"),
    )
    civil_servant = models.ForeignKey(
        CivilServant,
        on_delete=models.PROTECT,
        related_name="enrollments",
        verbose_name=_("civil servant"),
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    created_at = models.DateTimeField(_("enrolled at"), auto_now_add=True)
    waitlisted_at = models.DateTimeField(_("waitlisted at"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decision_note = models.TextField(_("decision note"), blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancel_reason = models.TextField(_("cancellation reason"), blank=True)
    enrolled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("enrolled by"),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "civil_servant"],
                condition=~Q(status__in=["rejected", "cancelled"]),
                name="one_open_enrollment_per_person_session",
            ),
            models.CheckConstraint(
                condition=~Q(status="waitlisted") | Q(waitlisted_at__isnull=False),
                name="waitlisted_has_time",
            ),
        ]
        indexes = [
            models.Index(fields=["session", "status"]),
            models.Index(fields=["civil_servant", "status"]),
        ]

    def __str__(self):
        return f"{self.civil_servant} → {self.session}"


class Feedback(models.Model):
    """Kirkpatrick level 1: the participant's reaction after the session."""

    enrollment = models.OneToOneField(Enrollment, on_delete=models.CASCADE, related_name="feedback")
    rating_content = models.PositiveSmallIntegerField(_("content"))
    rating_instructor = models.PositiveSmallIntegerField(_("instructor"))
    rating_venue = models.PositiveSmallIntegerField(_("venue"))
    rating_usefulness = models.PositiveSmallIntegerField(_("usefulness"))
    comment = models.TextField(_("comment"), blank=True)
    submitted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")
        constraints = [
            models.CheckConstraint(
                condition=Q(rating_content__gte=1, rating_content__lte=5)
                & Q(rating_instructor__gte=1, rating_instructor__lte=5)
                & Q(rating_venue__gte=1, rating_venue__lte=5)
                & Q(rating_usefulness__gte=1, rating_usefulness__lte=5),
                name="feedback_ratings_1_to_5",
            ),
        ]

    def __str__(self):
        return f"{self.enrollment}"


class ConflictResolution(models.Model):
    """A person's statement that a conflict is handled (e.g. a colleague covers)."""

    enrollment = models.ForeignKey(
        Enrollment,
        on_delete=models.CASCADE,
        related_name="conflict_resolutions",
        verbose_name=_("enrolment"),
    )
    fingerprint = models.CharField(_("clash key"), max_length=64)
    note = models.TextField(_("note"))
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("resolved by"),
    )
    resolved_at = models.DateTimeField(_("resolved at"), auto_now_add=True)

    class Meta:
        verbose_name = _("clash resolution")
        verbose_name_plural = _("clash resolutions")
        constraints = [
            models.UniqueConstraint(
                fields=["enrollment", "fingerprint"], name="conflict_resolution_unique"
            ),
        ]

    def __str__(self):
        return f"{self.enrollment} {self.fingerprint[:8]}"
