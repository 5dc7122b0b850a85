"""Learning records: completions (with the certificate snapshot) and certificate numbers."""

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from districts.models import CivilServant, District

from .catalogue import TrainingProgram
from .learning import OutsideLearning
from .sessions import TrainingSession


class CompletionRecord(models.Model):
    civil_servant = models.ForeignKey(
        CivilServant,
        on_delete=models.PROTECT,
        related_name="completions",
        verbose_name=_("civil servant"),
    )
    # Empty for outside learning, which names its own activity instead.
    program = models.ForeignKey(
        TrainingProgram,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="completions",
        verbose_name=_("program"),
    )
    outside_learning = models.OneToOneField(
        OutsideLearning,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="completion",
        verbose_name=_("outside learning"),
    )
    session = models.ForeignKey(
        TrainingSession,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="completions",
        verbose_name=_("session"),
    )
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="completions", verbose_name=_("district")
    )
    completion_date = models.DateField(_("completion date"))
    # Guarded by the named constraint completion_jp_not_negative (see TrainingProgram).
    jp_credited = models.SmallIntegerField(_("JP credited"), validators=[MinValueValidator(0)])
    score = models.DecimalField(
        _("score"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    passed = models.BooleanField(_("passed"))
    certificate_number = models.CharField(
        _("certificate number"), max_length=60, null=True, blank=True, unique=True
    )
    verification_code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # Snapshot of the participant on the day the certificate was issued.
    participant_name = models.CharField(_("participant name"), max_length=250, blank=True)
    participant_nip = models.CharField(_("participant NIP"), max_length=18, blank=True)
    participant_rank = models.CharField(_("participant rank"), max_length=60, blank=True)
    participant_position = models.CharField(_("participant position"), max_length=150, blank=True)
    # Snapshot of the issuing agency and its signatory on that day.
    agency_name = models.CharField(_("issuing agency"), max_length=200, blank=True)
    signatory_name = models.CharField(_("signatory name"), max_length=150, blank=True)
    signatory_nip = models.CharField(_("signatory NIP"), max_length=18, blank=True)
    signatory_position = models.CharField(_("signatory position"), max_length=150, blank=True)
    issued_at = models.DateTimeField(_("issued at"), null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # For exports (``updated_since``): every save moves it; certificates issued
    # by a queryset update() set it themselves.
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        ordering = ["-completion_date"]
        verbose_name = _("completion record")
        verbose_name_plural = _("completion records")
        constraints = [
            models.UniqueConstraint(
                fields=["civil_servant", "session"],
                condition=Q(session__isnull=False),
                name="one_completion_per_person_session",
            ),
            models.CheckConstraint(
                condition=Q(jp_credited__gte=0), name="completion_jp_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__gte=0, score__lte=100),
                name="completion_score_range",
            ),
            models.CheckConstraint(
                condition=Q(certificate_number__isnull=True) | Q(passed=True),
                name="certificate_only_when_passed",
            ),
            models.CheckConstraint(
                condition=Q(program__isnull=False, outside_learning__isnull=True)
                | Q(program__isnull=True, outside_learning__isnull=False, session__isnull=True),
                name="completion_program_or_outside",
            ),
        ]
        indexes = [
            models.Index(fields=["civil_servant", "completion_date"]),
            models.Index(fields=["district", "completion_date"]),
            # The competency gaps read who passed which program when, from the index alone.
            models.Index(
                fields=["civil_servant", "program", "completion_date"],
                condition=Q(passed=True),
                name="completion_passed_cover",
            ),
        ]

    def __str__(self):
        return f"{self.civil_servant} · {self.title} · {self.completion_date}"

    @property
    def is_outside(self) -> bool:
        return self.outside_learning_id is not None

    @property
    def title(self) -> str:
        """Return what was learned: the program's title, or the outside activity's."""
        if self.program_id is not None:
            return self.program.title
        return self.outside_learning.title

    def snapshot_issuer(self) -> None:
        """Copy the district's agency and signatory as they are on the day of issue."""
        district = self.district
        self.agency_name = district.agency_name
        self.signatory_name = district.signatory_name
        self.signatory_nip = district.signatory_nip
        self.signatory_position = district.signatory_position


class CertificateSequence(models.Model):
    """The last certificate number issued per district and year (gap-free)."""

    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["district", "year"], name="certificate_seq_unique"),
        ]

    def __str__(self):
        return f"{self.district} {self.year}: {self.last_number}"
