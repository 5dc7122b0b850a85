"""The organisation: districts, work units, civil servants, schedules, holidays."""

import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Length
from django.db.models.lookups import Exact
from django.utils.translation import gettext_lazy as _

from .nip import format_nip, normalize_nip, parse_nip
from .ranks import RANK_CHOICES, rank_label, ranks_for
from .validation import EARLIEST, LATEST, in_portal_range

ZONE_LABELS = {"Asia/Jakarta": "WIB", "Asia/Makassar": "WITA", "Asia/Jayapura": "WIT"}


class District(models.Model):
    class Level(models.TextChoices):
        KECAMATAN = "kecamatan", _("Kecamatan")
        KOTA = "kota", _("Kota")
        KABUPATEN = "kabupaten", _("Kabupaten")

    class Zone(models.TextChoices):
        WIB = "Asia/Jakarta", "WIB (Asia/Jakarta, UTC+7)"
        WITA = "Asia/Makassar", "WITA (Asia/Makassar, UTC+8)"
        WIT = "Asia/Jayapura", "WIT (Asia/Jayapura, UTC+9)"

    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(_("slug"), unique=True)
    level = models.CharField(_("level"), max_length=12, choices=Level.choices)
    parent_city = models.CharField(
        _("part of"),
        max_length=100,
        blank=True,
        help_text=_("City or regency the kecamatan belongs to; empty for a kota/kabupaten."),
    )
    province = models.CharField(_("province"), max_length=100)
    bps_code = models.CharField(_("BPS code"), max_length=13, unique=True)
    time_zone = models.CharField(_("time zone"), max_length=32, choices=Zone.choices)
    certificate_template = models.CharField(
        _("certificate number template"),
        max_length=60,
        default="{seq:03d}/BKPSDM/{year}",
        help_text=_("Use {seq} and {year}, e.g. {seq:03d}/BKPSDM-SBY/{year}."),
    )
    hr_email = models.EmailField(
        _("HR mailbox"),
        blank=True,
        help_text=_("Replies to calendar invitations go here, e.g. bkpsdm@surabaya.go.id."),
    )
    agency_name = models.CharField(
        _("issuing agency"),
        max_length=200,
        blank=True,
        help_text=_("Printed at the top of certificates, e.g. BKPSDM Kota Surabaya."),
    )
    agency_logo = models.FileField(
        _("agency logo"),
        upload_to="logos/",
        blank=True,
        help_text=_("PNG or JPEG, printed on certificates."),
    )
    signatory_name = models.CharField(_("signatory name"), max_length=150, blank=True)
    signatory_nip = models.CharField(_("signatory NIP"), max_length=18, blank=True)
    signatory_position = models.CharField(
        _("signatory position"),
        max_length=150,
        blank=True,
        help_text=_("E.g. Kepala BKPSDM."),
    )
    hr_staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="managed_districts",
        verbose_name=_("HR staff"),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("district")
        verbose_name_plural = _("districts")

    def __str__(self):
        return self.name

    @property
    def zone_label(self) -> str:
        """Return WIB, WITA or WIT: derived from the IANA zone, never stored."""
        return ZONE_LABELS[self.time_zone]

    @property
    def tzinfo(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)


