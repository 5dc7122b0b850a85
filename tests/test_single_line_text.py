"""Single-line text refuses control characters at the field: forms, imports, admin.

A title such as ``Judul\\r\\nBcc: x`` would otherwise reach an email header.
"""

import pytest
from django.apps import apps
from django.db import models
from django.urls import reverse

from districts.validation import validate_single_line
from tests.factories import CivilServantFactory, ProgramFactory, UserFactory, district, hr_officer
from training.messages.compose import Message, deliver
from training.models import TrainingProgram

pytestmark = pytest.mark.django_db

HOSTILE = "Judul\r\nBcc: korban@example.com"
MESSAGE = "Gunakan satu baris tanpa karakter kendali (seperti ganti baris atau tab)."
PROGRAM = {
    "code": "EGOV",
    "description": "Baris satu\r\nbaris dua boleh di deskripsi.",
    "competency_kind": "teknis",
    "form": "klasikal",
    "method": "workshop",
    "provider": "",
    "jp_credited": "8",
    "min_attendance_percent": "100",
    "is_active": "on",
}


def test_every_char_field_of_the_project_refuses_control_characters():
    fields = [
        f"{model.__name__}.{field.name}"
        for label in ("districts", "training")
        for model in apps.get_app_config(label).get_models()
        for field in model._meta.local_fields
        if isinstance(field, models.CharField) and validate_single_line not in field.validators
    ]

    assert fields == []


@pytest.mark.parametrize(
    "text, message",
    [
        (HOSTILE, MESSAGE),
        ("a\x00b", "Karakter null tidak diizinkan."),  # Django's own form check comes first
        ("tab\there", MESSAGE),
        ("del\x7f", MESSAGE),
        ("line\u2028sep", MESSAGE),
    ],
)
def test_hr_program_form_refuses_control_characters_in_the_title(client, text, message):
    client.force_login(hr_officer(district("mulyorejo")).user)

    response = client.post(
        reverse("training:hr-program-create"),
        {**PROGRAM, "title": text, "district": district("mulyorejo").pk},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["title"] == [message]
    assert not TrainingProgram.objects.exists()


def test_multi_line_fields_keep_their_line_breaks(client):
    client.force_login(hr_officer(district("mulyorejo")).user)

    client.post(
        reverse("training:hr-program-create"),
        {**PROGRAM, "title": "Lokakarya", "district": district("mulyorejo").pk},
    )

    assert TrainingProgram.objects.get().description == PROGRAM["description"]


def test_admin_refuses_control_characters_in_a_name(client):
    client.force_login(UserFactory(username="admin", is_staff=True, is_superuser=True))
    program = ProgramFactory(title="Asli")

    response = client.post(
        reverse("admin:training_trainingprogram_change", args=[program.pk]),
        {
            **PROGRAM,
            "district": program.district_id,
            "code": program.code,
            "title": HOSTILE,
            "jp_credited": "8",
            "min_attendance_percent": "100",
        },
    )

    assert response.status_code == 200
    assert MESSAGE in response.text
    program.refresh_from_db()
    assert program.title == "Asli"


def test_a_stored_title_with_a_line_break_still_sends(mailoutbox):
    person = CivilServantFactory(email="ani@example.go.id")
    message = Message(subject=f"Pengingat: {HOSTILE}", body="isi", to=[person.email], url="/")

    assert deliver(message) == 1
    assert mailoutbox[0].subject == "Pengingat: Judul Bcc: korban@example.com"
