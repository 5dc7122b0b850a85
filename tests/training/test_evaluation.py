"""Evaluation: the L1 report's anonymity, L2 gains, the L3 request's timing and reminder."""

import datetime
from decimal import Decimal

import pytest
from django.conf import settings
from django.urls import reverse

from tests.factories import (
    CivilServantFactory,
    CompletionRecordFactory,
    EnrollmentFactory,
    InstructorFactory,
    SessionFactory,
    UserFactory,
    district,
    hr_officer,
    local,
)
from training.models import BehaviourEvaluation, Feedback, LearningScore, Reminder
from training.services import evaluation

pytestmark = pytest.mark.django_db

COMPLETED = datetime.date(2026, 3, 10)


@pytest.fixture
def course():
    """A session of March 2026 taught by an instructor, five attendees under one supervisor."""
    mulyorejo = district("mulyorejo")
    boss = CivilServantFactory(district=mulyorejo, name="Sri Atasan")
    hr = hr_officer(mulyorejo, name="Hana HR")
    instructor = InstructorFactory(district=mulyorejo, name="Dr. Rina")
    session = SessionFactory(
        district=mulyorejo, start=local(2026, 3, 10, 8), instructor=instructor, status="completed"
    )
    people = [
        CivilServantFactory(district=mulyorejo, supervisor=boss, name=f"Peserta {n}")
        for n in range(5)
    ]
    enrollments = [
        EnrollmentFactory(session=session, civil_servant=person, status="completed")
        for person in people
    ]
    return {
        "boss": boss,
        "hr": hr,
        "instructor": instructor,
        "session": session,
        "people": people,
        "enrollments": enrollments,
    }


def _feedback(enrollment, rating, comment=""):
    return Feedback.objects.create(
        enrollment=enrollment,
        rating_content=rating,
        rating_instructor=rating,
        rating_venue=rating,
        rating_usefulness=rating,
        comment=comment,
    )


# --------------------------------------------------------------------------
# Level 1
# --------------------------------------------------------------------------


