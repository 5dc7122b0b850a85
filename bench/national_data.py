"""The national-scale dataset (``--scale national``), loaded with PostgreSQL's COPY.

Ten times ``full``: 1,000,000 civil servants, 10,000,000 schedule entries,
50,000 sessions and 1,000,000 enrolments, in 500 districts (the migrations'
four and 496 more) grouped in 38 provinces over the three time zones (WIB,
WITA, WIT). It lives in its own database, ``asnportal_bench_national`` unless
``BENCH_DATABASE`` says otherwise, and is reused while its sizes, anchor day
and version match (``bench_meta``); the build time and the database's size are
kept in ``bench_build``.

The rows follow the same formulas as ``dataset.BASE_SQL`` (so
``dataset.expected_pairs`` still counts the enrolment clashes), but the four
large tables are loaded the bulk way: their foreign keys, unique constraints
and secondary indexes are dropped, each table is filled by ``COPY ... FROM
STDIN`` fed by a server-side ``COPY (SELECT ... generate_series) TO STDOUT``
on a second connection (no row is built in Python), then the indexes and
constraints are rebuilt from their saved definitions (the foreign keys are
checked again as they are added) and the database is vacuumed and analysed.
"""

import datetime
import os
import threading
import time
from urllib.parse import urlparse

from bench import dataset

DATABASE = "asnportal_bench_national"
PROVINCES = 38
# Provinces 0-23 in WIB (Sumatra, Java, West and Central Kalimantan), 24-33 WITA, 34-37 WIT.
ZONE_SQL = """CASE WHEN p < 24 THEN 'Asia/Jakarta' WHEN p < 34 THEN 'Asia/Makassar'
                   ELSE 'Asia/Jayapura' END"""
BIG_TABLES = (
    "auth_user",
    "districts_civilservant",
    "districts_scheduleentry",
    "training_enrollment",
)

DISTRICTS_SQL = f"""
INSERT INTO districts_district (name, slug, level, parent_city, province, bps_code, time_zone,
    certificate_template, agency_logo, agency_name, hr_email, signatory_name, signatory_nip,
    signatory_position)
SELECT 'Bench Kabupaten ' || n, 'bench-nat-' || n, 'kabupaten', '',
       'Bench Provinsi ' || lpad(p::text, 2, '0'), 'N.' || lpad(n::text, 4, '0'),
       {ZONE_SQL}, '{{seq:03d}}/BKPSDM/{{year}}', '', '', '', '', '', ''
FROM (SELECT n, n %% {PROVINCES} AS p FROM generate_series(1, %(extra)s) AS n) AS x
ON CONFLICT (slug) DO NOTHING
"""

TRUNCATE_SQL = """
TRUNCATE training_reminder, training_notification, training_conflictresolution,
         training_enrollment, training_trainingsession, training_trainingprogram,
         training_venue, districts_scheduleentry, districts_civilservant,
         districts_workunit, auth_user RESTART IDENTITY CASCADE
"""

