"""The conflict pages: list, switch, cancel, resolve, notifications, HR panel."""

import pytest
import time_machine
from django.template import Context, Template
from django.urls import reverse

from tests.factories import (
    CivilServantFactory,
    EnrollmentFactory,
    ScheduleEntryFactory,
    SessionFactory,
    district,
    local,
)
from training.models import ConflictResolution, Enrollment, Notification, Reminder
from training.services.conflicts import conflicts_for_person

pytestmark = pytest.mark.django_db
# Fixed dates (7 December 2026 and around it): the clock stands still a week before.
NOW = local(2026, 11, 30, 8)


@pytest.fixture(autouse=True)
def _frozen_now():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def owner_clash():
    enrollment = EnrollmentFactory()
    ScheduleEntryFactory(civil_servant=enrollment.civil_servant, note="Shift loket")
    return enrollment


@pytest.fixture
def colleague(owner_clash):
    return CivilServantFactory(district=owner_clash.session.district)


@pytest.fixture
def outsider():
    return CivilServantFactory(district=district("plaju"))


def login(client, person):
    client.force_login(person.user)
    return client


def test_conflicts_page_owner_sees_clash_in_indonesian(client, owner_clash):
    response = login(client, owner_clash.civil_servant).get(reverse("training:conflicts"))

    text = response.content.decode()
    assert response.status_code == 200
    assert "Shift dinas: Shift loket" in text
    assert "Senin, 7 Desember 2026, 07.00–14.00 WIB" in text
    assert "Pindah ke sesi lain" in text


def test_conflicts_page_colleague_sees_only_own(client, owner_clash, colleague):
    response = login(client, colleague).get(reverse("training:conflicts"))

    assert "Shift loket" not in response.content.decode()
    assert "Tidak ada sesi mendatang Anda yang bentrok" in response.content.decode()


def test_conflicts_page_anonymous_redirected_to_login(client):
    response = client.get(reverse("training:conflicts"))

    assert response.status_code == 302
    assert response["Location"].startswith("/akun/login/")


@pytest.mark.parametrize("name", ["training:conflict_switch", "training:conflict_cancel"])
def test_conflict_actions_other_people_get_404(client, owner_clash, colleague, outsider, name):
    url = reverse(name, args=[owner_clash.pk])

    assert login(client, colleague).get(url).status_code == 404
    assert login(client, outsider).post(url).status_code == 404
    owner_clash.refresh_from_db()
    assert owner_clash.status == Enrollment.Status.APPROVED


def test_switch_post_moves_to_non_clashing_session(client, owner_clash):
    free = SessionFactory(
        program=owner_clash.session.program,
        district=owner_clash.session.district,
        start=local(2026, 12, 9, 8),
        end=local(2026, 12, 9, 12),
    )
    clashing = SessionFactory(
        program=owner_clash.session.program,
        district=owner_clash.session.district,
        start=local(2026, 12, 7, 13),
        end=local(2026, 12, 7, 15),
    )
    url = reverse("training:conflict_switch", args=[owner_clash.pk])
    page = login(client, owner_clash.civil_servant).get(url).content.decode()
    assert f'value="{free.pk}"' in page
    assert f'value="{clashing.pk}"' not in page

    response = client.post(url, {"session": free.pk})

    assert response.status_code == 302
    owner_clash.refresh_from_db()
    assert owner_clash.status == Enrollment.Status.CANCELLED
    assert Enrollment.objects.get(civil_servant=owner_clash.civil_servant, session=free).status == (
        Enrollment.Status.APPROVED
    )
    assert conflicts_for_person(person_id=owner_clash.civil_servant_id, now=NOW) == []


def test_switch_post_to_clashing_session_refused(client, owner_clash):
    clashing = SessionFactory(
        program=owner_clash.session.program,
        district=owner_clash.session.district,
        start=local(2026, 12, 7, 13),
        end=local(2026, 12, 7, 15),
    )
    url = reverse("training:conflict_switch", args=[owner_clash.pk])

    response = login(client, owner_clash.civil_servant).post(
        url, {"session": clashing.pk}, follow=True
    )

    assert "Sesi tersebut tidak lagi tersedia tanpa bentrok." in response.content.decode()
    owner_clash.refresh_from_db()
    assert owner_clash.status == Enrollment.Status.APPROVED


def test_cancel_post_cancels_enrolment(client, owner_clash):
    url = reverse("training:conflict_cancel", args=[owner_clash.pk])

    response = login(client, owner_clash.civil_servant).post(url)

    assert response.status_code == 302
    owner_clash.refresh_from_db()
    assert owner_clash.status == Enrollment.Status.CANCELLED


