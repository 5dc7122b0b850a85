"""National-scale run: 1,000,000 civil servants in 500 districts over three time zones.

Builds (once; see ``bench/national_data.py``) the ``--scale national`` dataset
with COPY and prints its build time and size, then, on it:

- the full conflict scan, the 14-day window and one person's check, each
  beside hand SQL (``bench/conflicts.py``'s interleaved measurement), and
  the enrolment-against-enrolment count checked against the construction;
- the refresh of the open conflicts that Celery beat runs every few minutes;
- the dashboard page for a whole province (an HR officer of every district
  of one province) and for the nation (administrator), computed live;
- each target (full scan <= 5 s, window <= 1.5 s, one person <= 3 ms), met or
  not, with the EXPLAIN of the hand SQL of a miss.

    DATABASE_URL=postgres://... python bench/run.py national [--repeat 5] [--rebuild]

Not in the default run of ``bench/run.py``: the build takes 2-3 minutes
and 3.3 GB, the run about 10 minutes (``make bench-national``).
"""

import argparse
import datetime
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import dataset, national_data  # noqa: E402 - after the path that finds them

TARGETS = {"full": 5.0, "window": 1.5, "person": 0.003}  # seconds
SLOW = 20.0  # seconds
TIMEOUT = 120  # seconds a dashboard statement may take
PROVINCE = "Bench Provinsi 01"  # 13 districts in WIB


def _size(url: str) -> int:
    connection = dataset._connect(url)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_database_size(current_database())")
        size = cursor.fetchone()[0]
    connection.close()
    return size


def _explain(where: str, params: dict, out=print) -> None:
    from django.db import connection

    from bench import conflicts

    with connection.cursor() as cursor:
        cursor.execute(
            "EXPLAIN (ANALYZE, BUFFERS) " + conflicts.BEST_SQL.format(where=where), params
        )
        for (line,) in cursor.fetchall():
            out("    " + line)


def _busy_person() -> int:
    """Return a person with two active enrolments (the ones with most to check)."""
    from django.db.models import Count

    from training.models import Enrollment

    return (
        Enrollment.objects.filter(status__in=Enrollment.ACTIVE)
        .values("civil_servant_id")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .order_by("civil_servant_id")
        .values_list("civil_servant_id", flat=True)
        .first()
    )


def _explain_engine(person: int, now: datetime.datetime, out=print) -> None:
    """Print the EXPLAIN ANALYZE of each statement of the engine's check of one person."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from training.services.conflicts import conflicts_for_person

    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        conflicts_for_person(person_id=person, now=now)
        total = time.perf_counter() - started
    out(
        f"  the engine's check of person {person}: {len(queries)} statements, {total * 1000:.2f} ms"
    )
    with connection.cursor() as cursor:
        for query in queries.captured_queries:
            out(f"  engine statement ({float(query['time']) * 1000:.2f} ms with the round trip):")
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + query["sql"])
            for (line,) in cursor.fetchall():
                out("    " + line)


def _zones(out=print) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT d.time_zone, count(DISTINCT d.id), count(DISTINCT d.province), count(c.id)
               FROM districts_district d LEFT JOIN districts_civilservant c ON c.district_id = d.id
               GROUP BY d.time_zone ORDER BY d.time_zone"""
        )
        for zone, districts, provinces, people in cursor.fetchall():
            out(
                f"  {zone:<14} {districts:4} districts in {provinces:2} provinces,"
                f" {people:,} people"
            )


def measure_refresh(out=print) -> float:
    from django.utils import timezone

    from training.services.dashboards.summary import refresh_conflicts

    started = time.perf_counter()
    pairs = refresh_conflicts(now=timezone.now())
    seconds = time.perf_counter() - started
    out(
        f"open-conflict summary (beat task, scan window): {len(pairs.pairs):,} pairs "
        f"in {seconds:.1f} s"
    )
    return seconds


def _province_hr():
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from districts.models import District
    from districts.scoping import HR_GROUP

    users = get_user_model().objects
    hr, _created = users.get_or_create(username="bench-province-hr")
    hr.groups.add(Group.objects.get_or_create(name=HR_GROUP)[0])
    for district in District.objects.filter(province=PROVINCE):
        district.hr_staff.add(hr)
    admin, _created = users.get_or_create(
        username="bench-nation-admin", defaults={"is_superuser": True, "is_staff": True}
    )
    return hr, admin


