"""Dashboard figures on a small hand-built dataset, scope, query counts and exports."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.urls import reverse
from openpyxl import load_workbook

from tests.factories import (
    CivilServantFactory,
    CompletionRecordFactory,
    EnrollmentFactory,
    ProgramFactory,
    ScheduleEntryFactory,
    SessionFactory,
    UserFactory,
    WorkUnitFactory,
    district,
    hr_officer,
    local,
)
from training.dashboards.exports import neutralise
from training.services.dashboards.access import viewer_for
from training.services.dashboards.dashboard import Dashboard
from training.services.dashboards.filters import Criteria

NOW = local(2026, 11, 25, 12)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_cache():
    """The summaries live in the cache: no test may see another's."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def org():
    """A supervisor S over A (who supervises B) and C; O and H beside them; P elsewhere.

    2026: A 12 + 8 JP (reached, PNS), B 20 JP (PPPK: close, cap 24), C 10 JP
    (below 75 %), a failed record for C; A has 10 JP on 31 December 2025.
    """
    mulyorejo, asemrowo = district("mulyorejo"), district("asemrowo")
    head_unit = WorkUnitFactory(district=mulyorejo, name="Sekretariat")
    unit_one = WorkUnitFactory(district=mulyorejo, name="Seksi Pelayanan")
    unit_two = WorkUnitFactory(district=mulyorejo, name="Seksi Ketertiban")
    s = CivilServantFactory(district=mulyorejo, work_unit=head_unit, name="Sri Atasan")
    a = CivilServantFactory(district=mulyorejo, work_unit=unit_one, supervisor=s, name="Adi")
    b = CivilServantFactory(
        district=mulyorejo, work_unit=unit_two, supervisor=a, asn_type="PPPK", name="Bunga"
    )
    c = CivilServantFactory(district=mulyorejo, work_unit=unit_one, supervisor=s, name="=Cahya+1")
    o = CivilServantFactory(district=mulyorejo, work_unit=unit_one, name="Oki Luar")
    h = hr_officer(mulyorejo, work_unit=head_unit, name="Hana HR")
    p = CivilServantFactory(district=asemrowo, name="Putu Asemrowo")

    teknis = ProgramFactory(district=mulyorejo, code="TEK", competency_kind="teknis")
    manajerial = ProgramFactory(district=mulyorejo, code="MAN", competency_kind="manajerial")
    march = SessionFactory(
        district=mulyorejo,
        program=teknis,
        start=local(2026, 3, 10, 8),
        cost_amount=Decimal(100000),
        cost_basis="per_participant",
    )
    june = SessionFactory(
        district=mulyorejo,
        program=manajerial,
        start=local(2026, 6, 1, 8),
        cost_amount=Decimal(500000),
        cost_basis="total",
    )
    december = SessionFactory(
        district=mulyorejo,
        program=teknis,
        start=local(2026, 12, 7, 8),
        capacity=10,
        cost_amount=Decimal(50000),
        cost_basis="per_participant",
    )
    new_year_eve = SessionFactory(district=mulyorejo, program=teknis, start=local(2025, 12, 31, 20))
    SessionFactory(
        district=mulyorejo,
        program=manajerial,
        start=local(2026, 8, 3, 8),
        status="cancelled",
        cost_amount=Decimal(999),
        cost_basis="total",
    )
    elsewhere = SessionFactory(district=asemrowo, start=local(2026, 3, 10, 8))

    for person, status in ((a, "completed"), (c, "no_show"), (b, "attended")):
        EnrollmentFactory(session=march, civil_servant=person, status=status)
    for person, status in ((a, "completed"), (c, "cancelled"), (b, "partial")):
        EnrollmentFactory(session=june, civil_servant=person, status=status)
    for person in (a, o):
        EnrollmentFactory(session=december, civil_servant=person, status="approved")
    EnrollmentFactory(session=new_year_eve, civil_servant=c, status="completed")
    EnrollmentFactory(session=elsewhere, civil_servant=p, status="completed")

    def record(person, day, jp, **extra):
        return CompletionRecordFactory(
            civil_servant=person,
            program=extra.pop("program", teknis),
            district=person.district,
            completion_date=day,
            jp_credited=jp,
            **extra,
        )

    record(a, datetime.date(2026, 3, 10), 12, session=march)
    record(a, datetime.date(2026, 6, 1), 8, session=june, program=manajerial)
    record(a, datetime.date(2025, 12, 31), 10)
    record(b, datetime.date(2026, 5, 5), 20)
    record(c, datetime.date(2026, 2, 2), 10)
    record(c, datetime.date(2026, 4, 4), 8, passed=False)
    record(p, datetime.date(2026, 3, 10), 30, program=ProgramFactory(district=asemrowo))

    ScheduleEntryFactory(civil_servant=a, start=local(2026, 12, 7, 7))
    ScheduleEntryFactory(civil_servant=o, start=local(2026, 12, 7, 7))
    admin = UserFactory(username="root", is_superuser=True, is_staff=True)
    return {
        "s": s, "a": a, "b": b, "c": c, "o": o, "h": h, "p": p, "admin": admin,
        "units": (head_unit, unit_one, unit_two), "programs": (teknis, manajerial),
    }  # fmt: skip