def test_resolve_empty_note_shows_indonesian_error(client, owner_clash):
    [conflict] = conflicts_for_person(person_id=owner_clash.civil_servant_id, now=NOW)
    url = reverse("training:conflict_resolve", args=[owner_clash.pk, conflict.fingerprint])

    response = login(client, owner_clash.civil_servant).post(url, {"note": "   "})

    assert response.status_code == 200
    assert "Tulis catatan singkat bagaimana bentrok jadwal ini diselesaikan." in (
        response.content.decode()
    )
    assert ConflictResolution.objects.count() == 0


def test_resolve_with_note_records_resolution(client, owner_clash):
    [conflict] = conflicts_for_person(person_id=owner_clash.civil_servant_id, now=NOW)
    url = reverse("training:conflict_resolve", args=[owner_clash.pk, conflict.fingerprint])

    response = login(client, owner_clash.civil_servant).post(url, {"note": "Rekan menggantikan"})

    assert response.status_code == 302
    resolution = ConflictResolution.objects.get()
    assert (resolution.enrollment, resolution.fingerprint, resolution.note) == (
        owner_clash,
        conflict.fingerprint,
        "Rekan menggantikan",
    )
    assert resolution.resolved_by == owner_clash.civil_servant.user


def test_resolve_unknown_fingerprint_or_other_person_404(client, owner_clash, colleague):
    [conflict] = conflicts_for_person(person_id=owner_clash.civil_servant_id, now=NOW)

    unknown = reverse("training:conflict_resolve", args=[owner_clash.pk, "0" * 64])
    other = reverse("training:conflict_resolve", args=[owner_clash.pk, conflict.fingerprint])

    assert login(client, owner_clash.civil_servant).get(unknown).status_code == 404
    assert login(client, colleague).post(other, {"note": "x"}).status_code == 404
    assert ConflictResolution.objects.count() == 0


def notification_for(person, title="Bentrok jadwal: Pelatihan"):
    return Notification.objects.create(recipient=person, title=title, url="/bentrok/")


def test_notifications_unread_count_in_nav_and_open_marks_read(client, owner_clash, colleague):
    mine = notification_for(owner_clash.civil_servant)
    notification_for(colleague, title="Milik rekan")
    login(client, owner_clash.civil_servant)

    page = client.get(reverse("training:notifications")).content.decode()
    assert "Bentrok jadwal: Pelatihan" in page
    assert "Milik rekan" not in page
    assert '<span class="badge rounded-pill text-bg-warning" id="unread-count">1' in page

    response = client.get(reverse("training:notification_open", args=[mine.pk]))

    mine.refresh_from_db()
    assert (response.status_code, response["Location"]) == (302, "/bentrok/")
    assert mine.read_at == NOW
    assert 'id="unread-count"' not in client.get(reverse("training:notifications")).content.decode()


def test_notification_of_someone_else_404(client, owner_clash, outsider):
    theirs = notification_for(owner_clash.civil_servant)

    response = login(client, outsider).get(reverse("training:notification_open", args=[theirs.pk]))

    theirs.refresh_from_db()
    assert (response.status_code, theirs.read_at) == (404, None)


def test_read_all_marks_only_own(client, owner_clash, colleague):
    notification_for(owner_clash.civil_servant)
    notification_for(owner_clash.civil_servant)
    theirs = notification_for(colleague)

    login(client, owner_clash.civil_servant).post(reverse("training:notifications_read_all"))

    assert Notification.objects.filter(read_at__isnull=True).get() == theirs


def test_session_panel_shows_unresolved_and_reminders(owner_clash):
    Reminder.objects.create(
        enrollment=owner_clash,
        kind="conflict",
        fingerprint="f",
        recipient=owner_clash.civil_servant,
        status="failed",
        last_error="SMTPRecipientsRefused",
    )
    template = Template("{% load conflicts %}{% conflict_panel session %}")

    html = template.render(Context({"session": owner_clash.session}))

    assert owner_clash.civil_servant.full_name in html
    assert "Shift dinas: Shift loket" in html
    assert "SMTPRecipientsRefused" in html
    assert "Bentrok jadwal dan pengingat" in html


def test_session_panel_resolved_conflict_not_listed(owner_clash):
    [conflict] = conflicts_for_person(person_id=owner_clash.civil_servant_id, now=NOW)
    ConflictResolution.objects.create(
        enrollment=owner_clash, fingerprint=conflict.fingerprint, note="x"
    )
    template = Template("{% load conflicts %}{% conflict_panel session %}")

    html = template.render(Context({"session": owner_clash.session}))

    assert "Tidak ada bentrok jadwal yang belum terselesaikan di antara peserta." in html
    assert "Shift loket" not in html


