"""Benchmark of the API's bulk upsert of people, beside the HR import of the same rows.

One call of ``POST /api/v1/people/bulk/`` with 10,000 people (JSON, through
the real middleware, authentication, throttle and view, in process), timed
with its peak memory and counted in queries; then the same call again (every
row an update of nothing: the upsert is idempotent and writes no unchanged
person), then a call in which every person's position changes (every row
written). Beside it, in the same run, the HR personnel import of the same
rows as CSV files (preview and commit, as HR's upload runs them). Each
measurement runs in a fresh process (its peak resident memory is its own),
after the district's people are removed.

    DATABASE_URL=postgres://... python bench/run.py api [--scale small] [--repeat 3]

Scales: full 10,000 rows (the API's limit per call), small 2,000, tiny 200.
The data go to their own database on DATABASE_URL's server
(``asnportal_bench_api``, or ``BENCH_API_DATABASE``).
"""

import argparse
import csv
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "asnportal.settings")

from bench.imports import PERSONNEL_HEADER, _peak_mb, personnel_rows  # noqa: E402

SCALES = {"full": 10_000, "small": 2_000, "tiny": 200}
DATABASE = "asnportal_bench_api"
SLUG = "bench-api"
FIELDS = [
    "nip",
    "name",
    "front_title",
    "back_title",
    "gender",
    "birth_date",
    "asn_type",
    "rank",
    "position_title",
    "position_type",
    "work_unit",
    "supervisor",
]


def _district():
    from django.contrib.auth import get_user_model

    from districts.models import CivilServant, District, WorkUnit

    district, _ = District.objects.get_or_create(
        slug=SLUG,
        defaults={
            "name": "Bench API",
            "level": "kota",
            "province": "Bench",
            "bps_code": "99.98",
            "time_zone": "Asia/Jakarta",
        },
    )
    WorkUnit.objects.get_or_create(
        district=district, code="KEC", defaults={"name": "Kantor", "kind": "kecamatan"}
    )
    # A clean start: the rows are all new in the first call of each run.
    users = list(CivilServant.objects.filter(district=district).values_list("user_id", flat=True))
    CivilServant.objects.filter(district=district).update(supervisor=None)
    CivilServant.objects.filter(district=district).delete()
    get_user_model().objects.filter(pk__in=users).delete()
    return district


def _officer(district):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from districts.scoping import HR_GROUP

    user, _ = get_user_model().objects.get_or_create(username="bench-api-hr")
    user.groups.add(Group.objects.get_or_create(name=HR_GROUP)[0])
    district.hr_staff.add(user)
    return user


class _Counter:
    """Count the queries run through the connection (``connection.execute_wrapper``)."""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def _timed(work) -> tuple[float, int, object]:
    from django.db import connection

    counter = _Counter()
    started = time.perf_counter()
    with connection.execute_wrapper(counter):
        result = work()
    return time.perf_counter() - started, counter.count, result


def _api(paths: list[Path], district) -> list[dict]:
    import datetime

    from django.utils import timezone
    from rest_framework.test import APIClient

    from training.services import api_tokens

    _token, raw = api_tokens.create_token(
        user=_officer(district),
        name="bench",
        scope="write",
        expires_at=timezone.now() + datetime.timedelta(hours=1),
        actor=None,
    )
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    calls = []
    for path in paths:
        body = json.dumps({"district": SLUG, "rows": json.loads(path.read_text())})
        seconds, queries, response = _timed(
            lambda body=body: client.post(
                "/api/v1/people/bulk/", body, content_type="application/json"
            )
        )
        del body
        calls.append(
            {
                "seconds": seconds,
                "queries": queries,
                "status": response.status_code,
                "counts": response.json().get("counts"),
            }
        )
    return calls


def _import(paths: list[Path], district) -> list[dict]:
    from django.core.files.base import ContentFile
    from django.utils import timezone

    from training.models import ImportJob
    from training.services import import_jobs

    officer = _officer(district)
    calls = []
    for path in paths:

        def upload_preview_commit(path=path):
            job = ImportJob(district=district, kind="personnel", original_name=path.name)
            job.file.save(path.name, ContentFile(path.read_bytes()), save=False)
            job.status = ImportJob.Status.PREVIEWING
            job.save()
            import_jobs.run_preview(job_id=job.pk)
            job.refresh_from_db()
            counts = job.preview.get("counts")
            # request_commit queues a file this big for the worker: run its task here.
            ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.COMMITTING)
            import_jobs.run_commit(job_id=job.pk, actor_id=officer.pk, now=timezone.now())
            job.refresh_from_db()
            return job, counts

        seconds, queries, (job, counts) = _timed(upload_preview_commit)
        calls.append(
            {"seconds": seconds, "queries": queries, "status": job.status, "counts": counts}
        )
        job.file.delete(save=False)
    return calls


