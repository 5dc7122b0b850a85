"""Self-service pages of a civil servant: thin views over selectors and services."""

import datetime

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from districts import localtime
from districts.models import ZONE_LABELS, CivilServant, ScheduleEntry
from districts.scoping import is_supervisor, scope_for

from ..messages import ical
from ..models import CompletionRecord, Enrollment, Feedback, TrainingSession
from ..services import approvals as approval_queue
from ..services import enrollment as enrollment_service
from ..services.selectors import jp_progress
from ..services.session_length import format_jp, length_jp
from . import selectors, services
from .certificate_pdf import render_certificate
from .forms import CatalogueFilterForm, DecisionForm, FeedbackForm, ScheduleEntryForm, week_of

CATALOGUE_PAGE = 24  # sessions a page: a multiple of the one, two and three cards a row
UPCOMING_ENTRIES_PAGE = 10  # "Jadwal saya": upcoming entries a page


def _person(request) -> CivilServant:
    return selectors.person_of(scope_for(request.user))


@login_required
def catalogue(request):
    scope = scope_for(request.user)
    person = selectors.person_of(scope)
    form = CatalogueFilterForm(request.GET or None)
    page, sessions = None, []
    if not form.is_bound or form.is_valid():  # a bad filter lists nothing, not everything
        found = selectors.catalogue_sessions(
            person, scope=scope, now=timezone.now(), filters=form.filters()
        )
        page = Paginator(found, CATALOGUE_PAGE).get_page(request.GET.get("page"))
        sessions = selectors.with_card_state(person, page.object_list)
    return render(
        request,
        "training/selfservice/catalogue.html",
        {"form": form, "sessions": sessions, "page": page, "person": person},
    )


@login_required
def session_detail(request, pk: int):
    scope = scope_for(request.user)
    person = selectors.person_of(scope)
    session = selectors.session_for(person, pk, scope=scope)
    now = timezone.now()
    enrollment = selectors.current_enrollment(scope, session)
    context = {
        "session": session,
        "person": person,
        "enrollment": enrollment,
        "online_meetings": selectors.online_meetings(session, enrollment, now=now),
        "conflicts": selectors.session_conflicts(person, session, scope=scope),
        "length_jp": format_jp(length_jp(session.start, session.end)),
        "seats_left": enrollment_service.seats_left(session),
        "window_problem": enrollment_service.window_problem(session, now=now),
        "now": now,
    }
    return render(request, "training/selfservice/session_detail.html", context)


@login_required
@require_POST
def enrol(request, pk: int):
    scope = scope_for(request.user)
    person = selectors.person_of(scope)
    session = selectors.session_for(person, pk, scope=scope)
    try:
        enrollment = enrollment_service.enroll(
            session=session,
            person=person,
            actor=request.user,
            now=timezone.now(),
            confirm_clash=request.POST.get("confirm_clash") == "1",
        )
    except enrollment_service.EnrollmentError as error:
        text = error.messages[0]
        if error.code == "clash":
            names = "; ".join(c.label for c in error.params["conflicts"])
            text = f"{text} ({names})"
        messages.error(request, text)
        return redirect("training:session", pk=pk)
    messages.success(request, _STATUS_MESSAGES[enrollment.status]())
    return redirect("training:session", pk=pk)


_STATUS_MESSAGES = {
    "approved": lambda: _("You are enrolled. A confirmation has been sent by email."),
    "requested": lambda: _("Your request has been sent to your supervisor for approval."),
    "waitlisted": lambda: _("The session is full: you are on the waitlist."),
}


@login_required
def cancel(request, pk: int):
    """Ask first (GET: what happens to the seat), then cancel (POST)."""
    scope = scope_for(request.user).as_self()
    enrollment = scope.get_or_404(
        Enrollment.objects.select_related("session__program", "session__district"), pk=pk
    )
    if request.method != "POST":
        target = request.GET.get("next", "")
        return render(
            request,
            "training/selfservice/cancel.html",
            {
                "enrollment": enrollment,
                "session": enrollment.session,
                "consequence": selectors.cancel_consequence(enrollment),
                "next": target if _allowed(request, target) else "",
            },
        )
    try:
        enrollment_service.cancel_enrollment(
            enrollment=enrollment,
            actor=request.user,
            now=timezone.now(),
            reason=request.POST.get("reason", "")[:500],
        )
    except enrollment_service.EnrollmentError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, _("Your enrolment has been cancelled."))
    return redirect(_safe_next(request) or "training:my_training")


def _safe_next(request) -> str | None:
    """Return the posted ``next`` address if it stays on this site (no open redirect)."""
    target = request.POST.get("next", "")
    return target if _allowed(request, target) else None


def _allowed(request, target: str) -> bool:
    return bool(target) and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )


@login_required
def approvals(request):
    """The supervisor's queue: their direct reports' requests, filtered, decided in bulk."""
    scope = scope_for(request.user)
    if scope.person_id is None or not is_supervisor(scope.person_id):
        raise Http404
    requests = scope.as_supervisor().filter(
        Enrollment.objects.filter(civil_servant__supervisor_id=scope.person_id)
    )
    context, decided = approval_queue.handle(request, requests)
    if decided:
        return redirect(request.get_full_path())
    return render(request, "training/selfservice/approvals.html", context)


