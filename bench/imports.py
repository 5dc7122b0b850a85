"""Benchmark of HR imports: the preview of a 50,000-row file, its time and peak memory.

Each measurement runs in a fresh process (so its peak resident memory is its
own) through the real path: the file is stored on an ImportJob and
``run_preview`` reads it (openpyxl read-only mode, or csv), checks every row
against the database and saves the preview. Beside it, in the same run and
interleaved, the baseline: the same file only parsed (every cell read, no
checks, nothing saved), the floor any import pays. Hostile files (a dimension
bomb, 300,000 empty rows) are timed until refused.

    DATABASE_URL=postgres://... python bench/run.py imports [--scale small] [--repeat 3]

Scales: full 50,000 rows, small 5,000, tiny 500. The data go to their own
database on DATABASE_URL's server (``asnportal_bench_imports``); the files are
generated (deterministic) in a temporary folder.
"""

import argparse
import csv
import datetime
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "asnportal.settings")

SCALES = {"full": 50_000, "small": 5_000, "tiny": 500}
PEOPLE_FOR_SCHEDULES = 5_000
DATABASE = "asnportal_bench_imports"
PERSONNEL_HEADER = [
    "NIP",
    "Nama",
    "Gelar Depan",
    "Gelar Belakang",
    "Jenis Kelamin",
    "Tanggal Lahir",
    "Jenis ASN",
    "Pangkat/Golongan",
    "Jabatan",
    "Jenis Jabatan",
    "Unit Kerja",
    "NIP Atasan",
]
SCHEDULE_HEADER = ["NIP", "Jenis", "Jenis Cuti", "Mulai", "Selesai", "Keterangan"]


