"""Run the conflict scan without Celery: for cron, or for a look at the numbers."""

import datetime
import time

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from training.messages import outbox
from training.services import reminders
from training.services.conflicts import conflicts_in_window


class Command(BaseCommand):
    help = "Find conflicts in the scan window, record the reminders due and send them."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Only count the conflicts; record and send nothing.",
        )
        parser.add_argument(
            "--days", type=int, default=None, help="Scan window in days (default: setting)."
        )

    def handle(self, *args, dry_run: bool, days: int | None, **options):
        days = days or settings.CONFLICT_SCAN_DAYS
        now = timezone.now()
        started = time.perf_counter()
        if dry_run:
            end = now + datetime.timedelta(days=days)
            found = conflicts_in_window(start=now, end=end)
            unresolved = sum(1 for item in found if not item.resolved)
            self.stdout.write(
                f"conflicts={len(found)} unresolved={unresolved} "
                f"seconds={time.perf_counter() - started:.3f}"
            )
            return
        numbers = reminders.record_due(now=now, days=days)
        outcomes = outbox.send_pending(now=now)
        sent = " ".join(f"{key}={value}" for key, value in sorted(outcomes.items()))
        self.stdout.write(
            " ".join(f"{key}={value}" for key, value in numbers.items())
            + (f" {sent}" if sent else "")
            + f" seconds={time.perf_counter() - started:.3f}"
        )
