"""Running the portal locally: a fresh clone migrates without make, the base URL follows
WEB_ADDR, and the Procfile's worker stops without ERROR lines."""

import os
import shutil
import signal
import subprocess
import sys
import time

import pytest
from django.conf import settings

ROOT = settings.BASE_DIR
_CLONE_IGNORE = shutil.ignore_patterns(
    ".git", ".venv", "var", "node_modules", "test-artifacts", "__pycache__", ".*cache"
)


def _env(**extra) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "CELERY_BROKER_URL")}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.update(extra)
    return env


def test_fresh_clone_migrates_without_make(tmp_path):
    clone = tmp_path / "clone"
    shutil.copytree(
        ROOT,
        clone,
        ignore=_CLONE_IGNORE,
    )
    assert not (clone / "var").exists()

    result = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=clone,
        env=_env(),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    assert (clone / "var" / "db.sqlite3").stat().st_size > 0


def test_base_url_follows_web_addr():
    code = "import django; django.setup(); from django.conf import settings as s; "
    code += "print(s.PORTAL_BASE_URL)"

    def base_url(**extra):
        return subprocess.run(
            [sys.executable, "-c", code],
            cwd=ROOT,
            env=_env(DJANGO_SETTINGS_MODULE="asnportal.settings", **extra),
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        ).stdout.strip()

    assert base_url(WEB_ADDR="127.0.0.1:8080") == "http://127.0.0.1:8080"
    assert base_url(WEB_ADDR="0.0.0.0:9000", PORTAL_BASE_URL="https://x.example") == (
        "https://x.example"
    )


def test_procfile_worker_stops_cleanly_when_its_process_group_is_told_to(tmp_path):
    """honcho stops a process by signalling its whole group; the worker must log no ERROR.

    The worker runs in a copy of the project, so its filesystem queue (``var/celery``)
    is its own and empty: messages other tests or a local ``make run`` left in this
    checkout's queue would be consumed, and a warm shutdown waits for running tasks.
    """
    line = next(
        entry
        for entry in (ROOT / "Procfile").read_text().splitlines()
        if entry.startswith("worker:")
    )
    command = line.split(":", 1)[1].split()
    assert command[0] == "celery"
    clone = tmp_path / "clone"
    shutil.copytree(ROOT, clone, ignore=_CLONE_IGNORE)
    log = tmp_path / "worker.log"
    with log.open("w") as out:
        worker = subprocess.Popen(  # noqa: S603 - the project's own Procfile command
            [str(ROOT / ".venv" / "bin" / "celery"), *command[1:]]
            if (ROOT / ".venv" / "bin" / "celery").exists()
            else [sys.executable, "-m", "celery", *command[1:]],
            cwd=clone,
            # Without libfaketime, under a faked clock too: with it, a SIGTERM that
            # interrupts the filesystem transport's poll sleep can leave Python's
            # resumed sleep waiting far past its deadline (libfaketime shifts the
            # deadline of clock_nanosleep(TIMER_ABSTIME); see .ci/at), so the warm
            # shutdown never gets to run. The date plays no part in this test.
            env={
                key: value
                for key, value in _env().items()
                if key != "LD_PRELOAD" and not key.startswith("FAKETIME")
            },
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + 90
        while "ready." not in log.read_text() and time.monotonic() < deadline:
            assert worker.poll() is None, log.read_text()
            time.sleep(0.5)
        assert "ready." in log.read_text()
        assert list((clone / "var" / "celery" / "queue").iterdir()) == []
        # Celery 5.7's worker sometimes never acts on a SIGTERM that arrives in the
        # first instant after "ready." (seen about once in 20 starts, with or
        # without a faked clock; a second SIGTERM then stops it). A person stopping
        # `make run` does so later than that; honcho sends SIGKILL after 5 s anyway.
        time.sleep(2)
        os.killpg(worker.pid, signal.SIGTERM)
        try:
            worker.wait(timeout=60)
        except subprocess.TimeoutExpired:
            pytest.fail("the worker did not stop within 60 s of SIGTERM:\n" + log.read_text())
    finally:
        if worker.poll() is None:
            os.killpg(worker.pid, signal.SIGKILL)
    text = log.read_text()
    assert "Warm shutdown" in text
    assert [row for row in text.splitlines() if "ERROR" in row] == []
