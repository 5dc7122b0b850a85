"""Content-Security-Policy: sent on every page, no inline script, no violation in a browser."""

import re

import pytest
from django.conf import settings
from django.urls import reverse

from tests.conftest import csp_violations, login, screenshot
from tests.factories import (
    CivilServantFactory,
    EnrollmentFactory,
    ProgramFactory,
    SessionFactory,
    UserFactory,
    district,
    hr_officer,
)
from tests.training.selfservice_helpers import days_ahead
from training.models import ImportJob

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
INLINE_HANDLER = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)


@pytest.mark.django_db
def test_every_page_carries_the_policy(client):
    response = client.get(reverse("login"))

    policy = dict(
        directive.strip().split(" ", 1)
        for directive in response["Content-Security-Policy"].split(";")
        if directive.strip()
    )
    assert policy["script-src"] == "'self'"
    assert policy["default-src"] == "'self'"
    assert policy["object-src"] == "'none'"
    assert policy["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in policy["style-src"]


def test_no_template_holds_an_inline_script_or_handler():
    offenders = []
    for path in sorted((settings.BASE_DIR / "templates").rglob("*.html")):
        text = path.read_text(encoding="utf-8")
        if INLINE_SCRIPT.search(text) or INLINE_HANDLER.search(re.sub(r"{%.*?%}", "", text)):
            offenders.append(str(path.relative_to(settings.BASE_DIR)))

    assert offenders == []


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_watch_sees_a_violation(page):
    page.goto(f"{page.base}{reverse('login')}")

    page.evaluate(
        "() => { const s = document.createElement('script');"
        " s.textContent = 'window.ran = true'; document.body.appendChild(s); }"
    )
    page.wait_for_timeout(200)

    assert page.evaluate("() => window.ran === undefined")
    assert csp_violations(page) != []
    page.console_errors.clear()  # seen on purpose: the fixture would fail the test


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_pages_of_every_role_run_without_a_violation(page):
    place = district("mulyorejo")
    officer = hr_officer(place)
    session = SessionFactory(
        program=ProgramFactory(district=place), start=days_ahead(5), status="published"
    )
    person = CivilServantFactory(district=place, email="ani@example.go.id")
    EnrollmentFactory(session=session, civil_servant=person)
    job = ImportJob.objects.create(
        district=place,
        kind="schedule",
        original_name="jadwal.csv",
        status="previewing",
        total_rows=900,
    )

    page.goto(f"{page.base}{reverse('password_reset')}")
    screenshot(page, "password-reset")
    page.goto(f"{page.base}{reverse('login')}")
    login(page, officer.nip)
    for name, args in [
        ("home", []),
        ("training:hr-sessions", []),
        ("training:hr-calendar", []),
        ("training:hr-session", [session.pk]),
        ("training:hr-programs", []),
        ("training:hr-people", []),
        ("training:hr-imports", []),
        ("training:hr-import", [job.pk]),
    ]:
        page.goto(f"{page.base}{reverse(name, args=args)}")
        page.wait_for_load_state("networkidle")
    screenshot(page, "hr-import-running")
    page.goto(f"{page.base}{reverse('training:hr-people')}")
    screenshot(page, "hr-people")
    page.goto(f"{page.base}/dasbor/")
    page.evaluate("() => { window.print = () => { window.printed = true; }; }")
    page.click("[data-print]")
    assert page.evaluate("() => window.printed === true")
    screenshot(page, "csp-dashboard")

    page.context.clear_cookies()
    login(page, person.nip)
    for path in ("/saya/katalog/", "/saya/pelatihan/", "/saya/jadwal/", "/bentrok/"):
        page.goto(f"{page.base}{path}")

    page.context.clear_cookies()
    UserFactory(username="admin", is_staff=True, is_superuser=True)
    login(page, "admin")
    for path in ("/admin/", "/admin/training/auditentry/", "/admin/training/trainingprogram/add/"):
        page.goto(f"{page.base}{path}")

    assert [text for text in page.console_errors if text.startswith("Uncaught")] == []
