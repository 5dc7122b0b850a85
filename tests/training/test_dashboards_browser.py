"""A supervisor uses the dashboard in a real headless Chromium."""

import pytest
from openpyxl import load_workbook

from tests.conftest import login, screenshot
from tests.training.test_dashboards import org  # noqa: F401 - the hand-built dataset


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_supervisor_filters_sees_chart_opens_person_downloads_xlsx(
    page,
    phone_page,
    org,  # noqa: F811
    tmp_path,
):
    supervisor = org["s"].user.username
    login(page, supervisor)
    page.goto(f"{page.base}/dasbor/?year=2026")
    assert page.locator("h1").inner_text() == "Dasbor pelatihan"

    page.select_option("#id_unit", label="Seksi Pelayanan")
    page.click("#dashboard-filters [type=submit]")
    page.wait_for_load_state("networkidle")

    assert "unit=" in page.url
    assert page.locator('[data-figure="people"]').inner_text() == "2"
    chart = page.locator("svg.chart-attainment")
    assert chart.is_visible()
    assert chart.bounding_box()["width"] > 300
    assert page.locator("svg.chart-line polyline").count() == 1
    screenshot(page, "dashboards-supervisor-unit")

    behind = page.locator('[data-table="behind"] tbody tr')
    assert behind.count() == 1
    with page.expect_download() as download_info:
        page.click('[data-export="behind-xlsx"]')
    download = download_info.value
    assert download.suggested_filename == "dasbor-behind-2026.xlsx"
    download.save_as(tmp_path / download.suggested_filename)
    workbook = load_workbook(tmp_path / download.suggested_filename)
    rows = list(workbook.worksheets[0].iter_rows(values_only=True))
    assert rows[0][0] == "Nama"
    assert [row[0] for row in rows[1:]] == ["'=Cahya+1"]
    assert rows[1][5] == 10

    behind.first.locator("a").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("#person-name").inner_text() == "=Cahya+1"
    assert "10 dari 20 JP" in page.locator("#person-jp").inner_text()
    screenshot(page, "dashboards-person")

    login(phone_page, supervisor)
    phone_page.goto(f"{phone_page.base}/dasbor/?year=2026")
    assert phone_page.locator("svg.chart-attainment").is_visible()
    screenshot(phone_page, "dashboards-supervisor-phone")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_administrator_compares_districts_on_a_short_page(page):
    """The demo's four districts side by side, with a chart; long tables folded."""
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.utils import timezone

    from tests.factories import PLACES, district
    from training.services.dashboards import summary

    for slug in PLACES:  # a transactional test's flush took the migrated places away
        district(slug)
    call_command("seed_demo", stdout=None)
    summary.refresh_snapshots(now=timezone.now())  # as the 5-minute task does
    admin = get_user_model().objects.get(username="admin")
    admin.set_password("pass-Word-123")
    admin.save()
    login(page, "admin")
    page.goto(f"{page.base}/dasbor/")

    rows = page.locator('[data-table="districts"] tbody tr')
    assert sorted(rows.all_inner_texts())[0].startswith("Asemrowo")
    assert rows.count() == 4
    chart = page.locator("#table-districts svg.chart-percent")
    assert chart.locator("title").text_content().startswith("Mencapai target JP tahunan (%)")
    assert "Sawahlunto" in chart.inner_html()
    # The unit chart names its metric and each bar's district.
    units = page.locator("#table-units svg.chart-percent")
    assert units.locator("title").text_content().startswith("Tingkat kelulusan (%) per unit kerja")
    assert " · " in units.inner_html()
    folded = page.locator("details.dashboard-fold:not([open])")
    assert folded.count() >= 1
    height = page.evaluate("document.documentElement.scrollHeight")
    screenshot(page, "dashboards-admin-districts")
    assert height < 8000, height
