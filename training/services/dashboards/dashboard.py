"""The dashboard: every figure and table for one viewer, year and set of filters.

Each underlying query runs at most once, on first use, so the page (all
tables) and an export (one table) share the same code and the same numbers.
"""

from collections import defaultdict
from decimal import Decimal
from functools import cached_property

from . import activity, attainment, budget, numbers, sessions
from .dashboard_tables import TABLE_KEYS, TablesMixin
from .filters import Criteria
from .numbers import ratio

__all__ = ["TABLE_KEYS", "Dashboard"]


class Dashboard(TablesMixin):
    def __init__(
        self,
        criteria: Criteria,
        *,
        behind_limit: int | None = attainment.BEHIND_LIMIT,
        snapshot=None,
    ):
        self.criteria = criteria
        self.behind_limit = behind_limit
        self.computed_at = None
        if snapshot is not None:
            # The query results the refresh task computed: the cached properties
            # below find them already set and run no query.
            parts = dict(snapshot.parts)
            if behind_limit != attainment.BEHIND_LIMIT:
                parts.pop("behind", None)
            self.__dict__.update(parts)
            self.computed_at = snapshot.computed_at

    # -- data (one query each) ---------------------------------------------------------
    @cached_property
    def _attainment_rows(self) -> list[dict]:
        return attainment.attainment_rows(self.criteria)

    @cached_property
    def _activity_rows(self) -> list[dict]:
        return activity.activity_rows(self.criteria)

    @cached_property
    def _completions(self) -> list[dict]:
        return activity.completions_by_program_month(self.criteria)

    @cached_property
    def upcoming(self) -> list:
        return sessions.upcoming_sessions(self.criteria)

    @cached_property
    def conflicts(self) -> sessions.OpenConflicts:
        return sessions.open_conflicts(self.criteria)

    @cached_property
    def _budget(self) -> list[dict]:
        return budget.budget_rows(self.criteria)

    @cached_property
    def behind(self) -> list[dict]:
        return attainment.behind_target(self.criteria, limit=self.behind_limit)

    # -- figures -----------------------------------------------------------------------
    @property
    def shows_budget(self) -> bool:
        return not self.criteria.viewer.is_supervisor

    @cached_property
    def totals(self) -> attainment.Attainment:
        total = attainment.Attainment()
        for row in self._attainment_rows:
            total.add(row)
        return total

    @cached_property
    def by_asn_type(self) -> dict[str, attainment.Attainment]:
        result = {}
        for row in self._attainment_rows:
            result.setdefault(row["asn_type"], attainment.Attainment()).add(row)
        return result

    @cached_property
    def _activity(self) -> dict:
        """Return the enrolment counts rolled up per unit, program and month, and in total."""
        units, programs = defaultdict(activity.Activity), {}
        months = {month: activity.Activity() for month in range(1, 13)}
        total = activity.Activity()
        for row in self._activity_rows:
            units[row["civil_servant__work_unit"]].add(row)
            program = programs.setdefault(
                row["session__program"],
                {
                    "code": row["session__program__code"],
                    "title": row["session__program__title"],
                    "district": row["session__program__district__name"],
                    "activity": activity.Activity(),
                },
            )
            program["activity"].add(row)
            months[row["month"]].add(row)
            total.add(row)
        return {"units": dict(units), "programs": programs, "months": months, "total": total}

    @property
    def activity_totals(self) -> activity.Activity:
        return self._activity["total"]

    @cached_property
    def budget_totals(self) -> dict:
        spent = sum((row["spent"] for row in self._budget), Decimal(0))
        planned = sum((row["planned"] for row in self._budget), Decimal(0))
        jp = sum(row["jp_credited"] or 0 for row in self._budget)
        return {
            "spent": spent,
            "planned": planned,
            "jp_credited": jp,
            "cost_per_jp": (spent / jp).quantize(Decimal(1)) if jp else None,
            "cancelled_sessions": sum(row["cancelled_sessions"] for row in self._budget),
        }

    def summary(self) -> dict:
        """Return the headline figures, formatted for the page."""
        totals, done = self.totals, self.activity_totals
        result = {
            "people": numbers.integer(totals.people),
            "reached": numbers.integer(totals.reached),
            "reached_rate": numbers.percent(ratio(totals.reached, totals.people)),
            "close": numbers.integer(totals.close),
            "none": numbers.integer(totals.none),
            "enrolled": numbers.integer(done.enrolled),
            "completed": numbers.integer(done.completed),
            "completion_rate": numbers.percent(done.completion_rate),
            "attendance_rate": numbers.percent(done.attendance_rate),
            "no_show_rate": numbers.percent(done.no_show_rate),
            "cancelled": numbers.integer(done.cancelled),
            "conflicts": numbers.integer(self.conflicts.count),
            "conflict_people": numbers.integer(self.conflicts.people),
        }
        if self.shows_budget:
            budget_totals = self.budget_totals
            result.update(
                spent=numbers.money(budget_totals["spent"]),
                planned=numbers.money(budget_totals["planned"]),
                cost_per_jp=numbers.money(budget_totals["cost_per_jp"]),
                cancelled_sessions=numbers.integer(budget_totals["cancelled_sessions"]),
            )
        return result
