"""Meetings (*pertemuan*): a session meets once or several times.

On PostgreSQL the venue exclusion constraint moves from sessions (whose
interval is now the span of their meetings) to meetings: a venue is refused
twice per meeting, half-open ``[start, end)``, cancelled meetings excluded.
SQLite has no exclusion constraints; the scheduling service checks there.
"""

import django.db.models.deletion
import districts.validation
from django.db import migrations, models

CREATE = """
CREATE EXTENSION IF NOT EXISTS btree_gist;
ALTER TABLE training_trainingsession DROP CONSTRAINT IF EXISTS session_venue_no_overlap;
ALTER TABLE training_meeting
    ADD CONSTRAINT meeting_venue_no_overlap
    EXCLUDE USING gist (venue_id WITH =, tstzrange(start, "end", '[)') WITH &&)
    WHERE (venue_id IS NOT NULL AND NOT is_cancelled);
"""
DROP = """
ALTER TABLE training_meeting DROP CONSTRAINT IF EXISTS meeting_venue_no_overlap;
ALTER TABLE training_trainingsession
    ADD CONSTRAINT session_venue_no_overlap
    EXCLUDE USING gist (venue_id WITH =, tstzrange(start, "end", '[)') WITH &&)
    WHERE (venue_id IS NOT NULL AND status <> 'cancelled');
"""


def move_constraint(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def move_back(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("training", "0015_audit_actions_api")]

    operations = [
        migrations.CreateModel(
            name="Meeting",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("start", models.DateTimeField(verbose_name="start")),
                ("end", models.DateTimeField(verbose_name="end")),
                ("is_online", models.BooleanField(default=False, verbose_name="online")),
                (
                    "join_link",
                    models.URLField(
                        blank=True,
                        validators=[districts.validation.validate_single_line],
                        verbose_name="join link",
                    ),
                ),
                (
                    "is_cancelled",
                    models.BooleanField(default=False, editable=False, verbose_name="cancelled"),
                ),
                (
                    "instructor",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="meetings",
                        to="training.instructor",
                        verbose_name="instructor",
                    ),
                ),
                (
                    "session",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="meetings",
                        to="training.trainingsession",
                        verbose_name="session",
                    ),
                ),
                (
                    "venue",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="meetings",
                        to="training.venue",
                        verbose_name="venue",
                    ),
                ),
            ],
            options={
                "verbose_name": "meeting",
                "verbose_name_plural": "meetings",
                "ordering": ["start", "pk"],
                "indexes": [
                    models.Index(fields=["session", "start"], name="meeting_session_start"),
                    models.Index(fields=["venue", "start"], name="meeting_venue_start"),
                    models.Index(fields=["start"], name="meeting_start"),
                ],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("end__gt", models.F("start"))),
                        name="meeting_end_after_start",
                    )
                ],
            },
        ),
        migrations.RunPython(move_constraint, move_back),
    ]
