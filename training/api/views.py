"""The API's endpoints: scoped reads, and writes through the web's own services."""

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from districts.models import CivilServant, District, ScheduleEntry, WorkUnit
from districts.scoping import scope_for

from ..models import (
    ApiToken,
    AuditEntry,
    CompletionRecord,
    Enrollment,
    Meeting,
    TrainingProgram,
    TrainingSession,
)
from ..services import audit, conflicts, enrollment, people_sync, schedule_sync
from ..services.meetings import TAKING_PART, join_link_shown
from . import filters, serializers
from .problems import PROBLEM_TYPE

PROBLEM = serializers.ProblemSerializer
# Errors are problem details (RFC 9457), documented with their own media type.
ERRORS = {(code, PROBLEM_TYPE): PROBLEM for code in (400, 401, 403, 404, 413, 429)}


def via(request) -> str:
    """Name the channel for the audit trail: the token's name, or the web session."""
    token = request.auth
    if isinstance(token, ApiToken):
        return _("API, token “%(name)s”") % {"name": token.name}
    return _("API, web session")


def record_write(request, *, district_id: int, detail: str, session=None) -> None:
    audit.record(
        session=session,
        district_id=district_id,
        actor=request.user,
        action=AuditEntry.Action.API_WRITE,
        detail=f"{via(request)}: {detail}",
    )


class ScopedReadViewSet(viewsets.ReadOnlyModelViewSet):
    """A list and a detail of one model, limited by the caller's scope."""

    base_queryset = None

    def scope(self):
        return scope_for(self.request.user)

    def get_queryset(self):
        return self.scope().filter(self.base_queryset.all())


def _read_docs(serializer):
    return extend_schema_view(
        list=extend_schema(responses={200: serializer(many=True), **ERRORS}),
        retrieve=extend_schema(responses={200: serializer, **ERRORS}),
    )


@_read_docs(serializers.DistrictSerializer)
class DistrictViewSet(ScopedReadViewSet):
    base_queryset = District.objects.order_by("name")
    serializer_class = serializers.DistrictSerializer
    filterset_fields = ["slug", "level"]


@_read_docs(serializers.WorkUnitSerializer)
class WorkUnitViewSet(ScopedReadViewSet):
    base_queryset = WorkUnit.objects.select_related("district").order_by("district_id", "code")
    serializer_class = serializers.WorkUnitSerializer
    filterset_class = filters.WorkUnitFilter


@_read_docs(serializers.CivilServantSerializer)
class CivilServantViewSet(ScopedReadViewSet):
    base_queryset = CivilServant.objects.select_related(
        "district", "work_unit", "supervisor"
    ).order_by("nip")
    serializer_class = serializers.CivilServantSerializer
    filterset_class = filters.CivilServantFilter

    @extend_schema(
        request=serializers.PeopleBulkSerializer,
        responses={
            200: serializers.BulkResultSerializer,
            (422, PROBLEM_TYPE): PROBLEM,
            **ERRORS,
        },
        description=gettext_lazy(
            "Create or update civil servants by NIP (SIMPEG sync), with the rules and "
            "per-row messages of the HR personnel import. All rows or nothing, unless "
            "good_rows_only; dry_run writes nothing. Running the same call twice is harmless."
        ),
    )
    @action(detail=False, methods=["post"], url_path="bulk")
    def bulk(self, request):
        return bulk_upsert(
            self, request, serializers.PeopleBulkSerializer, people_sync.upsert_people
        )

    @extend_schema(responses={200: serializers.ConflictSerializer(many=True), **ERRORS})
    @action(detail=True, methods=["get"], pagination_class=None)
    def conflicts(self, request, pk=None):
        person = self.get_object()
        found = conflicts.conflicts_for_person(person_id=person.pk, now=timezone.now())
        return Response(serializers.ConflictSerializer(found, many=True).data)


