"""Benchmark of the conflict engine and of reminders through Redis and a Celery worker.

Prints, each beside the same overlap query written by hand in SQL (ratio =
engine / SQL): the full conflict scan (every upcoming session), the scan of
the next 14 days, one person's check (median of 200 people), and the time to
record and send 10,000 reminders through a real Redis broker and a real
``celery worker`` (console email backend), checked for exactly one email each.

    DATABASE_URL=postgres://... python bench/run.py conflicts [--scale small]
"""

import datetime
import os
import re
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Its own Redis database: a test run sharing the broker would take the benchmark's tasks.
BROKER = os.environ.get("BENCH_BROKER_URL", "redis://127.0.0.1:6379/13")
REMINDERS = 10_000

ACTIVE = "('requested', 'approved', 'waitlisted')"
ENTRY_SQL = f"""
SELECT e.id, e.civil_servant_id, e.session_id, s.start, s."end",
       se.id, se.kind, se.start, se."end", se.note
FROM training_enrollment e
JOIN training_trainingsession s ON s.id = e.session_id
JOIN districts_scheduleentry se ON se.civil_servant_id = e.civil_servant_id
     AND se.start < s."end" AND se."end" > s.start
WHERE e.status IN {ACTIVE} AND s.status <> 'cancelled' {{where}}
"""
PAIR_SQL = f"""
SELECT e.id, e.civil_servant_id, e.session_id, s.start, s."end",
       o.id, o.session_id, os.start, os."end", p.title
FROM training_enrollment e
JOIN training_trainingsession s ON s.id = e.session_id
JOIN training_enrollment o ON o.civil_servant_id = e.civil_servant_id AND o.id <> e.id
JOIN training_trainingsession os ON os.id = o.session_id
     AND os.start < s."end" AND os."end" > s.start
JOIN training_trainingprogram p ON p.id = os.program_id
WHERE e.status IN {ACTIVE} AND s.status <> 'cancelled'
  AND o.status IN {ACTIVE} AND os.status <> 'cancelled' {{where}}
"""
HOLIDAY_SQL = f"""
SELECT e.id, e.civil_servant_id, e.session_id, s.start, s."end", h.id, h.name
FROM training_enrollment e
JOIN training_trainingsession s ON s.id = e.session_id
JOIN districts_district d ON d.id = s.district_id
JOIN districts_holiday h ON (h.district_id IS NULL OR h.district_id = s.district_id)
     AND h.date BETWEEN (s.start AT TIME ZONE d.time_zone)::date
                    AND ((s."end" - interval '1 microsecond') AT TIME ZONE d.time_zone)::date
WHERE e.status IN {ACTIVE} AND s.status <> 'cancelled' {{where}}
"""
WINDOW = 'AND s.start < %(end)s AND s."end" > %(start)s'
PERSON = 'AND e.civil_servant_id = %(person)s AND s."end" > %(start)s'


RUNS = 5


def _timed(function, repeat: int = RUNS) -> tuple[float, float, object]:
    """Return the median and the best of ``repeat`` runs (seconds) and the last result."""
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - started)
    return statistics.median(times), min(times), result


def _raw(where: str, params: dict) -> int:
    from django.db import connection

    rows = 0
    with connection.cursor() as cursor:
        for sql in (ENTRY_SQL, PAIR_SQL, HOLIDAY_SQL):
            cursor.execute(sql.format(where=where), params)
            rows += len(cursor.fetchall())
    return rows


def _line(label: str, engine: float, raw: float, detail: str, out) -> None:
    out(
        f"{label:<34} {engine * 1000:9.1f} ms   raw SQL {raw * 1000:9.1f} ms   "
        f"ratio {engine / raw:4.2f}   {detail}"
    )


def _scan(label: str, start: datetime.datetime, end: datetime.datetime, out) -> tuple:
    """Time the engine's and the hand-written scan of ``[start, end)``: medians, best beside."""
    from training.services.conflicts import conflicts_in_window

    engine, engine_best, found = _timed(lambda: conflicts_in_window(start=start, end=end))
    raw, raw_best, rows = _timed(lambda: _raw(WINDOW, {"start": start, "end": end}))
    detail = (
        f"{len(found):,} conflicts ({rows:,} raw rows); "
        f"best {engine_best * 1000:.1f} / {raw_best * 1000:.1f} ms"
    )
    _line(f"{label} (median of {RUNS})", engine, raw, detail, out)
    return engine, raw, len(found)


def measure_scans(anchor: datetime.datetime, out=print) -> dict:
    from training.models import Enrollment
    from training.services.conflicts import conflicts_for_person

    now = anchor
    results = {
        "full": _scan("full scan", now, anchor + datetime.timedelta(days=400), out),
        "window": _scan("14-day window scan", now, now + datetime.timedelta(days=14), out),
    }

    people = list(
        Enrollment.objects.filter(status__in=Enrollment.ACTIVE)
        .order_by("civil_servant_id")
        .values_list("civil_servant_id", flat=True)
        .distinct()[:: max(1, Enrollment.objects.count() // 200)][:200]
    )
    engine_times, raw_times = [], []
    for person in people:
        conflicts_for_person(person_id=person, now=now)  # warm
        started = time.perf_counter()
        conflicts_for_person(person_id=person, now=now)
        engine_times.append(time.perf_counter() - started)
        started = time.perf_counter()
        _raw(PERSON, {"person": person, "start": now})
        raw_times.append(time.perf_counter() - started)
    engine, raw = statistics.median(engine_times), statistics.median(raw_times)
    p95 = sorted(engine_times)[int(len(engine_times) * 0.95) - 1]
    detail = f"p95 {p95 * 1000:.1f} ms, best {min(engine_times) * 1000:.1f} ms"
    _line(f"one person (median of {len(people)})", engine, raw, detail, out)
    results["person"] = (engine, raw, p95)
    return results


def _worker(url: str, log: Path) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "CELERY_BROKER_URL": BROKER,
        "EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend",
        "LOG_LEVEL": "WARNING",
        "DJANGO_DEBUG": "false",
    }
    process = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "celery"),
            "-A",
            "asnportal",
            "worker",
            "--concurrency=2",
            "--loglevel=INFO",
            "--without-gossip",
            "--without-mingle",
        ],
        cwd=ROOT,
        env=env,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if b"ready." in log.read_bytes():
            return process
        if process.poll() is not None:
            raise SystemExit(f"The Celery worker stopped; see {log}")
        time.sleep(0.3)
    raise SystemExit(f"The Celery worker did not start; see {log}")