def test_l1_report_hides_individual_answers_below_three_responses(client, course):
    first, second = course["enrollments"][:2]
    _feedback(first, 1, "Materi terlalu cepat")
    _feedback(second, 5, "Sangat bermanfaat")
    session = course["session"]

    report = evaluation.reaction(session.enrollments.all())

    assert (report.invited, report.responses, report.hidden) == (5, 2, True)
    assert (report.ratings, report.comments, report.response_rate) == ([], [], 40.0)
    client.force_login(course["hr"].user)
    page = client.get(reverse("training:evaluation-session", args=[session.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Materi terlalu cepat" not in html and "Sangat bermanfaat" not in html
    assert "reaction-hidden" in html
    assert 'class="table table-sm mb-2 reaction-ratings"' not in html


def test_l1_report_shows_means_distribution_and_comments_from_three(client, course):
    for enrollment, rating, comment in zip(
        course["enrollments"], (5, 4, 3), ("Praktis", "Bagus", ""), strict=False
    ):
        _feedback(enrollment, rating, comment)
    session = course["session"]

    report = evaluation.reaction(session.enrollments.all())

    assert (report.responses, report.hidden, report.response_rate) == (3, False, 60.0)
    content = report.ratings[0]
    assert (content["key"], content["mean"], content["distribution"]) == (
        "rating_content",
        4.0,
        [0, 0, 1, 1, 1],
    )
    assert report.comments == ["Bagus", "Praktis"]  # by text, never by who or when
    client.force_login(course["hr"].user)
    for url in (
        reverse("training:evaluation-session", args=[session.pk]),
        reverse("training:evaluation-instructor", args=[course["instructor"].pk]),
    ):
        html = client.get(url).content.decode()
        assert "Praktis" in html and "Bagus" in html, url
        for person in course["people"]:  # anonymous: no name next to an answer
            assert person.name not in html, url


def test_l1_report_scoped_hr_of_another_district_gets_404(client, course):
    client.force_login(hr_officer(district("plaju")).user)
    assert (
        client.get(reverse("training:evaluation-session", args=[course["session"].pk])).status_code
        == 404
    )
    assert (
        client.get(
            reverse("training:evaluation-instructor", args=[course["instructor"].pk])
        ).status_code
        == 404
    )


def test_evaluation_panel_and_exports(client, course):
    for enrollment, rating in zip(course["enrollments"], (5, 4, 3), strict=False):
        _feedback(enrollment, rating)
    LearningScore.objects.create(
        enrollment=course["enrollments"][0], pre_score=Decimal(50), post_score=Decimal(80)
    )
    LearningScore.objects.create(
        enrollment=course["enrollments"][1], pre_score=Decimal(60), post_score=Decimal(70)
    )
    client.force_login(course["hr"].user)

    page = client.get(reverse("training:evaluation"))
    csv = client.get(reverse("training:evaluation-export", args=["programs", "csv"]))
    xlsx = client.get(reverse("training:evaluation-export", args=["instructors", "xlsx"]))

    assert page.status_code == 200
    row = page.context["tables"]["programs"].rows[0]
    assert (row["responses"], row["l1_mean"], row["l2_count"], row["l2_gain"]) == (3, 4.0, 2, 20.0)
    lines = csv.content.decode("utf-8-sig").strip().splitlines()
    assert len(lines) == 2 and lines[1].split(";")[2:5] == ["3", "60", "4"]
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")


# --------------------------------------------------------------------------
# Level 3
# --------------------------------------------------------------------------


def _complete(course, index=0, **extra):
    person = course["people"][index]
    return CompletionRecordFactory(
        civil_servant=person,
        program=course["session"].program,
        session=course["session"],
        completion_date=COMPLETED,
        **extra,
    )


def test_months_before_keeps_the_day_or_takes_the_months_last():
    assert evaluation.months_before(datetime.date(2026, 6, 10), 3) == datetime.date(2026, 3, 10)
    assert evaluation.months_before(datetime.date(2026, 5, 31), 3) == datetime.date(2026, 2, 28)
    assert evaluation.months_before(datetime.date(2026, 2, 15), 3) == datetime.date(2025, 11, 15)


def test_l3_request_sent_once_at_the_right_time(course, django_capture_on_commit_callbacks):
    completion = _complete(course)
    day_before = local(2026, 6, 9, 12)
    due = local(2026, 6, 10, 12)

    assert evaluation.request_behaviour_evaluations(now=day_before) == 0
    assert not BehaviourEvaluation.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        assert evaluation.request_behaviour_evaluations(now=due) == 1
    assert evaluation.request_behaviour_evaluations(now=due + datetime.timedelta(hours=1)) == 0
    assert evaluation.request_behaviour_evaluations(now=due + datetime.timedelta(days=5)) == 0

    row = BehaviourEvaluation.objects.get()
    assert (row.completion, row.rater, row.requested_at) == (completion, course["boss"], due)
    sent = Reminder.objects.get(kind="l3_request")
    assert (sent.recipient, sent.status) == (course["boss"], "sent")


def test_l3_due_on_the_date_of_the_persons_district(course):
    """At 23:30 WIB it is already 00:30 WITA: the WITA person is due, the WIB one not yet."""
    wita = district("plaju")
    wita.time_zone = "Asia/Makassar"
    wita.save()
    course["people"][1].district = wita
    course["people"][1].save()
    in_wib = _complete(course, 0)
    in_wita = _complete(course, 1)
    eve = local(2026, 6, 9, 23, 30)  # 16:30 UTC, still 9 June in UTC and in WIB

    assert evaluation.request_behaviour_evaluations(now=eve) == 1
    assert BehaviourEvaluation.objects.get().completion == in_wita

    assert evaluation.request_behaviour_evaluations(now=local(2026, 6, 10, 0, 30)) == 1
    assert set(BehaviourEvaluation.objects.values_list("completion", flat=True)) == {
        in_wib.pk,
        in_wita.pk,
    }


def test_l3_never_for_a_cancelled_completion(course):
    _complete(course, 0)
    course["enrollments"][0].status = "cancelled"
    course["enrollments"][0].save()
    _complete(course, 1, passed=False, jp_credited=0)
    cancelled = SessionFactory(
        district=course["session"].district, start=local(2026, 3, 10, 8), status="cancelled"
    )
    EnrollmentFactory(session=cancelled, civil_servant=course["people"][2], status="completed")
    CompletionRecordFactory(
        civil_servant=course["people"][2],
        program=cancelled.program,
        session=cancelled,
        completion_date=COMPLETED,
    )

    assert evaluation.request_behaviour_evaluations(now=local(2026, 6, 20, 12)) == 0
    assert not BehaviourEvaluation.objects.exists()
    assert not Reminder.objects.filter(kind="l3_request").exists()


def test_l3_without_a_supervisor_goes_to_hr(course):
    course["people"][0].supervisor = None
    course["people"][0].save()
    _complete(course)

    evaluation.request_behaviour_evaluations(now=local(2026, 6, 10, 12))

    row = BehaviourEvaluation.objects.get()
    assert row.rater is None
    assert list(Reminder.objects.filter(kind="l3_request").values_list("recipient", flat=True)) == [
        course["hr"].pk
    ]


def test_l3_reminded_once_and_not_after_an_answer(course):
    _complete(course, 0)
    _complete(course, 1)
    asked = local(2026, 6, 10, 12)
    evaluation.request_behaviour_evaluations(now=asked)
    answered = BehaviourEvaluation.objects.get(completion__civil_servant=course["people"][1])
    evaluation.answer_behaviour(
        evaluation=answered,
        applies=4,
        improved=4,
        shares=3,
        comment="",
        now=asked,
        actor=course["boss"].user,
    )
    later = asked + datetime.timedelta(days=settings.BEHAVIOUR_REMINDER_DAYS)

    assert evaluation.remind_behaviour_evaluations(now=later - datetime.timedelta(hours=1)) == 0
    assert evaluation.remind_behaviour_evaluations(now=later) == 1
    assert evaluation.remind_behaviour_evaluations(now=later + datetime.timedelta(days=30)) == 0
    assert Reminder.objects.filter(kind="l3_remind").count() == 1


def test_l3_answered_by_the_supervisor_listed_on_home_and_shown_on_the_transcript(client, course):
    _complete(course)
    evaluation.request_behaviour_evaluations(now=local(2026, 6, 10, 12))
    row = BehaviourEvaluation.objects.get()
    url = reverse("training:behaviour_answer", args=[row.pk])
    client.force_login(course["people"][1].user)  # a colleague may not answer
    assert client.get(url).status_code == 404
    client.force_login(course["boss"].user)
    assert url in client.get(reverse("home")).content.decode()

    bad = client.post(url, {"applies": "9", "improved": "4", "shares": "4"})
    assert bad.status_code == 200 and "applies" in bad.context["form"].errors
    client.post(url, {"applies": "4", "improved": "5", "shares": "3", "comment": "Rapi"})

    row.refresh_from_db()
    assert (row.applies, row.improved, row.shares, row.comment) == (4, 5, 3, "Rapi")
    assert url not in client.get(reverse("home")).content.decode()
    client.force_login(course["hr"].user)
    transcript = client.get(
        reverse("training:dashboard-person", args=[course["people"][0].pk])
    ).content.decode()
    assert "4,0" in transcript or "4.0" in transcript


def test_l3_beat_task_is_scheduled_by_name():
    from asnportal.celery import app

    names = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert evaluation.REQUEST_TASK in names
    app.loader.import_default_modules()
    assert evaluation.REQUEST_TASK in app.tasks


def test_hr_enters_pre_and_post_test_scores(client, course):
    first, second = course["enrollments"][:2]
    url = reverse("training:hr-test-scores", args=[course["session"].pk])
    client.force_login(hr_officer(district("plaju")).user)
    assert client.get(url).status_code == 404
    client.force_login(course["hr"].user)

    bad = client.post(url, {f"pre_{first.pk}": "50", f"post_{first.pk}": "120"})
    assert bad.status_code == 200 and f"post_{first.pk}" in bad.context["form"].errors
    assert not LearningScore.objects.exists()
    response = client.post(
        url,
        {
            f"pre_{first.pk}": "50",
            f"post_{first.pk}": "80",
            f"pre_{second.pk}": "60",
            f"post_{second.pk}": "70.5",
        },
    )

    assert response.status_code == 302
    gain = evaluation.learning_gain(course["session"].enrollments.all())
    assert (gain["count"], gain["pre"], gain["post"], gain["gain"]) == (2, 55.0, 75.2, 20.2)
    assert LearningScore.objects.count() == 2


# --------------------------------------------------------------------------
# The administrator's dashboard
# --------------------------------------------------------------------------


def test_admin_dashboard_shows_the_evaluation_panel_with_its_figures(client, course):
    for enrollment, rating in zip(course["enrollments"], (5, 4, 3), strict=False):
        _feedback(enrollment, rating)
    LearningScore.objects.create(
        enrollment=course["enrollments"][0], pre_score=Decimal(50), post_score=Decimal(80)
    )
    LearningScore.objects.create(
        enrollment=course["enrollments"][1], pre_score=Decimal(60), post_score=Decimal(70)
    )
    _complete(course, 0)
    _complete(course, 1)
    evaluation.request_behaviour_evaluations(now=local(2026, 6, 10, 12))
    evaluation.answer_behaviour(
        evaluation=BehaviourEvaluation.objects.get(completion__civil_servant=course["people"][0]),
        applies=4,
        improved=4,
        shares=3,
        comment="",
        now=local(2026, 6, 11, 12),
        actor=course["boss"].user,
    )
    small = SessionFactory(district=district("plaju"), start=local(2026, 4, 7, 8))
    for person in course["people"][:2]:  # two answers: the L1 mean stays hidden
        _feedback(EnrollmentFactory(session=small, civil_servant=person, status="completed"), 5)
    client.force_login(UserFactory(username="root", is_superuser=True, is_staff=True))

    page = client.get(reverse("training:dashboard"))

    assert page.status_code == 200
    panel = page.context["evaluation"]
    rows = {row["pk"]: row for row in panel["table"].rows}
    big = rows[course["session"].program_id]
    assert (big["invited"], big["l1_mean"], big["l2_gain"], big["l3_rate"]) == (5, 4.0, 20.0, 50.0)
    assert [row["pk"] for row in panel["table"].rows] == [
        course["session"].program_id,
        small.program_id,
    ]  # the largest first
    assert rows[small.program_id]["l1_mean"] is None
    html = page.content.decode()
    assert 'id="evaluation-panel"' in html and panel["url"] in html
    for cell in panel["table"].display_rows()[0]:
        assert cell.text in html
    assert html.count('<details class="dashboard-fold">') >= 1

    client.force_login(course["hr"].user)  # HR's dashboard links to the page, no panel
    assert 'id="evaluation-panel"' not in client.get(reverse("training:dashboard")).content.decode()
