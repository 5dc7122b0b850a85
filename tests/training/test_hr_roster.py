"""The roster: add people, decide, waitlist, attendance, completion, certificates, exports."""

import datetime
import io
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from districts.models import WorkUnit
from tests.factories import (
    CivilServantFactory,
    EnrollmentFactory,
    ProgramFactory,
    SessionFactory,
    WorkUnitFactory,
    district,
    hr_officer,
    local,
)
from training.hr import exports
from training.models import CertificateSequence, CompletionRecord, Enrollment
from training.services import attendance, roster


def _past_session(**kwargs):
    day = timezone.localdate() - datetime.timedelta(days=14)
    kwargs.setdefault("start", local(day.year, day.month, day.day, 8))
    return SessionFactory(**kwargs)


def _future_session(**kwargs):
    day = timezone.localdate() + datetime.timedelta(days=14)
    kwargs.setdefault("start", local(day.year, day.month, day.day, 8))
    return SessionFactory(**kwargs)


@pytest.fixture
def officer():
    return hr_officer(district("mulyorejo"))


@pytest.fixture
def hr_client(client, officer):
    client.force_login(officer.user)
    return client


@pytest.mark.django_db
def test_roster_add_by_nip_with_spaces_and_by_work_unit(hr_client):
    session = _future_session()
    alone = CivilServantFactory()
    unit = WorkUnitFactory()
    team = CivilServantFactory.create_batch(2, work_unit=unit)
    nip = f"{alone.nip[:8]} {alone.nip[8:14]} {alone.nip[14]} {alone.nip[15:]}"

    response = hr_client.post(
        reverse("training:hr-roster-add", args=[session.pk]), {"nips": nip, "work_unit": unit.pk}
    )

    assert response.status_code == 302
    enrolled = set(session.enrollments.values_list("civil_servant_id", "status"))
    assert enrolled == {(p.pk, "approved") for p in [alone, *team]}


@pytest.mark.django_db
def test_roster_add_unknown_nip_enrols_nobody(hr_client):
    session = _future_session()
    known = CivilServantFactory()
    other_district = CivilServantFactory(district=district("plaju"))

    response = hr_client.post(
        reverse("training:hr-roster-add", args=[session.pk]),
        {"nips": f"{known.nip}\n{other_district.nip}\n123"},
    )

    assert response.status_code == 400
    assert response.context["add_form"].errors["nips"] == [
        f"Tidak ada ASN aktif di wilayah Anda dengan NIP {other_district.nip}, 123."
    ]
    assert not Enrollment.objects.exists()


@pytest.mark.django_db
def test_roster_add_beyond_capacity_goes_to_waitlist(officer):
    session = _future_session(capacity=1)
    first, second = CivilServantFactory.create_batch(2)

    added, refused = roster.add_people(
        session=session, people=[first, second], actor=officer.user, now=timezone.now()
    )

    assert [e.status for e in added] == ["approved", "waitlisted"]
    assert refused == []


@pytest.mark.django_db
def test_roster_actions_approve_reject_promote_cancel(hr_client):
    session = _future_session(capacity=2)
    requested = EnrollmentFactory(session=session, status="requested")
    rejected = EnrollmentFactory(session=session, status="requested")
    waiting = EnrollmentFactory(session=session, status="waitlisted", waitlisted_at=timezone.now())

    def act(enrollment, action):
        url = reverse("training:hr-enrollment-action", args=[session.pk, enrollment.pk, action])
        return hr_client.post(url, {"note": "Kuota unit penuh"} if action == "reject" else {})

    act(requested, "approve")
    act(rejected, "reject")  # frees a seat: the waitlist moves up by itself
    act(requested, "cancel")

    statuses = dict(session.enrollments.values_list("pk", "status"))
    assert statuses == {requested.pk: "cancelled", rejected.pk: "rejected", waiting.pk: "approved"}


@pytest.mark.django_db
def test_roster_promote_named_person_needs_free_seat(hr_client):
    session = _future_session(capacity=1)
    EnrollmentFactory(session=session)
    waiting = EnrollmentFactory(session=session, status="waitlisted", waitlisted_at=timezone.now())

    response = hr_client.post(
        reverse("training:hr-enrollment-action", args=[session.pk, waiting.pk, "promote"]),
        follow=True,
    )

    waiting.refresh_from_db()
    assert waiting.status == "waitlisted"
    assert "Tidak ada kursi kosong" in response.content.decode()


