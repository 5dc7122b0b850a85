"""The dashboard's figures take a constant number of queries, whatever the scope size."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from districts.models import CivilServant, ScheduleEntry
from tests.factories import (
    CivilServantFactory,
    SessionFactory,
    UserFactory,
    WorkUnitFactory,
    district,
    local,
)
from training.models import CompletionRecord, Enrollment, Feedback, LearningScore
from training.services import evaluation
from training.services.dashboards.access import viewer_for
from training.services.dashboards.dashboard import Dashboard
from training.services.dashboards.filters import Criteria

NOW = local(2026, 11, 25, 12)
FIGURE_QUERIES = 15
PAGE_QUERIES = 30
# The administrator's evaluation panel: programs, L1, L2, L3, one query each.
EVALUATION_PANEL_QUERIES = 4

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()


def team(size: int, prefix: int) -> CivilServant:
    """Return a supervisor of ``size`` people in two units, half of them indirect reports."""
    place = district()
    units = [WorkUnitFactory(district=place), WorkUnitFactory(district=place)]
    head = CivilServantFactory(district=place, work_unit=units[0])
    past = SessionFactory(district=place, start=local(2026, 4, 6, 8), capacity=1000)
    upcoming = SessionFactory(district=place, start=local(2026, 12, 7, 8), capacity=1000)
    users = get_user_model().objects.bulk_create(
        get_user_model()(username=f"t{prefix}-{index}") for index in range(size)
    )
    people = []
    for index, user in enumerate(users):
        person = CivilServant(
            user=user,
            nip=f"1990010120150{prefix}{index:04d}",
            asn_type="PPPK" if index % 3 == 0 else "PNS",
            name=f"Anggota {prefix}-{index}",
            gender="male",
            birth_date=datetime.date(1990, 1, 1),
            rank="III/a",
            position_type="pelaksana",
            position_title="Pelaksana",
            work_unit=units[index % 2],
            district=place,
            supervisor=head,
        )
        person.save()
        people.append(person)
    CivilServant.objects.filter(pk__in=[p.pk for p in people[2::2]]).update(supervisor=people[1])
    Enrollment.objects.bulk_create(
        Enrollment(session=past, civil_servant=person, status=status)
        for person, status in zip(people, ["completed", "no_show", "attended"] * size, strict=False)
    )
    Enrollment.objects.bulk_create(
        Enrollment(session=upcoming, civil_servant=person, status="approved") for person in people
    )
    CompletionRecord.objects.bulk_create(
        CompletionRecord(
            civil_servant=person,
            program=past.program,
            session=past,
            district=place,
            completion_date=datetime.date(2026, 4, 6),
            jp_credited=8 * (index % 4),
            passed=True,
        )
        for index, person in enumerate(people)
    )
    ScheduleEntry.objects.bulk_create(
        ScheduleEntry(
            civil_servant=person,
            kind="duty_shift",
            start=local(2026, 12, 7, 7),
            end=local(2026, 12, 7, 14),
        )
        for person in people[::5]
    )
    return head


def figure_queries(head: CivilServant) -> tuple[int, Dashboard]:
    board = Dashboard(Criteria(viewer=viewer_for(head.user), year=2026, now=NOW))
    with CaptureQueriesContext(connection) as context:
        board.tables()
        board.summary()
    return len(context.captured_queries), board


def test_dashboard_figure_queries_same_for_5_and_500_people():
    small, small_board = figure_queries(team(5, 1))
    large, large_board = figure_queries(team(500, 2))

    assert small_board.totals.people == 5
    assert large_board.totals.people == 500
    assert large_board.conflicts.count == 100
    assert small == large
    assert large <= FIGURE_QUERIES


@pytest.mark.parametrize("size", [5, 500])
def test_dashboard_figures_within_query_budget(size, django_assert_max_num_queries):
    head = team(size, 3)
    board = Dashboard(Criteria(viewer=viewer_for(head.user), year=2026, now=NOW))

    with django_assert_max_num_queries(FIGURE_QUERIES):
        board.tables()
        board.summary()
    assert board.totals.people == size


@pytest.mark.parametrize("size", [5, 500])
def test_dashboard_page_within_query_budget(client, size, django_assert_max_num_queries):
    head = team(size, 4)
    client.force_login(head.user)

    with django_assert_max_num_queries(PAGE_QUERIES):
        response = client.get(reverse("training:dashboard"), {"year": 2026})
    assert response.status_code == 200


def _evaluated() -> None:
    """Give every attended enrolment not yet rated a feedback and a pre/post score."""
    attended = list(
        Enrollment.objects.filter(status__in=["completed", "attended"]).exclude(
            pk__in=Feedback.objects.values("enrollment")
        )
    )
    Feedback.objects.bulk_create(
        Feedback(
            enrollment=row,
            rating_content=4,
            rating_instructor=5,
            rating_venue=3,
            rating_usefulness=4,
        )
        for row in attended
    )
    LearningScore.objects.bulk_create(
        LearningScore(enrollment=row, pre_score=50, post_score=75) for row in attended
    )


def admin_page_queries(client, size: int, prefix: int) -> tuple[int, dict]:
    team(size, prefix)
    _evaluated()
    cache.clear()
    with CaptureQueriesContext(connection) as context:
        response = client.get(reverse("training:dashboard"), {"year": 2026})
    assert response.status_code == 200
    return len(context.captured_queries), response.context["evaluation"]


def test_admin_dashboard_with_the_evaluation_panel_same_queries_for_5_and_500(client):
    client.force_login(UserFactory(username="root", is_superuser=True, is_staff=True))

    small, small_panel = admin_page_queries(client, 5, 5)
    large, large_panel = admin_page_queries(client, 500, 6)

    rows = large_panel["table"].rows
    assert [row["invited"] for row in rows] == [333, 3, 0, 0]  # the largest programs first
    assert (rows[0]["l1_mean"], rows[0]["l2_gain"]) == (4.0, 25.0)
    assert small == large
    assert large <= PAGE_QUERIES + EVALUATION_PANEL_QUERIES


def test_evaluation_panel_takes_four_queries(django_assert_num_queries):
    team(50, 7)
    _evaluated()

    with django_assert_num_queries(EVALUATION_PANEL_QUERIES):
        panel = evaluation.evaluation_panel(Enrollment.objects.all())
    assert panel.rows[0]["responses"] == 33
