"""The move to marks per meeting, on a copy of the demo data: each enrolment's mark moves over.

The demo is seeded, the attendance table is rolled back with ``0009`` (as
before the change: one mark per enrolment, in its status), and ``0009`` runs
forward again through Django's migration executor.
"""

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests.factories import PLACES, district
from training.models import Attendance, CompletionRecord, Enrollment, Meeting

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("training", "0018_session_recorded_afterwards")]
AFTER = [("training", "0019_attendance_per_meeting")]
MARKS = {"attended": "present", "partial": "late", "no_show": "absent", "completed": "present"}


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


@pytest.fixture(autouse=True)
def back_to_the_latest_migrations():
    """Leave the database migrated to the end, for the tests that follow."""
    yield
    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())


def test_each_single_meeting_sessions_mark_becomes_its_meetings_mark():
    for slug in PLACES:
        district(slug)  # an earlier transactional test may have flushed them
    call_command("seed_demo", stdout=None)
    migrate(BEFORE)
    enrolments = sorted(Enrollment.objects.values_list("pk", "session_id", "status"))
    completions = sorted(CompletionRecord.objects.values_list("pk", "passed", "certificate_number"))
    # The demo has completed and no-show enrolments; two no-shows play the other marks.
    partial, attended = Enrollment.objects.filter(status="no_show").order_by("pk")[:2]
    Enrollment.objects.filter(pk=partial.pk).update(status="partial")
    Enrollment.objects.filter(pk=attended.pk).update(status="attended")
    marked = dict(Enrollment.objects.filter(status__in=list(MARKS)).values_list("pk", "status"))
    assert set(marked.values()) == set(MARKS)

    migrate(AFTER)

    after = {
        a.enrollment_id: (a.meeting.session_id, a.status)
        for a in Attendance.objects.select_related("meeting")
    }
    session_of = dict(Enrollment.objects.values_list("pk", "session_id"))
    assert after == {pk: (session_of[pk], MARKS[status]) for pk, status in marked.items()}
    assert Meeting.objects.filter(attendances__isnull=False).count() == len(after)
    Enrollment.objects.filter(pk__in=[partial.pk, attended.pk]).update(status="no_show")
    assert sorted(Enrollment.objects.values_list("pk", "session_id", "status")) == enrolments
    assert (
        sorted(CompletionRecord.objects.values_list("pk", "passed", "certificate_number"))
        == completions
    )