def child(spec: dict) -> dict:
    import django

    django.setup()
    from django.db import connection

    connection.ensure_connection()
    district = _district()
    before = _peak_mb()
    paths = [Path(spec["path"]), Path(spec["path"]), Path(spec["changed"])]
    calls = _api(paths, district) if spec["what"] == "api" else _import(paths, district)
    return {"calls": calls, "before_mb": before, "peak_mb": _peak_mb()}


POSITION = FIELDS.index("position_title")


def _changed(rows):
    """The same people, each with a new position (every row an update that writes)."""
    for row in rows:
        yield [*row[:POSITION], "Analis Kebijakan", *row[POSITION + 1 :]]


def write_files(folder: Path, count: int, *, changed: bool = False) -> tuple[Path, Path]:
    """The same people as the API's JSON rows and as the import's CSV file."""
    people = (
        (lambda: _changed(personnel_rows(count))) if changed else (lambda: personnel_rows(count))
    )
    name = f"people-{count}{'-changed' if changed else ''}"
    json_path = folder / f"{name}.json"
    json_path.write_text(json.dumps([dict(zip(FIELDS, row, strict=True)) for row in people()]))
    csv_path = folder / f"{name}.csv"
    with csv_path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(PERSONNEL_HEADER)
        writer.writerows(people())
    return json_path, csv_path


def _run(spec: dict, url: str) -> dict:
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_DEBUG": "false"}
    with tempfile.TemporaryDirectory() as media:
        env["DJANGO_MEDIA_ROOT"] = media
        done = subprocess.run(
            [sys.executable, __file__, "--child", json.dumps(spec)],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
    if done.returncode:
        raise SystemExit(done.stderr)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    from bench import dataset

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=sorted(SCALES), default="full")
    parser.add_argument("--repeat", type=int, default=3)
    args, _others = parser.parse_known_args(argv)
    args.repeat = min(args.repeat, 3)

    url = dataset.database_url(os.environ.get("BENCH_API_DATABASE", DATABASE))
    dataset.ensure_database(url)
    dataset.migrate(url)
    count = SCALES[args.scale]
    print(f"API bulk upsert benchmark: {count:,} people, {args.repeat} runs each, medians")
    print(
        "| Path | First call (creates) | Same call again (nothing changes) "
        "| Every position changed (updates) | Queries (each call) | Peak memory | Result |"
    )
    print("|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as folder:
        json_path, csv_path = write_files(Path(folder), count)
        json_changed, csv_changed = write_files(Path(folder), count, changed=True)
        runs = {"api": [], "import": []}
        for _ in range(args.repeat):  # interleaved: load on the machine hits both alike
            api = {"what": "api", "path": str(json_path), "changed": str(json_changed)}
            runs["api"].append(_run(api, url))
            hr = {"what": "import", "path": str(csv_path), "changed": str(csv_changed)}
            runs["import"].append(_run(hr, url))
        json_mb, csv_mb = json_path.stat().st_size / 1e6, csv_path.stat().st_size / 1e6
        labels = {
            "api": f"API `POST /api/v1/people/bulk/` ({json_mb:.1f} MB JSON)",
            "import": f"HR import, preview + commit ({csv_mb:.1f} MB CSV)",
        }
        for what, results in runs.items():
            seconds = [
                statistics.median(r["calls"][call]["seconds"] for r in results) for call in range(3)
            ]
            peak = statistics.median(r["peak_mb"] for r in results)
            grew = statistics.median(r["peak_mb"] - r["before_mb"] for r in results)
            last = results[-1]["calls"]
            queries = " / ".join(f"{call['queries']:,}" for call in last)
            outcome = "; ".join(f"{call['status']} {call['counts']}" for call in last)
            print(
                f"| {labels[what]} | {seconds[0]:.2f} s | {seconds[1]:.2f} s | {seconds[2]:.2f} s "
                f"| {queries} | {peak:.0f} MB (+{grew:.0f}) | {outcome} |",
                flush=True,
            )
    return 0


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        print(json.dumps(child(json.loads(sys.argv[2]))))
        sys.exit(0)
    sys.exit(main(sys.argv[1:]))
