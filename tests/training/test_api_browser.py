"""In Chromium: the API docs (Swagger UI from the sidecar) render under the CSP; the token page."""

import pytest

from tests.conftest import login, screenshot
from tests.factories import district, hr_officer

pytestmark = pytest.mark.django_db(transaction=True)


def test_api_docs_render_in_chromium_without_csp_violations(page):
    page.goto(f"{page.base}/api/docs/")
    page.wait_for_selector(".swagger-ui .opblock", timeout=20_000)
    assert (
        page.locator(".swagger-ui .info .title").inner_text().startswith("Portal Pelatihan ASN API")
    )
    assert page.locator(".opblock").count() >= 20
    screenshot(page, "api-docs")
    # The page fixture fails the test on any Content-Security-Policy violation.


def test_the_token_page_shows_a_new_token_once(page, phone_page):
    officer = hr_officer(district("mulyorejo"))
    for view, name in ((page, "api-tokens"), (phone_page, "api-tokens-phone")):
        login(view, officer.nip)
        view.goto(f"{view.base}/kepegawaian/token-api/")
        view.fill("input[name=name]", f"SIMPEG {name}")
        view.click("[name=create]")
        view.wait_for_selector("#new-token code")
        assert view.locator("#new-token code").inner_text().startswith("asn_")
        screenshot(view, name)
