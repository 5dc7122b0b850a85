"""Benchmark of the competency gap matrix (PostgreSQL), beside one hand-written SQL statement.

On the dashboards' synthetic province (``bench/dashboards.py``: 10 districts of
10,000 civil servants at full scale), adds 30 competencies per district, each
program developing two, every work unit requiring six and the position
"Pelaksana" two more; then:

- refreshes every district's stored matrix (``training/services/gap_summary.py``,
  what the Celery task does) and prints the time of each district's refresh and
  of the whole dataset's;
- prints, for the gap page ``/dasbor/kompetensi/`` of one district (HR officer of
  bench-01; the administrator opening that district) and of the whole dataset
  (administrator: one line per district), the server time (test client), median
  and p95, and its query count, the page reading the stored matrices (checked:
  the live statement is not among its queries);
- beside each, the same figures computed by one hand-written SQL statement over
  the live data, timed alternately in the same run.

    DATABASE_URL=postgres://... python bench/run.py gaps [--scale small] [--repeat 30]

Target: p95 under 300 ms and within 2x of the hand-written statement.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "asnportal.settings")

COMPETENCIES, REQUIRED_PER_UNIT = 30, 6
BASE_COMPETENCY = 50_000_000

# The figures of the matrix in one statement, written by hand for comparison (the
# same set-based form: needs and met pairs built once, joined by hash).
HAND_WRITTEN = """
WITH people AS (
    SELECT id, work_unit_id, district_id, position_title FROM districts_civilservant
    WHERE is_active AND (%(district)s::bigint IS NULL OR district_id = %(district)s)
), needs AS (
    SELECT p.id AS person_id, p.work_unit_id, r.competency_id FROM people p
    JOIN training_competencyrequirement r ON r.work_unit_id = p.work_unit_id
    UNION
    SELECT p.id, p.work_unit_id, r.competency_id FROM people p
    JOIN training_competencyrequirement r ON r.work_unit_id IS NULL
     AND r.district_id = p.district_id AND r.position_title = p.position_title
    UNION
    SELECT p.id, p.work_unit_id, n.competency_id FROM people p
    JOIN training_individualneed n ON n.civil_servant_id = p.id
), met AS (
    SELECT DISTINCT c.civil_servant_id AS person_id, d.competency_id
    FROM training_completionrecord c
    JOIN training_competency_programs d ON d.trainingprogram_id = c.program_id
    JOIN training_competency k ON k.id = d.competency_id
    WHERE c.passed AND c.civil_servant_id IN (SELECT id FROM people)
      AND (k.validity_years IS NULL
           OR c.completion_date >= CURRENT_DATE - make_interval(years => k.validity_years))
)
SELECT n.work_unit_id, n.competency_id, COUNT(*), COUNT(*) FILTER (WHERE m.person_id IS NULL)
FROM needs n JOIN training_competency k ON k.id = n.competency_id AND k.is_active
LEFT JOIN met m ON m.person_id = n.person_id AND m.competency_id = n.competency_id
GROUP BY n.work_unit_id, n.competency_id
"""


def load_competencies(scale: dict, out=print) -> None:
    """Add the competencies, what develops and requires them (once)."""
    from django.db import connection, transaction

    from bench.dashboards import BASE, PROGRAMS, UNITS
    from training.models import Competency

    if Competency.objects.filter(pk=BASE_COMPETENCY).exists():
        out("Competencies already loaded.")
        return
    districts = scale["districts"]
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO training_competency (id, district_id, name, kind, description,
                                             validity_years, is_active)
            SELECT {BASE_COMPETENCY} + d * {COMPETENCIES} + k, {BASE["district"]} + d,
                   'Kompetensi ' || k, 'teknis', '',
                   CASE WHEN k % 5 = 0 THEN 3 END, true
            FROM generate_series(0, {districts - 1}) d, generate_series(0, {COMPETENCIES - 1}) k;

            INSERT INTO training_competency_programs (competency_id, trainingprogram_id)
            SELECT {BASE_COMPETENCY} + d * {COMPETENCIES} + (p * 3 + e) % {COMPETENCIES},
                   {BASE["program"]} + d * {PROGRAMS} + p
            FROM generate_series(0, {districts - 1}) d, generate_series(0, {PROGRAMS - 1}) p,
                 generate_series(0, 1) e;

            INSERT INTO training_competencyrequirement (competency_id, district_id,
                                                        work_unit_id, position_title)
            SELECT {BASE_COMPETENCY} + d * {COMPETENCIES} + (u + e * 5) % {COMPETENCIES},
                   {BASE["district"]} + d, {BASE["unit"]} + d * {UNITS} + u, ''
            FROM generate_series(0, {districts - 1}) d, generate_series(0, {UNITS - 1}) u,
                 generate_series(0, {REQUIRED_PER_UNIT - 1}) e;

            INSERT INTO training_competencyrequirement (competency_id, district_id,
                                                        work_unit_id, position_title)
            SELECT {BASE_COMPETENCY} + d * {COMPETENCIES} + k, {BASE["district"]} + d,
                   NULL, 'Pelaksana'
            FROM generate_series(0, {districts - 1}) d, (VALUES (28), (29)) AS v(k);
            """
        )
        cursor.execute("ANALYZE")
    out(f"Competencies loaded in {time.perf_counter() - started:.1f} s.")


