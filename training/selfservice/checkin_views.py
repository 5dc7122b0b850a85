"""Self check-in: the page a scanned QR code opens, and the code of an online meeting.

Opening the page marks nothing: it checks the code and asks the person to
confirm; only the confirmation (a POST, with its CSRF token) marks present.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from districts import localtime
from districts.scoping import scope_for

from ..models import Attendance, Meeting
from ..services import checkin
from . import selectors
from .forms import CheckInCodeForm


def _person_and_meeting(request, meeting_pk: int):
    scope = scope_for(request.user)
    person = selectors.person_of(scope)
    meeting = (
        Meeting.objects.select_related("session__program", "session__district")
        .filter(pk=meeting_pk)
        .first()
    )
    if meeting is None:
        raise Http404
    selectors.session_for(person, meeting.session_id, scope=scope)
    return person, meeting


def _own_mark(person, meeting) -> Attendance | None:
    return Attendance.objects.filter(meeting=meeting, enrollment__civil_servant=person).first()


def _marked_at(mark: Attendance, meeting: Meeting) -> str:
    moment = localtime.in_zone(mark.marked_at, meeting.session.district.time_zone)
    return formats.time_format(moment, "H:i")


@login_required
@never_cache
def check_in(request, meeting_pk: int):
    person, meeting = _person_and_meeting(request, meeting_pk)
    now = timezone.now()
    token = (request.POST if request.method == "POST" else request.GET).get("k", "")
    refusal, status = None, 200
    if request.method == "POST":
        try:
            mark, new = checkin.check_in(meeting=meeting, person=person, token=token, now=now)
        except checkin.CheckInRefused as refused:
            refusal, status = refused.messages[0], 400
        else:
            if new:
                messages.success(request, _("You are checked in. Welcome!"))
            else:
                messages.info(
                    request,
                    _("You were already checked in at %(time)s.")
                    % {"time": _marked_at(mark, meeting)},
                )
            return redirect("training:checkin", meeting_pk=meeting.pk)
    mark = _own_mark(person, meeting)
    if refusal is None and mark is None:
        try:
            if not token:
                raise checkin.CheckInRefused(
                    _("Scan the QR code shown at the venue to check in."), code="no_code"
                )
            checkin.read_token(meeting, token, now=now)
            checkin.enrollment_of(meeting, person)
        except checkin.CheckInRefused as refused:
            refusal = refused.messages[0]
    context = {
        "meeting": meeting,
        "session": meeting.session,
        "mark": mark,
        "marked_at": _marked_at(mark, meeting) if mark else "",
        "attended": mark is not None and mark.status in Attendance.ATTENDED,
        "refusal": refusal,
        "token": token if mark is None and refusal is None else "",
    }
    return render(request, "training/selfservice/checkin.html", context, status=status)


@login_required
def check_in_with_code(request):
    person = selectors.person_of(scope_for(request.user))
    form = CheckInCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            mark, new = checkin.check_in_with_code(
                person=person, code=form.cleaned_data["code"], now=timezone.now()
            )
        except checkin.CheckInRefused as refused:
            form.add_error("code", refused.messages[0])
        else:
            if new:
                messages.success(request, _("You are checked in. Welcome!"))
            else:
                messages.info(
                    request,
                    _("You were already checked in at %(time)s.")
                    % {"time": _marked_at(mark, mark.meeting)},
                )
            return redirect("training:checkin", meeting_pk=mark.meeting_id)
    status = 400 if form.errors else 200
    return render(request, "training/selfservice/checkin_code.html", {"form": form}, status=status)
