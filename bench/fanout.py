"""Benchmark of the periodic conflict scan fanned out by district over Celery workers.

The wall time of one beat's scan (the 14-day window): from the dispatcher
(``scan_conflicts``, run here) queueing one task per district through Redis,
until a real ``celery worker`` (prefork, 1, 2 and 4 processes) has finished
every district's scan; beside it the single scan run in this process. The
configurations alternate over several passes (interleaved, so load drift is
shared), the outbox is emptied before each run so that every run records the
same rows, and the reminders' sending is kept out of the timing: the workers
consume only the scans' queue, and the sending batches the scans queue wait,
unconsumed, in the default queue (emptied after each run). The three workers
start once, each on its own queue, and run one untimed scan first, as a
long-lived production worker would be warm (an idle worker only waits on Redis).

    DATABASE_URL=postgres://... python bench/run.py fanout [--scale small] [--passes 3]
"""

import os
import re
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import dataset  # noqa: E402 - after the path that finds it

BROKER = os.environ.get("BENCH_BROKER_URL", "redis://127.0.0.1:6379/13")
QUEUE = "bench_district_scans_{}"
PROCESSES = (1, 2, 4)
DONE = re.compile(rb"Task training\.conflict_tasks\.scan_district\[[^\]]+\] succeeded in ([\d.]+)s")


def _worker(url: str, processes: int, log: Path) -> subprocess.Popen:
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
            "--pool=prefork",
            f"--concurrency={processes}",
            f"--queues={QUEUE.format(processes)}",
            "--loglevel=INFO",
            f"--hostname=bench{processes}@%h",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        cwd=ROOT,
        env=env,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if b"ready." in log.read_bytes():
            return process
        if process.poll() is not None:
            raise SystemExit(f"The Celery worker stopped; see {log}")
        time.sleep(0.2)
    raise SystemExit(f"The Celery worker did not start; see {log}")


def _stop(process: subprocess.Popen) -> None:
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(10)


def _empty_outbox() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE training_reminder, training_notification RESTART IDENTITY CASCADE")


def _recorded() -> int:
    from training.models import Reminder

    return Reminder.objects.count()


def run_single() -> tuple[float, int, float]:
    """Time today's single scan, in this process; return (seconds, rows recorded, SQL seconds).

    The SQL seconds are those spent in the driver's ``execute`` (PostgreSQL's work
    and the rows' transfer); the rest is Python in this process.
    """
    from django.db import connection, transaction
    from django.utils import timezone

    from training.services import reminders

    _empty_outbox()
    in_sql = [0.0]

    def timed(execute, sql, params, many, context):
        began = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            in_sql[0] += time.perf_counter() - began

    started = time.perf_counter()
    with connection.execute_wrapper(timed), transaction.atomic():
        reminders.record_due(now=timezone.now())
    return time.perf_counter() - started, _recorded(), in_sql[0]


