"""The synthetic dataset for benchmarks, built on PostgreSQL by set-based SQL.

``prepare(scale)`` makes sure the benchmark database exists (``asnportal_bench``
on DATABASE_URL's server unless ``BENCH_DATABASE`` says otherwise), is
migrated, and holds the dataset of that size; a second run with the same size
on the same day reuses it. Everything is generated server-side with
``generate_series`` (no rows travel through Python), deterministically, around
an anchor day (today, 00:00 UTC) so that every session lies ahead.

Sizes (``SCALES``): civil servants, schedule entries (duty shifts, leave,
official travel, other), training sessions, enrolments. Other benchmarks may
add steps with :func:`register_step` (run after the base tables are loaded).
"""

import datetime
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent

SCALES = {
    # 10x full, in ~500 districts over the three time zones, loaded with COPY (bench/national.py).
    "national": {
        "people": 1_000_000,
        "entries": 10_000_000,
        "sessions": 50_000,
        "enrollments": 1_000_000,
        "districts": 500,
    },
    "full": {"people": 100_000, "entries": 1_000_000, "sessions": 5_000, "enrollments": 100_000},
    "small": {"people": 10_000, "entries": 100_000, "sessions": 500, "enrollments": 10_000},
    "tiny": {"people": 1_000, "entries": 10_000, "sessions": 50, "enrollments": 1_000},
}
DAYS = 90  # sessions and schedules spread over the next 90 days
UNITS_PER_DISTRICT = 40
SESSIONS_PER_PROGRAM = 10

STEPS: list[Callable] = []
VERSION = "3"  # 2: enrolments that clash with each other; 3: one meeting per session (rebuilt)


def register_step(step: Callable) -> Callable:
    """Add ``step(cursor, sizes, anchor)`` to the build (for other benchmarks)."""
    STEPS.append(step)
    return step


def database_url(name: str | None = None) -> str:
    """Return DATABASE_URL with its database name replaced by the benchmark database."""
    base = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/asnportal")
    parsed = urlparse(base)
    if not parsed.scheme.startswith("postgres"):
        raise SystemExit("The benchmark needs PostgreSQL: set DATABASE_URL=postgres://...")
    name = name or os.environ.get("BENCH_DATABASE", "asnportal_bench")
    return urlunparse(parsed._replace(path=f"/{name}"))


def _connect(url: str):
    import psycopg2

    parsed = urlparse(url)
    return psycopg2.connect(
        dbname=parsed.path.lstrip("/"),
        user=parsed.username or "postgres",
        password=parsed.password or None,
        host=parsed.hostname or "127.0.0.1",
        port=parsed.port or 5432,
    )


def ensure_database(url: str) -> None:
    """Create the database if it does not exist yet."""
    name = urlparse(url).path.lstrip("/")
    admin = _connect(urlunparse(urlparse(url)._replace(path="/postgres")))
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{name}"')
    admin.close()


def migrate(url: str) -> None:
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": url},
        check=True,
    )


def anchor_day() -> datetime.datetime:
    today = datetime.datetime.now(datetime.UTC).date()
    return datetime.datetime.combine(today, datetime.time(), tzinfo=datetime.UTC)


def _loaded(cursor) -> dict | None:
    cursor.execute(
        "CREATE TABLE IF NOT EXISTS bench_meta (key text PRIMARY KEY, value text NOT NULL)"
    )
    cursor.execute("SELECT key, value FROM bench_meta")
    return dict(cursor.fetchall()) or None


