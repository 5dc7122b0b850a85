"""Outside learning: claim, evidence checks and access, verification, JP everywhere."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from tests.factories import (
    CivilServantFactory,
    CompletionRecordFactory,
    district,
    hr_officer,
    today,
)
from tests.training.learning_helpers import (
    ELF_BYTES,
    EXE_BYTES,
    PDF_BYTES,
    jpeg_bytes,
    png_bytes,
    upload,
)
from training.models import AuditEntry, CompletionRecord, OutsideLearning, Reminder
from training.services import learning
from training.services.selectors import jp_progress

pytestmark = pytest.mark.django_db


@pytest.fixture
def team():
    """Supervisor S over A and B (peers); H is HR of Mulyorejo; X is HR elsewhere."""
    mulyorejo = district("mulyorejo")
    s = CivilServantFactory(name="Sri Atasan", district=mulyorejo)
    a = CivilServantFactory(name="Adi", supervisor=s, district=mulyorejo)
    b = CivilServantFactory(name="Bayu", supervisor=s, district=mulyorejo)
    h = hr_officer(mulyorejo, name="Hana HR")
    x = hr_officer(district("plaju"), name="Xena HR")
    return {"s": s, "a": a, "b": b, "h": h, "x": x}


def _last_week() -> tuple[datetime.date, datetime.date]:
    end = today() - datetime.timedelta(days=3)
    return end - datetime.timedelta(days=1), end


def _claim(person, *, hours="6", method="seminar", evidence=None, **extra):
    start, end = _last_week()
    return learning.submit_claim(
        person=person,
        method=method,
        title=extra.pop("title", "Seminar Pelayanan Publik"),
        institution=learning.institution_named("Universitas Airlangga"),
        competency_kind="teknis",
        start_date=extra.pop("start_date", start),
        end_date=extra.pop("end_date", end),
        hours=Decimal(hours),
        evidence=evidence or upload("sertifikat.png", png_bytes(), "image/png"),
        now=timezone.now(),
        actor=person.user,
    )


def _form_data(**overrides):
    start, end = _last_week()
    data = {
        "method": "seminar",
        "title": "Seminar Pelayanan Publik",
        "institution": "Universitas Airlangga",
        "competency_kind": "teknis",
        "start_date": start.isoformat(),
        "end_date": end.isoformat(),
        "hours": "6",
    }
    data.update(overrides)
    return data


# --------------------------------------------------------------------------
# The JP of a claim
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "hours", "days", "expected"),
    [
        ("seminar", "6", 2, 8),  # klasikal: 360 minutes / 45
        ("seminar", "1", 1, 1),
        ("e_learning", "3", 1, 3),  # 3 h x 1.33
        ("internship", "1", 5, 40),  # 5 days x 8 JP
    ],
)
def test_jp_for_klasikal_and_default_conversion(method, hours, days, expected):
    start = datetime.date(2026, 3, 2)
    end = start + datetime.timedelta(days=days - 1)
    found = learning.jp_for(
        district_id=district().pk, method=method, hours=Decimal(hours), start=start, end=end
    )
    assert found == expected


def test_jp_for_follows_the_districts_table():
    place = district()
    learning.set_conversion(
        district_id=place.pk, method="internship", unit="day", jp_per_unit=Decimal(5), actor=None
    )
    start = datetime.date(2026, 3, 2)
    end = datetime.date(2026, 3, 4)

    assert (
        learning.jp_for(
            district_id=place.pk, method="internship", hours=Decimal(1), start=start, end=end
        )
        == 15
    )
    assert (
        learning.jp_for(
            district_id=district("plaju").pk,
            method="internship",
            hours=Decimal(1),
            start=start,
            end=end,
        )
        == 24
    )


def test_hr_edits_the_conversion_table(client, team):
    client.force_login(team["h"].user)
    url = reverse("training:hr-learning-conversion")
    page = client.get(url)
    assert page.status_code == 200
    data = {}
    for _method, unit, jp in page.context["form"].rows:
        data[unit.html_name] = unit.value()
        data[jp.html_name] = jp.value()
    data["internship_unit"], data["internship_jp"] = "day", "6"

    response = client.post(url, data)

    assert response.status_code == 302
    assert learning.conversion_table(district().pk)["internship"] == ("day", Decimal(6))
    data["internship_jp"] = "-1"
    assert client.post(url, data).status_code == 200
    assert learning.conversion_table(district().pk)["internship"] == ("day", Decimal(6))


def test_conversion_page_is_404_for_an_asn(client, team):
    client.force_login(team["a"].user)
    assert client.get(reverse("training:hr-learning-conversion")).status_code == 404


# --------------------------------------------------------------------------
# Claim, verification, counting
# --------------------------------------------------------------------------


def test_claim_submitted_verified_counted(
    client, team, mailoutbox, django_capture_on_commit_callbacks
):
    a, s = team["a"], team["s"]
    year = _last_week()[1].year
    client.force_login(a.user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("training:learning_claim"),
            {**_form_data(), "evidence": upload("sertifikat.jpg", jpeg_bytes(), "image/jpeg")},
        )
    assert response.status_code == 302
    claim = OutsideLearning.objects.get(civil_servant=a)
    assert (claim.status, claim.jp_claimed, claim.evidence_type) == ("submitted", 8, "image/jpeg")
    assert claim.institution.name == "Universitas Airlangga"
    assert jp_progress(a, year)["earned"] == 0
    assert jp_progress(a, year)["pending"] == 8
    asked = Reminder.objects.get(outside_learning=claim)
    assert (asked.kind, asked.recipient_id, asked.status) == ("ol_submitted", s.pk, "sent")

    client.force_login(s.user)
    queue = client.get(reverse("training:learning_verify_list"))
    assert "Adi" in queue.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("training:learning_verify", args=[claim.pk]),
            {"decision": "verify", "jp_credited": "6"},
        )

    assert response.status_code == 302
    claim.refresh_from_db()
    assert (claim.status, claim.jp_credited) == ("verified", 6)
    record = CompletionRecord.objects.get(outside_learning=claim)
    assert (record.jp_credited, record.program_id, record.completion_date) == (
        6,
        None,
        claim.end_date,
    )
    progress = jp_progress(a, year)
    assert (progress["earned"], progress["pending"]) == (6, 0)
    told = Reminder.objects.get(outside_learning=claim, kind="ol_verified")
    assert told.recipient_id == a.pk
    assert [m.to for m in mailoutbox] == [[s.email], [a.email]]
    actions = AuditEntry.objects.filter(action="outside_learning").values_list("detail", flat=True)
    assert len(actions) == 2
    # Decided once: a second decision changes nothing.
    client.post(
        reverse("training:learning_verify", args=[claim.pk]),
        {"decision": "verify", "jp_credited": "9"},
    )
    assert CompletionRecord.objects.get(outside_learning=claim).jp_credited == 6


def test_claim_submitted_returned_counts_nothing(client, team):
    a = team["a"]
    claim = _claim(a)
    client.force_login(team["h"].user)  # HR of the district may decide too
    bad = client.post(reverse("training:learning_verify", args=[claim.pk]), {"decision": "return"})
    assert bad.status_code == 200
    assert "Berikan alasan pengembalian klaim." in bad.content.decode()

    client.post(
        reverse("training:learning_verify", args=[claim.pk]),
        {"decision": "return", "reason": "Sertifikat tidak terbaca"},
    )

    claim.refresh_from_db()
    assert (claim.status, claim.return_reason) == ("returned", "Sertifikat tidak terbaca")
    assert not CompletionRecord.objects.filter(outside_learning=claim).exists()
    progress = jp_progress(a, claim.end_date.year)
    assert (progress["earned"], progress["pending"]) == (0, 0)
    assert Reminder.objects.get(outside_learning=claim, kind="ol_returned").recipient_id == a.pk
    client.force_login(a.user)
    page = client.get(reverse("training:my_learning")).content.decode()
    assert "Sertifikat tidak terbaca" in page


def test_only_the_direct_supervisor_or_district_hr_decide(client, team):
    claim = _claim(team["a"])
    for outsider in (team["b"], team["x"]):
        client.force_login(outsider.user)
        response = client.post(
            reverse("training:learning_verify", args=[claim.pk]),
            {"decision": "verify", "jp_credited": "8"},
        )
        assert response.status_code == 404
    client.force_login(team["a"].user)  # nobody verifies their own claim
    client.post(
        reverse("training:learning_verify", args=[claim.pk]),
        {"decision": "verify", "jp_credited": "8"},
    )
    claim.refresh_from_db()
    assert claim.status == "submitted"


def test_return_needs_a_reason(team):
    claim = _claim(team["a"])
    with pytest.raises(ValidationError):
        learning.return_claim(claim=claim, reason="  ", now=timezone.now(), actor=None)


# --------------------------------------------------------------------------
# Evidence
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        ("sertifikat.png", PDF_BYTES, "tidak sesuai"),  # a PDF renamed .png
        ("sertifikat.pdf", EXE_BYTES, "PDF, JPEG atau PNG"),
        ("sertifikat.png", ELF_BYTES, "PDF, JPEG atau PNG"),
        ("setup.exe", EXE_BYTES, "PDF, JPEG atau PNG"),
        ("catatan.pdf", b"just some text, not a pdf at all" * 20, "PDF, JPEG atau PNG"),
    ],
    ids=["pdf_renamed_png", "exe_named_pdf", "elf_named_png", "exe", "text_named_pdf"],
)
def test_evidence_refused_at_the_field(client, team, name, content, words):
    client.force_login(team["a"].user)
    response = client.post(
        reverse("training:learning_claim"), {**_form_data(), "evidence": upload(name, content)}
    )

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == ["evidence"]
    assert words in errors["evidence"][0]
    assert not OutsideLearning.objects.exists()


def test_evidence_too_large_refused_at_the_field(client, team, settings):
    settings.OUTSIDE_LEARNING_EVIDENCE_MAX_BYTES = 10_000
    client.force_login(team["a"].user)
    big = png_bytes(400, 400) + b"\x00" * 20_000
    response = client.post(
        reverse("training:learning_claim"), {**_form_data(), "evidence": upload("a.png", big)}
    )

    assert list(response.context["form"].errors) == ["evidence"]
    assert "terlalu besar" in response.context["form"].errors["evidence"][0]
    assert not OutsideLearning.objects.exists()


def test_evidence_pdf_accepted_and_served_to_those_who_may_see_it(client, team):
    claim = _claim(team["a"], evidence=upload("sertifikat.pdf", PDF_BYTES))
    url = reverse("training:learning_evidence", args=[claim.pk])
    assert claim.evidence.name.startswith("evidence/") and claim.evidence.name.endswith(".pdf")

    for allowed in ("a", "s", "h"):
        client.force_login(team[allowed].user)
        response = client.get(url)
        assert response.status_code == 200, allowed
        assert response["Content-Type"] == "application/pdf"
        assert b"".join(response.streaming_content) == PDF_BYTES
    for refused in ("b", "x"):  # a peer, HR of another district
        client.force_login(team[refused].user)
        assert client.get(url).status_code == 404, refused
    client.logout()
    assert client.get(url).status_code == 302


def test_claim_form_dates_checked_at_the_field(client, team):
    client.force_login(team["a"].user)
    future = today() + datetime.timedelta(days=30)
    start, end = _last_week()
    response = client.post(
        reverse("training:learning_claim"),
        {
            **_form_data(start_date=end.isoformat(), end_date=start.isoformat()),
            "evidence": upload("a.png", png_bytes()),
        },
    )
    assert list(response.context["form"].errors) == ["end_date"]
    response = client.post(
        reverse("training:learning_claim"),
        {**_form_data(end_date=future.isoformat()), "evidence": upload("a.png", png_bytes())},
    )
    assert list(response.context["form"].errors) == ["end_date"]
    assert not OutsideLearning.objects.exists()


def test_claim_form_shows_the_conversion(client, team):
    client.force_login(team["a"].user)
    page = client.get(reverse("training:learning_claim")).content.decode()
    assert 'id="jp-conversions"' in page
    assert 'id="jp-estimate"' in page


# --------------------------------------------------------------------------
# JP totals agree everywhere
# --------------------------------------------------------------------------


def _xlsx_rows(response) -> list[list]:
    workbook = load_workbook(io.BytesIO(response.content))
    return [list(row) for row in workbook.worksheets[0].iter_rows(values_only=True)]


def test_jp_totals_agree_on_transcript_home_dashboard_and_exports(client, team):
    a, s = team["a"], team["s"]
    end = _last_week()[1]
    year = end.year
    CompletionRecordFactory(civil_servant=a, completion_date=end, jp_credited=8)
    claim = _claim(a, hours="9")  # 12 JP
    learning.verify_claim(claim=claim, jp_credited=7, now=timezone.now(), actor=s.user)
    _claim(a, hours="30", title="Masih menunggu")  # pending: counts nothing
    expected = 15

    assert jp_progress(a, year)["counted"] == expected
    client.force_login(a.user)
    home = client.get(reverse("home")).content.decode()
    assert f"{expected} dari 20 JP" in home
    mine = client.get(reverse("training:my_training")).content.decode()
    assert f"{expected} dari 20 JP" in mine
    assert "Pembelajaran mandiri" in mine

    client.force_login(s.user)
    transcript = client.get(reverse("training:dashboard-person", args=[a.pk]))
    assert f"{expected} dari 20 JP" in transcript.content.decode()
    assert sum(r.jp_credited for r in transcript.context["completions"] if r.passed) == expected
    assert "Seminar Pelayanan Publik" in transcript.content.decode()

    dashboard = client.get(reverse("training:dashboard"), {"year": year})
    assert dashboard.status_code == 200
    export = client.get(
        reverse("training:dashboard-export", args=["units", "xlsx"]), {"year": year}
    )
    rows = _xlsx_rows(export)
    header = rows[0]
    unit_row = dict(zip(header, next(r for r in rows[1:] if r[0] == a.work_unit.name), strict=True))
    jp_columns = [key for key in header if key and "JP" in str(key)]
    assert expected in [unit_row[key] for key in jp_columns]
    trend = _xlsx_rows(
        client.get(reverse("training:dashboard-export", args=["trend", "xlsx"]), {"year": year})
    )
    jp_index = len(trend[0]) - 1
    assert sum(row[jp_index] or 0 for row in trend[1:]) == expected


# --------------------------------------------------------------------------
# PPPK: a cap on what counts, never a target
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("earned", "counted", "percent"),
    [(0, 0, 0), (20, 20, 83), (24, 24, 100), (30, 24, 100)],
    ids=["0_jp", "20_jp", "24_jp", "30_jp"],
)
def test_pppk_progress_is_counted_up_to_the_cap(client, earned, counted, percent):
    person = CivilServantFactory(asn_type="PPPK")
    if earned:
        CompletionRecordFactory(civil_servant=person, jp_credited=earned)
    year = today().year

    progress = jp_progress(person, year)

    assert (progress["earned"], progress["counted"], progress["target"]) == (earned, counted, 24)
    assert (progress["capped"], progress["missing"], progress["percent"]) == (True, None, percent)
    client.force_login(person.user)
    for name in ("home", "training:my_training"):
        page = client.get(reverse(name)).content.decode()
        assert f"{counted} JP dihitung, hingga batas 24 JP" in page, name
        assert "Masih kurang" not in page, name
        assert "dari 24 JP" not in page, name
    if earned > 24:
        assert f"{earned} JP diperoleh; paling banyak 24 JP dihitung untuk PPPK." in page


def test_pns_progress_still_shows_the_target(client):
    person = CivilServantFactory(asn_type="PNS")
    CompletionRecordFactory(civil_servant=person, jp_credited=12)
    client.force_login(person.user)

    page = client.get(reverse("home")).content.decode()

    assert "12 dari 20 JP" in page
    assert "Masih kurang 8 JP tahun ini." in page


def test_claims_to_verify_listed_on_the_supervisors_and_hrs_home(client, team):
    claim = _claim(team["a"])
    link = reverse("training:learning_verify", args=[claim.pk])
    for viewer in ("s", "h"):
        client.force_login(team[viewer].user)
        page = client.get(reverse("home")).content.decode()
        assert 'id="home-learning"' in page and link in page, viewer
    for viewer in ("b", "x"):
        client.force_login(team[viewer].user)
        assert 'id="home-learning"' not in client.get(reverse("home")).content.decode(), viewer