@login_required
@require_POST
def decide(request, pk: int):
    scope = scope_for(request.user)
    # Only the direct supervisor decides; anyone else gets 404.
    enrollment = scope.as_supervisor().get_or_404(
        Enrollment.objects.filter(civil_servant__supervisor_id=scope.person_id), pk=pk
    )
    form = DecisionForm(request.POST)
    decision = request.POST.get("decision")
    if not form.is_valid() or decision not in ("approve", "reject"):
        messages.error(request, _("The decision could not be read; please try again."))
        return redirect("home")
    service = (
        enrollment_service.approve_request
        if decision == "approve"
        else enrollment_service.reject_request
    )
    try:
        service(
            enrollment=enrollment,
            actor=request.user,
            now=timezone.now(),
            note=form.cleaned_data["note"],
        )
    except enrollment_service.EnrollmentError as error:
        messages.error(request, error.messages[0])
    else:
        # The name may end in a degree's full stop ("S.Pd."): it must not end the sentence.
        text = (
            _("The request of %(name)s is approved.")
            if decision == "approve"
            else _("The request of %(name)s is rejected.")
        )
        messages.success(request, text % {"name": enrollment.civil_servant.full_name})
    return redirect("home")


@login_required
def schedule(request):
    scope = scope_for(request.user)
    person = selectors.person_of(scope)
    zone = person.district.tzinfo
    today = timezone.now().astimezone(zone).date()
    monday = week_of(request.GET.get("minggu"), default=today)
    start = datetime.datetime.combine(monday, datetime.time(), tzinfo=zone)
    end = start + datetime.timedelta(days=7)
    entries, enrollments = selectors.week_entries(scope, start=start, end=end)
    days = []
    for offset in range(7):
        date = monday + datetime.timedelta(days=offset)
        day_start = datetime.datetime.combine(date, datetime.time(), tzinfo=zone)
        day_end = day_start + datetime.timedelta(days=1)
        days.append(
            {
                "date": date,
                "is_today": date == today,
                "entries": [
                    (e, _hours(e.start, e.end, day_start, day_end, person.district.time_zone))
                    for e in entries
                    if e.start < day_end and e.end > day_start
                ],
                # One line per meeting that day: a 3-day bimtek shows on each of its days.
                "enrollments": [
                    (
                        e,
                        _hours(m.start, m.end, day_start, day_end, e.session.district.time_zone),
                        m,
                        number,
                        len(e.session.meetings.all()),
                    )
                    for e in enrollments
                    for number, m in enumerate(e.session.meetings.all(), start=1)
                    if m.start < day_end and m.end > day_start
                ],
            }
        )
    # The feed address is made only by the POST of the button, never by looking at the page.
    feed_url = _feed_url(request, person.calendar_token) if person.calendar_token else ""
    context = {
        "person": person,
        "days": days,
        "monday": monday,
        "previous_week": monday - datetime.timedelta(days=7),
        "next_week": monday + datetime.timedelta(days=7),
        "feed_url": feed_url,
        "webcal_url": feed_url.replace("https://", "webcal://").replace("http://", "webcal://"),
        # This week's days already gone fold away (a week looked up on purpose stays open);
        # the entries ahead come a page at a time.
        "past_days": (today - monday).days if 0 <= (today - monday).days < 7 else 0,
        "entries_page": Paginator(
            selectors.own_upcoming_entries(scope, now=timezone.now()), UPCOMING_ENTRIES_PAGE
        ).get_page(request.GET.get("page")),
    }
    return render(request, "training/selfservice/schedule.html", context)


def _absolute(path: str) -> str:
    """Return ``path`` on the portal's public address (``PORTAL_BASE_URL``), not the request's host.

    Printed certificates and calendar subscriptions outlive the request, so they must not
    depend on the host a request happened to come through.
    """
    return settings.PORTAL_BASE_URL.rstrip("/") + path


def _feed_url(request, token: str) -> str:
    """Return the feed's address: on ``PORTAL_BASE_URL`` when set, else on the request's host.

    Unset, the base URL is only a guess from ``WEB_ADDR``; the host the person
    reached the portal through is the one their calendar can reach too.
    """
    path = reverse("training:calendar_feed", args=[token])
    if settings.PORTAL_BASE_URL_SET:
        return _absolute(path)
    return request.build_absolute_uri(path)


def _hours(start, end, day_start, day_end, zone: str) -> str:
    """Return the part of ``[start, end)`` inside one day as ``07.00–14.00 WIB``."""
    start, end = max(start, day_start), min(end, day_end)
    label = ZONE_LABELS[zone]
    first = formats.time_format(localtime.in_zone(start, zone), "TIME_FORMAT")
    last = (
        "24.00"
        if end == day_end
        else formats.time_format(localtime.in_zone(end, zone), "TIME_FORMAT")
    )
    return f"{first}–{last} {label}"