BASE_SQL = """
TRUNCATE training_reminder, training_notification, training_conflictresolution,
         training_enrollment, training_trainingsession, training_trainingprogram,
         training_venue, districts_scheduleentry, districts_civilservant,
         districts_workunit, auth_user RESTART IDENTITY CASCADE;

CREATE TEMP TABLE bench_district AS
    SELECT row_number() OVER (ORDER BY id) - 1 AS n, id FROM districts_district;

INSERT INTO districts_workunit (district_id, parent_id, name, code, kind, works_in_shifts)
SELECT d.id, NULL, 'Unit ' || u, 'B' || u, 'seksi', u %% 4 = 0
FROM bench_district d, generate_series(0, %(units)s - 1) AS u
ORDER BY d.n, u;

INSERT INTO auth_user (id, password, is_superuser, username, first_name, last_name, email,
                       is_staff, is_active, date_joined)
SELECT g, '!', false, 'bench' || g, '', '', '', false, true, now()
FROM generate_series(1, %(people)s) AS g;

INSERT INTO districts_civilservant (id, user_id, nip, asn_type, front_title, name, back_title,
    gender, birth_date, rank, position_type, position_title, work_unit_id, district_id,
    supervisor_id, email, is_active, calendar_token)
SELECT g, g, '9' || lpad(g::text, 17, '0'), 'PNS', '', 'Pegawai ' || g, '',
       CASE WHEN g %% 2 = 0 THEN 'male' ELSE 'female' END, DATE '1985-01-01', 'III/a',
       'pelaksana', 'Pelaksana',
       (g %% %(districts)s) * %(units)s + (g / %(districts)s) %% %(units)s + 1,
       d.id,
       CASE WHEN g > 100 THEN (g %% 100) + 1 END,
       'p' || g || '@bench.test', true, ''
FROM generate_series(1, %(people)s) AS g
JOIN bench_district d ON d.n = g %% %(districts)s;
SELECT setval(pg_get_serial_sequence('auth_user', 'id'), %(people)s);
SELECT setval(pg_get_serial_sequence('districts_civilservant', 'id'), %(people)s);

INSERT INTO training_venue (district_id, name, address, capacity, is_active)
SELECT d.id, 'Aula ' || v, '', 40, true
FROM bench_district d, generate_series(1, 10) AS v ORDER BY d.n, v;

INSERT INTO training_trainingprogram (district_id, code, title, description, competency_kind,
    form, method, provider, jp_credited, min_attendance_percent, requires_supervisor_approval,
    open_to_other_districts, is_active, created_at)
SELECT d.id, 'P' || p, 'Pelatihan ' || p, '', 'teknis', 'klasikal', 'workshop', '', 8, 100,
       false, false, true, now()
FROM generate_series(1, %(programs)s) AS p
JOIN bench_district d ON d.n = p %% %(districts)s;

-- Sessions at 08.00, 11.00 or 14.00 WIB (01, 04, 07 UTC), three hours, over DAYS days.
INSERT INTO training_trainingsession (program_id, district_id, venue_id, online_url,
    instructor_id, start, "end", capacity, status, series, cancel_reason, override_reason,
    cost_amount, cost_basis, sequence, recorded_afterwards, created_at, updated_at)
SELECT p.id, p.district_id, NULL, '', NULL,
       %(anchor)s::timestamptz + make_interval(days => 1 + (s * 7) %% %(days)s,
                                              hours => 1 + (s %% 3) * 3),
       %(anchor)s::timestamptz + make_interval(days => 1 + (s * 7) %% %(days)s,
                                              hours => 4 + (s %% 3) * 3),
       40, CASE WHEN s %% 100 = 0 THEN 'cancelled' ELSE 'published' END, NULL, '', '',
       NULL, '', 0, false, now(), now()
FROM generate_series(1, %(sessions)s) AS s
JOIN training_trainingprogram p ON p.id = (s - 1) %% %(programs)s + 1;

-- One meeting per session, at its hours (the conflict engine reads the meetings).
INSERT INTO training_meeting (session_id, start, "end", is_online, venue_id, is_cancelled,
    instructor_id, join_link)
SELECT id, start, "end", false, NULL, status = 'cancelled', NULL, ''
FROM training_trainingsession ORDER BY id;

-- Ten entries per person on scattered days: mostly 7-hour duty shifts starting
-- 07.00 or 13.00 WIB, some leave (two days), official travel (a day), other (2 h).
INSERT INTO districts_scheduleentry (civil_servant_id, kind, leave_type, start, "end", note,
    source, entered_by_id, external_id, created_at, updated_at)
SELECT (e %% %(people)s) + 1,
       CASE WHEN e %% 20 < 16 THEN 'duty_shift' WHEN e %% 20 < 18 THEN 'leave'
            WHEN e %% 20 = 18 THEN 'official_travel' ELSE 'other' END,
       CASE WHEN e %% 20 IN (16, 17) THEN 'tahunan' ELSE '' END,
       t.start,
       t.start + CASE WHEN e %% 20 < 16 THEN interval '7 hours'
                      WHEN e %% 20 < 18 THEN interval '2 days'
                      WHEN e %% 20 = 18 THEN interval '1 day' ELSE interval '2 hours' END,
       '', 'import', NULL, '', now(), now()
FROM generate_series(0, %(entries)s - 1) AS e,
LATERAL (SELECT %(anchor)s::timestamptz
                + make_interval(days => (e * 37 + e / %(people)s * 11) %% %(days)s,
                                hours => CASE WHEN e %% 2 = 0 THEN 0 ELSE 6 END) AS start) t;

-- Enrolments: ~10%% of people hold two; half of those (even g) the second in the session
-- 90 further on, which falls on the same day and hours: enrolments that clash with each
-- other (about 5%% of people; expected_pairs() counts them from this construction).
INSERT INTO training_enrollment (session_id, civil_servant_id, status, created_at,
    waitlisted_at, decided_at, decided_by_id, decision_note, cancelled_at, cancel_reason,
    enrolled_by_id, updated_at)
SELECT DISTINCT ON (person, session) session, person,
       CASE WHEN g %% 20 = 0 THEN 'waitlisted' WHEN g %% 20 = 1 THEN 'cancelled'
            ELSE 'approved' END,
       now(), CASE WHEN g %% 20 = 0 THEN now() END, NULL, NULL, '', NULL, '', NULL, now()
FROM (
    SELECT g, (g * 7919) %% %(wrap)s + 1 AS person,
           (g * 31 + (g / %(wrap)s) * CASE WHEN g %% 2 = 0 THEN %(days)s ELSE 17 END)
               %% %(sessions)s + 1 AS session
    FROM generate_series(0, %(enrollments)s - 1) AS g
) AS x;
"""


