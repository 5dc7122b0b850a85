"""HR venue and instructor pages: list, create/edit, deactivate instead of delete, scoping."""

import pytest
from django.urls import reverse

from districts.scoping import scope_for
from tests.factories import (
    CivilServantFactory,
    InstructorFactory,
    SessionFactory,
    UserFactory,
    VenueFactory,
    district,
    hr_officer,
)
from training.hr.session_forms import SessionForm
from training.models import Instructor, Venue

VENUE_FORM = {"name": "Aula Kecamatan", "address": "Jl. Mulyosari 1", "capacity": "60"}
INSTRUCTOR_FORM = {
    "name": "Dr. Rina Wulandari",
    "institution": "BPSDM Jatim",
    "email": "rina@example.test",
    "civil_servant_nip": "",
    "is_active": "on",
}


@pytest.fixture
def officer():
    return hr_officer(district("mulyorejo"))


@pytest.fixture
def hr_client(client, officer):
    client.force_login(officer.user)
    return client


@pytest.fixture
def admin_client_(client):
    client.force_login(UserFactory(username="admin", is_superuser=True, is_staff=True))
    return client


# Venues


@pytest.mark.django_db
def test_venue_list_filters_by_search_and_active_in_own_district(hr_client):
    VenueFactory(name="Aula Kecamatan", address="Jl. Mulyosari 1")
    VenueFactory(name="Ruang Rapat", address="Kantor Kecamatan, lantai 2")
    VenueFactory(name="Aula Lama", is_active=False)
    VenueFactory(name="Aula Plaju", district=district("plaju"))

    found = hr_client.get(reverse("training:hr-venues"), {"q": "kecamatan"})
    inactive = hr_client.get(reverse("training:hr-venues"), {"active": "0"})
    everything = hr_client.get(reverse("training:hr-venues"))

    assert [v.name for v in found.context["page"]] == ["Aula Kecamatan", "Ruang Rapat"]
    assert [v.name for v in inactive.context["page"]] == ["Aula Lama"]
    assert [v.name for v in everything.context["page"]] == [
        "Aula Kecamatan",
        "Aula Lama",
        "Ruang Rapat",
    ]
    assert "Tempat baru" in everything.content.decode()


@pytest.mark.django_db
def test_venue_create_in_own_district(hr_client):
    response = hr_client.post(
        reverse("training:hr-venue-create"),
        {**VENUE_FORM, "district": district("mulyorejo").pk, "is_active": "on"},
    )

    venue = Venue.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("training:hr-venue-edit", args=[venue.pk])
    assert (venue.district.slug, venue.name, venue.address, venue.capacity, venue.is_active) == (
        "mulyorejo",
        "Aula Kecamatan",
        "Jl. Mulyosari 1",
        60,
        True,
    )


@pytest.mark.django_db
def test_venue_create_refuses_another_district(hr_client):
    response = hr_client.post(
        reverse("training:hr-venue-create"), {**VENUE_FORM, "district": district("plaju").pk}
    )

    assert response.status_code == 200
    assert "district" in response.context["form"].errors
    assert not Venue.objects.exists()


