"""Shared arrangements for the self-service tests: sessions a little in the future."""

import datetime

from django.utils import timezone

from tests.factories import JAKARTA


def days_ahead(days: int, hour: int = 8) -> datetime.datetime:
    """Return ``hour`` o'clock (WIB) ``days`` days from today: always in the future."""
    today = timezone.now().astimezone(JAKARTA).date()
    return datetime.datetime.combine(
        today + datetime.timedelta(days=days), datetime.time(hour), tzinfo=JAKARTA
    )
