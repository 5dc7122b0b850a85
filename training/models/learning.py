"""Outside learning: activities done elsewhere, claimed by the person and verified.

Perlan LAN 10/2018 counts klasikal and nonklasikal learning alike. A verified
activity gets a :class:`~training.models.records.CompletionRecord` of its own
(``source`` = outside learning), so every JP total reads one table.
"""

import uuid

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from districts.models import CivilServant, District

from .catalogue import TrainingProgram

# The nonklasikal methods: their JP come from the district's conversion table.
NONKLASIKAL_METHODS = [
    TrainingProgram.Method.E_LEARNING,
    TrainingProgram.Method.COACHING,
    TrainingProgram.Method.MENTORING,
    TrainingProgram.Method.INTERNSHIP,
    TrainingProgram.Method.BENCHMARKING,
    TrainingProgram.Method.COMMUNITY,
    TrainingProgram.Method.SELF_STUDY,
]


def evidence_path(instance, filename: str) -> str:
    """Return a path that reveals nothing and cannot be guessed: evidence/<year>/<uuid>.<ext>."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"evidence/{instance.start_date:%Y}/{uuid.uuid4().hex}.{extension}"


class Institution(models.Model):
    """An organiser of outside learning (a university, a ministry, an NGO), kept for reuse."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("institution")
        verbose_name_plural = _("institutions")

    def __str__(self):
        return self.name


class JPConversion(models.Model):
    """How many JP one hour or one day of a nonklasikal form is worth in a district."""

    class Unit(models.TextChoices):
        HOUR = "hour", _("per hour")
        DAY = "day", _("per day")

    district = models.ForeignKey(
        District, on_delete=models.CASCADE, related_name="+", verbose_name=_("district")
    )
    method = models.CharField(
        _("form"), max_length=20, choices=[(m.value, m.label) for m in NONKLASIKAL_METHODS]
    )
    unit = models.CharField(_("unit"), max_length=4, choices=Unit.choices)
    jp_per_unit = models.DecimalField(
        _("JP per unit"), max_digits=5, decimal_places=2, validators=[MinValueValidator(0)]
    )

    class Meta:
        ordering = ["district", "method"]
        verbose_name = _("JP conversion")
        verbose_name_plural = _("JP conversions")
        constraints = [
            models.UniqueConstraint(fields=["district", "method"], name="jp_conversion_unique"),
            models.CheckConstraint(
                condition=Q(jp_per_unit__gte=0), name="jp_conversion_not_negative"
            ),
        ]

    def __str__(self):
        return f"{self.get_method_display()}: {self.jp_per_unit} JP {self.get_unit_display()}"


class OutsideLearning(models.Model):
    """A learning activity done outside the portal, claimed by the person."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Awaiting verification")
        VERIFIED = "verified", _("Verified")
        RETURNED = "returned", _("Returned")

    civil_servant = models.ForeignKey(
        CivilServant,
        on_delete=models.PROTECT,
        related_name="outside_learning",
        verbose_name=_("civil servant"),
    )
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="+", verbose_name=_("district")
    )
    method = models.CharField(_("form"), max_length=20, choices=TrainingProgram.Method.choices)
    title = models.CharField(_("title"), max_length=200)
    institution = models.ForeignKey(
        Institution,
        on_delete=models.PROTECT,
        related_name="activities",
        verbose_name=_("organiser"),
    )
    competency_kind = models.CharField(
        _("competency kind"), max_length=16, choices=TrainingProgram.CompetencyKind.choices
    )
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    hours = models.DecimalField(
        _("hours of learning"), max_digits=6, decimal_places=1, validators=[MinValueValidator(0)]
    )
    jp_claimed = models.SmallIntegerField(_("JP claimed"), validators=[MinValueValidator(0)])
    jp_credited = models.SmallIntegerField(
        _("JP credited"), null=True, blank=True, validators=[MinValueValidator(0)]
    )
    evidence = models.FileField(_("evidence"), upload_to=evidence_path, max_length=200)
    evidence_type = models.CharField(max_length=40, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.SUBMITTED
    )
    return_reason = models.TextField(_("reason for returning"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"))

    class Meta:
        ordering = ["-end_date", "-pk"]
        verbose_name = _("outside learning")
        verbose_name_plural = _("outside learning")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")), name="outside_dates_in_order"
            ),
            models.CheckConstraint(
                condition=Q(jp_claimed__gte=0), name="outside_jp_claimed_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(jp_credited__isnull=True) | Q(jp_credited__gte=0),
                name="outside_jp_credited_not_negative",
            ),
        ]
        indexes = [models.Index(fields=["district", "status"])]

    def __str__(self):
        return f"{self.civil_servant} · {self.title} · {self.end_date}"

    @property
    def is_klasikal(self) -> bool:
        return self.method not in NONKLASIKAL_METHODS

    @property
    def days(self) -> int:
        return (self.end_date - self.start_date).days + 1