@login_required
def schedule_entry_form(request, pk: int | None = None):
    person = _person(request)
    entry = None
    if pk is not None:
        entry = (
            scope_for(request.user)
            .as_self()
            .get_or_404(ScheduleEntry.objects.filter(source=ScheduleEntry.Source.SELF), pk=pk)
        )
    form = ScheduleEntryForm(request.POST or None, instance=entry, person=person)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_own_entry(entry=form.instance, actor=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Your schedule has been saved."))
            local = form.instance.start.astimezone(person.district.tzinfo).date()
            return redirect(reverse("training:schedule") + f"?minggu={local.isoformat()}")
    return render(
        request,
        "training/selfservice/schedule_form.html",
        {"form": form, "entry": entry, "person": person},
    )


@login_required
@require_POST
def schedule_entry_delete(request, pk: int):
    entry = (
        scope_for(request.user)
        .as_self()
        .get_or_404(ScheduleEntry.objects.filter(source=ScheduleEntry.Source.SELF), pk=pk)
    )
    services.delete_own_entry(entry=entry)
    messages.success(request, _("The entry has been deleted."))
    return redirect("training:schedule")


@login_required
@require_POST
def reset_calendar_token(request):
    person = _person(request)
    had_token = bool(person.calendar_token)
    services.reset_calendar_token(person=person)
    messages.success(
        request,
        _("Your calendar address has been changed; the old one no longer works.")
        if had_token
        else _("Your private calendar address is ready."),
    )
    return redirect(reverse("training:schedule") + "#kalender")


@never_cache
@require_GET
def calendar_feed(request, token: str):
    if len(token) < 20:
        raise Http404
    person = get_object_or_404(CivilServant, calendar_token=token, is_active=True)
    sessions = (
        TrainingSession.objects.filter(
            enrollments__civil_servant=person,
            enrollments__status__in=("approved", "requested", "attended", "partial", "completed"),
        )
        .exclude(status=TrainingSession.Status.DRAFT)
        .select_related("program", "district", "venue")
        .prefetch_related("meetings__venue")
        .distinct()
        .order_by("start")
    )
    awaiting_approval = frozenset(
        Enrollment.objects.filter(
            civil_servant=person, status=Enrollment.Status.REQUESTED
        ).values_list("session_id", flat=True)
    )
    response = HttpResponse(
        ical.feed(sessions, tentative_ids=awaiting_approval),
        content_type="text/calendar; charset=utf-8",
    )
    response["Content-Disposition"] = 'inline; filename="pelatihan.ics"'
    return response


@login_required
def my_training(request):
    scope = scope_for(request.user)
    person = selectors.person_of(scope)
    now = timezone.now()
    year = now.astimezone(person.district.tzinfo).year
    context = {
        "person": person,
        "groups": selectors.my_training(scope, now=now),
        "progress": jp_progress(person, year),
        "history": selectors.jp_history(scope),
    }
    return render(request, "training/selfservice/my_training.html", context)


@login_required
def certificate(request, pk: int):
    record = (
        scope_for(request.user)
        .as_self()
        .get_or_404(
            CompletionRecord.objects.filter(
                passed=True, certificate_number__isnull=False
            ).select_related("program", "session__venue", "session__district", "district"),
            pk=pk,
        )
    )
    pdf = render_certificate(record, verify_url=_verify_url(record))
    response = HttpResponse(pdf, content_type="application/pdf")
    filename = f"sertifikat-{record.pk}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _verify_url(record: CompletionRecord) -> str:
    return _absolute(reverse("training:verify_certificate", args=[record.verification_code]))


@require_GET
def verify_certificate(request, code):
    record = (
        CompletionRecord.objects.filter(verification_code=code, certificate_number__isnull=False)
        .select_related("program")
        .first()
    )
    return render(
        request,
        "training/selfservice/verify.html",
        {"record": record},
        status=200 if record else 404,
    )


@login_required
def feedback(request, pk: int):
    enrollment = (
        scope_for(request.user)
        .as_self()
        .get_or_404(
            Enrollment.objects.select_related("session__program", "session__district", "feedback"),
            pk=pk,
        )
    )
    sent = getattr(enrollment, "feedback", None)
    if sent is not None:  # opened again after sending: say so, and show what was sent
        return render(
            request,
            "training/selfservice/feedback_sent.html",
            {"enrollment": enrollment, "sent": sent},
        )
    if not selectors.feedback_allowed(enrollment):
        raise Http404
    form = FeedbackForm(request.POST or None, instance=Feedback(enrollment=enrollment))
    if request.method == "POST" and form.is_valid():
        try:
            services.give_feedback(enrollment=enrollment, feedback=form.instance)
        except ValidationError as error:
            messages.error(request, error.messages[0])
        else:
            messages.success(request, _("Thank you for your feedback."))
        return redirect("training:my_training")
    return render(
        request,
        "training/selfservice/feedback.html",
        {"form": form, "enrollment": enrollment},
    )