@pytest.mark.django_db
def test_attendance_marks_everyone_of_a_single_meeting_session_in_one_form(hr_client):
    session = _past_session()
    meeting = session.meetings.get()
    a, b, c = EnrollmentFactory.create_batch(3, session=session)
    waiting = EnrollmentFactory(session=session, status="waitlisted", waitlisted_at=timezone.now())

    opened = hr_client.get(reverse("training:hr-attendance", args=[session.pk]))
    hr_client.post(
        opened.url,
        {f"status_{a.pk}": "present", f"status_{b.pk}": "absent", f"status_{c.pk}": "late"},
    )

    assert opened.url == reverse("training:hr-meeting-attendance", args=[session.pk, meeting.pk])
    statuses = dict(session.enrollments.values_list("pk", "status"))
    assert statuses == {
        a.pk: "attended",
        b.pk: "no_show",
        c.pk: "attended",
        waiting.pk: "waitlisted",
    }
    marks = dict(meeting.attendances.values_list("enrollment_id", "status"))
    assert marks == {a.pk: "present", b.pk: "absent", c.pk: "late"}
    assert session.audit_entries.filter(action="attendance_marked").count() == 1


@pytest.mark.django_db
def test_completion_creates_records_and_gap_free_certificates(hr_client, officer):
    program = ProgramFactory(jp_credited=12)
    session = _past_session(program=program)
    day = session.start.date()
    ani = EnrollmentFactory(session=session, status="attended", civil_servant__name="Ani")
    budi = EnrollmentFactory(session=session, status="attended", civil_servant__name="Budi")
    cici = EnrollmentFactory(session=session, status="partial", civil_servant__name="Cici")
    EnrollmentFactory(session=session, status="no_show")
    CertificateSequence.objects.create(district=session.district, year=day.year, last_number=11)

    page = hr_client.get(reverse("training:hr-completion", args=[session.pk]))
    hr_client.post(
        reverse("training:hr-completion", args=[session.pk]),
        {
            f"score_{ani.pk}": "87,5",
            f"passed_{ani.pk}": "on",
            f"jp_{ani.pk}": "12",
            f"score_{budi.pk}": "91",
            f"passed_{budi.pk}": "on",
            f"jp_{budi.pk}": "10",
            f"score_{cici.pk}": "40",
            f"jp_{cici.pk}": "12",
        },
    )

    assert page.context["form"][f"jp_{ani.pk}"].value() == 12
    records = {
        r.civil_servant.name: r for r in CompletionRecord.objects.select_related("civil_servant")
    }
    assert {n: (str(r.score), r.passed, r.jp_credited) for n, r in records.items()} == {
        "Ani": ("87.50", True, 12),
        "Budi": ("91.00", True, 10),
        "Cici": ("40.00", False, 12),
    }
    assert [records["Ani"].certificate_number, records["Budi"].certificate_number] == [
        f"012/BKPSDM-SBY/MLY/{day.year}",
        f"013/BKPSDM-SBY/MLY/{day.year}",
    ]
    assert records["Cici"].certificate_number is None
    ani_person = records["Ani"].civil_servant
    assert (
        records["Ani"].participant_nip,
        records["Ani"].participant_name,
        records["Ani"].participant_rank,
        records["Ani"].participant_position,
        records["Ani"].issued_by,
    ) == (ani_person.nip, "Ani", "III/a Penata Muda", "Pengadministrasi Perkantoran", officer.user)
    assert records["Ani"].completion_date == day
    session.refresh_from_db()
    assert session.status == "completed"
    assert session.audit_entries.filter(action="certificate_issued").count() == 2


@pytest.mark.django_db
def test_completion_failure_midway_writes_nothing(officer):
    session = _past_session()
    first, second = EnrollmentFactory.create_batch(2, session=session, status="attended")
    results = {e.pk: {"score": None, "passed": True, "jp_credited": 8} for e in (first, second)}
    real = roster.next_certificate_number
    calls = []

    def failing(**kwargs):
        calls.append(kwargs)
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return real(**kwargs)

    with mock.patch.object(roster, "next_certificate_number", failing), pytest.raises(RuntimeError):
        roster.record_completion(
            session=session, results=results, actor=officer.user, now=timezone.now()
        )

    assert not CompletionRecord.objects.exists()
    assert not CertificateSequence.objects.filter(last_number__gt=0).exists()
    assert set(session.enrollments.values_list("status", flat=True)) == {"attended"}


