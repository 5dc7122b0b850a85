"""Audit entries are history: read-only in the admin, for everyone."""

import pytest
from django.urls import reverse

from tests.factories import EnrollmentFactory, UserFactory, district
from training.models import AuditEntry, ConflictResolution, Notification, Reminder

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(username="admin", is_staff=True, is_superuser=True))
    return client


@pytest.fixture
def entry():
    return AuditEntry.objects.create(district=district(), action="published", detail="asli")


def test_superuser_reads_audit_entries(admin_client, entry):
    listing = admin_client.get(reverse("admin:training_auditentry_changelist"))
    detail = admin_client.get(reverse("admin:training_auditentry_change", args=[entry.pk]))

    assert listing.status_code == detail.status_code == 200
    assert "asli" in detail.text
    assert 'name="detail"' not in detail.text  # shown, not editable


def test_superuser_cannot_add_edit_or_delete_audit_entries(admin_client, entry):
    add = admin_client.post(
        reverse("admin:training_auditentry_add"),
        {"district": entry.district_id, "action": "created", "detail": "palsu"},
    )
    change = admin_client.post(
        reverse("admin:training_auditentry_change", args=[entry.pk]),
        {"district": entry.district_id, "action": "created", "detail": "diubah"},
    )
    delete = admin_client.post(
        reverse("admin:training_auditentry_delete", args=[entry.pk]), {"post": "yes"}
    )
    bulk = admin_client.post(
        reverse("admin:training_auditentry_changelist"),
        {"action": "delete_selected", "_selected_action": [entry.pk], "post": "yes"},
    )

    assert (add.status_code, change.status_code, delete.status_code) == (403, 403, 403)
    assert bulk.status_code in (200, 302)
    entry.refresh_from_db()
    assert (entry.action, entry.detail) == ("published", "asli")
    assert AuditEntry.objects.count() == 1


@pytest.fixture
def one_of_each(entry):
    enrollment = EnrollmentFactory()
    person = enrollment.civil_servant
    reminder = Reminder.objects.create(enrollment=enrollment, kind="conflict", recipient=person)
    Notification.objects.create(recipient=person, reminder=reminder, title="Bentrok jadwal")
    ConflictResolution.objects.create(
        enrollment=enrollment, fingerprint="a" * 64, note="Digantikan"
    )


@pytest.mark.parametrize(
    ("model", "expected"),
    [
        ("auditentry", ["catatan audit", "waktu", "oleh", "tindakan"]),
        ("reminder", ["pesan keluar", "jenis", "penerima", "percobaan", "dikirim pada"]),
        ("notification", ["notifikasi", "penerima", "judul", "dibaca pada"]),
        ("conflictresolution", ["penyelesaian bentrok", "kunci bentrok", "diselesaikan oleh"]),
    ],
)
@pytest.mark.usefixtures("one_of_each")
def test_admin_lists_audit_and_outbox_in_indonesian(admin_client, model, expected):
    listing = admin_client.get(reverse(f"admin:training_{model}_changelist"))

    assert listing.status_code == 200
    text = listing.text.lower()
    for words in expected:
        assert words in text
