"""Attendance of a session's meetings: HR's form, the venue screen and its live counts."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from districts import localtime
from training.services import attendance as services
from training.services import checkin

from .. import selectors
from ..access import hr_scope
from ..qr import svg_data_url
from ..roster_forms import AttendanceForm
from .sessions import session_or_404


def _meeting_or_404(request, pk, meeting_pk):
    session = session_or_404(hr_scope(request), pk)
    return get_object_or_404(session.meetings.select_related("session__district"), pk=meeting_pk)


def _current_meeting(session, *, now):
    """Return today's meeting, else the last one started, else the first."""
    meetings = list(session.meetings.order_by("start"))
    zone = session.district.time_zone
    today = localtime.in_zone(now, zone).date()
    for meeting in meetings:
        if localtime.in_zone(meeting.start, zone).date() == today:
            return meeting
    started = [m for m in meetings if m.start <= now]
    return (started or meetings)[-1 if started else 0]


def _tabs(session) -> list[tuple]:
    """Return (meeting, number, short local date) for the meetings of ``session``."""
    zone = session.district.time_zone
    return [
        (meeting, number, formats.date_format(localtime.in_zone(meeting.start, zone), "j M"))
        for number, meeting in enumerate(session.meetings.order_by("start"), start=1)
    ]


@login_required
def attendance(request, pk):
    """Open the attendance of the meeting HR most likely wants: today's."""
    session = session_or_404(hr_scope(request), pk)
    meeting = _current_meeting(session, now=timezone.now())
    return redirect("training:hr-meeting-attendance", pk=session.pk, meeting_pk=meeting.pk)


@login_required
def meeting_attendance(request, pk, meeting_pk):
    meeting = _meeting_or_404(request, pk, meeting_pk)
    session, now = meeting.session, timezone.now()
    enrollments = selectors.enrollments_with(session, services.MARKABLE)
    marks = {a.enrollment_id: a for a in meeting.attendances.all()}
    form = AttendanceForm(request.POST or None, enrollments=enrollments, marks=marks)
    if request.method == "POST" and form.is_valid():
        try:
            count = services.mark_meeting(
                meeting=meeting, marks=form.marks(), actor=request.user, now=now
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Attendance saved (%(count)d changed).") % {"count": count})
            return redirect("training:hr-meeting-attendance", pk=session.pk, meeting_pk=meeting.pk)
    context = {
        "session": session,
        "meeting": meeting,
        "tabs": _tabs(session),
        "form": form,
        "marks": marks,
        "started": meeting.start <= now,
        "counts": services.meeting_counts(meeting),
    }
    return render(request, "training/hr/attendance.html", context)


@login_required
@never_cache
def meeting_screen(request, pk, meeting_pk):
    """The page HR shows on the venue's projector: a QR code renewed every minute."""
    meeting = _meeting_or_404(request, pk, meeting_pk)
    context = {
        "session": meeting.session,
        "meeting": meeting,
        "number": services.meeting_number(meeting),
        **_screen_state(request, meeting),
    }
    return render(request, "training/hr/checkin_screen.html", context)


@login_required
@require_GET
@never_cache
def meeting_screen_data(request, pk, meeting_pk):
    """The screen's and the roster's live state, polled by ``static/js/checkin-live.js``."""
    meeting = _meeting_or_404(request, pk, meeting_pk)
    state = _screen_state(request, meeting, with_code=request.GET.get("kode") == "1")
    return JsonResponse(state)


def _screen_state(request, meeting, *, with_code=True) -> dict:
    state = dict(services.meeting_counts(meeting))
    if with_code:
        token = checkin.screen_token(meeting, now=timezone.now())
        url = request.build_absolute_uri(
            reverse("training:checkin", args=[meeting.pk]) + f"?k={token}"
        )
        state.update(url=url, qr=svg_data_url(url), short_code=checkin.short_code(meeting))
    return state