SMALL_SQL = """
CREATE TEMP TABLE bench_district AS
    SELECT row_number() OVER (ORDER BY id) - 1 AS n, id FROM districts_district;

INSERT INTO districts_workunit (district_id, parent_id, name, code, kind, works_in_shifts)
SELECT d.id, NULL, 'Unit ' || u, 'B' || u, 'seksi', u %% 4 = 0
FROM bench_district d, generate_series(0, %(units)s - 1) AS u
ORDER BY d.n, u;

INSERT INTO training_venue (district_id, name, address, capacity, is_active)
SELECT d.id, 'Aula ' || v, '', 40, true
FROM bench_district d, generate_series(1, 10) AS v ORDER BY d.n, v;

INSERT INTO training_trainingprogram (district_id, code, title, description, competency_kind,
    form, method, provider, jp_credited, requires_supervisor_approval,
    open_to_other_districts, is_active, created_at, min_attendance_percent)
SELECT d.id, 'P' || p, 'Pelatihan ' || p, '', 'teknis', 'klasikal', 'workshop', '', 8, false,
       false, true, now(), 100
FROM generate_series(1, %(programs)s) AS p
JOIN bench_district d ON d.n = p %% %(districts)s;

INSERT INTO training_trainingsession (program_id, district_id, venue_id, online_url,
    instructor_id, start, "end", capacity, status, series, cancel_reason, override_reason,
    cost_amount, cost_basis, created_at, updated_at, sequence, recorded_afterwards)
SELECT p.id, p.district_id, NULL, '', NULL,
       %(anchor)s::timestamptz + make_interval(days => 1 + (s * 7) %% %(days)s,
                                              hours => 1 + (s %% 3) * 3),
       %(anchor)s::timestamptz + make_interval(days => 1 + (s * 7) %% %(days)s,
                                              hours => 4 + (s %% 3) * 3),
       40, CASE WHEN s %% 100 = 0 THEN 'cancelled' ELSE 'published' END, NULL, '', '',
       NULL, '', now(), now(), 0, false
FROM generate_series(1, %(sessions)s) AS s
JOIN training_trainingprogram p ON p.id = (s - 1) %% %(programs)s + 1;

-- One meeting per session, its whole span (what the conflict engine reads).
INSERT INTO training_meeting (session_id, start, "end", venue_id, is_online, join_link,
    instructor_id, is_cancelled)
SELECT id, start, "end", NULL, false, '', NULL, status = 'cancelled'
FROM training_trainingsession ORDER BY id;
"""

# (table, its columns, the SELECT that generates them): BASE_SQL's formulas.
COPIES = [
    (
        "auth_user",
        "id, password, is_superuser, username, first_name, last_name, email, is_staff,"
        " is_active, date_joined",
        "SELECT g, '!', false, 'bench' || g, '', '', '', false, true, now()"
        " FROM generate_series(1, %(people)s) AS g",
    ),
    (
        "districts_civilservant",
        "id, user_id, nip, asn_type, front_title, name, back_title, gender, birth_date, rank,"
        " position_type, position_title, work_unit_id, district_id, supervisor_id, email,"
        " is_active, calendar_token",
        """SELECT g, g, '9' || lpad(g::text, 17, '0'), 'PNS', '', 'Pegawai ' || g, '',
       CASE WHEN g %% 2 = 0 THEN 'male' ELSE 'female' END, DATE '1985-01-01', 'III/a',
       'pelaksana', 'Pelaksana',
       (g %% %(districts)s) * %(units)s + (g / %(districts)s) %% %(units)s + 1,
       d.id, CASE WHEN g > 100 THEN (g %% 100) + 1 END, 'p' || g || '@bench.test', true, ''
FROM generate_series(1, %(people)s) AS g
JOIN (SELECT row_number() OVER (ORDER BY id) - 1 AS n, id FROM districts_district) d
  ON d.n = g %% %(districts)s""",
    ),
    (
        "districts_scheduleentry",
        'civil_servant_id, kind, leave_type, start, "end", note, source, entered_by_id,'
        " created_at, updated_at, external_id",
        """SELECT (e %% %(people)s) + 1,
       CASE WHEN e %% 20 < 16 THEN 'duty_shift' WHEN e %% 20 < 18 THEN 'leave'
            WHEN e %% 20 = 18 THEN 'official_travel' ELSE 'other' END,
       CASE WHEN e %% 20 IN (16, 17) THEN 'tahunan' ELSE '' END,
       t.start,
       t.start + CASE WHEN e %% 20 < 16 THEN interval '7 hours'
                      WHEN e %% 20 < 18 THEN interval '2 days'
                      WHEN e %% 20 = 18 THEN interval '1 day' ELSE interval '2 hours' END,
       '', 'import', NULL, now(), now(), ''
FROM generate_series(0, %(entries)s - 1) AS e,
LATERAL (SELECT %(anchor)s::timestamptz
                + make_interval(days => (e * 37 + e / %(people)s * 11) %% %(days)s,
                                hours => CASE WHEN e %% 2 = 0 THEN 0 ELSE 6 END) AS start) t""",
    ),
    (
        "training_enrollment",
        "session_id, civil_servant_id, status, created_at, waitlisted_at, decided_at,"
        " decided_by_id, decision_note, cancelled_at, cancel_reason, enrolled_by_id, updated_at",
        """SELECT DISTINCT ON (person, session) session, person,
       CASE WHEN g %% 20 = 0 THEN 'waitlisted' WHEN g %% 20 = 1 THEN 'cancelled'
            ELSE 'approved' END,
       now(), CASE WHEN g %% 20 = 0 THEN now() END, NULL, NULL, '', NULL, '', NULL, now()
FROM (
    SELECT g, (g * 7919) %% %(wrap)s + 1 AS person,
           (g * 31 + (g / %(wrap)s) * CASE WHEN g %% 2 = 0 THEN %(days)s ELSE 17 END)
               %% %(sessions)s + 1 AS session
    FROM generate_series(0::bigint, %(enrollments)s - 1) AS g  -- g * 7919 passes 2^31
) AS x""",
    ),
]