def expected_pairs(sizes: dict) -> tuple[int, int]:
    """Return (enrolment-against-enrolment conflicts, people in them) by the build's formulas.

    Worked out from the construction of BASE_SQL, not read back from the tables:
    the person of index g is (g * 7919) mod wrap; g and g + wrap are one person's
    two enrolments. Two sessions clash when they fall on the same day at the same
    hours; neither may be cancelled (every 100th session) nor the enrolments
    cancelled (g mod 20 = 1, the same for g and g + wrap). Each clashing pair is
    two conflicts, one from each side.
    """
    people, sessions, count = sizes["people"], sizes["sessions"], sizes["enrollments"]
    wrap = max(int(people * 0.9), 1)

    def session(g: int) -> int:
        step = (g // wrap) * (DAYS if g % 2 == 0 else 17)
        return (g * 31 + step) % sessions + 1

    def slot(s: int) -> tuple[int, int]:
        return (1 + (s * 7) % DAYS, s % 3)

    clashing = 0
    for g in range(wrap, count):
        first, second = session(g - wrap), session(g)
        if (
            first != second
            and slot(first) == slot(second)
            and first % 100 != 0
            and second % 100 != 0
            and g % 20 != 1
        ):
            clashing += 1
    return 2 * clashing, clashing


def build(cursor, sizes: dict, anchor: datetime.datetime) -> None:
    cursor.execute("SELECT count(*) FROM districts_district")
    districts = cursor.fetchone()[0]
    if districts == 0:
        raise SystemExit("No districts: the migrations should have created the four places.")
    params = {
        **sizes,
        "anchor": anchor,
        "districts": districts,
        "units": UNITS_PER_DISTRICT,
        "programs": max(sizes["sessions"] // SESSIONS_PER_PROGRAM, 1),
        "days": DAYS,
        "wrap": max(int(sizes["people"] * 0.9), 1),
    }
    cursor.execute(BASE_SQL, params)
    for step in STEPS:
        step(cursor, sizes, anchor)
    cursor.execute("DELETE FROM bench_meta")
    cursor.executemany(
        "INSERT INTO bench_meta (key, value) VALUES (%s, %s)",
        [(key, str(value)) for key, value in sizes.items()]
        + [("anchor", anchor.isoformat()), ("version", VERSION)],
    )


def prepare(scale: str, *, rebuild: bool = False, out=print) -> tuple[str, datetime.datetime]:
    """Return the benchmark database URL and the anchor, building the data if needed."""
    sizes = SCALES[scale]
    if scale == "national":  # its own database and its own builder (COPY, indexes after)
        from bench import national_data

        return national_data.prepare(sizes, rebuild=rebuild, out=out)
    url = database_url()
    ensure_database(url)
    migrate(url)
    anchor = anchor_day()
    connection = _connect(url)
    with connection, connection.cursor() as cursor:
        meta = _loaded(cursor)
        wanted = {
            **{key: str(value) for key, value in sizes.items()},
            "anchor": anchor.isoformat(),
            "version": VERSION,
        }
        if rebuild or meta != wanted:
            started = time.perf_counter()
            out(f"Building the {scale} dataset in {urlparse(url).path.lstrip('/')} ...")
            build(cursor, sizes, anchor)
            rebuild = True
    if rebuild:
        connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
        out(f"  built in {time.perf_counter() - started:.1f} s")
    connection.close()
    return url, anchor


def counts(url: str) -> dict:
    connection = _connect(url)
    tables = {
        "civil servants": "districts_civilservant",
        "schedule entries": "districts_scheduleentry",
        "sessions": "training_trainingsession",
        "enrolments": "training_enrollment",
    }
    result = {}
    with connection.cursor() as cursor:
        for label, table in tables.items():
            cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 - constant names
            result[label] = cursor.fetchone()[0]
    connection.close()
    return result
