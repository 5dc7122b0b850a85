"""The catalogue: venues, instructors and training programs."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from districts.models import CivilServant, District

# The bounds of the forms: the completion form credits at most 1000 JP, and a
# session takes at most 10,000 participants.
MAX_JP = 1000
MAX_SEATS = 10000


class Venue(models.Model):
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="venues", verbose_name=_("district")
    )
    name = models.CharField(_("name"), max_length=150)
    address = models.CharField(_("address"), max_length=255, blank=True)
    capacity = models.PositiveIntegerField(
        _("seats"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(MAX_SEATS)],
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("venue")
        verbose_name_plural = _("venues")
        constraints = [
            models.UniqueConstraint(fields=["district", "name"], name="venue_name_unique"),
        ]

    def __str__(self):
        return self.name


class Instructor(models.Model):
    district = models.ForeignKey(
        District,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="instructors",
        verbose_name=_("district"),
        help_text=_("Empty for an instructor shared by all districts."),
    )
    name = models.CharField(_("name"), max_length=150)
    institution = models.CharField(_("institution"), max_length=150, blank=True)
    email = models.EmailField(_("email"), blank=True)
    civil_servant = models.ForeignKey(
        CivilServant,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("civil servant"),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("instructor")
        verbose_name_plural = _("instructors")

    def __str__(self):
        return f"{self.name} ({self.institution})" if self.institution else self.name


class TrainingProgram(models.Model):
    class CompetencyKind(models.TextChoices):
        TEKNIS = "teknis", _("Technical")
        MANAJERIAL = "manajerial", _("Managerial")
        SOSIAL_KULTURAL = "sosial_kultural", _("Socio-cultural")

    class Form(models.TextChoices):
        KLASIKAL = "klasikal", _("Classroom (klasikal)")
        NONKLASIKAL = "nonklasikal", _("Non-classroom (nonklasikal)")

    class Method(models.TextChoices):
        WORKSHOP = "workshop", _("Workshop (lokakarya)")
        SEMINAR = "seminar", _("Seminar")
        COURSE = "course", _("Course")
        BIMTEK = "bimtek", _("Technical guidance (bimtek)")
        SOSIALISASI = "sosialisasi", _("Socialisation")
        LECTURE = "lecture", _("Lecture")
        GROUP_DISCUSSION = "group_discussion", _("Group discussion")
        SIMULATION = "simulation", _("Simulation")
        E_LEARNING = "e_learning", _("E-learning")
        COACHING = "coaching", _("Coaching")
        MENTORING = "mentoring", _("Mentoring")
        INTERNSHIP = "internship", _("Internship (magang)")
        BENCHMARKING = "benchmarking", _("Benchmarking")
        COMMUNITY = "community", _("Community of practice")
        SELF_STUDY = "self_study", _("Self-study")

    district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="programs", verbose_name=_("district")
    )
    code = models.CharField(_("code"), max_length=30)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    competency_kind = models.CharField(
        _("competency kind"), max_length=16, choices=CompetencyKind.choices
    )
    form = models.CharField(_("form"), max_length=12, choices=Form.choices)
    method = models.CharField(_("method"), max_length=20, choices=Method.choices)
    provider = models.CharField(
        _("provider or partner"),
        max_length=150,
        blank=True,
        help_text=_("E.g. a local university or NGO; empty when HR runs it."),
    )
    # Not a PositiveSmallIntegerField: its own unnamed CHECK would shadow the
    # named constraint program_jp_not_negative on SQLite, which checks column
    # constraints first.
    jp_credited = models.SmallIntegerField(
        _("JP credited"),
        help_text=_("Lesson hours (jam pelajaran) credited on completion."),
        validators=[MinValueValidator(0), MaxValueValidator(MAX_JP)],
    )
    min_attendance_percent = models.SmallIntegerField(
        _("minimum attendance (%)"),
        default=100,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_("Share of the meetings a participant must attend to complete."),
    )
    requires_supervisor_approval = models.BooleanField(
        _("requires supervisor approval"), default=False
    )
    open_to_other_districts = models.BooleanField(
        _("open to other districts"),
        default=False,
        help_text=_("Civil servants of other districts may enrol."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["title"]
        verbose_name = _("training program")
        verbose_name_plural = _("training programs")
        constraints = [
            models.UniqueConstraint(fields=["district", "code"], name="program_code_unique"),
            models.CheckConstraint(condition=Q(jp_credited__gte=0), name="program_jp_not_negative"),
            models.CheckConstraint(
                condition=Q(min_attendance_percent__gte=1, min_attendance_percent__lte=100),
                name="program_min_attendance_range",
            ),
        ]

    def __str__(self):
        return f"{self.code} {self.title}"
