"""HR gaps: session cost, completed sessions locked, enrolment window, JP length, exports."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from tests.factories import (
    CompletionRecordFactory,
    EnrollmentFactory,
    ProgramFactory,
    SessionFactory,
    VenueFactory,
    local,
)
from tests.training.hr_helpers import session_form
from training.models import TrainingSession
from training.services import scheduling
from training.services.session_length import format_jp, length_jp

# Fixed dates (7 December 2026 and around it): the clock is pinned a week before.
pytestmark = pytest.mark.usefixtures("pinned_clock")


def _form(program, venue, **overrides):
    """Return the schedule form's data with the cost fields (empty unless overridden)."""
    return session_form(program, venue, **{"cost_amount": "", "cost_basis": "", **overrides})


@pytest.mark.django_db
def test_session_create_stores_cost_for_every_session_of_a_series(hr_client):
    program, venue = ProgramFactory(), VenueFactory()

    response = hr_client.post(
        reverse("training:hr-session-create"),
        _form(
            program,
            venue,
            cost_amount="1500000",
            cost_basis="per_participant",
            repeat_weeks="2",
            separate_sessions="on",
        ),
    )

    assert response.status_code == 302
    assert list(TrainingSession.objects.values_list("cost_amount", "cost_basis")) == [
        (Decimal("1500000.00"), "per_participant"),
        (Decimal("1500000.00"), "per_participant"),
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("1.500.000", Decimal("1500000")),
        ("1500000", Decimal("1500000")),
        ("2.500,50", Decimal("2500.50")),
        ("0", Decimal("0")),
    ],
)
def test_session_create_reads_rupiah_as_written_in_indonesian(hr_client, typed, stored):
    program, venue = ProgramFactory(), VenueFactory()

    hr_client.post(
        reverse("training:hr-session-create"),
        _form(program, venue, cost_amount=typed, cost_basis="total"),
    )

    assert TrainingSession.objects.get().cost_amount == stored


@pytest.mark.django_db
def test_session_edit_form_shows_whole_rupiah_without_decimals(hr_client):
    session = SessionFactory(cost_amount=Decimal("1500000.00"), cost_basis="total")

    page = hr_client.get(reverse("training:hr-session-edit", args=[session.pk])).content.decode()

    assert 'name="cost_amount" value="1500000"' in page


@pytest.mark.django_db
def test_session_edit_changes_cost_and_page_shows_it(hr_client):
    session = SessionFactory()

    hr_client.post(
        reverse("training:hr-session-edit", args=[session.pk]),
        _form(session.program, session.venue, cost_amount="12500000", cost_basis="total"),
    )
    page = hr_client.get(reverse("training:hr-session", args=[session.pk])).content.decode()

    session.refresh_from_db()
    assert (session.cost_amount, session.cost_basis) == (Decimal("12500000.00"), "total")
    assert "Rp12.500.000 · Total" in page


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("amount", "basis", "field", "message"),
    [
        ("-5", "total", "cost_amount", "Biaya tidak boleh negatif."),
        ("1000", "", "cost_basis", "Pilih apakah biaya dihitung per peserta atau total."),
        ("", "total", "cost_amount", "Isi biaya, atau kosongkan dasar biaya."),
        ("abc", "total", "cost_amount", "Isi biaya sebagai angka rupiah, mis. 1500000."),
    ],
    ids=["negative", "amount_without_basis", "basis_without_amount", "not_a_number"],
)
def test_session_create_refuses_bad_cost_at_the_field(hr_client, amount, basis, field, message):
    program, venue = ProgramFactory(), VenueFactory()

    response = hr_client.post(
        reverse("training:hr-session-create"),
        _form(program, venue, cost_amount=amount, cost_basis=basis),
    )

    assert response.status_code == 200
    assert response.context["form"].errors[field] == [message]
    assert not TrainingSession.objects.exists()


@pytest.mark.django_db
def test_completed_session_edit_page_refuses_with_message_and_no_button(hr_client):
    session = SessionFactory(status="completed")

    get = hr_client.get(reverse("training:hr-session-edit", args=[session.pk]), follow=True)
    post = hr_client.post(
        reverse("training:hr-session-edit", args=[session.pk]),
        _form(session.program, session.venue, date="2026-12-08"),
        follow=True,
    )

    session.refresh_from_db()
    assert session.start == local(2026, 12, 7, 8)
    text = get.content.decode()
    assert "Sesi yang sudah selesai tidak dapat diubah atau dijadwal ulang lagi." in text
    assert "Sesi yang sudah selesai" in post.content.decode()
    assert reverse("training:hr-session-edit", args=[session.pk]) not in text


