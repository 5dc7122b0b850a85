"""The portal's template filters."""

import datetime

import pytest
from django.utils import translation

from districts.templatetags.portal import ago

NOW = datetime.datetime(2026, 12, 7, 8, 0, tzinfo=datetime.UTC)


@pytest.mark.parametrize(
    ("seconds", "language", "expected"),
    [
        (0, "id", "baru saja"),
        (59, "id", "baru saja"),
        (60, "id", "1\xa0menit yang lalu"),
        (3 * 3600 + 120, "id", "3\xa0jam yang lalu"),
        (0, "en", "just now"),
        (300, "en", "5\xa0minutes ago"),
    ],
    ids=["now_id", "under_a_minute", "one_minute", "hours", "now_en", "minutes_en"],
)
def test_ago_says_just_now_under_a_minute(seconds, language, expected):
    with translation.override(language):
        assert ago(NOW - datetime.timedelta(seconds=seconds), NOW) == expected


@pytest.mark.django_db
def test_notifications_page_says_baru_saja_for_a_new_item(client):
    from tests.factories import CivilServantFactory
    from training.models import Notification

    person = CivilServantFactory()
    Notification.objects.create(recipient=person, title="Jadwal bentrok", url="/bentrok/")
    client.force_login(person.user)

    html = client.get("/bentrok/notifikasi/").content.decode()

    assert "baru saja" in html
    assert "0 menit" not in html
