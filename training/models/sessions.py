"""Sessions (*kelas*): what a person enrols in, with its time, place and seats."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from districts.models import District

from .catalogue import MAX_SEATS, Instructor, TrainingProgram, Venue


class TrainingSession(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        CANCELLED = "cancelled", _("Cancelled")
        COMPLETED = "completed", _("Completed")

    class CostBasis(models.TextChoices):
        PER_PARTICIPANT = "per_participant", _("Per participant")
        TOTAL = "total", _("Total")

    program = models.ForeignKey(
        TrainingProgram,
        on_delete=models.PROTECT,
        related_name="sessions",
        verbose_name=_("program"),
    )
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="sessions", verbose_name=_("district")
    )
    venue = models.ForeignKey(
        Venue,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sessions",
        verbose_name=_("venue"),
    )
    online_url = models.URLField(_("online link"), blank=True)
    instructor = models.ForeignKey(
        Instructor,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sessions",
        verbose_name=_("instructor"),
    )
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    capacity = models.PositiveIntegerField(
        _("capacity"), validators=[MinValueValidator(1), MaxValueValidator(MAX_SEATS)]
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    enrollment_opens_at = models.DateTimeField(_("enrolment opens"), null=True, blank=True)
    enrollment_closes_at = models.DateTimeField(_("enrolment closes"), null=True, blank=True)
    series = models.UUIDField(
        _("series"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("Sessions scheduled together share a series."),
    )
    recorded_afterwards = models.BooleanField(
        _("entered afterwards"),
        default=False,
        help_text=_("A training held before it was entered in the portal: never open to enrol."),
    )
    cancel_reason = models.TextField(_("cancellation reason"), blank=True)
    override_reason = models.TextField(
        _("reason for overriding warnings"),
        blank=True,
    )
    cost_amount = models.DecimalField(
        _("cost (Rp)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    cost_basis = models.CharField(
        _("cost basis"), max_length=16, choices=CostBasis.choices, blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    sequence = models.PositiveIntegerField(
        _("calendar sequence"),
        default=0,
        editable=False,
        help_text=_("Raised on every change; the SEQUENCE of its calendar invitations."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["start"]
        verbose_name = _("training session")
        verbose_name_plural = _("training sessions")
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=F("start")), name="session_end_after_start"),
            models.CheckConstraint(condition=Q(capacity__gt=0), name="session_capacity_positive"),
            models.CheckConstraint(
                condition=Q(enrollment_opens_at__isnull=True)
                | Q(enrollment_closes_at__isnull=True)
                | Q(enrollment_closes_at__gt=F("enrollment_opens_at")),
                name="session_enrolment_window_ordered",
            ),
            models.CheckConstraint(
                condition=Q(cost_amount__isnull=True) | Q(cost_amount__gte=0),
                name="session_cost_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(cost_amount__isnull=True, cost_basis="")
                | Q(cost_amount__isnull=False) & ~Q(cost_basis=""),
                name="session_cost_has_basis",
            ),
        ]
        indexes = [
            models.Index(fields=["district", "start"]),
            models.Index(fields=["status", "start"]),
            models.Index(fields=["venue", "start"]),
        ]

    def __str__(self):
        return f"{self.program.title} · {self.start:%Y-%m-%d}"

    def clean(self):
        errors = {}
        if self.start and self.end and self.end <= self.start:
            errors["end"] = _("The end must be after the start.")
        if self.program_id and self.district_id and self.program.district_id != self.district_id:
            errors["program"] = _("The program belongs to another district.")
        if self.venue_id and self.district_id and self.venue.district_id != self.district_id:
            errors["venue"] = _("The venue belongs to another district.")
        if (
            self.enrollment_opens_at
            and self.enrollment_closes_at
            and self.enrollment_closes_at <= self.enrollment_opens_at
        ):
            errors["enrollment_closes_at"] = _("Enrolment must close after it opens.")
        if self.start and self.enrollment_opens_at and self.enrollment_opens_at >= self.start:
            errors.setdefault(
                "enrollment_opens_at", _("Enrolment must open before the session starts.")
            )
        if self.end and self.enrollment_closes_at and self.enrollment_closes_at > self.end:
            errors.setdefault(
                "enrollment_closes_at", _("Enrolment must close by the end of the session.")
            )
        if errors:
            raise ValidationError(errors)
