"""What the API reads and writes, field by field (the schema is generated from these)."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from districts.models import CivilServant, District, ScheduleEntry, WorkUnit

from ..models import (
    CompletionRecord,
    Enrollment,
    Meeting,
    OutsideLearning,
    TrainingProgram,
    TrainingSession,
)
from ..services.programs import EDITABLE_FIELDS


class DistrictSerializer(serializers.ModelSerializer):
    class Meta:
        model = District
        fields = ["id", "slug", "name", "level", "province", "bps_code", "time_zone"]


class WorkUnitSerializer(serializers.ModelSerializer):
    district = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = WorkUnit
        fields = ["id", "district", "code", "name", "kind", "parent", "works_in_shifts"]


class CivilServantSerializer(serializers.ModelSerializer):
    district = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    work_unit = serializers.SlugRelatedField(slug_field="code", read_only=True)
    supervisor = serializers.SlugRelatedField(slug_field="nip", read_only=True, allow_null=True)

    class Meta:
        model = CivilServant
        fields = [
            "id",
            "nip",
            "name",
            "front_title",
            "back_title",
            "gender",
            "birth_date",
            "asn_type",
            "rank",
            "position_type",
            "position_title",
            "district",
            "work_unit",
            "supervisor",
            "email",
            "is_active",
        ]


class ScheduleEntrySerializer(serializers.ModelSerializer):
    nip = serializers.CharField(source="civil_servant.nip", read_only=True)

    class Meta:
        model = ScheduleEntry
        fields = [
            "id",
            "external_id",
            "nip",
            "kind",
            "leave_type",
            "start",
            "end",
            "note",
            "source",
        ]


class ProgramSerializer(serializers.ModelSerializer):
    district = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = TrainingProgram
        fields = [
            "id",
            "district",
            "code",
            "title",
            "competency_kind",
            "form",
            "method",
            "provider",
            "jp_credited",
            "requires_supervisor_approval",
            "open_to_other_districts",
            "is_active",
        ]


class MeetingSerializer(serializers.ModelSerializer):
    """One meeting; its join link only to HR of the district and to a participant (as the web)."""

    venue = serializers.CharField(source="venue.name", read_only=True, allow_null=True)
    join_link = serializers.SerializerMethodField(
        help_text=_(
            "Only for HR of the district, and for a participant from 30 minutes before the "
            "meeting starts; otherwise empty."
        )
    )

    class Meta:
        model = Meeting
        fields = ["id", "start", "end", "venue", "is_online", "join_link", "is_cancelled"]

    def get_join_link(self, meeting) -> str:
        shown = self.context.get("join_links")
        return meeting.join_link if shown is not None and shown(meeting) else ""


class SessionSerializer(serializers.ModelSerializer):
    district = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    program_code = serializers.CharField(source="program.code", read_only=True)
    program_title = serializers.CharField(source="program.title", read_only=True)
    venue = serializers.CharField(source="venue.name", read_only=True, allow_null=True)
    meetings = MeetingSerializer(many=True, read_only=True)

    class Meta:
        model = TrainingSession
        fields = [
            "id",
            "district",
            "program",
            "program_code",
            "program_title",
            "venue",
            "start",
            "end",
            "capacity",
            "status",
            "enrollment_opens_at",
            "enrollment_closes_at",
            "meetings",
        ]


class EnrollmentSerializer(serializers.ModelSerializer):
    nip = serializers.CharField(source="civil_servant.nip", read_only=True)

    class Meta:
        model = Enrollment
        fields = ["id", "session", "civil_servant", "nip", "status", "created_at", "updated_at"]


class EnrollRequestSerializer(serializers.Serializer):
    session = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    civil_servant = serializers.IntegerField(
        min_value=1,
        max_value=2**63 - 1,
        required=False,
        allow_null=True,
        default=None,
        help_text=_("Whom HR enrols; empty (or yourself) to enrol yourself, as in the catalogue."),
    )
    confirm_clash = serializers.BooleanField(
        default=False, help_text=_("Enrol even when the session clashes with the schedule.")
    )


class CancelRequestSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500, allow_blank=True, default="")


class OutsideLearningSerializer(serializers.ModelSerializer):
    """The activity of a verified outside-learning record (the person's own claim)."""

    institution = serializers.CharField(source="institution.name", read_only=True)
    method_label = serializers.CharField(source="get_method_display", read_only=True)
    # Explicit bounds: the model field's own depend on the database (the schema must not).
    jp_claimed = serializers.IntegerField(read_only=True, min_value=0, max_value=32767)

    class Meta:
        model = OutsideLearning
        fields = [
            "id",
            "title",
            "institution",
            "method",
            "method_label",
            "competency_kind",
            "start_date",
            "end_date",
            "hours",
            "jp_claimed",
        ]


KINDS = [("program", _("training of a program")), ("outside_learning", _("outside learning"))]


class CompletionRecordSerializer(serializers.ModelSerializer):
    nip = serializers.CharField(source="civil_servant.nip", read_only=True)
    kind = serializers.SerializerMethodField(
        help_text=_(
            "program: training of a portal program; outside_learning: verified outside "
            "learning (program empty, see outside_learning)."
        )
    )
    program_code = serializers.CharField(source="program.code", read_only=True, allow_null=True)
    program_title = serializers.CharField(source="program.title", read_only=True, allow_null=True)
    outside_learning = OutsideLearningSerializer(read_only=True, allow_null=True)
    jp_credited = serializers.IntegerField(read_only=True, min_value=0, max_value=32767)
    start = serializers.DateTimeField(source="session.start", read_only=True, allow_null=True)
    end = serializers.DateTimeField(source="session.end", read_only=True, allow_null=True)

    class Meta:
        model = CompletionRecord
        fields = [
            "id",
            "nip",
            "kind",
            "program",
            "program_code",
            "program_title",
            "outside_learning",
            "session",
            "start",
            "end",
            "completion_date",
            "jp_credited",
            "score",
            "passed",
            "certificate_number",
            "issued_at",
            "updated_at",
        ]

    @extend_schema_field(serializers.ChoiceField(choices=KINDS))
    def get_kind(self, record) -> str:
        return "outside_learning" if record.outside_learning_id else "program"


# --- HR writes of programs and sessions (through the web's services) ---------------

# Moments outside these years are refused before any arithmetic (no overflow, no 500).
EARLIEST_YEAR, LATEST_YEAR = 2000, 2100


def check_year(value):
    if value is not None and not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
        raise serializers.ValidationError(
            _("Give a moment between the years %(first)d and %(last)d.")
            % {"first": EARLIEST_YEAR, "last": LATEST_YEAR}
        )
    return value


def _moment(**kwargs):
    return serializers.DateTimeField(validators=[check_year], **kwargs)


def _id(**kwargs):
    return serializers.IntegerField(min_value=1, max_value=2**63 - 1, **kwargs)


class ProgramWriteSerializer(serializers.ModelSerializer):
    """A program as HR writes it (the program form's fields); ``district`` by slug."""

    district = serializers.SlugField(
        write_only=True, help_text=_("The district's slug (one of yours); only on create.")
    )

    class Meta:
        model = TrainingProgram
        fields = ["district", *EDITABLE_FIELDS]
        validators = []  # the service checks that the code is free in the district


class MeetingPlanSerializer(serializers.Serializer):
    """One meeting to write: its interval, and a venue or an online link (or both)."""

    id = _id(
        required=False,
        allow_null=True,
        help_text=_("On update: the meeting kept (its id); empty for a new meeting."),
    )
    start = _moment()
    end = _moment()
    venue = _id(required=False, allow_null=True, default=None)
    is_online = serializers.BooleanField(default=False)
    join_link = serializers.URLField(max_length=200, required=False, allow_blank=True, default="")
    instructor = _id(required=False, allow_null=True, default=None)

    def validate(self, attrs):
        if not attrs.get("venue") and not attrs.get("join_link"):
            raise serializers.ValidationError(
                {"venue": _("Choose a venue or give an online link.")}
            )
        return attrs


class SessionWriteSerializer(serializers.Serializer):
    """A session as HR schedules or changes it; warnings need ``override_reason``."""

    program = _id(help_text=_("Only on create."))
    capacity = serializers.IntegerField(min_value=1, max_value=10_000)
    instructor = _id(required=False, allow_null=True, default=None)
    enrollment_opens_at = _moment(required=False, allow_null=True, default=None)
    enrollment_closes_at = _moment(required=False, allow_null=True, default=None)
    cost_amount = serializers.DecimalField(
        max_digits=14,
        decimal_places=2,
        min_value=0,
        required=False,
        allow_null=True,
        default=None,
    )
    cost_basis = serializers.ChoiceField(
        choices=TrainingSession.CostBasis.choices, required=False, allow_blank=True, default=""
    )
    meetings = MeetingPlanSerializer(many=True, allow_empty=False, max_length=100)
    override_reason = serializers.CharField(
        max_length=1000,
        required=False,
        allow_blank=True,
        default="",
        help_text=_(
            "Why the warnings (holiday, clashes, seats, budget) may be overridden; without it "
            "a write that raises warnings answers 409 and lists them."
        ),
    )

    def validate(self, attrs):
        opens, closes = attrs.get("enrollment_opens_at"), attrs.get("enrollment_closes_at")
        if opens and closes and closes <= opens:
            raise serializers.ValidationError(
                {"enrollment_closes_at": _("Enrolment must close after it opens.")}
            )
        if "cost_amount" in attrs or "cost_basis" in attrs:
            amount, basis = attrs.get("cost_amount"), attrs.get("cost_basis", "")
            if amount is not None and not basis:
                raise serializers.ValidationError(
                    {"cost_basis": _("Choose whether the cost is per participant or total.")}
                )
            if amount is None and basis:
                raise serializers.ValidationError(
                    {"cost_amount": _("Enter the cost, or leave the cost basis empty.")}
                )
        return attrs


class MeetingsSerializer(serializers.Serializer):
    """The meetings of a change, checked in full even when the rest is partial."""

    meetings = MeetingPlanSerializer(many=True, allow_empty=False, max_length=100)


class SessionCancelSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=1000, help_text=_("Why the session is cancelled."))