def nip(n: int) -> tuple[str, datetime.date]:
    """Return a valid NIP (and its birth date), distinct for every ``n``."""
    born = datetime.date(1970, 1, 1) + datetime.timedelta(days=n // 990)
    return f"{born:%Y%m%d}2015051{n % 990 + 1:03d}", born


def personnel_rows(count: int):
    """People in a reporting tree: each reports to someone ten rows up."""
    for n in range(count):
        number, born = nip(n)
        boss = nip((n - 1) // 10)[0] if n else ""
        person = [number, f"Pegawai {n}", "", "S.E.", "L", f"{born:%d-%m-%Y}", "PNS", "III/a"]
        yield person + ["Analis", "pelaksana", "KEC", boss]


def schedule_rows(count: int):
    """Duty shifts of ``PEOPLE_FOR_SCHEDULES`` people, one a day each."""
    first = datetime.datetime(2030, 1, 7, 7, 0)
    for n in range(count):
        start = first + datetime.timedelta(days=n // PEOPLE_FOR_SCHEDULES)
        end = start + datetime.timedelta(hours=7)
        who = nip(n % PEOPLE_FOR_SCHEDULES)[0]
        yield [who, "Shift dinas", "", f"{start:%d-%m-%Y %H.%M}", f"{end:%d-%m-%Y %H.%M}", "Loket"]


def write_files(folder: Path, count: int) -> dict[str, Path]:
    """Write the personnel and schedule files as CSV and XLSX (streamed, write-only)."""
    from openpyxl import Workbook

    files = {}
    for kind, header, rows in (
        ("personnel", PERSONNEL_HEADER, personnel_rows),
        ("schedule", SCHEDULE_HEADER, schedule_rows),
    ):
        path = folder / f"{kind}-{count}.csv"
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle, delimiter=";")
            writer.writerow(header)
            writer.writerows(rows(count))
        files[f"{kind}.csv"] = path
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet()
        sheet.append(header)
        for row in rows(count):
            sheet.append(row)
        path = folder / f"{kind}-{count}.xlsx"
        workbook.save(path)
        files[f"{kind}.xlsx"] = path
    return files


def write_hostile(folder: Path) -> dict[str, Path]:
    from tests.training import hostile_files

    files = {}
    for label, builder in (
        ("dimension bomb (A1:XFD1048576)", hostile_files.dimension_bomb),
        ("300,000 empty rows, declared", hostile_files.empty_rows),
        ("300,000 empty rows, undeclared", lambda: hostile_files.empty_rows(declared=False)),
    ):
        name, data = builder()
        path = folder / f"{len(files)}-{name}"
        path.write_bytes(data)
        files[label] = path
    return files


# --- the child process: one measurement --------------------------------------


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _setup_district():
    from django.contrib.auth import get_user_model

    from districts.models import CivilServant, District, WorkUnit

    district, _ = District.objects.get_or_create(
        slug="bench-imports",
        defaults={
            "name": "Bench Impor",
            "level": "kota",
            "province": "Bench",
            "bps_code": "99.99",
            "time_zone": "Asia/Jakarta",
        },
    )
    unit, _ = WorkUnit.objects.get_or_create(
        district=district, code="KEC", defaults={"name": "Kantor", "kind": "kecamatan"}
    )
    # Schedules need their people: created once, kept in the benchmark database.
    if not CivilServant.objects.filter(district=district).exists():
        users = get_user_model().objects.bulk_create(
            get_user_model()(username=nip(n)[0]) for n in range(PEOPLE_FOR_SCHEDULES)
        )
        CivilServant.objects.bulk_create(
            CivilServant(
                user=user,
                nip=user.username,
                asn_type="PNS",
                name=f"Pegawai {n}",
                gender="male",
                birth_date=nip(n)[1],
                rank="III/a",
                position_type="pelaksana",
                position_title="Analis",
                work_unit=unit,
                district=district,
            )
            for n, user in enumerate(users)
        )
    return district


def _baseline(path: Path) -> int:
    """Parse every cell, check nothing, save nothing: the floor of any import."""
    cells = 0
    if path.suffix == ".csv":
        with path.open(encoding="utf-8") as handle:
            for row in csv.reader(handle, delimiter=";"):
                cells += len(row)
        return cells
    from openpyxl import load_workbook

    workbook = load_workbook(path, read_only=True, data_only=True)
    for row in workbook.worksheets[0].iter_rows(values_only=True):
        cells += len(row)
    workbook.close()
    return cells


def _portal(path: Path, kind: str) -> dict:
    from django.core.files.base import ContentFile

    from training.models import ImportJob
    from training.services import import_jobs

    district = _setup_district()
    job = ImportJob(district=district, kind=kind, original_name=path.name)
    job.file.save(path.name, ContentFile(path.read_bytes()), save=False)
    job.status = ImportJob.Status.PREVIEWING
    job.save()
    try:
        import_jobs.run_preview(job_id=job.pk)
        job.refresh_from_db()
        return {"status": job.status, "counts": job.preview.get("counts"), "error": job.error}
    finally:
        job.file.delete(save=False)
        job.delete()


def _request_check(path: Path, kind: str) -> dict:
    """What the upload request does before handing a big file to the background preview."""
    from training.services import import_jobs
    from training.services.import_files import count_rows

    columns, required, _preview = import_jobs.SPECS[kind]
    rows = count_rows(name=path.name, data=path.read_bytes(), columns=columns, required=required)
    return {"rows": rows}


def _refusal(path: Path) -> dict:
    from django.core.exceptions import ValidationError

    from training.services import imports
    from training.services.import_files import count_rows

    try:  # where the upload request refuses it
        count_rows(
            name=path.name,
            data=path.read_bytes(),
            columns=imports.PERSONNEL_COLUMNS,
            required=imports.PERSONNEL_REQUIRED,
        )
    except ValidationError as exc:
        return {"status": "refused", "error": " ".join(exc.messages)}
    return {"status": "accepted"}


def child(spec: dict) -> dict:
    import django

    django.setup()
    from django.db import connection

    connection.ensure_connection()
    if spec["what"] == "portal":
        _setup_district()
    path = Path(spec["path"])
    before = _peak_mb()
    started = time.perf_counter()
    if spec["what"] == "portal":
        result = _portal(path, spec["kind"])
    elif spec["what"] == "refusal":
        result = _refusal(path)
    elif spec["what"] == "request":
        result = _request_check(path, spec["kind"])
    else:
        result = {"cells": _baseline(path)}
    seconds = time.perf_counter() - started
    return {**result, "seconds": seconds, "before_mb": before, "peak_mb": _peak_mb()}


# --- the parent: files, runs, table -------------------------------------------


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
    args.repeat = min(args.repeat, 5)  # the dashboards' 30 requests would take an hour here

    url = dataset.database_url(os.environ.get("BENCH_IMPORTS_DATABASE", DATABASE))
    dataset.ensure_database(url)
    dataset.migrate(url)
    count = SCALES[args.scale]
    print(f"Import benchmark: {count:,} rows, {args.repeat} runs each, medians")
    print("| File | Upload request | Preview | Peak memory | Parse only | Peak memory | Result |")
    print("|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as folder:
        files = write_files(Path(folder), count)
        for label, path in files.items():
            kind = label.split(".")[0]
            request, portal, baseline = [], [], []
            for _ in range(args.repeat):  # interleaved: load on the machine hits both alike
                request.append(_run({"what": "request", "path": str(path), "kind": kind}, url))
                portal.append(_run({"what": "portal", "path": str(path), "kind": kind}, url))
                baseline.append(_run({"what": "baseline", "path": str(path)}, url))
            result = portal[-1]
            outcome = result["status"] + (f" {result['counts']}" if result["counts"] else "")
            if result["error"]:
                outcome += f": {result['error']}"
            print(
                f"| {label} ({path.stat().st_size / 1e6:.1f} MB) "
                f"| {statistics.median(r['seconds'] for r in request):.2f} s "
                f"| {statistics.median(r['seconds'] for r in portal):.2f} s "
                f"| {statistics.median(r['peak_mb'] for r in portal):.0f} MB "
                f"(+{statistics.median(r['peak_mb'] - r['before_mb'] for r in portal):.0f}) "
                f"| {statistics.median(r['seconds'] for r in baseline):.2f} s "
                f"| {statistics.median(r['peak_mb'] for r in baseline):.0f} MB "
                f"(+{statistics.median(r['peak_mb'] - r['before_mb'] for r in baseline):.0f}) "
                f"| {outcome} |",
                flush=True,
            )
        print()
        print("| Hostile file | Refused after | Peak memory | Answer |")
        print("|---|---|---|---|")
        for label, path in write_hostile(Path(folder)).items():
            runs = [_run({"what": "refusal", "path": str(path)}, url) for _ in range(args.repeat)]
            print(
                f"| {label} ({path.stat().st_size / 1e6:.2f} MB) "
                f"| {statistics.median(r['seconds'] for r in runs):.2f} s "
                f"| {statistics.median(r['peak_mb'] for r in runs):.0f} MB "
                f"(+{statistics.median(r['peak_mb'] - r['before_mb'] for r in runs):.0f}) "
                f"| {runs[-1].get('error', runs[-1]['status'])} |",
                flush=True,
            )
    return 0


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        print(json.dumps(child(json.loads(sys.argv[2]))))
        sys.exit(0)
    sys.exit(main(sys.argv[1:]))
