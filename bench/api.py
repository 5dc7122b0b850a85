"""Benchmark of the API's bulk upsert of people, beside the HR import of the same rows.

One call of ``POST /api/v1/people/bulk/`` with 10,000 people (JSON, through
the real middleware, authentication, throttle and view, in process), timed
with its peak memory; then the same call again (every row an update: the
upsert is idempotent). Beside it, in the same run, the HR personnel import of
the same rows as a CSV file (preview and commit, as HR's upload runs them).
Each measurement runs in a fresh process (its peak resident memory is its
own), after the district's people are removed.

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


def _api(path: Path, district) -> list[dict]:
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
    rows = json.loads(path.read_text())
    body = json.dumps({"district": SLUG, "rows": rows})
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    del rows
    calls = []
    for _ in range(2):
        started = time.perf_counter()
        response = client.post("/api/v1/people/bulk/", body, content_type="application/json")
        seconds = time.perf_counter() - started
        answer = response.json()
        calls.append(
            {"seconds": seconds, "status": response.status_code, "counts": answer.get("counts")}
        )
    return calls


def _import(path: Path, district) -> list[dict]:
    from django.core.files.base import ContentFile
    from django.utils import timezone

    from training.models import ImportJob
    from training.services import import_jobs

    officer = _officer(district)
    calls = []
    for _ in range(2):
        started = time.perf_counter()
        job = ImportJob(district=district, kind="personnel", original_name=path.name)
        job.file.save(path.name, ContentFile(path.read_bytes()), save=False)
        job.status = ImportJob.Status.PREVIEWING
        job.save()
        import_jobs.run_preview(job_id=job.pk)
        job.refresh_from_db()
        counts = job.preview.get("counts")
        import_jobs.request_commit(job=job, actor=officer, now=timezone.now())
        job.refresh_from_db()
        seconds = time.perf_counter() - started
        calls.append({"seconds": seconds, "status": job.status, "counts": counts})
        job.file.delete(save=False)
    return calls


def child(spec: dict) -> dict:
    import django

    django.setup()
    from django.db import connection

    connection.ensure_connection()
    district = _district()
    before = _peak_mb()
    path = Path(spec["path"])
    calls = _api(path, district) if spec["what"] == "api" else _import(path, district)
    return {"calls": calls, "before_mb": before, "peak_mb": _peak_mb()}


def write_files(folder: Path, count: int) -> tuple[Path, Path]:
    """The same people as the API's JSON rows and as the import's CSV file."""
    rows = [dict(zip(FIELDS, row, strict=True)) for row in personnel_rows(count)]
    json_path = folder / f"people-{count}.json"
    json_path.write_text(json.dumps(rows))
    csv_path = folder / f"people-{count}.csv"
    with csv_path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(PERSONNEL_HEADER)
        writer.writerows(personnel_rows(count))
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
    print("| Path | First call (creates) | Same call again (updates) | Peak memory | Result |")
    print("|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as folder:
        json_path, csv_path = write_files(Path(folder), count)
        runs = {"api": [], "import": []}
        for _ in range(args.repeat):  # interleaved: load on the machine hits both alike
            runs["api"].append(_run({"what": "api", "path": str(json_path)}, url))
            runs["import"].append(_run({"what": "import", "path": str(csv_path)}, url))
        json_mb, csv_mb = json_path.stat().st_size / 1e6, csv_path.stat().st_size / 1e6
        labels = {
            "api": f"API `POST /api/v1/people/bulk/` ({json_mb:.1f} MB JSON)",
            "import": f"HR import, preview + commit ({csv_mb:.1f} MB CSV)",
        }
        for what, results in runs.items():
            first = statistics.median(r["calls"][0]["seconds"] for r in results)
            second = statistics.median(r["calls"][1]["seconds"] for r in results)
            peak = statistics.median(r["peak_mb"] for r in results)
            grew = statistics.median(r["peak_mb"] - r["before_mb"] for r in results)
            last = results[-1]["calls"]
            outcome = "; ".join(f"{call['status']} {call['counts']}" for call in last)
            print(
                f"| {labels[what]} | {first:.2f} s | {second:.2f} s "
                f"| {peak:.0f} MB (+{grew:.0f}) | {outcome} |",
                flush=True,
            )
    return 0


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        print(json.dumps(child(json.loads(sys.argv[2]))))
        sys.exit(0)
    sys.exit(main(sys.argv[1:]))