def run_fanned(processes: int, worker: subprocess.Popen, log: Path, client) -> tuple:
    """Time the fanned-out scan on the worker of ``processes``; return (seconds, rows, per task)."""
    from asnportal.celery import app
    from districts.models import District
    from training.services.district_scans import SCAN_DISTRICT_TASK
    from training.services.tasks import scan_conflicts

    districts = District.objects.count()
    _empty_outbox()
    app.conf.task_routes = {SCAN_DISTRICT_TASK: {"queue": QUEUE.format(processes)}}
    app.amqp.flush_routes()  # the router is built once: build it again with these routes
    app.amqp.__dict__["router"] = app.amqp.Router()
    before = len(DONE.findall(log.read_bytes()))
    started = time.perf_counter()
    scan_conflicts.apply()  # the beat task, here: it queues one scan per district
    deadline = time.monotonic() + 300
    while True:
        done = DONE.findall(log.read_bytes())[before:]
        if len(done) >= districts:
            break
        if time.monotonic() > deadline or worker.poll() is not None:
            raise SystemExit(f"The district scans did not finish; see {log}")
        time.sleep(0.02)
    seconds = time.perf_counter() - started
    text = log.read_bytes()
    if b"skipped" in text or b"Retry" in text:
        raise SystemExit(f"A district scan was skipped or retried; see {log}")
    # The sending batches the scans queued (never consumed here); flushing the whole
    # database would drop the workers' queue bindings.
    client.delete("celery")
    return seconds, _recorded(), [float(value) for value in done]


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=sorted(dataset.SCALES), default="full")
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--passes", type=int, default=3)
    args, _rest = parser.parse_known_args(argv)

    url, _anchor = dataset.prepare(args.scale, rebuild=args.rebuild)
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_DEBUG"] = "false"
    os.environ["CELERY_BROKER_URL"] = BROKER
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "false"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "asnportal.settings")
    import django

    django.setup()
    import logging

    import redis

    from asnportal.celery import app
    from districts.models import District

    logging.getLogger("celery.app.trace").setLevel(logging.WARNING)
    app.conf.task_always_eager = False
    client = redis.Redis.from_url(BROKER)
    logs = {n: ROOT / "var" / f"bench-fanout-worker-{n}.log" for n in PROCESSES}
    logs[1].parent.mkdir(exist_ok=True)
    workers = {}
    sizes = ", ".join(f"{key} {value:,}" for key, value in dataset.counts(url).items())
    print(f"Fan-out benchmark ({args.scale}): {sizes}, {District.objects.count()} districts")
    print(f"  load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")

    client.flushdb()
    # A SIGTERM ends the run through ``finally``, which stops the workers.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    try:
        for processes in PROCESSES:
            workers[processes] = _worker(url, processes, logs[processes])
        run_single()  # warm-up, untimed
        for processes in PROCESSES:
            run_fanned(processes, workers[processes], logs[processes], client)
        return _passes(args.passes, workers, logs, client)
    finally:
        for worker in workers.values():
            _stop(worker)
        _empty_outbox()


def _passes(passes: int, workers: dict, logs: dict, client) -> int:
    labels = ["single"] + [f"{n} proc" for n in PROCESSES]
    times = {label: [] for label in labels}
    rows = {}
    shares = []
    status = 0
    for number in range(passes):
        # Alternate the order from pass to pass, so that no configuration always goes first.
        order = labels if number % 2 == 0 else labels[::-1]
        line = []
        for label in order:
            if label == "single":
                seconds, recorded, sql = run_single()
                shares.append(sql / seconds)
                tasks = []
            else:
                processes = int(label.split()[0])
                seconds, recorded, tasks = run_fanned(
                    processes, workers[processes], logs[processes], client
                )
            times[label].append(seconds)
            rows.setdefault(label, set()).add(recorded)
            extra = f" (tasks {'/'.join(f'{t:.1f}' for t in tasks)})" if tasks else ""
            line.append(f"{label} {seconds:.2f} s{extra}")
        load = " ".join(f"{x:.2f}" for x in os.getloadavg())
        print(f"  pass {number + 1}: " + ", ".join(line) + f"; load {load}", flush=True)
    base = statistics.median(times["1 proc"])
    for label in labels:
        median = statistics.median(times[label])
        print(
            f"  {label:>7}: median {median:6.2f} s, min {min(times[label]):6.2f} s"
            f"  speed-up vs 1 proc {base / median:4.2f}x  rows {sorted(rows[label])}"
        )
    print(
        f"  single scan: {statistics.median(shares):.0%} of its time in SQL (driver's execute),"
        " the rest Python"
    )
    if len({value for found in rows.values() for value in found}) != 1:
        print("  MISMATCH: the configurations recorded different numbers of reminders")
        status = 1
    print(
        f"  load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())};"
        f" cores {os.cpu_count()}"
    )
    return status


if __name__ == "__main__":
    sys.exit(main())