def _saved_definitions(cursor) -> tuple[list[str], list[str]]:
    """Return (statements that drop, statements that rebuild) the large tables' extras.

    Kept: primary keys and check constraints. Dropped and rebuilt: foreign keys,
    unique constraints and every other index.
    """
    cursor.execute(
        """SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid), contype
           FROM pg_constraint
           WHERE conrelid::regclass::text = ANY(%s) AND contype IN ('f', 'u')
           ORDER BY contype DESC, conname""",
        [list(BIG_TABLES)],
    )
    constraints = cursor.fetchall()
    cursor.execute(
        """SELECT i.tablename, i.indexname, i.indexdef FROM pg_indexes i
           JOIN pg_class c ON c.relname = i.indexname
           WHERE i.tablename = ANY(%s)
             AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = c.oid)
           ORDER BY i.indexname""",
        [list(BIG_TABLES)],
    )
    indexes = cursor.fetchall()
    drop = [f'ALTER TABLE {t} DROP CONSTRAINT "{n}"' for t, n, _d, _k in constraints]
    drop += [f'DROP INDEX "{n}"' for _t, n, _d in indexes]
    # Unique constraints first (foreign keys may need them), then indexes, then foreign keys.
    rebuild = [
        f'ALTER TABLE {t} ADD CONSTRAINT "{n}" {d}' for t, n, d, k in constraints if k == "u"
    ]
    rebuild += [d for _t, _n, d in indexes]
    rebuild += [
        f'ALTER TABLE {t} ADD CONSTRAINT "{n}" {d}' for t, n, d, k in constraints if k == "f"
    ]
    return drop, rebuild


def _copy(url: str, cursor, table: str, columns: str, select: str, params: dict) -> None:
    """Fill ``table`` by COPY FROM STDIN, fed by a COPY TO STDOUT of ``select``."""
    source = dataset._connect(url)
    source.autocommit = True
    read_fd, write_fd = os.pipe()
    failure: list[BaseException] = []

    def produce() -> None:
        try:
            with source.cursor() as out_cursor, os.fdopen(write_fd, "wb") as sink:
                query = out_cursor.mogrify(select, params).decode()
                out_cursor.copy_expert(f"COPY ({query}) TO STDOUT", sink, size=1 << 20)
        except BaseException as error:  # re-raised by the loader's thread
            failure.append(error)

    producer = threading.Thread(target=produce)
    producer.start()
    try:
        with os.fdopen(read_fd, "rb") as stream:
            cursor.copy_expert(f"COPY {table} ({columns}) FROM STDIN", stream, size=1 << 20)
    finally:
        producer.join()
        source.close()
    if failure:
        raise failure[0]