def board(user, role=None, year=2026, **filters) -> Dashboard:
    return Dashboard(Criteria(viewer=viewer_for(user, role), year=year, now=NOW, **filters))


def test_attainment_supervisor_counts_pns_and_pppk_targets(org):
    totals = board(org["s"].user).totals

    # B is PPPK at 20 JP: below the cap, never "close" (the cap is not a target).
    assert (
        totals.people,
        totals.reached,
        totals.close,
        totals.behind,
        totals.under_cap,
        totals.none,
    ) == (3, 1, 0, 1, 1, 0)
    assert totals.jp_total == 50
    assert totals.buckets == [0, 0, 1, 2, 0]


def test_attainment_by_asn_type_pppk_twenty_jp_is_below_the_cap_not_close(org):
    by_type = board(org["s"].user).by_asn_type

    pppk = by_type["PPPK"]
    assert (pppk.people, pppk.reached, pppk.close, pppk.behind, pppk.under_cap) == (1, 0, 0, 0, 1)
    assert (by_type["PNS"].people, by_type["PNS"].reached, by_type["PNS"].behind) == (2, 1, 1)


def test_attainment_year_boundary_counts_31_december_in_its_own_year(org):
    totals = board(org["s"].user, year=2025).totals

    assert (totals.reached, totals.close, totals.behind, totals.none, totals.jp_total) == (
        0,
        0,
        1,
        2,
        10,
    )


def test_activity_rates_over_ended_sessions(org):
    done = board(org["s"].user).activity_totals

    assert (done.enrolled, done.completed, done.attended, done.no_show, done.cancelled) == (
        5,
        2,
        4,
        1,
        1,
    )
    assert (done.completion_rate, done.attendance_rate, done.no_show_rate) == (40.0, 80.0, 20.0)


def test_activity_year_boundary_session_on_new_year_eve_counts_in_2025(org):
    done = board(org["s"].user, year=2025).activity_totals

    assert (done.enrolled, done.completed) == (1, 1)


def test_trend_by_month(org):
    rows = {row["month"]: row for row in board(org["s"].user).table("trend").rows}

    assert (rows["Mar"]["enrolled"], rows["Mar"]["completed"], rows["Mar"]["jp_credited"]) == (
        3,
        1,
        12,
    )
    assert (rows["Jun"]["enrolled"], rows["Jun"]["completed"], rows["Jun"]["jp_credited"]) == (
        2,
        1,
        8,
    )
    assert (rows["Feb"]["jp_credited"], rows["Mei"]["jp_credited"]) == (10, 20)
    assert sum(row["jp_credited"] for row in rows.values()) == 50


