"""Shared test setup: fast settings, the CI rule for missing parts, a browser."""

import datetime
import os
import shutil
import zoneinfo

import pytest
import time_machine
from django.conf import settings

# Playwright's sync API runs an event loop in the test thread; the ORM calls made
# by the test itself are still synchronous, so Django's async guard must be off.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

IN_CI = os.environ.get("CI", "").lower() == "true"
ARTIFACTS = settings.BASE_DIR / "test-artifacts"


def require_part(available: bool, what: str) -> None:
    """Skip locally when a part (Chromium, Redis...) is missing; fail in CI."""
    if available:
        return
    if IN_CI:
        pytest.fail(f"{what} is required in CI but is not available.")
    pytest.skip(f"{what} is not available on this machine.")


def pytest_collection_modifyitems(config, items):
    """Leave PostgreSQL-only tests out of a SQLite run (they do not apply there)."""
    if settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        return
    selected, deselected = [], []
    for item in items:
        (deselected if item.get_closest_marker("postgres_only") else selected).append(item)
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = selected


@pytest.fixture(autouse=True)
def _fast_settings(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.CELERY_TASK_ALWAYS_EAGER = True
    # A change to people or needs queues its district's gap refresh with this
    # countdown; in tests with a real worker a minute-long countdown would hold the
    # message unacknowledged past their wait for an idle broker.
    settings.GAP_REFRESH_DELAY = 1
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    from asnportal.celery import app

    app.conf.task_always_eager = True
    from django.core.cache import cache

    cache.clear()  # the login rate limit and cached figures must not leak between tests
    # Each test starts in the site's language: a request in English (LocaleMiddleware
    # activates it for the thread) must not leak into the next test's services.
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)
    app.conf.task_always_eager = False


# The moment tests with fixed dates pin the clock at: Monday 30 November 2026,
# 09.00 WIB, so their sessions (a week later, 7 December) are open and upcoming.
PINNED_NOW = datetime.datetime(2026, 11, 30, 9, 0, tzinfo=zoneinfo.ZoneInfo("Asia/Jakarta"))


@pytest.fixture
def pinned_clock():
    """Pin the clock at ``PINNED_NOW`` for a test whose dates are fixed (it keeps ticking).

    Only this process sees it: a test that also uses a Celery worker process or
    Chromium builds its dates from today instead.
    """
    with time_machine.travel(PINNED_NOW, tick=True) as traveller:
        yield traveller


@pytest.fixture
def without_shipped_holidays():
    """Remove the shipped national holidays: the test decides which days are holidays.

    For tests whose sessions are a few days from today, wherever that falls: a
    real holiday there would add a clash the test does not expect.
    """
    from districts.models import Holiday

    Holiday.objects.filter(district__isnull=True).delete()


def chromium_path() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="session")
def browser():
    """A real headless Chromium driven by Playwright (Debian's chromium package)."""
    path = chromium_path()
    require_part(path is not None, "Chromium (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=path,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-dev-shm-usage",
            ],
        )
        yield instance
        instance.close()


# Reported by the page itself too, in case a browser words its console message differently.
_REPORT_CSP_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  const what = `${event.violatedDirective} ${event.blockedURI}`;
  console.error(`Content Security Policy violation: ${what}`);
});
"""


def watch_console(page) -> list[str]:
    """Collect the page's console errors and uncaught exceptions into ``page.console_errors``."""
    page.console_errors = []
    page.add_init_script(_REPORT_CSP_VIOLATIONS)
    page.on("console", lambda m: m.type == "error" and page.console_errors.append(m.text))
    page.on("pageerror", lambda error: page.console_errors.append(f"Uncaught: {error}"))
    return page.console_errors


def csp_violations(page) -> list[str]:
    """Return the Content-Security-Policy violations the page reported so far."""
    return [text for text in page.console_errors if "Content Security Policy" in text]


def _open_page(browser, live_server, **options):
    context = browser.new_context(locale="id-ID", **options)
    page = context.new_page()
    page.base = live_server.url
    watch_console(page)
    return context, page


@pytest.fixture
def page(browser, live_server):
    """A fresh browser page (desktop size) with the live server's URL as ``page.base``.

    Every page the browser suite visits is held to the CSP: a violation fails the test.
    """
    context, page = _open_page(browser, live_server, viewport={"width": 1280, "height": 900})
    yield page
    violations = csp_violations(page)
    context.close()
    assert violations == [], "Content-Security-Policy violations in the browser console"


@pytest.fixture
def phone_page(browser, live_server):
    """A fresh browser page at a phone-sized viewport, held to the CSP like ``page``."""
    context, page = _open_page(
        browser,
        live_server,
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
    )
    yield page
    violations = csp_violations(page)
    context.close()
    assert violations == [], "Content-Security-Policy violations in the browser console"


def open_phone_menu(page) -> None:
    """Open the collapsed navigation on a phone and wait until it has finished opening.

    Bootstrap animates the collapse ("collapsing", about 0.35 s); a click while its
    links still move can land on another one, which a loaded machine makes likely.
    """
    page.click(".navbar-toggler")
    page.locator("#portal-nav.collapse.show").wait_for()


def screenshot(page, name: str) -> None:
    """Save a screenshot under ``test-artifacts/`` for people to look at."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def login(page, username: str, password: str = "pass-Word-123") -> None:
    page.goto(f"{page.base}/akun/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("main form button[type=submit]")
    page.wait_for_load_state("networkidle")