def build(url: str, sizes: dict, anchor: datetime.datetime, out=print) -> dict:
    """Load the national dataset into ``url``; return the seconds of each phase."""
    connection = dataset._connect(url)
    connection.autocommit = True
    phases: dict[str, float] = {}
    started = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal started
        phases[name] = time.perf_counter() - started
        out(f"  {name}: {phases[name]:.1f} s")
        started = time.perf_counter()

    with connection.cursor() as cursor:
        cursor.execute("SET maintenance_work_mem = '1GB'")
        cursor.execute("DELETE FROM bench_meta")
        cursor.execute(TRUNCATE_SQL)
        cursor.execute("SELECT count(*) FROM districts_district WHERE slug NOT LIKE 'bench-nat-%%'")
        own = cursor.fetchone()[0]
        cursor.execute(DISTRICTS_SQL, {"extra": sizes["districts"] - own})
        cursor.execute("SELECT count(*) FROM districts_district")
        districts = cursor.fetchone()[0]
        params = {
            **sizes,
            "anchor": anchor,
            "districts": districts,
            "units": dataset.UNITS_PER_DISTRICT,
            "programs": max(sizes["sessions"] // dataset.SESSIONS_PER_PROGRAM, 1),
            "days": dataset.DAYS,
            "wrap": max(int(sizes["people"] * 0.9), 1),
        }
        cursor.execute(SMALL_SQL, params)
        lap("districts, units, venues, programmes, sessions (INSERT)")
        drop, rebuild = _saved_definitions(cursor)
        # Kept in the database until they are rebuilt: a build that fails after the drop
        # leaves them there for the next build (which finds nothing left to drop).
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS bench_ddl (position int PRIMARY KEY, statement text)"
        )
        cursor.execute("SELECT statement FROM bench_ddl ORDER BY position")
        saved = [statement for (statement,) in cursor.fetchall()]
        if saved:
            rebuild = saved
        else:
            cursor.executemany(
                "INSERT INTO bench_ddl (position, statement) VALUES (%s, %s)",
                list(enumerate(rebuild)),
            )
        for statement in drop:
            cursor.execute(statement)
        lap(f"dropped {len(drop)} indexes and constraints")
        for table, columns, select in COPIES:
            _copy(url, cursor, table, columns, select, params)
            lap(f"COPY {table}")
        for name in ("auth_user", "districts_civilservant"):
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), %(people)s)", params
            )
        for statement in rebuild:
            cursor.execute(statement)
        cursor.execute("DELETE FROM bench_ddl")
        lap(f"rebuilt {len(rebuild)} indexes and constraints")
        for step in dataset.STEPS:
            step(cursor, sizes, anchor)
        cursor.execute("VACUUM ANALYZE")
        lap("VACUUM ANALYZE")
        cursor.executemany(
            "INSERT INTO bench_meta (key, value) VALUES (%s, %s)",
            [(key, str(value)) for key, value in sizes.items()]
            + [("anchor", anchor.isoformat()), ("version", dataset.VERSION)],
        )
    connection.close()
    return phases


def prepare(sizes: dict, *, rebuild: bool = False, out=print) -> tuple[str, datetime.datetime]:
    """Return the national database's URL and anchor, building the data if needed."""
    url = dataset.database_url(os.environ.get("BENCH_DATABASE", DATABASE))
    dataset.ensure_database(url)
    dataset.migrate(url)
    anchor = dataset.anchor_day()
    connection = dataset._connect(url)
    connection.autocommit = True
    with connection.cursor() as cursor:
        meta = dataset._loaded(cursor)
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS bench_build (key text PRIMARY KEY, value text NOT NULL)"
        )
    connection.close()
    wanted = {
        **{key: str(value) for key, value in sizes.items()},
        "anchor": anchor.isoformat(),
        "version": dataset.VERSION,
    }
    if rebuild or meta != wanted:
        out(f"Building the national dataset in {urlparse(url).path.lstrip('/')} (COPY) ...")
        started = time.perf_counter()
        phases = build(url, sizes, anchor, out=out)
        total = time.perf_counter() - started
        out(f"  built in {total:.1f} s")
        connection = dataset._connect(url)
        connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_database_size(current_database())")
            size = cursor.fetchone()[0]
            cursor.execute("DELETE FROM bench_build")
            cursor.executemany(
                "INSERT INTO bench_build (key, value) VALUES (%s, %s)",
                [("total", f"{total:.1f}"), ("bytes", str(size)), ("built", _now())]
                + [(name, f"{seconds:.1f}") for name, seconds in phases.items()],
            )
        connection.close()
    return url, anchor


def _now() -> str:
    return datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")


def build_record(url: str) -> dict:
    """Return what ``bench_build`` recorded of the last build (seconds, bytes, date)."""
    connection = dataset._connect(url)
    with connection.cursor() as cursor:
        cursor.execute("SELECT key, value FROM bench_build")
        record = dict(cursor.fetchall())
    connection.close()
    return record
