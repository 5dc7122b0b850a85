"""Yearly training budget ceilings per district, optionally per program or competency."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from districts.models import District

from .catalogue import TrainingProgram
from .competencies import Competency


class BudgetCeiling(models.Model):
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="+", verbose_name=_("district")
    )
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    program = models.ForeignKey(
        TrainingProgram,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("program"),
    )
    competency = models.ForeignKey(
        Competency,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("competency"),
    )
    amount = models.DecimalField(
        _("ceiling (Rp)"), max_digits=16, decimal_places=2, validators=[MinValueValidator(0)]
    )

    class Meta:
        ordering = ["year", "program", "competency"]
        verbose_name = _("budget ceiling")
        verbose_name_plural = _("budget ceilings")
        constraints = [
            models.CheckConstraint(
                condition=Q(program__isnull=True) | Q(competency__isnull=True),
                name="ceiling_program_or_competency",
                violation_error_message=_("A ceiling is for a program or a competency, not both."),
            ),
            models.CheckConstraint(condition=Q(amount__gte=0), name="ceiling_not_negative"),
            models.UniqueConstraint(
                fields=["district", "year"],
                condition=Q(program__isnull=True, competency__isnull=True),
                name="ceiling_district_unique",
            ),
            models.UniqueConstraint(
                fields=["district", "year", "program"],
                condition=Q(program__isnull=False),
                name="ceiling_program_unique",
            ),
            models.UniqueConstraint(
                fields=["district", "year", "competency"],
                condition=Q(competency__isnull=False),
                name="ceiling_competency_unique",
            ),
        ]

    def __str__(self):
        return f"{self.district} {self.year} {self.program or self.competency or ''}".strip()

    def clean(self):
        errors = {}
        if self.program_id and self.competency_id:
            errors["program"] = _("A ceiling is for a program or a competency, not both.")
        for name in ("program", "competency"):
            related_id = getattr(self, f"{name}_id")
            if (
                related_id
                and self.district_id
                and getattr(self, name).district_id != self.district_id
            ):
                errors[name] = _("It belongs to another district.")
        if errors:
            raise ValidationError(errors)