@pytest.mark.django_db
def test_venue_create_duplicate_name_error_at_name(hr_client):
    VenueFactory(name="Aula Kecamatan")

    response = hr_client.post(
        reverse("training:hr-venue-create"),
        {**VENUE_FORM, "name": "aula kecamatan", "district": district("mulyorejo").pk},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["name"] == [
        "Tempat lain di wilayah ini sudah memakai nama ini."
    ]
    assert Venue.objects.count() == 1


@pytest.mark.django_db
def test_venue_same_name_allowed_in_another_district(client):
    officer = hr_officer(district("mulyorejo"), district("plaju"))
    VenueFactory(name="Aula Kecamatan", district=district("plaju"))
    client.force_login(officer.user)

    response = client.post(
        reverse("training:hr-venue-create"), {**VENUE_FORM, "district": district("mulyorejo").pk}
    )

    assert response.status_code == 302
    assert Venue.objects.filter(name="Aula Kecamatan").count() == 2


@pytest.mark.django_db
def test_venue_edit_saves_fields_and_keeps_own_name(hr_client):
    venue = VenueFactory(name="Aula Kecamatan", capacity=40)

    response = hr_client.post(
        reverse("training:hr-venue-edit", args=[venue.pk]),
        {**VENUE_FORM, "capacity": "80", "is_active": "on"},
    )

    venue.refresh_from_db()
    assert response.status_code == 302
    assert (venue.name, venue.capacity, venue.address) == ("Aula Kecamatan", 80, "Jl. Mulyosari 1")


@pytest.mark.django_db
def test_venue_edit_rename_to_taken_name_error_at_name(hr_client):
    VenueFactory(name="Ruang Rapat")
    venue = VenueFactory(name="Aula Kecamatan")

    response = hr_client.post(
        reverse("training:hr-venue-edit", args=[venue.pk]), {**VENUE_FORM, "name": "Ruang Rapat"}
    )

    venue.refresh_from_db()
    assert response.context["form"].errors["name"] == [
        "Tempat lain di wilayah ini sudah memakai nama ini."
    ]
    assert venue.name == "Aula Kecamatan"


@pytest.mark.django_db
def test_venue_zero_seats_error_at_capacity(hr_client):
    response = hr_client.post(
        reverse("training:hr-venue-create"),
        {**VENUE_FORM, "capacity": "0", "district": district("mulyorejo").pk},
    )

    assert response.context["form"].errors["capacity"] == [
        "Tempat memiliki paling sedikit satu kursi; kosongkan jika belum diketahui."
    ]


@pytest.mark.django_db
def test_venue_retire_deactivates_when_sessions_use_it(hr_client):
    session = SessionFactory()

    response = hr_client.post(reverse("training:hr-venue-retire", args=[session.venue_id]))

    session.venue.refresh_from_db()
    assert response.status_code == 302
    assert session.venue.is_active is False


@pytest.mark.django_db
def test_venue_retire_deletes_without_sessions(hr_client):
    venue = VenueFactory()

    hr_client.post(reverse("training:hr-venue-retire", args=[venue.pk]))

    assert not Venue.objects.filter(pk=venue.pk).exists()


@pytest.mark.django_db
def test_venue_of_another_district_answers_404(hr_client):
    venue = VenueFactory(district=district("plaju"))

    edit = hr_client.get(reverse("training:hr-venue-edit", args=[venue.pk]))
    retire = hr_client.post(reverse("training:hr-venue-retire", args=[venue.pk]))

    assert (edit.status_code, retire.status_code) == (404, 404)
    assert Venue.objects.get(pk=venue.pk).is_active is True


# Instructors


@pytest.mark.django_db
def test_instructor_list_shows_own_district_and_shared(hr_client):
    InstructorFactory(name="Budi Santoso", district=district("mulyorejo"))
    InstructorFactory(name="Ani Lestari", institution="LAN RI")
    InstructorFactory(name="Citra Plaju", district=district("plaju"))
    InstructorFactory(name="Dedi Lama", district=district("mulyorejo"), is_active=False)

    everything = hr_client.get(reverse("training:hr-instructors"))
    found = hr_client.get(reverse("training:hr-instructors"), {"q": "lan ri"})
    active = hr_client.get(reverse("training:hr-instructors"), {"active": "1"})

    assert [i.name for i in everything.context["page"]] == [
        "Ani Lestari",
        "Budi Santoso",
        "Dedi Lama",
    ]
    assert [i.name for i in found.context["page"]] == ["Ani Lestari"]
    assert [i.name for i in active.context["page"]] == ["Ani Lestari", "Budi Santoso"]
    assert "Dipakai semua wilayah" in everything.content.decode()


@pytest.mark.django_db
def test_instructor_create_links_civil_servant_by_nip(hr_client):
    person = CivilServantFactory()
    spaced = f"{person.nip[:8]} {person.nip[8:14]} {person.nip[14]} {person.nip[15:]}"

    response = hr_client.post(
        reverse("training:hr-instructor-create"),
        {**INSTRUCTOR_FORM, "district": district("mulyorejo").pk, "civil_servant_nip": spaced},
    )

    instructor = Instructor.objects.get()
    assert response.status_code == 302
    assert (instructor.district.slug, instructor.name, instructor.civil_servant) == (
        "mulyorejo",
        "Dr. Rina Wulandari",
        person,
    )


@pytest.mark.django_db
def test_instructor_create_nip_of_another_district_error_at_nip(hr_client):
    stranger = CivilServantFactory(district=district("plaju"))

    response = hr_client.post(
        reverse("training:hr-instructor-create"),
        {
            **INSTRUCTOR_FORM,
            "district": district("mulyorejo").pk,
            "civil_servant_nip": stranger.nip,
        },
    )

    assert response.context["form"].errors["civil_servant_nip"] == [
        "Tidak ada pegawai di wilayah Anda dengan NIP ini."
    ]
    assert not Instructor.objects.exists()


@pytest.mark.django_db
def test_instructor_create_district_hr_cannot_make_shared_one(hr_client):
    response = hr_client.post(
        reverse("training:hr-instructor-create"), {**INSTRUCTOR_FORM, "district": ""}
    )

    assert "district" in response.context["form"].errors
    assert not Instructor.objects.exists()


@pytest.mark.django_db
def test_instructor_create_shared_by_administrator(admin_client_):
    response = admin_client_.post(
        reverse("training:hr-instructor-create"), {**INSTRUCTOR_FORM, "district": ""}
    )

    assert response.status_code == 302
    assert Instructor.objects.get().district is None


@pytest.mark.django_db
def test_instructor_edit_own_district(hr_client):
    instructor = InstructorFactory(name="Budi", district=district("mulyorejo"))

    response = hr_client.post(
        reverse("training:hr-instructor-edit", args=[instructor.pk]),
        {**INSTRUCTOR_FORM, "name": "Budi Santoso, M.Si."},
    )

    instructor.refresh_from_db()
    assert response.status_code == 302
    assert (instructor.name, instructor.institution) == ("Budi Santoso, M.Si.", "BPSDM Jatim")


@pytest.mark.django_db
def test_shared_instructor_is_read_only_to_district_hr(hr_client):
    shared = InstructorFactory(name="Ani Lestari")

    page = hr_client.get(reverse("training:hr-instructor-edit", args=[shared.pk]))
    edit = hr_client.post(
        reverse("training:hr-instructor-edit", args=[shared.pk]),
        {**INSTRUCTOR_FORM, "name": "Diubah"},
    )
    retire = hr_client.post(reverse("training:hr-instructor-retire", args=[shared.pk]))

    shared.refresh_from_db()
    assert page.status_code == 200
    assert all(field.disabled for field in page.context["form"].fields.values())
    assert "Narasumber bersama dikelola oleh administrator." in page.content.decode()
    assert (edit.status_code, retire.status_code) == (200, 302)
    assert (shared.name, shared.is_active) == ("Ani Lestari", True)


@pytest.mark.django_db
def test_shared_instructor_editable_by_administrator(admin_client_):
    shared = InstructorFactory(name="Ani Lestari")

    admin_client_.post(
        reverse("training:hr-instructor-edit", args=[shared.pk]),
        {**INSTRUCTOR_FORM, "name": "Ani Lestari, Ph.D."},
    )

    shared.refresh_from_db()
    assert shared.name == "Ani Lestari, Ph.D."


@pytest.mark.django_db
def test_instructor_retire_deactivates_when_teaching(hr_client):
    instructor = InstructorFactory(district=district("mulyorejo"))
    SessionFactory(instructor=instructor)
    unused = InstructorFactory(district=district("mulyorejo"))

    hr_client.post(reverse("training:hr-instructor-retire", args=[instructor.pk]))
    hr_client.post(reverse("training:hr-instructor-retire", args=[unused.pk]))

    instructor.refresh_from_db()
    assert instructor.is_active is False
    assert not Instructor.objects.filter(pk=unused.pk).exists()


@pytest.mark.django_db
def test_instructor_of_another_district_answers_404(hr_client):
    instructor = InstructorFactory(district=district("plaju"))

    edit = hr_client.get(reverse("training:hr-instructor-edit", args=[instructor.pk]))
    retire = hr_client.post(reverse("training:hr-instructor-retire", args=[instructor.pk]))

    assert (edit.status_code, retire.status_code) == (404, 404)
    assert Instructor.objects.get(pk=instructor.pk).is_active is True


@pytest.mark.django_db
def test_shared_instructors_visible_only_in_the_hr_role(officer):
    shared = InstructorFactory()
    own = InstructorFactory(district=district("mulyorejo"))
    InstructorFactory(district=district("plaju"))
    scope = scope_for(officer.user)

    as_hr = scope.as_hr().filter(Instructor.objects.order_by("pk"))
    as_self = scope.as_self().filter(Instructor.objects.all())

    assert list(as_hr) == [shared, own]
    assert list(as_self) == []


# Session form choices


@pytest.mark.django_db
def test_inactive_venue_and_instructor_not_offered_for_new_session(officer):
    active_venue = VenueFactory(name="Aula Baru")
    VenueFactory(name="Aula Lama", is_active=False)
    active_instructor = InstructorFactory(district=district("mulyorejo"))
    InstructorFactory(district=district("mulyorejo"), is_active=False)
    InstructorFactory(is_active=False)
    scope = scope_for(officer.user).as_hr()

    form = SessionForm(scope=scope)

    assert list(form.fields["venue"].queryset) == [active_venue]
    assert list(form.fields["instructor"].queryset) == [active_instructor]


@pytest.mark.django_db
def test_session_edit_keeps_its_inactive_venue_and_instructor(officer):
    session = SessionFactory(
        venue=VenueFactory(name="Aula Lama", is_active=False),
        instructor=InstructorFactory(district=district("mulyorejo"), is_active=False),
    )
    other_inactive = VenueFactory(name="Aula Tutup", is_active=False)
    scope = scope_for(officer.user).as_hr()

    form = SessionForm(scope=scope, session=session)

    assert list(form.fields["venue"].queryset) == [session.venue]
    assert other_inactive not in form.fields["venue"].queryset
    assert list(form.fields["instructor"].queryset) == [session.instructor]


@pytest.mark.django_db
def test_new_session_with_inactive_venue_refused_at_venue(hr_client):
    session = SessionFactory()
    venue = VenueFactory(name="Aula Lama", is_active=False)

    response = hr_client.post(
        reverse("training:hr-session-create"),
        {
            "program": session.program_id,
            "date": "2026-12-14",
            "start_time": "08:00",
            "end_time": "12:00",
            "venue": venue.pk,
            "capacity": "20",
            "repeat_weeks": "1",
        },
    )

    assert response.status_code == 200
    assert "venue" in response.context["form"].errors
    assert session.program.sessions.count() == 1


# In a real browser


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_venue_pages_in_browser_desktop_and_phone(page, phone_page):
    from tests.conftest import login, screenshot

    officer = hr_officer(district("mulyorejo"))
    SessionFactory(venue=VenueFactory(name="Aula Kecamatan Mulyorejo", capacity=60))
    VenueFactory(name="Ruang Rapat Lantai 2", address="Jl. Mulyosari 5", capacity=25)
    VenueFactory(name="Aula Lama", is_active=False)

    login(page, officer.nip)
    page.goto(f"{page.base}{reverse('training:hr-sessions')}")
    page.click("text=Tempat")
    page.click("text=Tempat baru")
    page.fill("input[name=name]", "aula kecamatan mulyorejo")
    page.fill("input[name=capacity]", "40")
    page.click("input[type=submit][name=save]")
    error = page.locator("#id_name ~ .invalid-feedback, #error_1_id_name").first.inner_text()
    screenshot(page, "hr-venue-form-desktop")
    page.fill("input[name=name]", "Balai RW 03")
    page.click("input[type=submit][name=save]")
    page.goto(f"{page.base}{reverse('training:hr-venues')}")
    screenshot(page, "hr-venue-list-desktop")
    rows = page.locator("tbody tr td:first-child > a").all_inner_texts()

    login(phone_page, officer.nip)
    phone_page.goto(f"{phone_page.base}{reverse('training:hr-venues')}")
    screenshot(phone_page, "hr-venue-list-phone")
    list_width = phone_page.evaluate("document.documentElement.scrollWidth")
    phone_page.goto(f"{phone_page.base}{reverse('training:hr-venue-create')}")
    screenshot(phone_page, "hr-venue-form-phone")
    form_width = phone_page.evaluate("document.documentElement.scrollWidth")

    assert "Tempat lain di wilayah ini sudah memakai nama ini." in error
    assert rows == ["Aula Kecamatan Mulyorejo", "Aula Lama", "Balai RW 03", "Ruang Rapat Lantai 2"]
    assert (list_width, form_width) == (390, 390)