def test_units_table_per_work_unit(org):
    rows = {row["unit"]: row for row in board(org["s"].user).table("units").rows}

    assert set(rows) == {"Seksi Pelayanan", "Seksi Ketertiban"}
    one = rows["Seksi Pelayanan"]
    assert (one["people"], one["reached_rate"], one["enrolled"], one["completed"]) == (
        2,
        50.0,
        3,
        2,
    )
    assert (one["completion_rate"], one["no_show_rate"], one["cancelled"]) == (66.7, 33.3, 1)
    two = rows["Seksi Ketertiban"]
    # Bunga is PPPK at 20 JP: below the cap, not "close" to a target.
    assert (two["people"], two["close"], two["under_cap"], two["attendance_rate"]) == (
        1,
        0,
        1,
        100.0,
    )


def test_programs_table_and_sorting(org):
    table = board(org["s"].user).table("programs")
    table.sort("-completion_rate")

    assert [(row["program"].split()[0], row["completion_rate"]) for row in table.rows] == [
        ("MAN", 50.0),
        ("TEK", 33.3),
    ]
    assert [row["jp_credited"] for row in table.rows] == [8, 42]


def test_filters_competency_kind_and_asn_type(org):
    managerial = board(org["s"].user, kind="manajerial")
    pppk = board(org["s"].user, asn_type="PPPK")

    assert (managerial.totals.reached, managerial.totals.none) == (0, 2)
    assert managerial.activity_totals.enrolled == 2
    assert (pppk.totals.people, pppk.activity_totals.enrolled) == (1, 2)


def test_filter_work_unit(org):
    result = board(org["h"].user, unit_id=org["units"][1].pk)

    assert (result.totals.people, result.totals.reached, result.totals.none) == (3, 1, 1)


def test_behind_target_list_furthest_first_with_last_training(org):
    rows = board(org["s"].user).table("behind").rows

    # Bunga (PPPK, 20 JP) is not listed: 24 JP is her cap, not a target to be behind.
    assert [(row["name"], row["jp"], row["missing"]) for row in rows] == [("=Cahya+1", 10, 10)]
    assert rows[0]["last_training"] == datetime.date(2026, 4, 4)
    assert rows[0]["supervisor"] == "Sri Atasan"


def test_upcoming_sessions_fill_rate_and_conflicts(org):
    result = board(org["s"].user)
    rows = result.table("upcoming").rows

    assert [(row["taken"], row["capacity"], row["fill_rate"], row["ours"]) for row in rows] == [
        (2, 10, 20.0, 1)
    ]
    assert rows[0]["conflicts"] == 1
    assert (result.conflicts.count, result.conflicts.people) == (1, 1)


def test_budget_spent_planned_and_cost_per_jp(org):
    totals = board(org["h"].user).budget_totals

    assert totals["spent"] == Decimal(800000)
    assert totals["planned"] == Decimal(100000)
    assert totals["jp_credited"] == 20
    assert totals["cost_per_jp"] == Decimal(40000)
    assert totals["cancelled_sessions"] == 1


def test_scope_supervisor_includes_indirect_reports_and_nobody_else(org):
    result = board(org["s"].user)
    names = {row["name"] for row in result.table("behind").rows}

    assert result.totals.people == 3
    # Bunga (Adi's report, PPPK below her cap) counts in her unit's row.
    assert "Seksi Ketertiban" in {row["unit"] for row in result.table("units").rows}
    assert not names & {"Oki Luar", "Hana HR", "Sri Atasan", "Putu Asemrowo"}
    assert not result.shows_budget


def test_scope_hr_sees_own_district_only(org):
    result = board(org["h"].user)
    names = {row["name"] for row in board(org["h"].user).table("behind").rows}

    assert (result.totals.people, result.totals.reached, result.totals.none) == (6, 1, 3)
    assert "Putu Asemrowo" not in names
    assert {row["district"] for row in result.table("units").rows} == {"Mulyorejo"}
    assert result.activity_totals.enrolled == 5
    assert result.conflicts.count == 2


