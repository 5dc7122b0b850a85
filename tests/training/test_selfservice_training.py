"""My training, certificates and their verification, feedback, supervisor decisions, emails."""

import io
import re

import icalendar
import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from tests.factories import (
    JAKARTA,
    CivilServantFactory,
    CompletionRecordFactory,
    EnrollmentFactory,
    ProgramFactory,
    SessionFactory,
)
from tests.training.selfservice_helpers import days_ahead
from training.models import Enrollment, Feedback
from training.services.enrollment import cancel_enrollment, enroll

# Sessions a few days from today: the tests decide which of those days are holidays.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("without_shipped_holidays")]


@pytest.fixture
def person(client):
    person = CivilServantFactory(name="Siti Rahma", gender="female")
    client.force_login(person.user)
    return person


def _certificate(person, **kwargs):
    return CompletionRecordFactory(
        civil_servant=person,
        certificate_number="007/BKPSDM-MUL/2026",
        participant_name="Siti Rahma, S.E.",
        participant_nip=person.nip,
        participant_rank="III/a Penata Muda",
        participant_position="Analis Kepegawaian",
        issued_at=timezone.now(),
        **kwargs,
    )


def test_my_training_groups_and_jp_progress(client, person):
    today = timezone.now().astimezone(JAKARTA).date()
    year = today.year
    EnrollmentFactory(
        civil_servant=person, session__start=days_ahead(5), session__program__title="A"
    )
    EnrollmentFactory(
        civil_servant=person,
        status="waitlisted",
        waitlisted_at=timezone.now(),
        session__start=days_ahead(6),
        session__program__title="B",
    )
    EnrollmentFactory(
        civil_servant=person,
        status="requested",
        session__start=days_ahead(7),
        session__program__title="C",
    )
    EnrollmentFactory(
        civil_servant=person,
        status="attended",
        session__start=days_ahead(-5),
        session__program__title="D",
    )
    CompletionRecordFactory(civil_servant=person, completion_date=today, jp_credited=12)
    CompletionRecordFactory(
        civil_servant=person,
        completion_date=today.replace(year=year - 1, day=1),
        jp_credited=8,
    )

    response = client.get(reverse("training:my_training"))

    groups = response.context["groups"]
    titles = {
        k: [e.session.program.title for e in groups[k]]
        for k in ("upcoming", "waitlisted", "requested", "past")
    }
    assert titles == {"upcoming": ["A"], "waitlisted": ["B"], "requested": ["C"], "past": ["D"]}
    assert response.context["progress"]["missing"] == 8
    assert [(r["year"], r["jp"]) for r in response.context["history"]] == [
        (year, 12),
        (year - 1, 8),
    ]
    assert "Masih kurang 8 JP tahun ini." in response.content.decode()


def test_certificate_pdf_contains_number_and_nip(client, person):
    record = _certificate(person, program=ProgramFactory(title="Pelayanan Publik"))

    response = client.get(reverse("training:certificate", args=[record.pk]))

    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert response["Content-Type"] == "application/pdf"
    assert "007/BKPSDM-MUL/2026" in text
    assert person.nip in text.replace(" ", "")
    assert "Pelayanan Publik" in text
    assert "SERTIFIKAT" in text


def test_certificate_of_another_person_is_404(client, person):
    other = _certificate(CivilServantFactory())

    assert client.get(reverse("training:certificate", args=[other.pk])).status_code == 404


def test_certificate_not_passed_is_404(client, person):
    record = CompletionRecordFactory(civil_servant=person, passed=False)

    assert client.get(reverse("training:certificate", args=[record.pk])).status_code == 404


def test_verification_page_reveals_only_stated_fields(client, person):
    record = _certificate(person, program=ProgramFactory(title="Pelayanan Publik"))
    client.logout()

    response = client.get(reverse("training:verify_certificate", args=[record.verification_code]))

    body = response.content.decode()
    assert response.status_code == 200
    assert "Sertifikat ini asli." in body
    assert "007/BKPSDM-MUL/2026" in body
    assert "Siti Rahma, S.E." in body
    assert "Pelayanan Publik" in body
    for secret in (person.nip, "Analis Kepegawaian", "Penata Muda", person.email):
        assert secret not in body