@pytest.mark.django_db
def test_roster_csv_and_xlsx_neutralise_formulas(hr_client):
    session = SessionFactory()
    EnrollmentFactory(
        session=session,
        civil_servant__name='=HYPERLINK("http://x")',
        civil_servant__position_title="@SUM(A1)",
    )
    EnrollmentFactory(session=session, civil_servant__name="Budi", civil_servant__back_title="-")

    csv_response = hr_client.get(reverse("training:hr-roster-export", args=[session.pk, "csv"]))
    xlsx_response = hr_client.get(reverse("training:hr-roster-export", args=[session.pk, "xlsx"]))

    text = csv_response.content.decode("utf-8-sig")
    assert "'=HYPERLINK" in text
    assert "'@SUM(A1)" in text
    assert text.splitlines()[0].startswith("No.;NIP;Nama")
    sheet = load_workbook(io.BytesIO(xlsx_response.content)).active
    names = [row[2] for row in sheet.iter_rows(min_row=4, values_only=True)]
    assert names == ["Nama", '\'=HYPERLINK("http://x")', "Budi, -"]
    assert xlsx_response["Content-Type"].startswith("application/vnd.openxmlformats")


@pytest.mark.parametrize(
    ("value", "expected"),
    [("=1+1", "'=1+1"), ("+62", "'+62"), ("-5", "'-5"), ("@x", "'@x"), ("Ani", "Ani"), (None, "")],
)
def test_neutralise(value, expected):
    assert exports.neutralise(value) == expected


@pytest.mark.django_db
def test_work_units_listed_are_the_session_district_only(hr_client):
    session = _future_session()
    WorkUnitFactory(district=district("plaju"))

    response = hr_client.get(reverse("training:hr-session", args=[session.pk]))

    listed = response.context["add_form"].fields["work_unit"].queryset
    assert set(listed.values_list("district__slug", flat=True)) <= {"mulyorejo"}
    assert WorkUnit.objects.filter(district__slug="plaju").exists()


@pytest.mark.django_db
def test_audit_trail_names_people_with_a_spaced_nip(officer):
    session = _past_session()
    enrollment = EnrollmentFactory(
        session=session, civil_servant__name="Ani", civil_servant__nip="199001012015032001"
    )

    attendance.mark_meeting(
        meeting=session.meetings.get(),
        marks={enrollment.pk: ("present", "")},
        actor=officer.user,
        now=timezone.now(),
    )
    roster.record_completion(
        session=session,
        results={enrollment.pk: {"score": None, "passed": True, "jp_credited": 8}},
        actor=officer.user,
        now=timezone.now(),
    )

    details = list(session.audit_entries.order_by("pk").values_list("detail", flat=True))
    number = CompletionRecord.objects.get().certificate_number
    assert details == [
        f"{attendance.meeting_label(session.meetings.get())}\nAni (19900101 201503 2 001): Hadir",
        "Ani (19900101 201503 2 001): lulus, 8 JP",
        f"Ani (19900101 201503 2 001): {number}",
    ]


@pytest.mark.django_db
def test_attendance_and_completion_before_the_session_starts_are_refused(hr_client, officer):
    session = _future_session()
    enrollment = EnrollmentFactory(session=session)

    meeting_url = reverse(
        "training:hr-meeting-attendance", args=[session.pk, session.meetings.get().pk]
    )
    page = hr_client.get(meeting_url)
    posted = hr_client.post(meeting_url, {f"status_{enrollment.pk}": "present"})
    enrollment.refresh_from_db()
    attended = EnrollmentFactory(session=session, status="attended")
    with pytest.raises(ValidationError) as refused:
        roster.record_completion(
            session=session,
            results={attended.pk: {"score": None, "passed": True, "jp_credited": 8}},
            actor=officer.user,
            now=timezone.now(),
        )

    notice = "Kehadiran dan kelulusan dapat dicatat setelah sesi dimulai."
    meeting_notice = "Kehadiran dapat dicatat setelah pertemuan dimulai."
    assert meeting_notice in page.content.decode()
    assert meeting_notice in posted.content.decode()
    assert enrollment.status == "approved"
    assert refused.value.messages == [notice]
    assert not CompletionRecord.objects.exists()
    session.refresh_from_db()
    assert session.status == "published"