def test_scope_admin_sees_every_district(org):
    result = board(org["admin"])

    assert (result.totals.people, result.totals.reached) == (7, 2)
    assert result.activity_totals.enrolled == 6


def test_role_choice_user_with_hr_and_supervisor_roles(org):
    org["a"].supervisor = org["h"]
    org["a"].save()

    assert viewer_for(org["h"].user).role == "hr"
    assert board(org["h"].user, "supervisor").totals.people == 2


def test_neutralise_formula_cells():
    assert [neutralise(v) for v in ("=1+1", "+62", "-5", "@x", "Adi", 5)] == [
        "'=1+1",
        "'+62",
        "'-5",
        "'@x",
        "Adi",
        5,
    ]


# -- views ------------------------------------------------------------------------------


@pytest.fixture
def frozen(monkeypatch):
    monkeypatch.setattr("training.dashboards.views.timezone.now", lambda: NOW)


def test_dashboard_page_shows_indonesian_figures(client, org, frozen):
    client.force_login(org["s"].user)

    response = client.get(reverse("training:dashboard"), {"year": 2026})

    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-figure="completion-rate">40,0 %' in html
    assert "Dasbor pelatihan" in html
    assert "<svg" in html
    assert "Putu Asemrowo" not in html


def test_dashboard_asn_without_role_gets_404(client, org):
    client.force_login(org["o"].user)

    assert client.get(reverse("training:dashboard")).status_code == 404


def test_dashboard_role_not_held_gets_404(client, org):
    client.force_login(org["s"].user)

    assert client.get(reverse("training:dashboard"), {"as": "hr"}).status_code == 404


