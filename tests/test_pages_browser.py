"""axe-core in a real Chromium over every GET page of every role, at desktop and phone width."""

import json
import time

import pytest

from tests.conftest import ARTIFACTS, require_part, screenshot
from tests.page_checkers import AXE, QUICK, browser_pages

VIEWPORTS = {"desktop": (1280, 900), "phone": (390, 844)}
if QUICK:
    del VIEWPORTS["phone"]
FAILING_IMPACTS = {"serious", "critical"}
# Pages whose screenshots people look at (test-artifacts/pages-<viewport>-<role>-<name>.png).
KEY_PAGES = {
    "home",
    "training:catalogue",
    "training:session",
    "training:my_training",
    "training:schedule",
    "training:conflicts",
    "training:feedback",
    "training:hr-sessions",
    "training:hr-calendar",
    "training:hr-session",
    "training:hr-imports",
    "training:hr-import",
    "training:dashboard",
    "training:team_conflicts",
    "training:approvals",
    "training:hr-approvals",
    "training:cancel_enrollment",
    "login",
}


def _node(node) -> str:
    """Name one offending element, with its colours for a contrast failure."""
    where = " ".join(node["target"])
    for check in node.get("any", []):
        data = check.get("data") or {}
        if isinstance(data, dict) and "contrastRatio" in data:
            where += f" ({data['fgColor']} on {data['bgColor']}, {data['contrastRatio']}:1)"
    return where


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_no_serious_accessibility_violation_on_any_page(browser, live_server, viewport):
    require_part(AXE.exists(), "axe-core (npm ci at the repository root)")
    width, height = VIEWPORTS[viewport]
    problems, visited = [], 0
    started = time.monotonic()
    for page, role, tab in browser_pages(browser, live_server, width=width, height=height):
        result = tab.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
        visited += 1
        for violation in result["violations"]:
            if violation["impact"] in FAILING_IMPACTS:
                nodes = "; ".join(_node(node) for node in violation["nodes"][:5])
                problems.append(
                    f"{page.path} as {role}: {violation['id']} ({violation['impact']}) "
                    f"on {len(violation['nodes'])} node(s): {nodes}"
                )
        if page.name in KEY_PAGES:
            screenshot(tab, f"pages-{viewport}-{role}-{page.name.split(':')[-1]}")
    elapsed = time.monotonic() - started
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / f"axe-{viewport}.json").write_text(
        json.dumps({"pages": visited, "seconds": round(elapsed, 1)})
    )
    print(f"axe {viewport}: {visited} page-role combinations in {elapsed:.1f} s")
    assert visited >= (40 if QUICK else 80)
    assert problems == [], "\n".join(problems)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_keyboard_skip_link_first_and_a_visible_focus_on_the_red_bar(page):
    from tests.conftest import login
    from tests.factories import CivilServantFactory

    person = CivilServantFactory()
    login(page, person.nip)
    page.goto(f"{page.base}/saya/katalog/")

    page.keyboard.press("Tab")
    skip = page.locator(".skip-link")
    assert skip.evaluate("element => element === document.activeElement")
    assert skip.inner_text() == "Langsung ke isi utama"
    assert skip.bounding_box()["y"] >= 0  # shown on the screen once focused
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"

    page.goto(f"{page.base}/saya/katalog/")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")  # the brand link on the red bar
    focus = page.evaluate(
        "() => { const s = getComputedStyle(document.activeElement);"
        " return [document.activeElement.className, s.outlineStyle, s.outlineWidth,"
        " s.outlineColor]; }"
    )
    assert focus == ["navbar-brand fw-semibold", "solid", "3px", "rgb(255, 213, 79)"]
    screenshot(page, "pages-keyboard-focus-navbar")
