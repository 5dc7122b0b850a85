"""The API's endpoints: scoped reads, and writes through the web's own services."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch, Q
from django.shortcuts import get_object_or_404
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
    Instructor,
    Meeting,
    TrainingProgram,
    TrainingSession,
    Venue,
)
from ..services import (
    audit,
    conflicts,
    enrollment,
    people_sync,
    programs,
    schedule_sync,
    scheduling,
    session_costs,
)
from ..services.meetings import TAKING_PART, join_link_shown
from ..services.selectors import open_to
from . import filters, serializers
from .problems import PROBLEM_TYPE

PROBLEM = serializers.ProblemSerializer
# Errors are problem details (RFC 9457), documented with their own media type.
ERRORS = {(code, PROBLEM_TYPE): PROBLEM for code in (400, 401, 403, 404, 413, 429)}
# A write of HR: refused by the service (422), or warnings that need a reason (409).
WRITE_ERRORS = {**ERRORS, (409, PROBLEM_TYPE): PROBLEM, (422, PROBLEM_TYPE): PROBLEM}


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
    """A list and a detail of one model, limited by the caller's scope.

    The actions in ``hr_actions`` act as HR staff only (as the HR pages do):
    anyone else, and HR of another district, gets 404.
    """

    base_queryset = None
    hr_actions = ()

    def scope(self):
        scope = scope_for(self.request.user)
        if self.action in self.hr_actions and not getattr(self, "swagger_fake_view", False):
            scope.require_hr()
            return scope.as_hr()
        return scope

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


def _invalid(exc: DjangoValidationError) -> Response:
    """The service refused the write: 422 with its messages (nothing was written)."""
    errors = exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
    body = {
        "type": "about:blank",
        "title": _("Unprocessable content"),
        "status": 422,
        "detail": " ".join(exc.messages),
        "errors": errors,
    }
    return Response(body, status=status.HTTP_422_UNPROCESSABLE_ENTITY, content_type=PROBLEM_TYPE)


def _warnings(exc: scheduling.WarningsNeedReason) -> Response:
    """Warnings as on the session form: nothing written until a reason is given (409)."""
    body = {
        "type": "about:blank",
        "title": _("Conflict"),
        "status": 409,
        "detail": _(
            "This write raises warnings; nothing was written. Send override_reason to go ahead."
        ),
        "warnings": serializers.WarningSerializer(exc.warnings, many=True).data,
    }
    return Response(body, status=status.HTTP_409_CONFLICT, content_type=PROBLEM_TYPE)


@_read_docs(serializers.ProgramSerializer)
class ProgramViewSet(ScopedReadViewSet):
    base_queryset = TrainingProgram.objects.select_related("district").order_by("code", "id")
    serializer_class = serializers.ProgramSerializer
    filterset_class = filters.ProgramFilter
    hr_actions = ("create", "partial_update", "destroy")

    @extend_schema(
        request=serializers.ProgramWriteSerializer,
        responses={201: serializers.ProgramSerializer, **WRITE_ERRORS},
        description=gettext_lazy(
            "HR creates a program of one of their districts, through the same service as the "
            "program form."
        ),
    )
    def create(self, request):
        hr = self.scope()
        payload = serializers.ProgramWriteSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        slug = data.pop("district")
        district = hr.districts().filter(slug=slug).first()
        if district is None:
            raise NotFound(_("No district %(slug)s among yours.") % {"slug": slug})
        blank = TrainingProgram()
        values = {name: data.get(name, getattr(blank, name)) for name in programs.EDITABLE_FIELDS}
        try:
            program = programs.create_program(district=district, data=values)
        except DjangoValidationError as exc:
            return _invalid(exc)
        record_write(
            request,
            district_id=district.pk,
            detail=_("created the program %(code)s") % {"code": program.code},
        )
        return Response(serializers.ProgramSerializer(program).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=serializers.ProgramWriteSerializer,
        responses={200: serializers.ProgramSerializer, **WRITE_ERRORS},
        description=gettext_lazy(
            "HR changes a program of their district (the fields sent; its district stays)."
        ),
    )
    def partial_update(self, request, pk=None):
        program = self.get_object()
        payload = serializers.ProgramWriteSerializer(data=request.data, partial=True)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        values = {name: data.get(name, getattr(program, name)) for name in programs.EDITABLE_FIELDS}
        try:
            program = programs.update_program(program=program, data=values)
        except DjangoValidationError as exc:
            return _invalid(exc)
        record_write(
            request,
            district_id=program.district_id,
            detail=_("changed the program %(code)s") % {"code": program.code},
        )
        return Response(serializers.ProgramSerializer(program).data)

    @extend_schema(
        request=None,
        responses={200: serializers.ProgramSerializer, 204: None, **ERRORS},
        description=gettext_lazy(
            "HR retires a program of their district, as the delete button of the program "
            "page does: a program without sessions or completion records is deleted (204); "
            "one with them is deactivated instead (200, the program)."
        ),
    )
    def destroy(self, request, pk=None):
        program = self.get_object()
        code, district_id = program.code, program.district_id
        deleted = programs.retire_program(program=program)
        detail = (
            _("deleted the program %(code)s") if deleted else _("deactivated the program %(code)s")
        )
        record_write(request, district_id=district_id, detail=detail % {"code": code})
        if deleted:
            return Response(status=status.HTTP_204_NO_CONTENT)
        return Response(serializers.ProgramSerializer(program).data)


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
    hr_actions = ("create", "partial_update", "publish", "cancel", "conflicts")

    def get_queryset(self):
        """HR's sessions, and to a civil servant those open to them and their own (as the web)."""
        scope = self.scope()
        condition = scope.condition(TrainingSession)
        if condition is None:
            return self.base_queryset.all()
        if scope.person_id is not None:
            person = CivilServant.objects.get(pk=scope.person_id)
            own = scope.as_self().filter(Enrollment.objects.all()).values("session_id")
            condition |= open_to(person) | Q(pk__in=own)
        return self.base_queryset.filter(condition)

    def _plans(self, items, *, district) -> list[scheduling.MeetingPlan]:
        hr = self.scope()
        plans = []
        for item in items:
            venue = item["venue"] and hr.get_or_404(
                Venue.objects.filter(district=district), pk=item["venue"]
            )
            plans.append(
                scheduling.MeetingPlan(
                    start=item["start"],
                    end=item["end"],
                    venue=venue or None,
                    is_online=item["is_online"],
                    join_link=item["join_link"],
                    instructor=self._instructor(item["instructor"], district=district),
                    pk=item.get("id"),
                )
            )
        return plans

    def _instructor(self, pk, *, district):
        if not pk:
            return None
        found = (
            self.scope()
            .filter(Instructor.objects.all())
            .filter(Q(district=district) | Q(district__isnull=True))
        )
        return self.scope().get_or_404(found, pk=pk)

    def _answer(self, session, *, code=status.HTTP_200_OK) -> Response:
        session = self.base_queryset.get(pk=session.pk)
        return Response(self.get_serializer(session).data, status=code)

    @extend_schema(
        request=serializers.SessionWriteSerializer,
        responses={201: serializers.SessionSerializer, **WRITE_ERRORS},
        description=gettext_lazy(
            "HR schedules a draft session with its meetings, through the same services as the "
            "session form: a venue booked twice is refused (422); holidays, clashes, seats "
            "above the venue's and budget ceilings are warnings (409, listed) that "
            "override_reason overrides."
        ),
    )
    def create(self, request):
        hr = self.scope()
        payload = serializers.SessionWriteSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        program = hr.get_or_404(
            TrainingProgram.objects.select_related("district"), pk=data["program"]
        )
        try:
            created = session_costs.schedule_with_cost(
                meetings=self._plans(data["meetings"], district=program.district),
                recorded_afterwards=False,
                now=timezone.now(),
                cost_amount=data["cost_amount"],
                cost_basis=data["cost_basis"],
                program=program,
                capacity=data["capacity"],
                instructor=self._instructor(data["instructor"], district=program.district),
                enrollment_opens_at=data["enrollment_opens_at"],
                enrollment_closes_at=data["enrollment_closes_at"],
                override_reason=data["override_reason"],
                actor=request.user,
            )
        except scheduling.WarningsNeedReason as exc:
            return _warnings(exc)
        except DjangoValidationError as exc:
            return _invalid(exc)
        session = created[0]
        record_write(
            request,
            district_id=session.district_id,
            session=session,
            detail=_("scheduled the session of %(code)s") % {"code": program.code},
        )
        return self._answer(session, code=status.HTTP_201_CREATED)

    @extend_schema(
        request=serializers.SessionWriteSerializer,
        responses={200: serializers.SessionSerializer, **WRITE_ERRORS},
        description=gettext_lazy(
            "HR changes or reschedules a session (the fields sent). With meetings, they "
            "become the session's meetings (kept by id); a moved meeting is told to everyone "
            "enrolled. Warnings as on create."
        ),
    )
    def partial_update(self, request, pk=None):
        session = self.get_object()
        payload = serializers.SessionWriteSerializer(data=request.data, partial=True)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        if data.get("program", session.program_id) != session.program_id:
            return _invalid(
                DjangoValidationError({"program": _("A session's program cannot be changed.")})
            )
        fields = {
            name: data[name]
            for name in (
                "capacity",
                "enrollment_opens_at",
                "enrollment_closes_at",
                "cost_amount",
                "cost_basis",
            )
            if name in data
        }
        if "instructor" in data:
            fields["instructor"] = self._instructor(data["instructor"], district=session.district)
        plans = None
        if "meetings" in data:
            # A partial body is partial at the top only: each meeting is checked in full.
            full = serializers.MeetingsSerializer(data={"meetings": request.data["meetings"]})
            full.is_valid(raise_exception=True)
            plans = self._plans(full.validated_data["meetings"], district=session.district)
        try:
            session = scheduling.update_session(
                session=session,
                data=fields,
                meetings=plans,
                override_reason=data.get("override_reason", ""),
                actor=request.user,
                now=timezone.now(),
            )
        except scheduling.WarningsNeedReason as exc:
            return _warnings(exc)
        except DjangoValidationError as exc:
            return _invalid(exc)
        record_write(
            request,
            district_id=session.district_id,
            session=session,
            detail=_("changed the session"),
        )
        return self._answer(session)

    @extend_schema(
        request=None,
        responses={200: serializers.SessionSerializer, **WRITE_ERRORS},
        description=gettext_lazy("HR opens a draft session to enrolment (as the publish button)."),
    )
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        session = self.get_object()
        try:
            session = scheduling.publish_session(
                session=session, actor=request.user, now=timezone.now()
            )
        except DjangoValidationError as exc:
            return _invalid(exc)
        record_write(
            request,
            district_id=session.district_id,
            session=session,
            detail=_("published the session"),
        )
        return self._answer(session)

    @extend_schema(
        request=serializers.SessionCancelSerializer,
        responses={200: serializers.SessionSerializer, **WRITE_ERRORS},
        description=gettext_lazy(
            "HR cancels a session with a reason; everyone enrolled is told, as on the web."
        ),
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        session = self.get_object()
        payload = serializers.SessionCancelSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        try:
            session = scheduling.cancel_session(
                session=session, reason=payload.validated_data["reason"], actor=request.user
            )
        except DjangoValidationError as exc:
            return _invalid(exc)
        record_write(
            request,
            district_id=session.district_id,
            session=session,
            detail=_("cancelled the session"),
        )
        return self._answer(session)

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
            "HR enrols a civil servant of their district, and a civil servant enrols themself "
            "in a session open to them (as in the catalogue), through the same service as the "
            "web: capacity, waitlist, approval and clash rules alike."
        ),
    )
    def create(self, request):
        payload = serializers.EnrollRequestSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        scope = self.scope()
        by_hr = data["civil_servant"] not in (None, scope.person_id)
        sessions = TrainingSession.objects.select_related("program")
        if by_hr:
            hr = scope.as_hr()
            hr.require_hr()
            session = hr.get_or_404(sessions, pk=data["session"])
            person = hr.get_or_404(CivilServant, pk=data["civil_servant"])
        else:
            # Oneself, as in the catalogue: a session open to the person, the self-service rules.
            if scope.person_id is None:
                raise NotFound
            person = CivilServant.objects.get(pk=scope.person_id)
            session = get_object_or_404(sessions.filter(open_to(person)), pk=data["session"])
        try:
            made = enrollment.enroll(
                session=session,
                person=person,
                actor=request.user,
                now=timezone.now(),
                by_hr=by_hr,
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
