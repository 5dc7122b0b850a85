"""Emails as mail programs see them, one digest per person, and clashes told again."""

import datetime
import email
import email.policy
import types

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from tests.factories import (
    CivilServantFactory,
    EnrollmentFactory,
    ProgramFactory,
    ScheduleEntryFactory,
    SessionFactory,
    local,
)
from training.messages import outbox
from training.messages.compose import hr_mailbox
from training.models import ConflictResolution, Notification, Reminder
from training.services import reminders
from training.services.reminders import Kind

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pinned_clock")]
# Sessions on Monday 7 December 2026, 08.00-12.00 WIB; the first scan a week before.
NOW = local(2026, 12, 1, 8)
H3 = local(2026, 12, 4, 8)  # 3 days before the session
H1 = local(2026, 12, 6, 8)  # 1 day before


def record_and_send(*, now):
    reminders.record_due(now=now)
    return outbox.send_pending(now=now)


def parsed(message) -> email.message.EmailMessage:
    """Return the sent message as a mail program reads it (Python's ``email`` parser)."""
    return email.message_from_bytes(message.message().as_bytes(), policy=email.policy.default)


@pytest.fixture
def clash():
    person = CivilServantFactory(name="Pegawai <Bentrok>", supervisor=CivilServantFactory())
    program = ProgramFactory(title="Pelayanan & <Etika>")
    enrollment = EnrollmentFactory(civil_servant=person, session=SessionFactory(program=program))
    ScheduleEntryFactory(civil_servant=person, note="Shift loket")
    return enrollment


def test_email_has_html_alternative_auto_submitted_reply_to_and_portal_message_id(clash, settings):
    settings.PORTAL_BASE_URL = "https://pelatihan.example.go.id"

    record_and_send(now=NOW)

    [sent] = clash_mails(clash.civil_servant)
    message = parsed(sent)
    assert message["Auto-Submitted"] == "auto-generated"
    assert message["Reply-To"] == settings.DEFAULT_FROM_EMAIL
    assert message["Message-ID"].endswith("@pelatihan.example.go.id>")
    assert message.get_content_type() == "multipart/alternative"
    plain = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    assert "Pelayanan & <Etika>" in plain
    assert "Pelayanan &amp; &lt;Etika&gt;" in html
    assert "<Etika>" not in html
    assert '<meta name="viewport"' in html
    assert "<img" not in html
    assert f'<a href="https://pelatihan.example.go.id/bentrok/{clash.pk}/' in html


def test_message_id_domain_setting_wins_over_the_base_url(clash, settings):
    settings.EMAIL_MESSAGE_ID_DOMAIN = "mail.example.go.id"

    record_and_send(now=NOW)

    assert parsed(clash_mails(clash.civil_servant)[0])["Message-ID"].endswith(
        "@mail.example.go.id>"
    )


def test_hr_mailbox_is_the_districts_when_it_has_one(settings):
    assert hr_mailbox(types.SimpleNamespace(hr_email="bkpsdm@example.go.id")) == (
        "bkpsdm@example.go.id"
    )
    assert hr_mailbox(types.SimpleNamespace(hr_email="")) == settings.DEFAULT_FROM_EMAIL


def three_clashes():
    """One person enrolled in three sessions (1, 2 and 7 December), each on a duty shift."""
    person = CivilServantFactory(supervisor=CivilServantFactory())
    enrollments = []
    for day in (2, 3, 7):
        session = SessionFactory(start=local(2026, 12, day, 8), end=local(2026, 12, day, 12))
        enrollments.append(EnrollmentFactory(civil_servant=person, session=session))
        ScheduleEntryFactory(civil_servant=person, start=session.start, end=session.end)
    return person, enrollments


def clash_mails(person):
    return [m for m in mail.outbox if m.to == [person.email] and "Bentrok" in m.subject]


def test_several_clashes_in_one_scan_reach_the_person_as_one_digest():
    person, enrollments = three_clashes()

    record_and_send(now=NOW)

    [digest] = clash_mails(person)
    assert digest.subject == "Bentrok jadwal pada 3 sesi pelatihan"
    for enrollment in enrollments:
        assert f"/bentrok/{enrollment.pk}/" in digest.body
    rows = Reminder.objects.filter(kind=Kind.CONFLICT)
    assert rows.count() == 3
    assert set(rows.values_list("status", flat=True)) == {Reminder.Status.SENT}
    header = parsed(digest)["X-Portal-Reminder"]
    assert header == ", ".join(str(pk) for pk in rows.order_by("pk").values_list("pk", flat=True))
    assert Notification.objects.filter(recipient=person, reminder__kind=Kind.CONFLICT).count() == 1


def test_digest_sent_row_by_row_is_still_one_email():
    person, _enrollments = three_clashes()
    reminders.record_due(now=NOW)

    for reminder_id in Reminder.objects.order_by("pk").values_list("pk", flat=True):
        outbox.send_reminder(reminder_id=reminder_id, now=NOW)

    assert len(clash_mails(person)) == 1
    assert Reminder.objects.exclude(status=Reminder.Status.SENT).count() == 0