def test_home_card_counts_open_clashes(client, owner_clash, colleague):
    mine = login(client, owner_clash.civil_servant).get("/").content.decode()
    theirs = login(client, colleague).get("/").content.decode()

    assert "1 sesi mendatang Anda bentrok dengan jadwal Anda." in mine
    assert "Tidak ada sesi mendatang Anda yang bentrok" in theirs


def test_team_conflicts_supervisor_sees_subtree_only(client, owner_clash, outsider):
    supervisor = CivilServantFactory(district=owner_clash.session.district)
    owner_clash.civil_servant.supervisor = supervisor
    owner_clash.civil_servant.save()
    stranger_clash = EnrollmentFactory(session=owner_clash.session)
    ScheduleEntryFactory(civil_servant=stranger_clash.civil_servant, note="Shift orang lain")

    page = login(client, supervisor).get(reverse("training:team_conflicts")).content.decode()

    assert owner_clash.civil_servant.full_name in page
    assert "Shift dinas: Shift loket" in page
    assert "Shift orang lain" not in page
    assert login(client, outsider).get(reverse("training:team_conflicts")).status_code == 404


def test_open_notification_never_redirects_off_site(client, owner_clash):
    item = Notification.objects.create(
        recipient=owner_clash.civil_servant, title="x", url="https://evil.example/"
    )

    response = login(client, owner_clash.civil_servant).get(
        reverse("training:notification_open", args=[item.pk])
    )

    assert response["Location"] == reverse("training:notifications")


def test_notifications_come_a_page_at_a_time_in_constant_queries(client, owner_clash):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from training.notifications.views import PAGE

    person = owner_clash.civil_servant
    login(client, person)
    notification_for(person, title="Pemberitahuan 0")

    def queries(**query):
        with CaptureQueriesContext(connection) as captured:
            response = client.get(reverse("training:notifications"), query)
        assert response.status_code == 200
        return len(captured.captured_queries), response

    alone, _ = queries()
    for number in range(1, PAGE + 3):
        notification_for(person, title=f"Pemberitahuan {number}")
    many, response = queries()

    assert many == alone
    assert len(response.context["items"]) == PAGE
    assert "?page=2" in response.content.decode()
    _, rest = queries(page="2")
    assert [item.title for item in rest.context["items"]] == [
        "Pemberitahuan 2",
        "Pemberitahuan 1",
        "Pemberitahuan 0",
    ]


def test_team_conflicts_come_a_page_at_a_time(client, owner_clash):
    from training.notifications.views import PAGE

    supervisor = CivilServantFactory(district=owner_clash.session.district)
    for _number in range(PAGE + 1):
        clash = EnrollmentFactory(
            session=owner_clash.session,
            civil_servant__supervisor=supervisor,
        )
        ScheduleEntryFactory(civil_servant=clash.civil_servant)
    login(client, supervisor)

    first = client.get(reverse("training:team_conflicts"))
    second = client.get(reverse("training:team_conflicts"), {"page": "2"})

    assert len(first.context["rows"]) == PAGE
    assert "?page=2" in first.content.decode()
    assert len(second.context["rows"]) == 1


def test_team_conflicts_take_the_same_queries_for_a_larger_line(client, owner_clash, outsider):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from training.notifications.views import PAGE
    from training.services.conflicts import conflicts_for_person

    supervisor = CivilServantFactory(district=owner_clash.session.district)
    owner_clash.civil_servant.supervisor = supervisor
    owner_clash.civil_servant.save()
    login(client, supervisor)

    def page():
        with CaptureQueriesContext(connection) as captured:
            response = client.get(reverse("training:team_conflicts"))
        assert response.status_code == 200
        return len(captured.captured_queries), response

    stranger = EnrollmentFactory(session=owner_clash.session, civil_servant=outsider)
    ScheduleEntryFactory(civil_servant=stranger.civil_servant)  # a clash outside the line
    assert conflicts_for_person(person_id=outsider.pk, now=timezone.now())
    small, response = page()
    assert len(response.context["rows"]) == 1
    for _number in range(PAGE + 5):  # a page and more, each below the supervisor
        clash = EnrollmentFactory(session=owner_clash.session, civil_servant__supervisor=supervisor)
        ScheduleEntryFactory(civil_servant=clash.civil_servant)
    large, response = page()

    assert large == small
    assert len(response.context["rows"]) == PAGE
    # Only the line's clashes are counted (the outsider's never): its owner and the new ones.
    assert response.context["page"].paginator.count == PAGE + 6