@pytest.mark.django_db
def test_update_session_service_refuses_a_completed_session(officer):
    session = SessionFactory(status="completed")

    with pytest.raises(ValidationError):
        scheduling.update_session(
            session=session,
            data={"capacity": 30},
            actor=officer.user,
            now=timezone.now(),
        )

    session.refresh_from_db()
    assert session.capacity == 20


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("opens", "closes", "field", "message"),
    [
        (
            "2026-12-07T09:00",
            "2026-12-07T10:00",
            "enrollment_opens_at",
            "Pendaftaran harus dibuka sebelum sesi dimulai.",
        ),
        (
            "2026-11-01T08:00",
            "2026-12-07T12:30",
            "enrollment_closes_at",
            "Pendaftaran harus ditutup paling lambat saat sesi berakhir.",
        ),
    ],
    ids=["opens_after_start", "closes_after_end"],
)
def test_session_create_refuses_enrolment_window_outside_the_session(
    hr_client, opens, closes, field, message
):
    program, venue = ProgramFactory(), VenueFactory()

    response = hr_client.post(
        reverse("training:hr-session-create"),
        _form(program, venue, enrollment_opens_at=opens, enrollment_closes_at=closes),
    )

    assert response.context["form"].errors[field] == [message]
    assert not TrainingSession.objects.exists()


@pytest.mark.django_db
def test_session_create_accepts_enrolment_closing_at_the_end(hr_client):
    program, venue = ProgramFactory(), VenueFactory()

    response = hr_client.post(
        reverse("training:hr-session-create"),
        _form(program, venue, enrollment_closes_at="2026-12-07T12:00"),
    )

    assert response.status_code == 302
    assert TrainingSession.objects.get().enrollment_closes_at == local(2026, 12, 7, 12)


@pytest.mark.parametrize(
    ("minutes_per_jp", "hours", "expected"),
    [(45, 4, "5,3"), (60, 4, "4,0"), (45, 6, "8,0"), (60, 1.5, "1,5")],
    ids=["45_4h", "60_4h", "45_6h", "60_90min"],
)
def test_length_jp_uses_minutes_per_jp(settings, minutes_per_jp, hours, expected):
    settings.MINUTES_PER_JP = minutes_per_jp
    start = local(2026, 12, 7, 8)

    value = length_jp(start, start + datetime.timedelta(hours=hours))

    assert format_jp(value) == expected


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("minutes_per_jp", "shown", "note"),
    [
        (45, "sesi berlangsung 5,3 JP", "Program memberi 8 JP, tetapi sesi hanya 5,3 JP"),
        (60, "sesi berlangsung 4,0 JP", "Program memberi 8 JP, tetapi sesi hanya 4,0 JP"),
    ],
)
def test_session_page_and_form_show_length_in_jp(hr_client, settings, minutes_per_jp, shown, note):
    settings.MINUTES_PER_JP = minutes_per_jp
    session = SessionFactory()

    page = hr_client.get(reverse("training:hr-session", args=[session.pk])).content.decode()
    form_page = hr_client.get(
        reverse("training:hr-session-edit", args=[session.pk])
    ).content.decode()

    assert shown in page
    assert note in form_page


@pytest.mark.django_db
def test_session_create_long_enough_has_no_jp_note_and_short_one_is_saved_with_it(hr_client):
    program, venue = ProgramFactory(jp_credited=4), VenueFactory()

    long_enough = hr_client.post(
        reverse("training:hr-session-create"), _form(program, venue), follow=True
    )
    short = hr_client.post(
        reverse("training:hr-session-create"),
        _form(program, venue, date="2026-12-08", end_time="10:00"),
        follow=True,
    )

    assert "tetapi sesi hanya" not in long_enough.content.decode()
    assert "tetapi sesi hanya 2,7 JP" in short.content.decode()
    assert TrainingSession.objects.count() == 2


@pytest.mark.django_db
def test_roster_csv_uses_semicolons_and_decimal_commas(hr_client):
    session = SessionFactory()
    enrollment = EnrollmentFactory(
        session=session, civil_servant__name="=cmd", civil_servant__position_title="Analis"
    )
    CompletionRecordFactory(
        civil_servant=enrollment.civil_servant,
        program=session.program,
        session=session,
        score=Decimal("87.50"),
        jp_credited=8,
    )

    response = hr_client.get(reverse("training:hr-roster-export", args=[session.pk, "csv"]))

    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("No.;NIP;Nama;")
    cells = lines[1].split(";")
    assert cells[0] == "1"
    assert cells[2] == "'=cmd"
    assert cells[7] == "87,50"
    assert cells[9] == "8"


@pytest.mark.django_db
def test_roster_xlsx_stores_numbers_as_numbers_and_neutralises_text(hr_client):
    session = SessionFactory()
    enrollment = EnrollmentFactory(session=session, civil_servant__name="+62 Ani")
    CompletionRecordFactory(
        civil_servant=enrollment.civil_servant,
        program=session.program,
        session=session,
        score=Decimal("87.50"),
        jp_credited=8,
    )

    response = hr_client.get(reverse("training:hr-roster-export", args=[session.pk, "xlsx"]))

    sheet = load_workbook(io.BytesIO(response.content)).active
    row = next(sheet.iter_rows(min_row=5, values_only=True))
    assert row[0] == 1
    assert row[1] == enrollment.civil_servant.nip
    assert row[2] == "'+62 Ani"
    assert row[7] == 87.5
    assert row[9] == 8
