"""Celery tasks of the dashboards: keep the summaries of ``summary`` fresh."""

from celery import shared_task
from django.utils import timezone

from . import summary


@shared_task
def refresh_dashboard_summaries() -> int:
    """Recompute the province-wide conflicts and the unfiltered dashboards (beat)."""
    return summary.refresh_snapshots(now=timezone.now())
