"""Page crawl: every GET page of every role, through gunicorn over HTTP, at province scale.

On the dashboard benchmark's dataset (``bench/dashboards.py``: 100,000 civil
servants in 10 districts, 1,000,000 enrolments), it starts gunicorn (3 sync
workers, ``DJANGO_ENV=production``, ``bench/pagesettings.py``: the portal's
settings plus a query probe and a bare baseline page) and requests, as each of

- an ASN (staff, no one below them),
- a supervisor of ~500 people (an assistant to the head),
- a supervisor of ~10,000 (the district's head, the sekda),
- HR of one district,
- the administrator (all districts),

every page that role can reach: the URL list of the access-matrix tests
(``tests/pages.py``, ``world_from_database``), so a new page is crawled
without anyone adding it here. Before each page request it requests the bare
baseline (the base template, anonymous, no query), so that load drift lands
on both. For each page: median and p95 of the client's time (HTTP round trip,
whole body read), the server's own p95 (``X-Bench-Ms``), the query count,
the bytes, and the throughput as a ratio of the baseline's (one client in
sequence: the baseline's median over the page's). Then the ten slowest
queries seen, with their page. The dashboard summaries are refreshed first, as
Celery beat does every 5 minutes (the server shares the bench's file cache).

    DATABASE_URL=postgres://... python bench/run.py pages [--scale small] [--repeat 12]
"""

import argparse
import base64
import http.client
import json
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "asnportal.settings")

HOST, PORT = "127.0.0.1", int(os.environ.get("BENCH_PAGES_PORT", "8717"))
TIMEOUT = 60  # seconds: a slower page is reported as too slow and not timed further
BASELINE = "/bench-baseline/"
# Targets of issue 17 (server p95, on this machine, at full scale).
TARGET_MS, TARGET_SMALL_TEAM_MS, TARGET_RATIO = 300, 150, 1 / 3
MAIN_PAGES = {
    "home",
    "training:catalogue",
    "training:my_training",
    "training:hr-sessions",
    "training:dashboard",
}


def _roles(people: int, out=print):
    """Return [(label, role key of tests/pages.py, user)] and the world, making the bench's roles.

    On the dashboard dataset: the ASN is a staff member of bench-01 under the
    first assistant (so inside both supervisors' lines) with an upcoming
    enrolment; HR officers are civil servants of bench-01 and bench-02 (HR
    visits the self-service pages too); one certificate is issued.
    """
    from django.contrib.auth.models import Group
    from django.db import connection
    from django.utils import timezone

    from bench.dashboards import BASE
    from districts.models import CivilServant, District
    from districts.scoping import HR_GROUP, subtree_ids
    from tests import pages
    from training.models import CompletionRecord, Enrollment

    now = timezone.now()
    a, b = District.objects.get(slug="bench-01"), District.objects.get(slug="bench-02")
    head = CivilServant.objects.get(pk=BASE["person"])  # j = 0 of bench-01
    assistant = CivilServant.objects.get(pk=BASE["person"] + 1)  # j = 1: ~500 below
    # Staff j = 261..270, 461..470, ... report (through a section chief of unit 0 or 1
    # and its unit head) to the assistant.
    below_assistant = [
        BASE["person"] + j
        for j in range(261, people)
        if (j - 261) % 200 < 10  # noqa: PLR2004 - the ten section chiefs of units 0 and 1
    ]
    asn = (
        CivilServant.objects.filter(
            pk__in=below_assistant,
            enrollments__status__in=Enrollment.ACTIVE,
            enrollments__session__start__gt=now,
        )
        .order_by("pk")
        .first()
    )
    if asn is None:
        raise SystemExit("No staff member under the assistant has an upcoming enrolment.")
    group = Group.objects.get_or_create(name=HR_GROUP)[0]
    for district, offset in ((a, people - 1), (b, 2 * people - 1)):  # each one's last person
        officer = CivilServant.objects.get(pk=BASE["person"] + offset)
        officer.user.groups.add(group)
        district.hr_staff.add(officer.user)
    if not CompletionRecord.objects.filter(district=a, certificate_number__isnull=False).exists():
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE training_completionrecord SET certificate_number = 'BENCH/1' "
                "WHERE id = (SELECT id FROM training_completionrecord "
                "WHERE district_id = %s AND passed ORDER BY civil_servant_id <> %s, id LIMIT 1)",
                [a.pk, asn.pk],
            )
    world = pages.world_from_database("bench-01", "bench-02", asn_id=asn.pk)
    sizes = {  # the people below each, the supervisor left out
        who.pk: CivilServant.objects.filter(pk__in=subtree_ids(who.pk)).exclude(pk=who.pk).count()
        for who in (assistant, head)
    }
    roles = [
        ("ASN", pages.ASN, world.users[pages.ASN]),
        (f"supervisor of {sizes[assistant.pk]:,}", pages.SUPERVISOR, assistant.user),
        (f"sekda, {sizes[head.pk]:,} below", pages.SUPERVISOR, head.user),
        (f"HR of {a.name}", pages.HR_A, world.users[pages.HR_A]),
        ("administrator", pages.ADMIN, world.users[pages.ADMIN]),
        ("anonymous (public pages)", pages.ANONYMOUS, None),
    ]
    out(f"  ASN: {asn.name} (id {asn.pk}); world: {len(pages.pages(world))} pages")
    return roles, world


