"""On PostgreSQL, refuse overlapping live sessions in one venue with an exclusion constraint.

SQLite has no exclusion constraints; there the scheduling service (which
checks under a lock on the venue) is the only guard. Intervals are half-open
``[start, end)``, so back-to-back sessions are allowed.
"""

from django.db import migrations

CREATE = """
CREATE EXTENSION IF NOT EXISTS btree_gist;
ALTER TABLE training_trainingsession
    ADD CONSTRAINT session_venue_no_overlap
    EXCLUDE USING gist (venue_id WITH =, tstzrange(start, "end", '[)') WITH &&)
    WHERE (venue_id IS NOT NULL AND status <> 'cancelled');
"""
DROP = "ALTER TABLE training_trainingsession DROP CONSTRAINT IF EXISTS session_venue_no_overlap;"


def add_constraint(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop_constraint(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("training", "0001_initial")]

    operations = [migrations.RunPython(add_constraint, drop_constraint)]
