"""Competency needs: the district's catalogue, what programs develop, what jobs require."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from districts.models import CivilServant, District, WorkUnit

from .catalogue import TrainingProgram


class Competency(models.Model):
    Kind = TrainingProgram.CompetencyKind

    district = models.ForeignKey(
        District,
        on_delete=models.PROTECT,
        related_name="competencies",
        verbose_name=_("district"),
    )
    name = models.CharField(_("name"), max_length=150)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    description = models.CharField(_("short description"), max_length=300, blank=True)
    validity_years = models.PositiveSmallIntegerField(
        _("valid for (years)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(50)],
        help_text=_("A completion older than this no longer meets the need; empty: never expires."),
    )
    programs = models.ManyToManyField(
        TrainingProgram,
        blank=True,
        related_name="competencies",
        verbose_name=_("developed by programs"),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("competency")
        verbose_name_plural = _("competencies")
        constraints = [
            models.UniqueConstraint(fields=["district", "name"], name="competency_name_unique"),
            models.CheckConstraint(
                condition=Q(validity_years__isnull=True) | Q(validity_years__gte=1),
                name="competency_validity_positive",
            ),
        ]

    def __str__(self):
        return self.name


class CompetencyRequirement(models.Model):
    """A competency every holder of a position (jabatan) or member of a work unit needs."""

    competency = models.ForeignKey(
        Competency,
        on_delete=models.CASCADE,
        related_name="requirements",
        verbose_name=_("competency"),
    )
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="+", verbose_name=_("district")
    )
    work_unit = models.ForeignKey(
        WorkUnit,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="competency_requirements",
        verbose_name=_("work unit"),
    )
    position_title = models.CharField(_("position (jabatan)"), max_length=150, blank=True)

    class Meta:
        ordering = ["competency__name", "pk"]
        verbose_name = _("competency requirement")
        verbose_name_plural = _("competency requirements")
        constraints = [
            models.CheckConstraint(
                condition=(Q(work_unit__isnull=False) & Q(position_title=""))
                | (Q(work_unit__isnull=True) & ~Q(position_title="")),
                name="requirement_unit_xor_position",
                violation_error_message=_("Choose either a work unit or a position, not both."),
            ),
            models.UniqueConstraint(
                fields=["competency", "work_unit"],
                condition=Q(work_unit__isnull=False),
                name="requirement_unit_unique",
            ),
            models.UniqueConstraint(
                fields=["competency", "district", "position_title"],
                condition=Q(work_unit__isnull=True),
                name="requirement_position_unique",
            ),
        ]

    def __str__(self):
        return f"{self.competency} · {self.work_unit or self.position_title}"

    def clean(self):
        errors = {}
        if bool(self.work_unit_id) == bool(self.position_title):
            errors["work_unit"] = _("Choose either a work unit or a position, not both.")
        if (
            self.competency_id
            and self.district_id
            and (self.competency.district_id != self.district_id)
        ):
            errors["competency"] = _("The competency belongs to another district.")
        if (
            self.work_unit_id
            and self.district_id
            and self.work_unit.district_id != self.district_id
        ):
            errors["work_unit"] = _("The work unit belongs to another district.")
        if errors:
            raise ValidationError(errors)


class IndividualNeed(models.Model):
    """A competency HR marks as needed by one person."""

    competency = models.ForeignKey(
        Competency,
        on_delete=models.CASCADE,
        related_name="individual_needs",
        verbose_name=_("competency"),
    )
    civil_servant = models.ForeignKey(
        CivilServant,
        on_delete=models.CASCADE,
        related_name="competency_needs",
        verbose_name=_("civil servant"),
    )
    note = models.CharField(_("note"), max_length=255, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["competency__name", "pk"]
        verbose_name = _("individual need")
        verbose_name_plural = _("individual needs")
        constraints = [
            models.UniqueConstraint(
                fields=["competency", "civil_servant"], name="individual_need_unique"
            ),
        ]

    def __str__(self):
        return f"{self.civil_servant} · {self.competency}"

    def clean(self):
        if (
            self.competency_id
            and self.civil_servant_id
            and self.competency.district_id != self.civil_servant.district_id
        ):
            raise ValidationError({"competency": _("The competency belongs to another district.")})


class GapSummary(models.Model):
    """A district's competency gap matrix as the refresh task last computed it.

    Written only by ``training.services.gap_summary.refresh`` (Celery beat, and
    queued when the district's needs, competencies, completions or people change);
    the gap page reads it instead of computing 76,000 needs live.
    """

    district = models.OneToOneField(
        District, on_delete=models.CASCADE, related_name="gap_summary", verbose_name=_("district")
    )
    computed_at = models.DateTimeField(_("computed at"))
    on = models.DateField(_("validity counted on"))

    class Meta:
        verbose_name = _("gap summary")
        verbose_name_plural = _("gap summaries")

    def __str__(self) -> str:
        return f"{self.district} @ {self.computed_at:%Y-%m-%d %H:%M}"


class GapSummaryCell(models.Model):
    """One cell of a summary: of a unit's people, how many need the competency and lack it."""

    summary = models.ForeignKey(GapSummary, on_delete=models.CASCADE, related_name="cells")
    work_unit = models.ForeignKey(WorkUnit, on_delete=models.CASCADE, related_name="+")
    competency = models.ForeignKey(Competency, on_delete=models.CASCADE, related_name="+")
    needing = models.PositiveIntegerField()
    lacking = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["summary", "work_unit", "competency"], name="gap_cell_once"
            ),
            models.CheckConstraint(
                condition=Q(lacking__lte=models.F("needing")), name="gap_cell_lacking_le_needing"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.work_unit_id}×{self.competency_id}: {self.lacking}/{self.needing}"