def _cookie(user, secret: str) -> str:
    """Return a session cookie for ``user``, valid on the server (which has ``secret``)."""
    from django.conf import settings
    from django.test import Client

    if user is None:
        return ""
    settings.SECRET_KEY = secret  # the session's auth hash and signature are the server's
    client = Client()
    client.force_login(user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def _get(path: str, cookie: str) -> tuple[float, int, dict, int]:
    """GET ``path``; return (ms, status, headers, bytes), the whole body read."""
    started = time.perf_counter()
    conn = http.client.HTTPConnection(HOST, PORT, timeout=TIMEOUT)
    headers = {"Host": HOST}
    if cookie:
        headers["Cookie"] = cookie
    conn.request("GET", path, headers=headers)
    response = conn.getresponse()
    body = response.read()
    ms = (time.perf_counter() - started) * 1000
    conn.close()
    return ms, response.status, dict(response.getheaders()), len(body)


def _start_server(url: str, secret: str, static_root: str, workers: int, out=print):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.pagesettings",
        "DJANGO_ENV": "production",
        "DJANGO_SECRET_KEY": secret,
        "DJANGO_ALLOWED_HOSTS": HOST,
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DJANGO_STATIC_ROOT": static_root,
        "DATABASE_URL": url,
        "CELERY_BROKER_URL": os.environ.get("BENCH_BROKER_URL", "redis://127.0.0.1:6379/13"),
        "LOG_LEVEL": "WARNING",
    }
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    gunicorn = Path(sys.executable).with_name("gunicorn")
    server = subprocess.Popen(
        [
            str(gunicorn),
            "asnportal.wsgi:application",
            "--workers",
            str(workers),
            "--bind",
            f"{HOST}:{PORT}",
            "--timeout",
            str(TIMEOUT),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    for _attempt in range(120):
        try:
            if _get(BASELINE, "")[1] == 200:
                return server
        except OSError:
            time.sleep(0.5)
    server.terminate()
    raise SystemExit("gunicorn did not answer on the baseline page.")


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(share * len(ordered) + 0.5) - 1))
    return ordered[index]


def _chosen(label: str, page, only: list[str]) -> bool:
    """Return whether ``page`` is among ``only`` (empty: all).

    Each item is a URL name or part of a path, optionally after ``role@`` (part of
    a role's label: that role's page only).
    """
    for item in only:
        role, _at, what = item.rpartition("@")
        if role in label and (what == page.name or what in page.path):
            return True
    return not only


def crawl(roles, world, *, repeat: int, secret: str, only=(), out=print) -> dict:  # noqa: PLR0913
    """Request every page of every role ``repeat`` times, each after the baseline."""
    from tests import pages

    targets = []  # (label, page, cookie)
    for label, role, user in roles:
        cookie = _cookie(user, secret)
        for page in pages.pages(world):
            if role in page.crawl_roles() and _chosen(label, page, only):
                targets.append((label, page, cookie))
    # One look first: pages that are not GET pages (405) or not this role's (404) are named.
    kept, timed_out = [], []
    for label, page, cookie in targets:
        try:
            ms, status, _headers, _size = _get(page.path, cookie)
        except OSError:  # the worker is killed at TIMEOUT too
            timed_out.append(f"{label}: {page.path} (over {TIMEOUT} s)")
            out(f"  TOO SLOW {label}: {page.path} took over {TIMEOUT} s", flush=True)
            time.sleep(2)  # gunicorn replaces the worker
            continue
        if status in (200, 302):
            kept.append((label, page, cookie))
            if ms > TARGET_MS:
                out(f"  first look {label}: {page.path} {ms:.0f} ms", flush=True)
        else:
            out(f"  skipped {label}: {page.path} answered {status}", flush=True)
    baseline: list[float] = []
    results = {(label, page.path): [] for label, page, _cookie in kept}
    for _pass in range(repeat):
        for label, page, cookie in kept:
            baseline.append(_get(BASELINE, "")[0])
            try:
                results[(label, page.path)].append(_get(page.path, cookie))
            except OSError:
                results[(label, page.path)].append((TIMEOUT * 1000.0, 504, {}, 0))
    return {"baseline": baseline, "pages": results, "kept": kept, "timed_out": timed_out}