@_read_docs(serializers.ScheduleEntrySerializer)
class ScheduleEntryViewSet(ScopedReadViewSet):
    base_queryset = ScheduleEntry.objects.select_related("civil_servant").order_by("start", "id")
    serializer_class = serializers.ScheduleEntrySerializer
    filterset_class = filters.ScheduleEntryFilter

    @extend_schema(
        request=serializers.ScheduleBulkSerializer,
        responses={
            200: serializers.BulkResultSerializer,
            (422, PROBLEM_TYPE): PROBLEM,
            **ERRORS,
        },
        description=gettext_lazy(
            "Create or update shifts, leave and travel by the roster system's id, with the "
            "rules and per-row messages of the HR schedule import; the people's clashes are "
            "re-checked after the commit. All rows or nothing, unless good_rows_only; "
            "dry_run writes nothing. Running the same call twice is harmless."
        ),
    )
    @action(detail=False, methods=["post"], url_path="bulk")
    def bulk(self, request):
        return bulk_upsert(
            self, request, serializers.ScheduleBulkSerializer, schedule_sync.upsert_schedule
        )


@_read_docs(serializers.ProgramSerializer)
class ProgramViewSet(ScopedReadViewSet):
    base_queryset = TrainingProgram.objects.select_related("district").order_by("code", "id")
    serializer_class = serializers.ProgramSerializer
    filterset_class = filters.ProgramFilter


def join_links(scope, *, now):
    """Return whether the caller sees a join link: HR of the district, or a participant."""
    taking_part = set()
    if scope.person_id is not None:
        taking_part = set(
            Enrollment.objects.filter(
                civil_servant_id=scope.person_id, status__in=TAKING_PART
            ).values_list("session_id", flat=True)
        )
    hr = scope.as_hr()

    def shown(meeting) -> bool:
        if hr.is_admin or meeting.session.district_id in hr.hr_district_ids:
            return True
        return join_link_shown(meeting, taking_part=meeting.session_id in taking_part, now=now)

    return shown


MEETINGS = Prefetch("meetings", queryset=Meeting.objects.select_related("venue", "session"))


@_read_docs(serializers.SessionSerializer)
class SessionViewSet(ScopedReadViewSet):
    base_queryset = (
        TrainingSession.objects.select_related("district", "program", "venue")
        .prefetch_related(MEETINGS)
        .order_by("start", "id")
    )
    serializer_class = serializers.SessionSerializer
    filterset_class = filters.SessionFilter

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["join_links"] = join_links(self.scope(), now=timezone.now())
        return context

    @extend_schema(responses={200: serializers.MeetingSerializer(many=True), **ERRORS})
    @action(detail=True, methods=["get"], pagination_class=None)
    def meetings(self, request, pk=None):
        session = self.get_object()
        found = Meeting.objects.filter(session=session).select_related("venue", "session")
        context = self.get_serializer_context()
        return Response(serializers.MeetingSerializer(found, many=True, context=context).data)

    @extend_schema(responses={200: serializers.ConflictSerializer(many=True), **ERRORS})
    @action(detail=True, methods=["get"], pagination_class=None)
    def conflicts(self, request, pk=None):
        session = self.get_object()
        found = conflicts.conflicts_for_session(session_id=session.pk)
        return Response(serializers.ConflictSerializer(found, many=True).data)


