"""Shared helpers of the page checkers (axe-core, the Nu HTML Checker) over the catalogue."""

import os
import shutil

from django.conf import settings

from tests import pages as catalogue

NODE_MODULES = settings.BASE_DIR / "node_modules"
AXE = NODE_MODULES / "axe-core" / "axe.min.js"
VNU = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
# PAGE_CHECKS=quick: every page once (its first role), desktop only, for the
# suite's extra runs under a faked clock; the full crawl runs once per database.
QUICK = os.environ.get("PAGE_CHECKS", "full") == "quick"


def vnu_command() -> tuple[str | None, str | None]:
    """Return the Java binary and the vnu.jar path (None for whichever is missing)."""
    return shutil.which("java"), (str(VNU) if VNU.exists() else None)


def crawl(world):
    """Yield ``(page, role)`` for every page and every role a checker visits it as."""
    for page in catalogue.pages(world):
        roles = page.crawl_roles()
        for role in roles[:1] if QUICK else roles:
            yield page, role


def html_pages(client, world):
    """Yield ``(page, role, html)`` for every page that answers GET with HTML (200).

    POST-only actions (405), redirects and files (CSV, XLSX, PDF, iCalendar)
    are left to their own tests.
    """
    for page, role in crawl(world):
        client.logout()
        if world.users[role] is not None:
            client.force_login(world.users[role])
        response = client.get(page.path)
        if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
            yield page, role, response.content.decode()


def browser_pages(browser, live_server, *, width: int, height: int, world=None):
    """Yield ``(page, role, tab)`` with each HTML page loaded in Chromium as the role.

    The world is built first (by factories, unless given); each role gets one
    browser context signed in with a Django session cookie, and axe-core is
    injected into every page (CSP is bypassed for the injected script only).
    """
    from django.test import Client

    world = world or catalogue.build_world()
    targets = [(page, role) for page, role, _html in html_pages(Client(), world)]
    contexts = {}
    try:
        for page, role in targets:
            if role not in contexts:
                context = browser.new_context(
                    viewport={"width": width, "height": height},
                    locale="id-ID",
                    bypass_csp=True,
                    is_mobile=width < 500,
                    has_touch=width < 500,
                )
                user = world.users[role]
                if user is not None:
                    client = Client()
                    client.force_login(user)
                    cookie = client.cookies["sessionid"]
                    context.add_cookies(
                        [{"name": "sessionid", "value": cookie.value, "url": live_server.url}]
                    )
                contexts[role] = (context, context.new_page())
            tab = contexts[role][1]
            response = tab.goto(live_server.url + page.path)
            assert response is not None and response.status == 200, page.path
            tab.add_script_tag(path=str(AXE))
            yield page, role, tab
    finally:
        for context, _tab in contexts.values():
            context.close()
