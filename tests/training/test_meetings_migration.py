"""The move to meetings, on a copy of the demo data: every session gets its one meeting.

The demo is seeded, its meetings are rolled back with ``0008`` (as before the
change: sessions only), and ``0008`` runs forward again through Django's
migration executor. Nothing that hangs on a session may change.
"""

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.models import Count

from tests.factories import PLACES, district
from training.models import CompletionRecord, Enrollment, Meeting, TrainingSession

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("training", "0016_meetings")]


def migrate(targets=None):
    """Migrate to ``targets``, or forward to the latest migrations (``0008`` and later)."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets or executor.loader.graph.leaf_nodes())


@pytest.fixture(autouse=True)
def back_to_the_latest_migrations():
    """Leave the database migrated to the end, for the tests that follow."""
    yield
    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())


def snapshot():
    return {
        "enrolments": sorted(
            Enrollment.objects.values_list("pk", "session_id", "civil_servant_id", "status")
        ),
        "attendance": sorted(
            Enrollment.objects.filter(
                status__in=["attended", "partial", "no_show", "completed"]
            ).values_list("pk", "status")
        ),
        "completions": sorted(
            CompletionRecord.objects.values_list(
                "pk", "session_id", "civil_servant_id", "jp_credited", "passed"
            )
        ),
        "certificates": sorted(
            CompletionRecord.objects.exclude(certificate_number=None).values_list(
                "pk", "certificate_number"
            )
        ),
        "sessions": sorted(
            TrainingSession.objects.values_list(
                "pk", "start", "end", "venue_id", "status", "series"
            )
        ),
    }


def test_existing_sessions_become_single_meeting_sessions_with_nothing_lost():
    for slug in PLACES:
        district(slug)  # an earlier transactional test may have flushed them
    call_command("seed_demo", stdout=None)
    # Before meetings, a session had one interval: the demo's multi-meeting sessions go.
    several = TrainingSession.objects.annotate(count=Count("meetings")).filter(count__gt=1)
    Enrollment.objects.filter(session__in=several).delete()
    TrainingSession.objects.filter(pk__in=list(several.values_list("pk", flat=True))).delete()
    migrate(BEFORE)
    assert not Meeting.objects.exists()
    # Only columns that exist before the migration are read or written here.
    first = TrainingSession.objects.order_by("pk").values_list("pk", flat=True).first()
    TrainingSession.objects.filter(pk=first).update(status="cancelled")
    before = snapshot()
    assert before["attendance"] and before["completions"] and before["certificates"]

    migrate()

    assert snapshot() == before
    sessions = TrainingSession.objects.all()
    assert Meeting.objects.count() == sessions.count()
    for session in sessions.prefetch_related("meetings"):
        (meeting,) = session.meetings.all()
        assert (meeting.start, meeting.end) == (session.start, session.end)
        assert meeting.venue_id == session.venue_id
        assert meeting.instructor_id == session.instructor_id
        assert meeting.join_link == session.online_url
        assert meeting.is_cancelled == (session.status == "cancelled")
