"""Every HR page refuses a civil servant and answers 404 for another district's objects."""

import pytest
from django.urls import reverse

from tests.factories import (
    CivilServantFactory,
    EnrollmentFactory,
    InstructorFactory,
    ProgramFactory,
    SessionFactory,
    district,
    hr_officer,
)
from training.models import ImportJob

LIST_PAGES = [
    "hr-programs",
    "hr-program-create",
    "hr-sessions",
    "hr-calendar",
    "hr-session-create",
    "hr-imports",
    "hr-venues",
    "hr-venue-create",
    "hr-instructors",
    "hr-instructor-create",
]
SESSION_PAGES = [
    ("get", "hr-session", ()),
    ("get", "hr-session-edit", ()),
    ("post", "hr-session-publish", ()),
    ("get", "hr-session-cancel", ()),
    ("post", "hr-roster-add", ()),
    ("get", "hr-attendance", ()),
    ("get", "hr-completion", ()),
    ("get", "hr-roster-export", ("csv",)),
    ("get", "hr-roster-export", ("xlsx",)),
]


@pytest.fixture
def plaju_objects():
    session = SessionFactory(
        district=district("plaju"), instructor=InstructorFactory(district=district("plaju"))
    )
    enrollment = EnrollmentFactory(session=session)
    job = ImportJob.objects.create(
        district=district("plaju"), kind="personnel", original_name="x.csv", file="x.csv"
    )
    return session, enrollment, job


def _all_urls(session, enrollment, job):
    urls = [("get", reverse(f"training:{name}")) for name in LIST_PAGES]
    urls += [
        (method, reverse(f"training:{name}", args=[session.pk, *extra]))
        for method, name, extra in SESSION_PAGES
    ]
    urls += [
        ("get", reverse("training:hr-program-edit", args=[session.program_id])),
        ("post", reverse("training:hr-program-retire", args=[session.program_id])),
        (
            "post",
            reverse("training:hr-enrollment-action", args=[session.pk, enrollment.pk, "cancel"]),
        ),
        ("get", reverse("training:hr-venue-edit", args=[session.venue_id])),
        ("post", reverse("training:hr-venue-retire", args=[session.venue_id])),
        ("get", reverse("training:hr-instructor-edit", args=[session.instructor_id])),
        ("post", reverse("training:hr-instructor-retire", args=[session.instructor_id])),
        ("get", reverse("training:hr-import", args=[job.pk])),
        ("post", reverse("training:hr-import-commit", args=[job.pk])),
    ]
    return urls


@pytest.mark.django_db
def test_every_hr_page_answers_404_to_a_civil_servant(client, plaju_objects):
    person = CivilServantFactory(district=district("plaju"))
    client.force_login(person.user)

    answers = {
        url: getattr(client, method)(url).status_code for method, url in _all_urls(*plaju_objects)
    }

    assert set(answers.values()) == {404}


@pytest.mark.django_db
def test_every_object_page_answers_404_for_another_district(client, plaju_objects):
    officer = hr_officer(district("mulyorejo"))
    client.force_login(officer.user)
    object_urls = _all_urls(*plaju_objects)[len(LIST_PAGES) :]

    answers = {url: getattr(client, method)(url).status_code for method, url in object_urls}

    assert set(answers.values()) == {404}
    session, enrollment, job = plaju_objects
    session.refresh_from_db()
    enrollment.refresh_from_db()
    assert (session.status, enrollment.status) == ("published", "approved")
    assert (session.venue.is_active, session.instructor.is_active) == (True, True)


@pytest.mark.django_db
def test_hr_pages_open_for_the_district_officer(client):
    officer = hr_officer(district("plaju"))
    session = SessionFactory(district=district("plaju"))
    client.force_login(officer.user)

    for name in LIST_PAGES:
        assert client.get(reverse(f"training:{name}")).status_code == 200, name
    for method, name, extra in SESSION_PAGES:
        if method == "get":
            url = reverse(f"training:{name}", args=[session.pk, *extra])
            # The attendance link opens the meeting of the day (a redirect).
            assert client.get(url, follow=True).status_code == 200, name


@pytest.mark.django_db
def test_hr_lists_show_only_own_district(client):
    officer = hr_officer(district("mulyorejo"))
    own = SessionFactory()
    SessionFactory(district=district("plaju"))
    ProgramFactory(district=district("plaju"))
    client.force_login(officer.user)

    sessions = client.get(reverse("training:hr-sessions")).context["page"]
    programs = client.get(reverse("training:hr-programs")).context["page"]

    assert [s.pk for s in sessions] == [own.pk]
    assert [p.pk for p in programs] == [own.program_id]


@pytest.mark.django_db
def test_hr_pages_send_anonymous_visitors_to_login(client):
    response = client.get(reverse("training:hr-sessions"))

    assert response.status_code == 302
    assert response["Location"].startswith("/akun/login/")


@pytest.mark.django_db
def test_home_shows_hr_card_and_nav_only_to_hr(client):
    officer = hr_officer(district("mulyorejo"))
    person = CivilServantFactory()

    client.force_login(officer.user)
    hr_home = client.get(reverse("home")).content.decode()
    client.force_login(person.user)
    asn_home = client.get(reverse("home")).content.decode()

    assert 'id="home-hr-work"' in hr_home
    assert 'id="nav-hr"' in hr_home
    assert "Kepegawaian: sesi pelatihan" in hr_home
    assert 'id="home-hr-work"' not in asn_home
    assert 'id="nav-hr"' not in asn_home
