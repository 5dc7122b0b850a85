"""Fixtures for the tests under tests/training.

The real-broker/real-worker harness, and an HR officer of Mulyorejo with a
client logged in as them (a test module may define its own ``officer`` or
``hr_client``, which then takes precedence).
"""

import pytest

from tests.celery_harness import broker_down, migrated_sqlite_file, smtp_sink, worker_database
from tests.factories import district, hr_officer

__all__ = [
    "broker_down",
    "hr_client",
    "migrated_sqlite_file",
    "officer",
    "smtp_sink",
    "worker_database",
]


@pytest.fixture
def officer():
    return hr_officer(district("mulyorejo"))


@pytest.fixture
def hr_client(client, officer):
    client.force_login(officer.user)
    return client