def measure_dashboards(repeat: int, out=print) -> dict:
    from django.conf import settings
    from django.db import OperationalError, connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from districts.models import CivilServant, District

    settings.DEBUG = False
    # A page's statement that runs away (a quadratic plan) is stopped, and said so.
    options = connection.settings_dict.setdefault("OPTIONS", {})
    options["options"] = f"{options.get('options', '')} -c statement_timeout={TIMEOUT * 1000}"
    connection.close()
    hr, admin = _province_hr()
    districts = District.objects.filter(province=PROVINCE)
    people = CivilServant.objects.filter(district__in=districts).count()
    results = {}
    for label, user, role, times in (
        (f"HR of {PROVINCE} ({districts.count()} districts, {people:,} people)", hr, "hr", repeat),
        ("administrator (the nation)", admin, "admin", max(1, repeat // 2)),
    ):
        client = Client()
        client.force_login(user)
        url = f"/dasbor/?as={role}"
        started = time.perf_counter()
        try:
            assert client.get(url).status_code == 200  # warm
        except OperationalError as error:  # the statement timeout
            out(f"  dashboard, {label:<52} over {TIMEOUT} s: {str(error).splitlines()[0]}")
            results[role] = None
            continue
        first = time.perf_counter() - started
        if first > SLOW:  # a page this slow is reported by its first request alone
            times = 1
        timings = []
        for _index in range(times):
            started = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        median, worst = statistics.median(timings), max(timings)
        results[role] = (median, worst, len(queries.captured_queries))
        out(
            f"  dashboard, {label:<52} median {median:8.0f} ms   max {worst:8.0f} ms   "
            f"first {first * 1000:.0f} ms   ({len(queries.captured_queries)} queries, "
            f"{times} requests, live)"
        )
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--passes", type=int, default=3, help="interleaved scan passes")
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--skip-dashboards", action="store_true")
    args, _others = parser.parse_known_args(argv)

    url, anchor = dataset.prepare("national", rebuild=args.rebuild)
    record = national_data.build_record(url)
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_DEBUG"] = "false"  # as in production: no query log
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "asnportal.settings")
    import django

    django.setup()
    from bench import conflicts

    conflicts.PASSES = args.passes  # a national scan pass takes tens of seconds
    print(
        f"National benchmark ({datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC, "
        f"load average {', '.join(f'{x:.2f}' for x in os.getloadavg())})"
    )
    sizes = ", ".join(f"{key} {value:,}" for key, value in dataset.counts(url).items())
    print(f"  {sizes}")
    _zones()
    phases = ", ".join(
        f"{key} {value} s"
        for key, value in record.items()
        if key not in {"total", "bytes", "built"}
    )
    print(f"  built {record.get('built')} in {record.get('total')} s with COPY ({phases})")
    print(
        f"  database size {_size(url) / 2**30:.2f} GiB now "
        f"({int(record.get('bytes', 0)) / 2**30:.2f} GiB after the build)"
    )
    scans = conflicts.measure_scans(anchor)
    status = conflicts.check_pairs(scans["found"], "national", url)
    now = anchor
    checks = [
        (
            "full scan",
            scans["full"][0],
            TARGETS["full"],
            conflicts.WINDOW,
            {"start": now, "end": anchor + datetime.timedelta(days=400)},
        ),
        (
            "14-day window",
            scans["window"][0],
            TARGETS["window"],
            conflicts.WINDOW,
            {"start": now, "end": now + datetime.timedelta(days=14)},
        ),
        (
            "one person (median)",
            scans["person"][0],
            TARGETS["person"],
            conflicts.PERSON,
            {"person": _busy_person(), "start": now},
        ),
    ]
    for label, seconds, target, where, params in checks:
        met = seconds <= target
        print(
            f"  target {label:<20} {seconds * 1000:9.2f} ms <= {target * 1000:.0f} ms: "
            + ("met" if met else "MISSED")
        )
        if not met:
            print("  EXPLAIN (ANALYZE, BUFFERS) of the single-statement hand SQL:")
            _explain(where, params)
            if "person" in params:
                _explain_engine(params["person"], now)
    measure_refresh()
    if not args.skip_dashboards:
        measure_dashboards(args.repeat)
    return status


if __name__ == "__main__":
    sys.exit(main())