@_read_docs(serializers.EnrollmentSerializer)
class EnrollmentViewSet(ScopedReadViewSet):
    base_queryset = Enrollment.objects.select_related("civil_servant").order_by("id")
    serializer_class = serializers.EnrollmentSerializer
    filterset_class = filters.EnrollmentFilter

    @extend_schema(
        request=serializers.EnrollRequestSerializer,
        responses={201: serializers.EnrollmentSerializer, (422, PROBLEM_TYPE): PROBLEM, **ERRORS},
        description=gettext_lazy(
            "HR enrols a civil servant of their district, through the same service as the "
            "web: capacity, waitlist, approval and clash rules alike."
        ),
    )
    def create(self, request):
        payload = serializers.EnrollRequestSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        hr = self.scope().as_hr()
        hr.require_hr()
        session = hr.get_or_404(
            TrainingSession.objects.select_related("program"), pk=data["session"]
        )
        person = hr.get_or_404(CivilServant, pk=data["civil_servant"])
        try:
            made = enrollment.enroll(
                session=session,
                person=person,
                actor=request.user,
                now=timezone.now(),
                by_hr=True,
                confirm_clash=data["confirm_clash"],
            )
        except enrollment.EnrollmentError as exc:
            return _refused(exc)
        record_write(
            request,
            district_id=session.district_id,
            session=session,
            detail=_("enrolled %(nip)s") % {"nip": person.nip},
        )
        return Response(serializers.EnrollmentSerializer(made).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=serializers.CancelRequestSerializer,
        responses={200: serializers.EnrollmentSerializer, (422, PROBLEM_TYPE): PROBLEM, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        target = self.get_object()
        scope = self.scope()
        own = target.civil_servant_id == scope.person_id
        if not own and not scope.as_hr().filter(Enrollment.objects.filter(pk=target.pk)).exists():
            # A supervisor sees the team's enrolments but cancels only their own.
            raise NotFound
        payload = serializers.CancelRequestSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        try:
            done = enrollment.cancel_enrollment(
                enrollment=target,
                actor=request.user,
                now=timezone.now(),
                reason=payload.validated_data["reason"],
            )
        except enrollment.EnrollmentError as exc:
            return _refused(exc)
        record_write(
            request,
            district_id=target.session.district_id,
            session=target.session,
            detail=_("cancelled the enrolment of %(nip)s") % {"nip": target.civil_servant.nip},
        )
        return Response(serializers.EnrollmentSerializer(done).data)


def bulk_upsert(view, request, serializer_class, upsert) -> Response:
    """Check the body, find the district among the caller's HR districts, upsert, answer."""
    payload = serializer_class(data=request.data)
    payload.is_valid(raise_exception=True)
    data = payload.validated_data
    district = view.scope().as_hr().districts().filter(slug=data["district"]).first()
    if district is None:
        raise NotFound(_("No district %(slug)s among yours.") % {"slug": data["district"]})
    result = upsert(
        district=district,
        rows=data["rows"],
        actor=request.user,
        now=timezone.now(),
        dry_run=data["dry_run"],
        good_rows_only=data["good_rows_only"],
        via=via(request),
    )
    if result["counts"]["reject"] and not result["written"] and not data["dry_run"]:
        body = {
            "type": "about:blank",
            "title": _("Unprocessable content"),
            "status": 422,
            "detail": _(
                "%(count)d rows were rejected; nothing was written. Correct them, or "
                "send good_rows_only to write the others."
            )
            % {"count": result["counts"]["reject"]},
            "counts": result["counts"],
            "rows": [row for row in result["rows"] if row["errors"]],
        }
        return Response(
            body, status=status.HTTP_422_UNPROCESSABLE_ENTITY, content_type=PROBLEM_TYPE
        )
    return Response(result)


def _refused(exc) -> Response:
    body = {
        "type": "about:blank",
        "title": _("Unprocessable content"),
        "status": 422,
        "detail": " ".join(exc.messages),
        "errors": {"code": exc.code},
    }
    return Response(body, status=status.HTTP_422_UNPROCESSABLE_ENTITY, content_type=PROBLEM_TYPE)


@_read_docs(serializers.CompletionRecordSerializer)
class CompletionRecordViewSet(ScopedReadViewSet):
    base_queryset = CompletionRecord.objects.select_related(
        "civil_servant", "program", "session", "outside_learning__institution"
    ).order_by("updated_at", "id")
    serializer_class = serializers.CompletionRecordSerializer
    filterset_class = filters.CompletionRecordFilter