def test_verification_unknown_code_says_not_genuine(client):
    response = client.get(
        reverse("training:verify_certificate", args=["12345678-1234-5678-1234-567812345678"])
    )

    assert response.status_code == 404
    assert "tidak asli" in response.content.decode()


def test_feedback_once_for_attendee(client, person):
    enrollment = EnrollmentFactory(
        civil_servant=person, status="attended", session__start=days_ahead(-3)
    )
    url = reverse("training:feedback", args=[enrollment.pk])
    data = {
        "rating_content": "5",
        "rating_instructor": "4",
        "rating_venue": "3",
        "rating_usefulness": "5",
        "comment": "Bermanfaat",
    }

    client.post(url, data)
    second = client.get(url)
    again = client.post(url, {**data, "rating_content": "1", "comment": "Ganti"})

    feedback = Feedback.objects.get(enrollment=enrollment)
    assert (feedback.rating_content, feedback.rating_venue, feedback.comment) == (
        5,
        3,
        "Bermanfaat",
    )
    # Opened again: "already sent", with what was sent; a second post changes nothing.
    html = second.content.decode()
    assert second.status_code == 200
    assert "Anda sudah mengirim umpan balik pada" in html
    sent = re.search(r'id="feedback-sent">(.*?)</dl>', html, re.S).group(1)
    values = [" ".join(v.split()) for v in re.findall(r"<dd[^>]*>(.*?)</dd>", sent, re.S)]
    assert values == ["5 / 5", "4 / 5", "3 / 5", "5 / 5", "Bermanfaat"]
    assert again.status_code == 200
    assert Feedback.objects.get(enrollment=enrollment).comment == "Bermanfaat"


def test_feedback_ratings_are_five_choices_on_one_line(client, person):
    enrollment = EnrollmentFactory(
        civil_servant=person, status="attended", session__start=days_ahead(-3)
    )

    page = client.get(reverse("training:feedback", args=[enrollment.pk])).content.decode()

    inline = re.findall(
        r'<div class="form-check form-check-inline">\s*<input[^>]*name="(\w+)"', page
    )
    assert [(name, inline.count(name)) for name in dict.fromkeys(inline)] == [
        ("rating_content", 5),
        ("rating_instructor", 5),
        ("rating_venue", 5),
        ("rating_usefulness", 5),
    ]


def test_feedback_refused_for_absentee_and_other_person(client, person):
    absent = EnrollmentFactory(
        civil_servant=person, status="no_show", session__start=days_ahead(-3)
    )
    other = EnrollmentFactory(status="attended", session__start=days_ahead(-3))

    assert client.get(reverse("training:feedback", args=[absent.pk])).status_code == 404
    assert client.get(reverse("training:feedback", args=[other.pk])).status_code == 404


def test_feedback_rating_out_of_range_is_refused(client, person):
    enrollment = EnrollmentFactory(
        civil_servant=person, status="attended", session__start=days_ahead(-3)
    )

    response = client.post(
        reverse("training:feedback", args=[enrollment.pk]),
        {
            "rating_content": "9",
            "rating_instructor": "4",
            "rating_venue": "3",
            "rating_usefulness": "5",
        },
    )

    assert response.status_code == 200
    assert "rating_content" in response.context["form"].errors
    assert not Feedback.objects.exists()


def test_supervisor_approves_from_home_and_person_is_told(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    boss = CivilServantFactory()
    employee = CivilServantFactory(supervisor=boss)
    session = SessionFactory(start=days_ahead(9), program__requires_supervisor_approval=True)
    enrollment = enroll(session=session, person=employee, actor=employee.user, now=timezone.now())
    client.force_login(boss.user)

    home = client.get(reverse("home"))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("training:decide_request", args=[enrollment.pk]),
            {"decision": "approve", "note": "Silakan ikut"},
        )

    enrollment.refresh_from_db()
    assert "pending-request" in home.content.decode()
    assert (enrollment.status, enrollment.decision_note) == ("approved", "Silakan ikut")
    assert mailoutbox[-1].to == [employee.email]
    assert "Silakan ikut" in mailoutbox[-1].body
    assert mailoutbox[-1].attachments[0][0] == "undangan.ics"


