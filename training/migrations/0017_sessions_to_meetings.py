"""Every existing session becomes a session with one meeting, at its own time and place.

Sessions of an old series stay separate sessions (each has its own
enrolments); each gets its single meeting. Nothing else changes: enrolments,
attendance, completion records and certificates belong to the session.
"""

from django.db import migrations


def forwards(apps, schema_editor):
    TrainingSession = apps.get_model("training", "TrainingSession")
    Meeting = apps.get_model("training", "Meeting")
    have = set(Meeting.objects.values_list("session_id", flat=True))
    Meeting.objects.bulk_create(
        [
            Meeting(
                session_id=session.pk,
                start=session.start,
                end=session.end,
                venue_id=session.venue_id,
                is_online=bool(session.online_url) and session.venue_id is None,
                join_link=session.online_url,
                instructor_id=session.instructor_id,
                is_cancelled=session.status == "cancelled",
            )
            for session in TrainingSession.objects.order_by("pk").iterator()
            if session.pk not in have
        ],
        batch_size=500,
    )


def backwards(apps, schema_editor):
    apps.get_model("training", "Meeting").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("training", "0016_meetings")]

    operations = [migrations.RunPython(forwards, backwards)]