class WorkUnit(models.Model):
    class Kind(models.TextChoices):
        SEKRETARIAT = "sekretariat", _("Secretariat")
        DINAS = "dinas", _("Agency (dinas)")
        BADAN = "badan", _("Board (badan)")
        KECAMATAN = "kecamatan", _("Sub-district office")
        KELURAHAN = "kelurahan", _("Kelurahan")
        UPT = "upt", _("Technical unit (UPT)")
        PUSKESMAS = "puskesmas", _("Community health centre")
        BAGIAN = "bagian", _("Division (bagian/bidang)")
        SEKSI = "seksi", _("Section (seksi/subbagian)")

    district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="work_units", verbose_name=_("district")
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent unit"),
    )
    name = models.CharField(_("name"), max_length=150)
    code = models.CharField(_("code"), max_length=30)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    works_in_shifts = models.BooleanField(
        _("works in shifts"),
        default=False,
        help_text=_("Serves the public directly and runs duty shifts."),
    )

    class Meta:
        ordering = ["district__name", "name"]
        verbose_name = _("work unit")
        verbose_name_plural = _("work units")
        constraints = [
            models.UniqueConstraint(fields=["district", "code"], name="workunit_code_unique"),
            models.CheckConstraint(condition=~Q(parent=F("pk")), name="workunit_not_own_parent"),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        if self.parent_id and self.parent.district_id != self.district_id:
            raise ValidationError({"parent": _("The parent unit must be in the same district.")})
        ancestor = self.parent
        while ancestor is not None:
            if ancestor.pk == self.pk and self.pk is not None:
                raise ValidationError({"parent": _("A unit cannot be inside itself.")})
            ancestor = ancestor.parent


class CivilServant(models.Model):
    class AsnType(models.TextChoices):
        PNS = "PNS", _("PNS (civil servant)")
        CPNS = "CPNS", _("CPNS (candidate civil servant)")
        PPPK = "PPPK", _("PPPK (government employee with contract)")

    class Gender(models.TextChoices):
        MALE = "male", _("Male")
        FEMALE = "female", _("Female")

    class PositionType(models.TextChoices):
        JPT_UTAMA = "jpt_utama", _("Senior executive (JPT utama)")
        JPT_MADYA = "jpt_madya", _("Senior executive (JPT madya)")
        JPT_PRATAMA = "jpt_pratama", _("Senior executive (JPT pratama)")
        ADMINISTRATOR = "administrator", _("Administrator")
        PENGAWAS = "pengawas", _("Supervisor (pengawas)")
        FUNGSIONAL = "fungsional", _("Functional")
        PELAKSANA = "pelaksana", _("Executor (pelaksana)")

    MANAGERIAL = {"jpt_utama", "jpt_madya", "jpt_pratama", "administrator", "pengawas"}

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="civil_servant",
        verbose_name=_("login user"),
    )
    nip = models.CharField(_("NIP"), max_length=18, unique=True)
    asn_type = models.CharField(_("ASN type"), max_length=4, choices=AsnType.choices)
    front_title = models.CharField(_("front title"), max_length=30, blank=True)
    name = models.CharField(_("name"), max_length=150)
    back_title = models.CharField(_("back title"), max_length=50, blank=True)
    gender = models.CharField(_("gender"), max_length=6, choices=Gender.choices)
    birth_date = models.DateField(_("birth date"))
    rank = models.CharField(_("rank / grade"), max_length=5, choices=RANK_CHOICES)
    position_type = models.CharField(
        _("position type"), max_length=14, choices=PositionType.choices
    )
    position_title = models.CharField(_("position"), max_length=150)
    work_unit = models.ForeignKey(
        WorkUnit, on_delete=models.PROTECT, related_name="members", verbose_name=_("work unit")
    )
    district = models.ForeignKey(
        District,
        on_delete=models.PROTECT,
        related_name="civil_servants",
        verbose_name=_("district"),
    )
    supervisor = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="direct_reports",
        verbose_name=_("direct supervisor"),
    )
    email = models.EmailField(_("email"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    calendar_token = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("civil servant")
        verbose_name_plural = _("civil servants")
        constraints = [
            models.CheckConstraint(condition=Exact(Length("nip"), 18), name="nip_has_18_chars"),
            models.CheckConstraint(
                condition=~Q(supervisor=F("pk")), name="civilservant_not_own_supervisor"
            ),
        ]
        indexes = [models.Index(fields=["district", "work_unit"])]

    def __str__(self):
        return f"{self.full_name} ({self.nip_display})"

    @property
    def full_name(self) -> str:
        return self.compose_name(self.front_title, self.name, self.back_title)

    @staticmethod
    def compose_name(front_title: str, name: str, back_title: str) -> str:
        """Return the name with its titles, as ``full_name`` (for rows read without a model)."""
        name = f"{front_title} {name}".strip()
        return f"{name}, {back_title}" if back_title else name

    @property
    def nip_display(self) -> str:
        return format_nip(self.nip)

    @property
    def rank_display(self) -> str:
        return rank_label(self.rank)

    @property
    def is_managerial(self) -> bool:
        return self.position_type in self.MANAGERIAL

    def clean_fields(self, exclude=None):
        self.nip = normalize_nip(self.nip)
        super().clean_fields(exclude=exclude)

    def clean(self):
        errors = {}
        if self.nip:
            try:
                self.nip = parse_nip(
                    self.nip,
                    asn_type=self.asn_type,
                    gender=self.gender or None,
                    birth_date=self.birth_date,
                ).digits
            except ValidationError as exc:
                errors["nip"] = exc.messages
        if self.asn_type and self.rank and self.rank not in ranks_for(self.asn_type):
            errors["rank"] = _("Rank %(rank)s is not a rank for %(type)s.") % {
                "rank": self.rank,
                "type": self.asn_type,
            }
        if (
            self.work_unit_id
            and self.district_id
            and self.work_unit.district_id != self.district_id
        ):
            errors["work_unit"] = _("The work unit belongs to another district.")
        if self.supervisor_id:
            if self.supervisor_id == self.pk:
                errors["supervisor"] = _("A person cannot supervise themself.")
            elif self.pk and self.supervisor_creates_cycle(self.supervisor_id):
                errors["supervisor"] = _(
                    "This supervisor reports (directly or indirectly) to this person: "
                    "the reporting line would form a cycle."
                )
        if errors:
            raise ValidationError(errors)

    def supervisor_creates_cycle(self, supervisor_id: int) -> bool:
        """Return whether making ``supervisor_id`` our supervisor closes a loop."""
        seen = set()
        current = supervisor_id
        while current is not None and current not in seen:
            if current == self.pk:
                return True
            seen.add(current)
            current = (
                CivilServant.objects.filter(pk=current)
                .values_list("supervisor_id", flat=True)
                .first()
            )
        return False


class ScheduleEntry(models.Model):
    class Kind(models.TextChoices):
        DUTY_SHIFT = "duty_shift", _("Duty shift")
        LEAVE = "leave", _("Leave")
        OFFICIAL_TRAVEL = "official_travel", _("Official travel")
        OTHER = "other", _("Other")

    class LeaveType(models.TextChoices):
        TAHUNAN = "tahunan", _("Annual leave")
        BESAR = "besar", _("Long service leave")
        SAKIT = "sakit", _("Sick leave")
        MELAHIRKAN = "melahirkan", _("Maternity leave")
        ALASAN_PENTING = "alasan_penting", _("Leave for important reasons")
        BERSAMA = "bersama", _("Collective leave")
        CLTN = "cltn", _("Unpaid leave (CLTN)")

    PPPK_LEAVE_TYPES = {"tahunan", "sakit", "melahirkan", "bersama"}

    class Source(models.TextChoices):
        SELF = "self", _("Entered by the person")
        HR = "hr", _("Entered by HR")
        IMPORT = "import", _("Imported by HR")

    civil_servant = models.ForeignKey(
        CivilServant,
        on_delete=models.CASCADE,
        related_name="schedule_entries",
        verbose_name=_("civil servant"),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    leave_type = models.CharField(
        _("leave type"), max_length=16, choices=LeaveType.choices, blank=True
    )
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    note = models.CharField(_("note"), max_length=255, blank=True)
    source = models.CharField(
        _("source"), max_length=8, choices=Source.choices, default=Source.SELF
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("entered by"),
    )
    # The entry's id in the roster system that sent it: the API's upsert key
    # within a district (blank for entries made in the portal).
    external_id = models.CharField(_("external id"), max_length=64, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["start"]
        verbose_name = _("schedule entry")
        verbose_name_plural = _("schedule entries")
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=F("start")), name="schedule_end_after_start"
            ),
            models.CheckConstraint(
                condition=(Q(kind="leave") & ~Q(leave_type=""))
                | (~Q(kind="leave") & Q(leave_type="")),
                name="schedule_leave_type_iff_leave",
            ),
            # A copy of the same shift would raise its own clash and notification.
            models.UniqueConstraint(
                fields=["civil_servant", "kind", "start", "end"],
                name="schedule_entry_not_duplicated",
                violation_error_message=_("This entry is already in the schedule."),
            ),
        ]
        indexes = [
            models.Index(fields=["civil_servant", "start", "end"]),
            models.Index(fields=["start", "end"]),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.start:%Y-%m-%d %H:%M}"

    def clean(self):
        errors = {}
        for name in ("start", "end"):
            value = getattr(self, name)
            if value and not in_portal_range(value):
                errors[name] = ValidationError(
                    _("Enter a date between %(first)d and %(last)d."),
                    params={"first": EARLIEST.year, "last": LATEST.year},
                )
        if self.start and self.end and self.end <= self.start:
            errors["end"] = _("The end must be after the start.")
        if self.kind == self.Kind.LEAVE and not self.leave_type:
            errors["leave_type"] = _("Choose the type of leave.")
        if self.kind != self.Kind.LEAVE and self.leave_type:
            errors["leave_type"] = _("A leave type only goes with leave.")
        if (
            self.kind == self.Kind.LEAVE
            and self.leave_type
            and self.civil_servant_id
            and self.civil_servant.asn_type == CivilServant.AsnType.PPPK
            and self.leave_type not in self.PPPK_LEAVE_TYPES
        ):
            errors["leave_type"] = _("This leave type is not available to PPPK.")
        if errors:
            raise ValidationError(errors)


class Holiday(models.Model):
    class Kind(models.TextChoices):
        NATIONAL = "libur_nasional", _("National holiday")
        COLLECTIVE_LEAVE = "cuti_bersama", _("Collective leave (cuti bersama)")
        REGIONAL = "regional", _("Regional holiday")

    date = models.DateField(_("date"))
    name = models.CharField(_("name"), max_length=150)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    district = models.ForeignKey(
        District,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="holidays",
        verbose_name=_("district"),
        help_text=_("Empty for a holiday in the whole country."),
    )

    class Meta:
        ordering = ["date"]
        verbose_name = _("holiday")
        verbose_name_plural = _("holidays")
        constraints = [
            models.UniqueConstraint(
                fields=["date", "name"],
                condition=Q(district__isnull=True),
                name="holiday_national_unique",
            ),
            models.UniqueConstraint(
                fields=["date", "name", "district"],
                condition=Q(district__isnull=False),
                name="holiday_regional_unique",
            ),
            models.CheckConstraint(
                condition=~Q(kind="regional") | Q(district__isnull=False),
                name="holiday_regional_has_district",
            ),
        ]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.name}"
