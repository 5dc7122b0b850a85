"""Benchmark of the conflict engine and of reminders through Redis and a Celery worker.

Prints, each beside the same overlap query written by hand in SQL (ratio =
engine / SQL): the full conflict scan (every upcoming session), the scan of
the next 14 days, one person's check (median of 200 people), and the time to
record and send 10,000 reminders through a real Redis broker and a real
``celery worker`` (2 processes), once with the console email backend (as the
earlier figures) and once to a local SMTP server in this process (``--mail``
picks one), checked for exactly one email each.

    DATABASE_URL=postgres://... python bench/run.py conflicts [--scale small]
"""

import datetime
import logging
import os
import re
import resource
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import dataset  # noqa: E402 - after the path that finds it

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
# The best hand-written form: the three kinds in one statement (one round trip, one plan),
# each row shaped as the engine's: subject, kind, other side's id, session, times, label.
BEST_SQL = f"""
SELECT e.id, e.civil_servant_id, e.session_id, s.start, s."end",
       se.kind::text, se.id, NULL::bigint, se.start, se."end", se.note::text
FROM training_enrollment e
JOIN training_trainingsession s ON s.id = e.session_id
JOIN districts_scheduleentry se ON se.civil_servant_id = e.civil_servant_id
     AND se.start < s."end" AND se."end" > s.start
WHERE e.status IN {ACTIVE} AND s.status <> 'cancelled' {{where}}
UNION ALL
SELECT e.id, e.civil_servant_id, e.session_id, s.start, s."end",
       'enrollment', o.id, o.session_id, os.start, os."end", p.title::text
FROM training_enrollment e
JOIN training_trainingsession s ON s.id = e.session_id
JOIN training_enrollment o ON o.civil_servant_id = e.civil_servant_id AND o.id <> e.id
JOIN training_trainingsession os ON os.id = o.session_id
     AND os.start < s."end" AND os."end" > s.start
JOIN training_trainingprogram p ON p.id = os.program_id
WHERE e.status IN {ACTIVE} AND s.status <> 'cancelled'
  AND o.status IN {ACTIVE} AND os.status <> 'cancelled' {{where}}
UNION ALL
SELECT e.id, e.civil_servant_id, e.session_id, s.start, s."end",
       'holiday', h.id, NULL, NULL, NULL, h.name::text
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


PASSES = 7  # engine, today's SQL and the single statement, alternating, in each pass


def _raw(where: str, params: dict) -> int:
    """Run the three hand-written statements (today's comparison); return the rows."""
    from django.db import connection

    rows = 0
    with connection.cursor() as cursor:
        for sql in (ENTRY_SQL, PAIR_SQL, HOLIDAY_SQL):
            cursor.execute(sql.format(where=where), params)
            rows += len(cursor.fetchall())
    return rows


def _best(where: str, params: dict) -> int:
    """Run the single-statement hand SQL; return the rows."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(BEST_SQL.format(where=where), params)
        return len(cursor.fetchall())


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered) + 0.5) - 1))]


def _interleaved(runs: dict, passes: int) -> dict:
    """Time each of ``runs`` once per pass, in a rotated order; return {name: [seconds]}."""
    names = list(runs)
    times: dict[str, list[float]] = {name: [] for name in names}
    results = {}
    for number in range(passes):
        for name in names[number % len(names) :] + names[: number % len(names)]:
            started = time.perf_counter()
            results[name] = runs[name]()
            times[name].append(time.perf_counter() - started)
    return times, results


def _scan(label: str, start: datetime.datetime, end: datetime.datetime, out) -> tuple:
    """Time the engine's scan of ``[start, end)`` against hand SQL, interleaved."""
    from training.services.conflicts import ConflictKind, conflicts_in_window

    params = {"start": start, "end": end}
    times, results = _interleaved(
        {
            "engine": lambda: conflicts_in_window(start=start, end=end),
            "sql": lambda: _raw(WINDOW, params),
            "best": lambda: _best(WINDOW, params),
        },
        PASSES,
    )
    found = results["engine"]
    pairs = sum(1 for item in found if item.kind == ConflictKind.ENROLLMENT)
    engine, sql, best = (statistics.median(times[name]) for name in ("engine", "sql", "best"))
    engine_p95, best_p95 = (_percentile(times[name], 0.95) for name in ("engine", "best"))
    ratios = [e / b for e, b in zip(times["engine"], times["best"], strict=True)]
    out(
        f"{label:<22} engine {engine * 1000:8.1f} ms (p95 {engine_p95 * 1000:.1f})"
        f"   3-statement SQL {sql * 1000:8.1f} ms   ratio {engine / sql:4.2f}"
        f"   single-statement SQL {best * 1000:8.1f} ms (p95 {best_p95 * 1000:.1f})"
        f"   ratio {engine / best:4.2f}"
    )
    out(
        f"{'':<22} per-pass ratio to the single statement: "
        + " ".join(f"{ratio:.2f}" for ratio in ratios)
        + f"   ({len(found):,} conflicts, {pairs:,} enrolment against enrolment;"
        f" {results['best']:,} rows by hand; medians of {PASSES} interleaved passes)"
    )
    return engine, best, found


def measure_scans(anchor: datetime.datetime, out=print) -> dict:
    from training.models import Enrollment
    from training.services.conflicts import conflicts_for_person

    now = anchor
    full = _scan("full scan", now, anchor + datetime.timedelta(days=400), out)
    results = {
        "full": full[:2],
        "window": _scan("14-day window scan", now, now + datetime.timedelta(days=14), out)[:2],
        "found": full[2],
    }

    people = list(
        Enrollment.objects.filter(status__in=Enrollment.ACTIVE)
        .order_by("civil_servant_id")
        .values_list("civil_servant_id", flat=True)
        .distinct()[:: max(1, Enrollment.objects.count() // 200)][:200]
    )
    engine_times, raw_times, best_times = [], [], []
    for number, person in enumerate(people):
        conflicts_for_person(person_id=person, now=now)  # warm
        runs = [
            (engine_times, lambda p=person: conflicts_for_person(person_id=p, now=now)),
            (raw_times, lambda p=person: _raw(PERSON, {"person": p, "start": now})),
            (best_times, lambda p=person: _best(PERSON, {"person": p, "start": now})),
        ]
        for times, function in runs[number % 3 :] + runs[: number % 3]:
            started = time.perf_counter()
            function()
            times.append(time.perf_counter() - started)
    engine, raw, best = (statistics.median(t) for t in (engine_times, raw_times, best_times))
    p95 = _percentile(engine_times, 0.95)
    out(
        f"{'one person':<22} engine {engine * 1000:8.2f} ms (p95 {p95 * 1000:.2f})"
        f"   3-statement SQL {raw * 1000:8.2f} ms   ratio {engine / raw:4.2f}"
        f"   single-statement SQL {best * 1000:8.2f} ms   ratio {engine / best:4.2f}"
        f"   (medians of {len(people)} people, interleaved)"
    )
    results["person"] = (engine, best, p95)
    return results


def check_pairs(found: list, scale: str, url: str, out=print) -> int:
    """Check the enrolment-against-enrolment clashes against the dataset's construction."""
    from training.services.conflicts import ConflictKind

    pairs = sum(1 for item in found if item.kind == ConflictKind.ENROLLMENT)
    expected, people = dataset.expected_pairs(dataset.SCALES[scale])
    share = people / dataset.SCALES[scale]["people"]
    out(
        f"enrolment against enrolment: {pairs:,} conflicts found; the dataset puts {people:,} "
        f"people ({share:.1%}) in two sessions at the same hours: {expected:,} expected"
        + ("  OK" if pairs == expected else "  MISMATCH")
    )
    return 0 if pairs == expected else 1


class Sink:
    """An SMTP server for the benchmark's worker (aiosmtpd, in a thread of this process).

    It counts the conversations (one EHLO each) and keeps the reminder ids each
    accepted email names, without parsing the rest.
    """

    def __init__(self):
        self.conversations = 0
        self.reminders: list[str] = []

    async def handle_EHLO(self, server, session, envelope, hostname, responses):  # noqa: N802
        self.conversations += 1
        session.host_name = hostname
        return responses

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's API
        found = re.search(rb"^X-Portal-Reminder: ([0-9, ]+)", envelope.content, re.MULTILINE)
        self.reminders.append(found.group(1).decode() if found else "")
        return "250 OK"


def _sink() -> tuple[Sink, object, int]:
    from aiosmtpd.controller import Controller

    # aiosmtpd logs every command of every conversation.
    logging.getLogger("mail.log").setLevel(logging.WARNING)

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    return sink, controller, port


def _worker(url: str, log: Path, smtp_port: int | None = None) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "CELERY_BROKER_URL": BROKER,
        "LOG_LEVEL": "WARNING",
        "DJANGO_DEBUG": "false",
    }
    if smtp_port is None:
        env["EMAIL_BACKEND"] = "django.core.mail.backends.console.EmailBackend"
    else:
        env["EMAIL_URL"] = f"smtp://127.0.0.1:{smtp_port}"
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


def measure_reminders(url: str, anchor: datetime.datetime, out=print, mail="smtp") -> dict:
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
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    children_cpu = used.ru_utime + used.ru_stime
    sink = controller = None
    if mail == "smtp":
        sink, controller, port = _sink()
    worker = _worker(url, log, smtp_port=port if sink else None)
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
        if controller is not None:
            controller.stop()
    # The worker's processes (its pool is reaped by it, it by us): their CPU time.
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    worker_cpu = used.ru_utime + used.ru_stime - children_cpu
    statuses = dict(Reminder.objects.values_list("status").annotate(n=Count("pk")).order_by())
    if sink is not None:
        headers = sink.reminders
        transport = f"SMTP, {sink.conversations:,} connections"
    else:
        # The console backend's output goes through Celery's stdout redirection.
        headers = re.findall(r"X-Portal-Reminder: ([0-9, ]+)", log.read_text(errors="replace"))
        transport = "console"
    out(f"{len(rows):,} reminders ({', '.join(f'{k} {v:,}' for k, v in sorted(kinds.items()))})")
    out(
        f"{'  recorded (bulk, unique key)':<28} {recorded * 1000:9.1f} ms   raw SQL "
        f"{raw_insert * 1000:9.1f} ms   ratio {recorded / raw_insert:4.2f}"
    )
    out(
        f"{'  recorded + sent, end to end':<28} {total:9.1f} s    "
        f"{len(rows) / total:,.0f}/s   statuses {statuses}   "
        f"emails {len(headers):,} ({transport}), "
        f"{len({pk for item in headers for pk in item.split(', ')}):,} reminders told, "
        f"{len(headers) - len(set(headers))} twice"
    )
    out(
        f"{'  worker CPU (2 processes)':<28} {worker_cpu:9.1f} s    "
        f"{worker_cpu / len(rows) * 1000:.2f} ms per reminder   load average "
        + " ".join(f"{value:.2f}" for value in os.getloadavg())
    )
    return {
        "total": total,
        "recorded": recorded,
        "raw_insert": raw_insert,
        "emails": len(headers),
        "worker_cpu": worker_cpu,
    }


def main(argv: list[str] | None = None) -> int:
    import argparse

    sys.path.insert(0, str(ROOT))

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=sorted(dataset.SCALES), default="full")
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--skip-reminders", action="store_true")
    parser.add_argument(
        "--reminders-only", action="store_true", help="only the reminders (no scans)"
    )
    parser.add_argument(
        "--mail",
        choices=["both", "smtp", "console"],
        default="both",
        help="the worker's email: a local SMTP server, the console backend, or one run of each",
    )
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
    status = 0
    if not args.reminders_only:
        scans = measure_scans(anchor)
        status = check_pairs(scans["found"], args.scale, url)
    if not args.skip_reminders:
        for mail in ["console", "smtp"] if args.mail == "both" else [args.mail]:
            measure_reminders(url, anchor, mail=mail)
    return status


if __name__ == "__main__":
    sys.exit(main())