def report(found: dict, out=print) -> list[str]:
    """Print the table; return the pages that miss a target."""
    base = found["baseline"]
    base_median = statistics.median(base)
    out(
        f"  bare baseline (base template, no query): median {base_median:.1f} ms, "
        f"p95 {_percentile(base, 0.95):.1f} ms over {len(base)} requests, interleaved"
    )
    out(
        f"  {'role':<26} {'page':<46} {'status':>6} {'med ms':>7} {'p95 ms':>7} "
        f"{'srv p95':>7} {'queries':>7} {'KB':>6} {'x base':>6}"
    )
    misses, slow = list(found["timed_out"]), []
    for label, page, _cookie in found["kept"]:
        samples = found["pages"][(label, page.path)]
        times = [ms for ms, *_ in samples]
        server = [float(headers.get("X-Bench-Ms", "nan")) for _ms, _s, headers, _b in samples]
        status = samples[-1][1]
        headers = samples[-1][2]
        queries = headers.get("X-Bench-Queries", "?")
        size = samples[-1][3]
        median, p95, server_p95 = (
            statistics.median(times),
            _percentile(times, 0.95),
            _percentile(server, 0.95),
        )
        ratio = base_median / median
        for _ms, _status, sample_headers, _bytes in samples:
            for ms, sql in json.loads(base64.b64decode(sample_headers.get("X-Bench-Slow", "W10="))):
                slow.append((ms, sql, f"{label}: {page.path}"))
        target = TARGET_SMALL_TEAM_MS if label.startswith("supervisor of") else TARGET_MS
        flags = []
        if server_p95 > target:
            flags.append(f"p95 > {target} ms")
        if page.name in MAIN_PAGES and ratio < TARGET_RATIO:
            flags.append("< 1/3 baseline")
        if flags:
            misses.append(f"{label}: {page.path} ({', '.join(flags)})")
        out(
            f"  {label[:26]:<26} {page.path[:46]:<46} {status:>6} {median:7.1f} {p95:7.1f} "
            f"{server_p95:7.1f} {queries:>7} {size / 1024:6.1f} {ratio:6.2f}"
            + ("  MISS" if flags else "")
        )
    out("  Ten slowest queries seen (ms, page, SQL):")
    seen = set()
    for ms, sql, where in sorted(slow, reverse=True):
        key = sql[:120]
        if key in seen:
            continue
        seen.add(key)
        out(f"    {ms:8.1f}  {where}\n              {' '.join(sql.split())[:400]}")
        if len(seen) == 10:
            break
    if misses:
        out("  Pages missing a target:")
        for line in misses:
            out(f"    {line}")
    else:
        out("  Every page meets its targets.")
    return misses


def main(argv: list[str] | None = None) -> int:
    from bench import dashboards, dataset

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=sorted(dashboards.SCALES), default="full")
    parser.add_argument("--repeat", type=int, default=12)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument(
        "--only",
        default="",
        help="comma-separated [role label part@]URL name or path part: crawl just those "
        "pages (each still after a baseline request)",
    )
    parser.add_argument(
        "--roles", default="", help="comma-separated parts of role labels: crawl just those"
    )
    parser.add_argument(
        "--no-refresh",
        action="store_true",
        help="skip the summary refresh (pages then use the stored one while fresh)",
    )
    args, _others = parser.parse_known_args(argv)

    name = os.environ.get("BENCH_DASHBOARDS_DATABASE", f"asnportal_bench_dash_{args.scale}")
    url = dataset.database_url(name)
    dataset.ensure_database(url)
    dataset.migrate(url)
    dashboards._use_database(url)
    print(f"Page crawl ({args.scale} scale, database {name}, gunicorn {args.workers} workers)")
    dashboards.load(dashboards.SCALES[args.scale])
    roles, world = _roles(dashboards.SCALES[args.scale]["people"])
    from django.utils import timezone

    from training.services.dashboards.summary import refresh_snapshots

    if not args.no_refresh:
        started = time.perf_counter()
        count = refresh_snapshots(now=timezone.now())  # as beat does every 5 minutes
        print(f"  summary refresh: {count} dashboards in {time.perf_counter() - started:.0f} s")
    only = [item for item in args.only.split(",") if item]
    if args.roles:
        wanted = [item for item in args.roles.split(",") if item]
        roles = [role for role in roles if any(item in role[0] for item in wanted)]
    secret = secrets.token_urlsafe(48)
    with tempfile.TemporaryDirectory(prefix="bench-static-") as static_root:
        server = _start_server(url, secret, static_root, args.workers)
        try:
            started = time.perf_counter()
            found = crawl(roles, world, repeat=args.repeat, secret=secret, only=only)
            print(f"  crawled in {time.perf_counter() - started:.0f} s (load: {_load()})")
            report(found)
        finally:
            server.terminate()
            server.wait(timeout=30)
    return 0


def _load() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
