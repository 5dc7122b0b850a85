"""Enrolment figures: completion, attendance, no-shows and cancellations.

Rates are over the enrolments of sessions of the year that have ended:
completion = completed / enrolled, attendance = (attended + partly attended +
completed) / enrolled, no-show = did not attend / enrolled. Cancellations count
the enrolments cancelled for sessions of the year. One grouped query answers
the tables, the totals and the trend, summed from its rows in Python.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q, Sum
from django.db.models.functions import ExtractMonth

from ...models import CompletionRecord, Enrollment, TrainingSession
from .filters import Criteria
from .numbers import ratio

ENROLLED = ("approved", "attended", "partial", "no_show", "completed")
ATTENDED = ("attended", "partial", "completed")


@dataclass
class Activity:
    enrolled: int = 0
    completed: int = 0
    attended: int = 0
    no_show: int = 0
    cancelled: int = 0

    def add(self, row: dict) -> None:
        for key in ("enrolled", "completed", "attended", "no_show", "cancelled"):
            setattr(self, key, getattr(self, key) + (row[key] or 0))

    @property
    def completion_rate(self) -> float | None:
        return ratio(self.completed, self.enrolled)

    @property
    def attendance_rate(self) -> float | None:
        return ratio(self.attended, self.enrolled)

    @property
    def no_show_rate(self) -> float | None:
        return ratio(self.no_show, self.enrolled)


def _enrollments(criteria: Criteria):
    return (
        Enrollment.objects.filter(
            criteria.person_condition("civil_servant"),
            session__start__gte=criteria.year_start,
            session__start__lt=criteria.year_end,
        )
        .filter(criteria.program_condition("session__program__"))
        .order_by()
    )


def _counts(now: datetime.datetime) -> dict:
    ended = Q(session__end__lte=now) & ~Q(session__status=TrainingSession.Status.CANCELLED)
    return {
        "enrolled": Count("pk", filter=ended & Q(status__in=ENROLLED)),
        "completed": Count("pk", filter=ended & Q(status=Enrollment.Status.COMPLETED)),
        "attended": Count("pk", filter=ended & Q(status__in=ATTENDED)),
        "no_show": Count("pk", filter=ended & Q(status=Enrollment.Status.NO_SHOW)),
        "cancelled": Count("pk", filter=Q(status=Enrollment.Status.CANCELLED)),
    }


def activity_rows(criteria: Criteria) -> list[dict]:
    """Return enrolment counts per participant's work unit, program and month (one query).

    The per-unit and per-program tables, the totals and the trend are sums of
    these rows; one grouped pass over the enrolments serves them all.
    """
    return list(
        _enrollments(criteria)
        .values(
            "civil_servant__work_unit",
            "session__program",
            "session__program__code",
            "session__program__title",
            "session__program__district__name",
            month=ExtractMonth("session__start"),
        )
        .annotate(**_counts(criteria.now))
    )


def completions_by_program_month(criteria: Criteria) -> list[dict]:
    """Return passed completions and JP credited per program and month (one query)."""
    return list(
        CompletionRecord.objects.filter(
            criteria.person_condition("civil_servant"),
            passed=True,
            completion_date__gte=datetime.date(criteria.year, 1, 1),
            completion_date__lt=datetime.date(criteria.year + 1, 1, 1),
        )
        .filter(criteria.program_condition("program__"))
        .order_by()
        .values("program", month=ExtractMonth("completion_date"))
        .annotate(completions=Count("pk"), jp=Sum("jp_credited"))
    )
