"""Fixtures for the tests under tests/training: the real-broker/real-worker harness."""

from tests.celery_harness import broker_down, migrated_sqlite_file, smtp_sink, worker_database

__all__ = ["broker_down", "migrated_sqlite_file", "smtp_sink", "worker_database"]