class WarningSerializer(serializers.Serializer):
    kind = serializers.CharField()
    start = serializers.DateTimeField()
    message = serializers.CharField()


class ConflictSerializer(serializers.Serializer):
    kind = serializers.CharField()
    kind_label = serializers.CharField()
    person_id = serializers.IntegerField()
    enrollment_id = serializers.IntegerField(allow_null=True)
    session_id = serializers.IntegerField()
    session_start = serializers.DateTimeField()
    session_end = serializers.DateTimeField()
    other_label = serializers.CharField()
    other_start = serializers.DateTimeField()
    other_end = serializers.DateTimeField()
    resolved = serializers.BooleanField()


# --- Bulk upsert of civil servants (SIMPEG sync) ------------------------------


def _cell(**kwargs):
    return serializers.CharField(
        required=False, allow_blank=True, max_length=200, default="", **kwargs
    )


class PersonRowSerializer(serializers.Serializer):
    """One person, as a row of the HR personnel import (the same checks, the same messages)."""

    nip = serializers.CharField(max_length=40)
    name = serializers.CharField(max_length=200)
    front_title = _cell()
    back_title = _cell()
    gender = serializers.CharField(max_length=20, help_text=_("L (male) or P (female)."))
    birth_date = serializers.CharField(max_length=20, help_text=_("DD-MM-YYYY or YYYY-MM-DD."))
    asn_type = serializers.CharField(max_length=10, help_text=_("PNS, CPNS or PPPK."))
    rank = serializers.CharField(max_length=20, help_text=_("e.g. III/a, or IX for PPPK."))
    position_title = serializers.CharField(max_length=200)
    position_type = _cell(help_text=_("Default: pelaksana."))
    work_unit = serializers.CharField(max_length=200, help_text=_("Code or name of the unit."))
    supervisor = _cell(help_text=_("The supervisor's NIP."))
    email = _cell()