def test_supervisor_decision_message_reads_well_after_a_degree(client):
    boss = CivilServantFactory()
    employee = CivilServantFactory(supervisor=boss, name="Hana Lubis", back_title="S.Pd.")
    enrollment = EnrollmentFactory(
        civil_servant=employee, status="requested", session__start=days_ahead(9)
    )
    client.force_login(boss.user)

    response = client.post(
        reverse("training:decide_request", args=[enrollment.pk]),
        {"decision": "reject", "note": "Beban kerja bulan ini"},
        follow=True,
    )

    assert [str(m) for m in response.context["messages"]] == [
        "Permohonan Hana Lubis, S.Pd. ditolak."
    ]


def test_supervisor_rejecting_without_a_reason_is_refused(client):
    boss = CivilServantFactory()
    employee = CivilServantFactory(supervisor=boss)
    enrollment = EnrollmentFactory(
        civil_servant=employee, status="requested", session__start=days_ahead(9)
    )
    client.force_login(boss.user)

    response = client.post(
        reverse("training:decide_request", args=[enrollment.pk]),
        {"decision": "reject", "note": "  "},
        follow=True,
    )

    enrollment.refresh_from_db()
    assert enrollment.status == "requested"
    assert [str(m) for m in response.context["messages"]] == [
        "Berikan alasan penolakan permohonan."
    ]


def test_only_direct_supervisor_can_decide(client, person):
    employee = CivilServantFactory(supervisor=CivilServantFactory())
    enrollment = EnrollmentFactory(
        civil_servant=employee, status="requested", session__start=days_ahead(9)
    )

    response = client.post(
        reverse("training:decide_request", args=[enrollment.pk]), {"decision": "approve"}
    )

    enrollment.refresh_from_db()
    assert response.status_code == 404
    assert enrollment.status == "requested"


def test_cancel_email_carries_ical_cancel_with_same_uid(
    mailoutbox, django_capture_on_commit_callbacks
):
    person = CivilServantFactory()
    session = SessionFactory(start=days_ahead(9))
    now = timezone.now()

    with django_capture_on_commit_callbacks(execute=True):
        enrollment = enroll(session=session, person=person, actor=None, now=now)
    with django_capture_on_commit_callbacks(execute=True):
        cancel_enrollment(enrollment=enrollment, actor=None, now=now)

    invite = icalendar.Calendar.from_ical(mailoutbox[0].attachments[0][1])
    cancel = icalendar.Calendar.from_ical(mailoutbox[1].attachments[0][1])
    invite_event, cancel_event = invite.walk("VEVENT")[0], cancel.walk("VEVENT")[0]
    assert (str(invite["method"]), str(cancel["method"])) == ("REQUEST", "CANCEL")
    assert cancel_event["uid"] == invite_event["uid"]
    assert str(cancel_event["status"]) == "CANCELLED"
    assert cancel_event["sequence"] >= invite_event["sequence"]
    assert Enrollment.objects.get(pk=enrollment.pk).status == "cancelled"


def test_promotion_email_tells_waitlisted_person(mailoutbox, django_capture_on_commit_callbacks):
    session = SessionFactory(start=days_ahead(9), capacity=1)
    first, second = CivilServantFactory(), CivilServantFactory()
    now = timezone.now()
    holder = enroll(session=session, person=first, actor=None, now=now)
    enroll(session=session, person=second, actor=None, now=now)

    with django_capture_on_commit_callbacks(execute=True):
        cancel_enrollment(enrollment=holder, actor=None, now=now)

    assert sorted(m.to[0] for m in mailoutbox) == sorted([first.email, second.email])
    promoted = next(m for m in mailoutbox if m.to == [second.email])
    assert promoted.subject.startswith("Ada kursi kosong untuk Anda")


def test_request_emails_person_and_supervisor(mailoutbox, django_capture_on_commit_callbacks):
    boss = CivilServantFactory()
    employee = CivilServantFactory(supervisor=boss, name="Rina")
    session = SessionFactory(start=days_ahead(9), program__requires_supervisor_approval=True)

    with django_capture_on_commit_callbacks(execute=True):
        enroll(session=session, person=employee, actor=employee.user, now=timezone.now())

    assert [m.to for m in mailoutbox] == [[employee.email], [boss.email]]
    assert mailoutbox[1].subject.startswith("Perlu persetujuan: Rina")
    assert mailoutbox[0].attachments == []