def test_digest_leaves_out_a_clash_resolved_meanwhile():
    person, enrollments = three_clashes()
    reminders.record_due(now=NOW)
    first = Reminder.objects.get(enrollment=enrollments[0], kind=Kind.CONFLICT)
    ConflictResolution.objects.create(
        enrollment=enrollments[0], fingerprint=first.fingerprint, note="Digantikan rekan"
    )

    outbox.send_pending(now=NOW)

    [digest] = clash_mails(person)
    assert digest.subject == "Bentrok jadwal pada 2 sesi pelatihan"
    first.refresh_from_db()
    assert first.status == Reminder.Status.SKIPPED


def test_open_clash_is_told_again_at_h3_and_h1_exactly_once_each(clash):
    record_and_send(now=NOW)
    record_and_send(now=NOW + datetime.timedelta(days=1))  # no point reached: nothing
    record_and_send(now=H3)
    record_and_send(now=H3 + datetime.timedelta(hours=2))
    record_and_send(now=H1)
    record_and_send(now=H1 + datetime.timedelta(hours=2))

    person_mails = clash_mails(clash.civil_servant)
    assert len(person_mails) == 3
    assert "masih belum terselesaikan" not in person_mails[0].body
    assert "Shift loket (Senin, 7 Desember 2026, 07.00–14.00 WIB) (masih belum terselesaikan)" in (
        person_mails[1].body
    )
    again = Reminder.objects.filter(kind=Kind.CONFLICT_AGAIN)
    assert again.count() == 2
    assert set(again.values_list("status", flat=True)) == {Reminder.Status.SENT}
    # Escalation stays as it was: once, to the supervisor.
    supervisor = clash.civil_servant.supervisor
    assert len([m for m in mail.outbox if m.to == [supervisor.email]]) == 1


def test_resolved_clash_is_not_told_again(clash):
    record_and_send(now=NOW)
    first = Reminder.objects.get(kind=Kind.CONFLICT)
    ConflictResolution.objects.create(
        enrollment=clash, fingerprint=first.fingerprint, note="Digantikan rekan"
    )

    record_and_send(now=H3)
    record_and_send(now=H1)

    assert len(clash_mails(clash.civil_servant)) == 1
    assert not Reminder.objects.filter(kind=Kind.CONFLICT_AGAIN).exists()


def test_clash_first_told_after_a_point_is_not_told_again_for_it(clash):
    record_and_send(now=H3 + datetime.timedelta(hours=1))
    record_and_send(now=H3 + datetime.timedelta(hours=5))

    assert len(clash_mails(clash.civil_servant)) == 1
    record_and_send(now=H1)
    assert len(clash_mails(clash.civil_servant)) == 2


def test_points_come_from_the_settings(clash, settings):
    settings.CONFLICT_REMINDER_DAYS_BEFORE = [2]

    record_and_send(now=NOW)
    record_and_send(now=H3)
    record_and_send(now=local(2026, 12, 5, 8))
    record_and_send(now=H1)

    assert len(clash_mails(clash.civil_servant)) == 2


def test_clash_email_names_the_other_session_of_the_program_the_person_holds(clash):
    # The walk-through: enrolled in session 12 (on a duty shift), the person enrols
    # in session 24 of the same program (open, no clash). The clash email of 12
    # said no other session was open: 24 was left out as already taken.
    other = SessionFactory(
        program=clash.session.program, start=local(2026, 12, 10, 13), end=local(2026, 12, 10, 16)
    )
    EnrollmentFactory(civil_servant=clash.civil_servant, session=other)

    record_and_send(now=NOW)

    [sent] = clash_mails(clash.civil_servant)
    assert "Saat ini tidak ada sesi lain" not in sent.body
    assert "Anda juga terdaftar pada sesi lain dari program ini yang tidak bentrok:" in sent.body
    assert "Kamis, 10 Desember 2026, 13.00–16.00 WIB" in sent.body
    assert "Untuk mengikuti sesi itu saja, batalkan pendaftaran ini (langkah 2)." in sent.body


def test_held_session_that_clashes_too_is_not_offered(clash):
    other = SessionFactory(
        program=clash.session.program, start=local(2026, 12, 10, 13), end=local(2026, 12, 10, 16)
    )
    EnrollmentFactory(civil_servant=clash.civil_servant, session=other)
    ScheduleEntryFactory(civil_servant=clash.civil_servant, start=other.start, end=other.end)

    record_and_send(now=NOW)

    first = [m for m in clash_mails(clash.civil_servant) if "7 Desember 2026, 08.00" in m.body]
    assert len(first) == 1
    assert "Anda juga terdaftar pada sesi lain" not in first[0].body


def test_notification_is_read_in_the_readers_language(clash, client, settings):
    record_and_send(now=NOW)
    title = clash.session.program.title
    notification = Notification.objects.get(reminder__kind=Kind.CONFLICT)
    client.force_login(clash.civil_servant.user)

    indonesian = client.get(reverse("training:notifications"))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(reverse("training:notifications"))

    assert notification.title == f"Bentrok jadwal: {title}"
    assert escape(f"Bentrok jadwal: {title}") in indonesian.text
    assert escape(f"Schedule clash: {title}") in english.text
    assert "Your training session" in english.text
    assert "Bentrok jadwal" not in english.text


def test_notification_from_before_translations_is_shown_as_stored(clash):
    notification = Notification.objects.create(
        recipient=clash.civil_servant, title="Bentrok jadwal: Lama", body="Isi lama"
    )

    with translation.override("en"):
        assert (notification.shown_title, notification.shown_body) == (
            "Bentrok jadwal: Lama",
            "Isi lama",
        )