class BulkOptionsSerializer(serializers.Serializer):
    dry_run = serializers.BooleanField(
        default=False, help_text=_("Check every row and say what would change; write nothing.")
    )
    good_rows_only = serializers.BooleanField(
        default=False,
        help_text=_("Write the good rows and skip the bad ones (default: all rows or nothing)."),
    )


class PeopleBulkSerializer(BulkOptionsSerializer):
    district = serializers.SlugField(help_text=_("The district's slug."))
    rows = PersonRowSerializer(many=True, allow_empty=False, max_length=10_000)


class ScheduleRowSerializer(serializers.Serializer):
    """One entry, as a row of the HR schedule import, with the roster system's id."""

    external_id = serializers.CharField(
        max_length=200, help_text=_("The entry's id in the roster system (the upsert key).")
    )
    nip = serializers.CharField(max_length=40)
    kind = serializers.CharField(
        max_length=60, help_text=_("duty_shift, leave, official_travel or other (or as shown).")
    )
    leave_type = _cell(help_text=_("For leave: tahunan, sakit, ..."))
    start = serializers.CharField(
        max_length=40, help_text=_("Local time of the district: YYYY-MM-DDTHH:MM.")
    )
    end = serializers.CharField(max_length=40)
    note = _cell()


class ScheduleBulkSerializer(BulkOptionsSerializer):
    district = serializers.SlugField(help_text=_("The district's slug."))
    rows = ScheduleRowSerializer(many=True, allow_empty=False, max_length=10_000)


class RowErrorSerializer(serializers.Serializer):
    column = serializers.CharField()
    message = serializers.CharField()


class RowResultSerializer(serializers.Serializer):
    row = serializers.IntegerField(help_text=_("The row's number, from 1."))
    action = serializers.ChoiceField(choices=["create", "update", "reject"])
    nip = serializers.CharField()
    errors = RowErrorSerializer(many=True)


class CountsSerializer(serializers.Serializer):
    create = serializers.IntegerField()
    update = serializers.IntegerField()
    reject = serializers.IntegerField()


class BulkResultSerializer(serializers.Serializer):
    dry_run = serializers.BooleanField()
    written = serializers.BooleanField(help_text=_("Whether anything was written."))
    counts = CountsSerializer()
    rows = RowResultSerializer(many=True)


class ProblemSerializer(serializers.Serializer):
    type = serializers.CharField()
    title = serializers.CharField()
    status = serializers.IntegerField()
    detail = serializers.CharField()
    errors = serializers.JSONField(required=False)
    rows = RowResultSerializer(many=True, required=False)
    counts = CountsSerializer(required=False)
    warnings = WarningSerializer(many=True, required=False)
    retry_after = serializers.IntegerField(required=False)