def _time_pair(page, hand, repeat: int) -> tuple[tuple[float, float], tuple[float, float]]:
    """Time the page and the hand-written statement alternately (the order swapped each
    round), so load drift on a shared machine hits both; return (median, p95) of each."""
    from bench.dashboards import _percentile

    for _warm in range(2):
        page()
        hand()
    timings = {page: [], hand: []}
    for index in range(repeat):
        for call in (page, hand) if index % 2 == 0 else (hand, page):
            started = time.perf_counter()
            call()
            timings[call].append((time.perf_counter() - started) * 1000)
    return tuple(
        (statistics.median(values), _percentile(values, 0.95))
        for values in (timings[page], timings[hand])
    )


def refresh(out=print) -> None:
    """Refresh every district's stored matrix, timing each and the whole (as beat does)."""
    from django.utils import timezone

    from bench.dashboards import BASE
    from districts.models import District
    from training.services import gap_summary

    ids = list(
        District.objects.filter(pk__gte=BASE["district"])
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    each = []
    for pk in ids:
        started = time.perf_counter()
        cells = gap_summary.refresh(pk, now=timezone.now())
        each.append((time.perf_counter() - started) * 1000)
    out(
        f"  refresh of one district ({cells:,} cells): median {statistics.median(each):7.1f} ms, "
        f"max {max(each):7.1f} ms over {len(ids)} districts, load average "
        f"{os.getloadavg()[0]:.1f}"
    )
    started = time.perf_counter()
    count = gap_summary.refresh_all(now=timezone.now())
    out(
        f"  refresh of the whole dataset ({count} districts, refresh_all): "
        f"{time.perf_counter() - started:7.2f} s, load average {os.getloadavg()[0]:.1f}"
    )


def measure(repeat: int, out=print) -> None:
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from bench.dashboards import MARKER
    from districts.models import CivilServant, District

    settings.DEBUG = False
    district = District.objects.get(slug=MARKER)
    users = get_user_model().objects
    viewers = [
        (f"HR officer of {district.name}", users.get(username="bench-hr"), "hr", district.pk, ""),
        (
            f"administrator, {district.name}",
            users.get(username="bench-admin"),
            "admin",
            district.pk,
            f"&district={district.pk}",
        ),
        ("administrator (all districts)", users.get(username="bench-admin"), "admin", None, ""),
    ]
    out(
        f"Scale: {CivilServant.objects.count():,} civil servants, "
        f"{COMPETENCIES} competencies per district."
    )
    for label, user, role, district_id, extra in viewers:
        client = Client()
        client.force_login(user)
        url = f"/dasbor/kompetensi/?as={role}{extra}"

        def page(client=client, url=url):
            assert client.get(url).status_code == 200

        def hand_written(district_id=district_id):
            with connection.cursor() as cursor:
                cursor.execute(HAND_WRITTEN, {"district": district_id})
                cursor.fetchall()

        (median, p95), (sql_median, sql_p95) = _time_pair(page, hand_written, repeat)
        with CaptureQueriesContext(connection) as queries:
            page()
        live = [q for q in queries.captured_queries if "windows(competency_id" in q["sql"]]
        if live:
            raise SystemExit(f"{label}: the page computed live (no fresh stored matrix)")
        out(
            f"  {label:<34} page median {median:7.1f} ms  p95 {p95:7.1f} ms "
            f"({len(queries.captured_queries)} queries) | hand-written SQL median "
            f"{sql_median:7.1f} ms  p95 {sql_p95:7.1f} ms (1 query) | ratio p95 "
            f"{p95 / sql_p95:4.1f}x, load average {os.getloadavg()[0]:.1f}"
        )


def main(argv: list[str] | None = None) -> int:
    from bench import dashboards, dataset

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=sorted(dashboards.SCALES), default="full")
    parser.add_argument("--repeat", type=int, default=30)
    args, _others = parser.parse_known_args(argv)
    name = os.environ.get("BENCH_DASHBOARDS_DATABASE", f"asnportal_bench_dash_{args.scale}")
    url = dataset.database_url(name)
    dataset.ensure_database(url)
    dataset.migrate(url)
    dashboards._use_database(url)
    from django.db import connection

    with connection.cursor() as cursor:  # as autovacuum keeps it: index-only scans
        cursor.execute("VACUUM (ANALYZE) training_completionrecord")
    print(f"Gap matrix benchmark ({args.scale} scale, database {name})")
    dashboards.load(dashboards.SCALES[args.scale])
    load_competencies(dashboards.SCALES[args.scale])
    refresh()
    measure(args.repeat)
    return 0


if __name__ == "__main__":
    sys.exit(main())
