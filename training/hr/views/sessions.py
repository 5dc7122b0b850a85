"""Sessions: list, calendar, schedule, detail, edit/reschedule, publish, cancel."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from training.models import TrainingSession
from training.services import scheduling, session_costs
from training.services.session_length import format_jp

from .. import calendar_grid, selectors
from ..access import hr_scope
from ..roster_forms import AddPeopleForm
from ..session_forms import (
    CancelForm,
    MeetingFormSet,
    SessionFilterForm,
    SessionForm,
    further_meetings_initial,
    initial_for,
    meeting_plans,
    meetings_jp,
)

REASON_NEEDED = gettext_lazy(
    "Check the warnings above: state a reason to go ahead anyway, or change the session."
)


def _list_filters(request, scope, data=None):
    data = request.GET if data is None else data
    filters = SessionFilterForm(data or None, scope=scope)
    cleaned = dict(filters.cleaned_data) if filters.is_valid() else {}
    if cleaned.get("month"):
        cleaned["start"], cleaned["end"] = calendar_grid.month_bounds(cleaned["month"])
    return filters, cleaned


@login_required
def session_list(request):
    scope = hr_scope(request)
    filters, cleaned = _list_filters(request, scope)
    if not cleaned.get("month"):
        cleaned["period"] = cleaned.get("when") or "upcoming"
        cleaned["now"] = timezone.now()
    page = Paginator(selectors.sessions(scope, filters=cleaned), 25).get_page(
        request.GET.get("page")
    )
    return render(request, "training/hr/session_list.html", {"filters": filters, "page": page})


def _one_district(query, scope):
    """Return the calendar's query with a district chosen where the scope spans several.

    The administrator's month of every district at once was 829 KB and 7.5 s at
    province scale; the calendar shows one district at a time (the first by name
    until another is chosen). A venue's or an instructor's calendar stays whole.
    """
    if any(query.get(key) for key in ("district", "venue", "instructor")):
        return query
    if not (scope.is_admin or len(scope.hr_district_ids) > 1):
        return query
    first = scope.districts().order_by("name", "pk").values_list("pk", flat=True).first()
    if first is None:
        return query
    query = query.copy()
    query["district"] = str(first)
    return query


@login_required
def session_calendar(request):
    scope = hr_scope(request)
    view = "week" if request.GET.get("view") == "week" else "month"
    day = calendar_grid.parse_day(request.GET.get("date", ""), default=timezone.localdate())
    weeks = calendar_grid.grid_range(day, view)
    start, end = calendar_grid.span(weeks)
    data = _one_district(request.GET, scope)
    filters, cleaned = _list_filters(request, scope, data)
    if scope.is_admin or len(scope.hr_district_ids) > 1:
        filters.fields["district"].empty_label = None  # one district at a time
    cleaned.update({"start": start, "end": end})
    sessions = selectors.sessions(scope, filters=cleaned).prefetch_related("meetings")
    previous, following = calendar_grid.neighbours(day, view)
    holidays = selectors.holidays_by_day(scope, weeks[0][0], weeks[-1][-1])
    placed = calendar_grid.place(sessions, weeks, holidays=holidays, today=timezone.localdate())
    context = {
        "filters": filters,
        "subject": cleaned.get("venue") or cleaned.get("instructor"),
        "view": view,
        "day": day,
        "weeks": placed,
        "month_has_sessions": any(
            (cell["sessions"] or cell["holidays"]) and cell["day"].month == day.month
            for week in placed
            for cell in week
        ),
        "previous": previous,
        "following": following,
        "filter_query": "".join(
            f"&{key}={data[key]}"
            for key in ("district", "program", "status", "venue", "instructor")
            if data.get(key, "").isalnum()
        ),
    }
    return render(request, "training/hr/session_calendar.html", context)


@login_required
def session_create(request):
    scope = hr_scope(request)
    initial = {"repeat_weeks": 1, "start_time": "08:00", "end_time": "12:00", "capacity": 20}
    if request.GET.get("program", "").isdigit():
        initial["program"] = int(request.GET["program"])
    form = SessionForm(request.POST or None, scope=scope, initial=initial)
    formset = MeetingFormSet(request.POST or None, scope=scope)
    found, plans = [], []
    if (
        request.method == "POST"
        and "add_meeting" not in request.POST
        and form.is_valid()
        and (not formset.is_bound or formset.is_valid())
    ):
        data = form.cleaned_data
        plans = meeting_plans(form, formset)
        common = {
            "now": timezone.now(),
            "cost_amount": data["cost_amount"],
            "cost_basis": data["cost_basis"],
            "program": data["program"],
            "capacity": data["capacity"],
            "instructor": data["instructor"],
            "enrollment_opens_at": data["enrollment_opens_at"],
            "enrollment_closes_at": data["enrollment_closes_at"],
            "override_reason": data["override_reason"],
            "actor": request.user,
        }
        try:
            if data["separate_sessions"] and (formset.rows() or data["recorded_afterwards"]):
                raise ValidationError(
                    _(
                        "Separate classes take the dates above; leave the further meetings "
                        "empty and “Entered afterwards” unticked."
                    )
                )
            if data["separate_sessions"]:
                created = session_costs.schedule_with_cost(
                    intervals=form.intervals(),
                    venue=data["venue"],
                    online_url=data["online_url"],
                    **common,
                )
            else:
                created = session_costs.schedule_with_cost(
                    meetings=plans,
                    recorded_afterwards=data["recorded_afterwards"],
                    **common,
                )
        except scheduling.WarningsNeedReason as exc:
            found = exc.warnings
            form.add_error("override_reason", REASON_NEEDED)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _(
                    "The training was recorded as held. Add the participants, then their "
                    "attendance and completion."
                )
                if created[0].recorded_afterwards
                else _("%(count)d session(s) scheduled as drafts.") % {"count": len(created)},
            )
            for note in form.jp_notes(plans[:1] if data["separate_sessions"] else plans):
                messages.warning(request, note)
            for note in form.holiday_notes():
                messages.warning(request, note)
            return redirect("training:hr-session", pk=created[0].pk)
    return render(
        request,
        "training/hr/session_form.html",
        {
            "form": form,
            "formset": formset,
            "session": None,
            "warnings": found,
            "jp_notes": form.jp_notes(plans),
            "meetings_jp": format_jp(meetings_jp(plans)) if plans else "",
            "holiday_notes": form.holiday_notes(),
        },
    )


def session_or_404(scope, pk):
    """Return the session in the HR scope, or raise Http404."""
    return scope.get_or_404(
        TrainingSession.objects.select_related("program", "district", "venue", "instructor"),
        pk=pk,
    )


def render_detail(request, scope, pk, *, add_form=None, status=200):
    """Render the session page: details, roster, actions and history."""
    session = scope.get_or_404(
        selectors.with_counts(
            TrainingSession.objects.select_related("program", "district", "venue", "instructor")
        ),
        pk=pk,
    )
    context = {
        "session": session,
        "roster": selectors.roster(session),
        "add_form": add_form or AddPeopleForm(session=session, people=scope.people()),
        "audit": session.audit_entries.select_related("actor__civil_servant")[:100],
        "length_jp": format_jp(meetings_jp(session.meetings.all())),
        "meetings": session.meetings.select_related("venue", "instructor"),
    }
    return render(request, "training/hr/session_detail.html", context, status=status)


@login_required
def session_detail(request, pk):
    return render_detail(request, hr_scope(request), pk)


@login_required
def session_edit(request, pk):
    scope = hr_scope(request)
    session = session_or_404(scope, pk)
    if session.status == TrainingSession.Status.CANCELLED:
        messages.error(request, _("A cancelled session cannot be changed."))
        return redirect("training:hr-session", pk=session.pk)
    if session.status == TrainingSession.Status.COMPLETED:
        messages.error(request, _("A completed session cannot be changed or rescheduled any more."))
        return redirect("training:hr-session", pk=session.pk)
    form = SessionForm(
        request.POST or None, scope=scope, session=session, initial=initial_for(session)
    )
    formset = MeetingFormSet(
        request.POST or None, scope=scope, initial=further_meetings_initial(session)
    )
    found, plans = [], list(session.meetings.all())
    several = len(plans) > 1 or formset.is_bound
    if (
        request.method == "POST"
        and "add_meeting" not in request.POST
        and form.is_valid()
        and (not formset.is_bound or formset.is_valid())
    ):
        try:
            if several:
                plans = meeting_plans(form, formset, session)
            scheduling.update_session(
                session=session,
                data=form.session_data(),
                meetings=plans if several else None,
                override_reason=form.cleaned_data["override_reason"],
                actor=request.user,
                now=timezone.now(),
            )
        except scheduling.WarningsNeedReason as exc:
            found = exc.warnings
            form.add_error("override_reason", REASON_NEEDED)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The session was saved."))
            for note in form.jp_notes(plans) + form.holiday_notes():
                messages.warning(request, note)
            return redirect("training:hr-session", pk=session.pk)
    return render(
        request,
        "training/hr/session_form.html",
        {
            "form": form,
            "formset": formset,
            "session": session,
            "warnings": found,
            "jp_notes": form.jp_notes(plans),
            "meetings_jp": format_jp(meetings_jp(plans)) if plans else "",
            "holiday_notes": form.holiday_notes(),
        },
    )


@login_required
@require_POST
def session_publish(request, pk):
    scope = hr_scope(request)
    session = session_or_404(scope, pk)
    try:
        scheduling.publish_session(session=session, actor=request.user, now=timezone.now())
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The session is published and open for enrolment."))
    return redirect("training:hr-session", pk=session.pk)


@login_required
def session_cancel(request, pk):
    scope = hr_scope(request)
    session = session_or_404(scope, pk)
    form = CancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            scheduling.cancel_session(
                session=session, reason=form.cleaned_data["reason"], actor=request.user
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The session was cancelled."))
            return redirect("training:hr-session", pk=session.pk)
    return render(request, "training/hr/session_cancel.html", {"form": form, "session": session})