def measure_reminders(url: str, anchor: datetime.datetime, out=print) -> dict:
    import redis
    from django.db import connection
    from django.db.models import Count
    from django.utils import timezone
    from psycopg2.extras import execute_values

    from training.messages import outbox
    from training.models import Enrollment, Reminder
    from training.services import reminders
    from training.services.conflicts import conflicts_in_window
    from training.services.reminders import Kind

    redis.Redis.from_url(BROKER).flushdb()
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE training_reminder, training_notification RESTART IDENTITY CASCADE")
    now = timezone.now()
    conflicts = conflicts_in_window(start=now, end=anchor + datetime.timedelta(days=400))
    rows = reminders.conflict_reminder_rows(conflicts, now=now)[:REMINDERS]
    taken = {row.enrollment_id for row in rows}
    for pk, person, session, start, end in (
        Enrollment.objects.filter(status="approved", session__status="published")
        .exclude(pk__in=taken)
        .order_by("pk")
        .values_list("pk", "civil_servant_id", "session_id", "session__start", "session__end")[
            : REMINDERS - len(rows)
        ]
    ):
        rows.append(
            Reminder(
                enrollment_id=pk,
                kind=Kind.BEFORE_7_DAYS,
                fingerprint=reminders.fingerprint(
                    "before_7d", (session, start, end), (session, start, end)
                ),
                recipient_id=person,
            )
        )
    kinds = {}
    for row in rows:
        kinds[row.kind] = kinds.get(row.kind, 0) + 1

    # The hand-written baseline: the same rows inserted by one INSERT ... ON CONFLICT.
    values = [(r.enrollment_id, r.kind, r.fingerprint, r.recipient_id) for r in rows]
    with connection.cursor() as cursor:
        started = time.perf_counter()
        execute_values(
            cursor.cursor,
            "INSERT INTO training_reminder (enrollment_id, kind, fingerprint, recipient_id, status,"
            " subject, body, attempts, last_error, created_at) VALUES %s"
            " ON CONFLICT DO NOTHING",
            values,
            template="(%s, %s, %s, %s, 'pending', '', '', 0, '', now())",
            page_size=1000,
        )
        raw_insert = time.perf_counter() - started
        cursor.execute("TRUNCATE training_reminder RESTART IDENTITY CASCADE")

    log = ROOT / "var" / "bench-worker.log"
    log.parent.mkdir(exist_ok=True)
    worker = _worker(url, log)
    try:
        started = time.perf_counter()
        outbox.record(rows)
        recorded = time.perf_counter() - started
        outbox.dispatch_pending()
        done = threading.Event()
        while not done.is_set():
            left = Reminder.objects.filter(status__in=["pending", "sending"]).count()
            if left == 0:
                done.set()
            elif time.perf_counter() - started > 600:
                raise SystemExit(f"{left} reminders still unsent after 10 minutes")
            else:
                time.sleep(0.25)
        total = time.perf_counter() - started
    finally:
        worker.terminate()
        worker.wait(30)
    statuses = dict(Reminder.objects.values_list("status").annotate(n=Count("pk")).order_by())
    # The console backend's output goes through Celery's stdout redirection.
    headers = re.findall(r"X-Portal-Reminder: (\d+)", log.read_text(errors="replace"))
    out(f"{len(rows):,} reminders ({', '.join(f'{k} {v:,}' for k, v in sorted(kinds.items()))})")
    out(
        f"{'  recorded (bulk, unique key)':<28} {recorded * 1000:9.1f} ms   raw SQL "
        f"{raw_insert * 1000:9.1f} ms   ratio {recorded / raw_insert:4.2f}"
    )
    out(
        f"{'  recorded + sent, end to end':<28} {total:9.1f} s    "
        f"{len(rows) / total:,.0f}/s   statuses {statuses}   "
        f"emails {len(headers):,} for {len(set(headers)):,} reminders"
    )
    return {"total": total, "recorded": recorded, "raw_insert": raw_insert, "emails": len(headers)}


def main(argv: list[str] | None = None) -> int:
    import argparse

    sys.path.insert(0, str(ROOT))
    from bench import dataset

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=sorted(dataset.SCALES), default="full")
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--skip-reminders", action="store_true")
    args = parser.parse_args(argv)

    url, anchor = dataset.prepare(args.scale, rebuild=args.rebuild)
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_DEBUG"] = "false"  # as in production: no query log
    os.environ["CELERY_BROKER_URL"] = BROKER
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "asnportal.settings")
    import django

    django.setup()
    sizes = ", ".join(f"{key} {value:,}" for key, value in dataset.counts(url).items())
    print(f"Conflicts benchmark ({args.scale}): {sizes}")
    measure_scans(anchor)
    if not args.skip_reminders:
        measure_reminders(url, anchor)
    return 0


if __name__ == "__main__":
    sys.exit(main())