def test_dashboard_bad_filter_shows_error_at_field(client, org, frozen):
    client.force_login(org["h"].user)

    response = client.get(
        reverse("training:dashboard"), {"year": "2099", "unit": org["units"][0].pk + 999}
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert "Pilih tahun sampai 2027." in html
    assert "Masukkan pilihan yang valid" in html


def test_person_page_within_scope_and_404_outside(client, org):
    client.force_login(org["s"].user)
    url = "training:dashboard-person"

    assert client.get(reverse(url, args=[org["b"].pk])).status_code == 200
    assert client.get(reverse(url, args=[org["o"].pk])).status_code == 404
    client.force_login(org["h"].user)
    assert client.get(reverse(url, args=[org["p"].pk])).status_code == 404
    assert client.get(reverse(url, args=[org["o"].pk])).status_code == 200


def _xlsx_rows(response) -> list[list]:
    workbook = load_workbook(io.BytesIO(response.content))
    return [list(row) for row in workbook.worksheets[0].iter_rows(values_only=True)]


def test_export_xlsx_matches_page_numbers(client, org, frozen):
    client.force_login(org["s"].user)
    page = client.get(reverse("training:dashboard"), {"year": 2026})
    export = client.get(
        reverse("training:dashboard-export", args=["units", "xlsx"]), {"year": 2026}
    )

    rows = _xlsx_rows(export)
    header = rows[0]
    one = dict(zip(header, next(row for row in rows if row[0] == "Seksi Pelayanan"), strict=True))
    assert one["Tingkat penyelesaian"] == 66.7
    assert one["Pegawai"] == 2
    html = page.content.decode()
    assert "66,7 %" in html


def test_export_neutralises_formula_names(client, org, frozen):
    client.force_login(org["s"].user)

    xlsx = client.get(reverse("training:dashboard-export", args=["behind", "xlsx"]))
    csv = client.get(reverse("training:dashboard-export", args=["behind", "csv"]))

    assert _xlsx_rows(xlsx)[1][0] == "'=Cahya+1"
    assert "'=Cahya+1" in csv.content.decode("utf-8-sig")


def test_export_hr_never_contains_another_district(client, org, frozen):
    # Asemrowo rows that would land in every table if the scope leaked: a person
    # behind target, a program and a session with "Asemrowo" in their names.
    behind = CivilServantFactory(district=district("asemrowo"), name="Rudi Asemrowo")
    program = org["p"].completions.get().program
    program.title = "Program Asemrowo"
    program.save()
    SessionFactory(district=district("asemrowo"), program=program, start=local(2026, 12, 8, 8))
    EnrollmentFactory(session=program.sessions.first(), civil_servant=behind, status="completed")
    client.force_login(org["h"].user)

    for key in ("behind", "units", "programs", "budget", "upcoming"):
        for fmt in ("csv", "xlsx"):
            response = client.get(reverse("training:dashboard-export", args=[key, fmt]))
            assert response.status_code == 200
            body = (
                response.content.decode("utf-8-sig") if fmt == "csv" else str(_xlsx_rows(response))
            )
            assert "Asemrowo" not in body
    # The same exports for an administrator do show those rows: the check above can fail.
    client.force_login(org["admin"])
    for key in ("behind", "programs", "upcoming"):
        response = client.get(reverse("training:dashboard-export", args=[key, "csv"]))
        assert "Asemrowo" in response.content.decode("utf-8-sig"), key


def test_export_filters_applied(client, org, frozen):
    client.force_login(org["h"].user)

    response = client.get(
        reverse("training:dashboard-export", args=["behind", "csv"]), {"asn": "PNS"}
    )

    lines = response.content.decode("utf-8-sig").strip().splitlines()
    assert [line.split(";")[2] for line in lines[1:]] == ["PNS"] * (len(lines) - 1)
    assert any(line.startswith("'=Cahya+1;") for line in lines)
    pppk = client.get(reverse("training:dashboard-export", args=["behind", "csv"]), {"asn": "PPPK"})
    assert len(pppk.content.decode("utf-8-sig").strip().splitlines()) == 1  # PPPK have no target


def test_export_budget_is_404_for_supervisors(client, org):
    client.force_login(org["s"].user)

    url = reverse("training:dashboard-export", args=["budget", "csv"])
    assert client.get(url).status_code == 404


# -- summaries refreshed by Celery --------------------------------------------------------


def test_refresh_task_page_shows_summary_with_its_time(client, org, frozen):
    from training.services.dashboards.tasks import refresh_dashboard_summaries

    assert refresh_dashboard_summaries.delay().get() == 5  # admin + the four districts
    CompletionRecordFactory(
        civil_servant=org["o"], completion_date=datetime.date(2026, 7, 1), jp_credited=20
    )
    client.force_login(org["h"].user)

    html = client.get(reverse("training:dashboard")).content.decode()

    assert 'data-figure="reached">1<' in html
    assert "Angka per Rabu, 25 November 2026, 12.00 WIB" in html
    cache.clear()
    html = client.get(reverse("training:dashboard")).content.decode()
    assert 'data-figure="reached">2<' in html
    assert "Angka per" not in html


def test_summary_older_than_max_age_is_ignored(client, org, monkeypatch):
    from training.services.dashboards import summary

    summary.refresh_snapshots(now=NOW)
    later = NOW + summary.MAX_AGE + datetime.timedelta(minutes=1)
    monkeypatch.setattr("training.dashboards.views.timezone.now", lambda: later)
    client.force_login(org["h"].user)

    html = client.get(reverse("training:dashboard")).content.decode()

    assert "Angka per" not in html


def test_filtered_view_is_computed_live_even_with_a_summary(client, org, frozen):
    from training.services.dashboards import summary

    summary.refresh_snapshots(now=NOW)
    client.force_login(org["h"].user)

    html = client.get(reverse("training:dashboard"), {"asn": "PPPK"}).content.decode()

    assert 'data-figure="people">1<' in html
    assert "Angka per" not in html


def test_conflicts_summary_is_scoped_per_viewer(org):
    from training.services.dashboards import summary

    stored = summary.refresh_conflicts(now=NOW)

    assert sorted(person for person, _session in stored.pairs) == sorted([org["a"].pk, org["o"].pk])
    result = board(org["s"].user)
    assert (result.conflicts.count, result.conflicts.computed_at) == (1, NOW)


def test_a_supervisor_of_a_large_line_gets_the_summary_a_small_one_live(
    client, org, frozen, settings
):
    from training.services.dashboards import summary

    settings.DASHBOARD_SUMMARY_MIN_TEAM = 3  # S has A, B and C below; A only B
    assert summary.large_lines(3) == [(org["s"].pk, "Asia/Jakarta")]
    summary.refresh_snapshots(now=NOW)
    CompletionRecordFactory(
        civil_servant=org["c"], completion_date=datetime.date(2026, 7, 1), jp_credited=20
    )

    client.force_login(org["s"].user)
    kept = client.get(reverse("training:dashboard")).content.decode()
    client.force_login(org["a"].user)
    live = client.get(reverse("training:dashboard")).content.decode()

    assert "Angka per Rabu, 25 November 2026, 12.00 WIB" in kept
    assert 'data-figure="reached">1<' in kept  # C's new record waits for the next refresh
    assert "Angka per" not in live


def test_behind_export_comes_from_the_summary_with_its_time_then_live(client, org, frozen):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from training.services.dashboards import summary

    summary.refresh_snapshots(now=NOW)
    # O has no JP this year: behind target at the refresh. A record after it waits for
    # the next refresh, as on the page.
    CompletionRecordFactory(
        civil_servant=org["o"], completion_date=datetime.date(2026, 7, 1), jp_credited=20
    )
    client.force_login(org["h"].user)
    url = reverse("training:dashboard-export", args=["behind", "xlsx"])

    def export(**query):
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url, query)
        assert response.status_code == 200
        workbook = load_workbook(io.BytesIO(response.content))
        names = [row[0] for row in workbook.worksheets[0].iter_rows(min_row=2, values_only=True)]
        info = dict(workbook["Info"].iter_rows(values_only=True))
        return names, info, len(captured.captured_queries)

    kept, info, queries = export()
    assert "Oki Luar" in kept and "'=Cahya+1" in kept
    assert info["Sumber"].startswith("Angka per Rabu, 25 November 2026, 12.00 WIB")
    # Another district's people are never in it.
    assert "Putu Asemrowo" not in kept
    live, info, _queries = export(asn="PNS")  # filtered: computed live, no summary time
    assert "Oki Luar" not in live and "'=Cahya+1" in live
    assert "Sumber" not in info
    # More people behind target: the stored export takes the same queries.
    for number in range(5):
        CivilServantFactory(district=org["o"].district, name=f"Baru {number}")
    summary.refresh_snapshots(now=NOW)
    more, _info, more_queries = export()
    # The new refresh also saw O's record: O reached the target.
    assert set(more) == set(kept) - {"Oki Luar"} | {f"Baru {number}" for number in range(5)}
    assert more_queries == queries


def test_behind_export_lists_everyone_the_page_the_first(client, org, frozen, monkeypatch):
    from training.services.dashboards import summary

    monkeypatch.setattr(summary, "BEHIND_LIMIT", 2)  # the page's rows the snapshot keeps
    for number in range(3):
        CivilServantFactory(district=org["o"].district, name=f"Baru {number}")
    summary.refresh_snapshots(now=NOW)
    client.force_login(org["h"].user)

    board = client.get(reverse("training:dashboard")).context["tables"]["behind"]
    csv = client.get(reverse("training:dashboard-export", args=["behind", "csv"]))

    lines = csv.content.decode("utf-8-sig").strip().splitlines()[1:]
    assert len(lines) == 7  # S, C, O, H and the three new people
    assert [row["name"] for row in board.rows] == [line.split(";")[0] for line in lines[:2]]
