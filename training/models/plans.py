"""Individual development plans and invitations to sessions."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from districts.models import CivilServant

from .catalogue import TrainingProgram
from .competencies import Competency
from .enrolment import Enrollment
from .sessions import TrainingSession


class DevelopmentPlan(models.Model):
    """A person's yearly plan (rencana pengembangan kompetensi), agreed with the supervisor."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Awaiting supervisor")
        RETURNED = "returned", _("Returned for changes")
        APPROVED = "approved", _("Approved")

    EDITABLE = ("draft", "returned")

    civil_servant = models.ForeignKey(
        CivilServant,
        on_delete=models.CASCADE,
        related_name="development_plans",
        verbose_name=_("civil servant"),
    )
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    supervisor_note = models.CharField(_("supervisor's note"), max_length=500, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-year", "civil_servant__name"]
        verbose_name = _("development plan")
        verbose_name_plural = _("development plans")
        constraints = [
            models.UniqueConstraint(fields=["civil_servant", "year"], name="one_plan_per_year"),
            models.CheckConstraint(
                condition=~Q(status="returned") | ~Q(supervisor_note=""),
                name="returned_plan_has_note",
            ),
        ]

    def __str__(self):
        return f"{self.civil_servant} · {self.year}"

    @property
    def is_editable(self) -> bool:
        return self.status in self.EDITABLE


class PlanItem(models.Model):
    """One line of a plan: a competency, through a program or outside learning, and its JP."""

    plan = models.ForeignKey(
        DevelopmentPlan, on_delete=models.CASCADE, related_name="items", verbose_name=_("plan")
    )
    competency = models.ForeignKey(
        Competency, on_delete=models.PROTECT, related_name="+", verbose_name=_("competency")
    )
    program = models.ForeignKey(
        TrainingProgram,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("program"),
    )
    outside_learning = models.CharField(
        _("outside learning"),
        max_length=200,
        blank=True,
        help_text=_("E.g. an e-learning course, a seminar or a magang outside the portal."),
    )
    jp_planned = models.PositiveSmallIntegerField(
        _("JP planned"), validators=[MinValueValidator(1), MaxValueValidator(200)]
    )

    class Meta:
        ordering = ["pk"]
        verbose_name = _("plan item")
        verbose_name_plural = _("plan items")
        constraints = [
            models.CheckConstraint(
                condition=Q(program__isnull=False) | ~Q(outside_learning=""),
                name="plan_item_has_a_way",
                violation_error_message=_("Choose a program or describe the outside learning."),
            ),
            models.CheckConstraint(condition=Q(jp_planned__gte=1), name="plan_item_jp_positive"),
        ]

    def __str__(self):
        return f"{self.competency} · {self.program or self.outside_learning}"


class Invitation(models.Model):
    """HR's or a supervisor's invitation of a person to a session."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting answer")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        NOMINATED = "nominated", _("Nominated by the supervisor")

    session = models.ForeignKey(
        TrainingSession,
        on_delete=models.CASCADE,
        related_name="invitations",
        verbose_name=_("session"),
    )
    civil_servant = models.ForeignKey(
        CivilServant,
        on_delete=models.CASCADE,
        related_name="invitations",
        verbose_name=_("civil servant"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    enrollment = models.ForeignKey(
        Enrollment, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "pk"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "civil_servant"], name="one_invitation_per_session"
            ),
        ]

    def __str__(self):
        return f"{self.civil_servant} → {self.session}"
