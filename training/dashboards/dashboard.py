"""The dashboard: every figure and table for one viewer, year and set of filters.

Each underlying query runs at most once, on first use, so the page (all
tables) and an export (one table) share the same code and the same numbers.
"""

import datetime
from collections import defaultdict
from decimal import Decimal
from functools import cached_property
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _

from districts.localtime import format_datetime
from districts.models import CivilServant

from . import activity, attainment, budget, numbers, sessions
from .filters import Criteria
from .numbers import ratio
from .tables import Column, Table

TABLE_KEYS = (
    "attainment",
    "distribution",
    "units",
    "programs",
    "trend",
    "upcoming",
    "budget",
    "behind",
)


def _month_label(year: int, month: int) -> str:
    return formats.date_format(datetime.date(year, month, 1), "M")


class Dashboard:
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

    # -- tables ------------------------------------------------------------------------
    def table(self, key: str) -> Table:
        return getattr(self, f"_table_{key}")()

    def tables(self) -> dict[str, Table]:
        keys = [key for key in TABLE_KEYS if key != "budget" or self.shows_budget]
        return {key: self.table(key) for key in keys}

    def _attainment_columns(self) -> list[Column]:
        return [
            Column("people", _("People")),
            Column("reached", _("Reached target")),
            Column("reached_rate", _("Reached (%)"), "percent"),
            Column("close", _("Close (≥ 75 %)")),
            Column("behind", _("Below 75 %")),
            Column("none", _("No JP yet")),
            Column("average_jp", _("Average JP"), "decimal"),
        ]

    @staticmethod
    def _attainment_values(item: attainment.Attainment) -> dict:
        return {
            "people": item.people,
            "reached": item.reached,
            "reached_rate": ratio(item.reached, item.people),
            "close": item.close,
            "behind": item.behind,
            "none": item.none,
            "average_jp": item.average_jp,
        }

    def _table_attainment(self) -> Table:
        labels = dict(CivilServant.AsnType.choices)
        rows = [
            {"asn_type": str(labels.get(key, key)), **self._attainment_values(item)}
            for key, item in sorted(self.by_asn_type.items())
        ]
        return Table(
            key="attainment",
            title=_("JP attainment by ASN type"),
            columns=[Column("asn_type", _("ASN type"), "text"), *self._attainment_columns()],
            rows=rows,
            footer={"asn_type": _("Total"), **self._attainment_values(self.totals)},
            note=_(
                "Target: %(pns)s JP a year for PNS and CPNS; PPPK are measured against "
                "their cap of %(pppk)s JP."
            )
            % {"pns": self.targets["PNS"], "pppk": self.targets["PPPK"]},
        )

    @cached_property
    def targets(self) -> dict:
        from training.jp import yearly_target

        return {"PNS": yearly_target("PNS"), "PPPK": yearly_target("PPPK")}

    def _table_distribution(self) -> Table:
        total = self.totals.people
        rows = [
            {"bucket": f"{label} JP", "people": count, "share": ratio(count, total)}
            for (label, _low, _high), count in zip(
                attainment.JP_BUCKETS, self.totals.buckets, strict=True
            )
        ]
        return Table(
            key="distribution",
            title=_("JP per person"),
            columns=[
                Column("bucket", _("JP this year"), "text"),
                Column("people", _("People")),
                Column("share", _("Share"), "percent"),
            ],
            rows=rows,
        )

    def _table_units(self) -> Table:
        units: dict[int, dict] = {}
        for row in self._attainment_rows:
            unit = units.setdefault(
                row["work_unit_id"],
                {
                    "unit": row["unit_name"],
                    "district": row["district_name"],
                    "figures": attainment.Attainment(),
                    "activity": activity.Activity(),
                },
            )
            unit["figures"].add(row)
        for pk, done in self._activity["units"].items():
            if pk in units:
                units[pk]["activity"] = done
        rows = []
        for unit in units.values():
            figures, done = unit["figures"], unit["activity"]
            rows.append(
                {
                    "unit": unit["unit"],
                    "district": unit["district"],
                    **self._attainment_values(figures),
                    **self._activity_values(done),
                }
            )
        rows.sort(key=lambda row: (row["district"], row["unit"].casefold()))
        return Table(
            key="units",
            title=_("Per work unit"),
            columns=[
                Column("unit", _("Work unit"), "text"),
                Column("district", _("District"), "text"),
                Column("people", _("People")),
                Column("reached_rate", _("Reached (%)"), "percent"),
                Column("close", _("Close (≥ 75 %)")),
                Column("none", _("No JP yet")),
                Column("average_jp", _("Average JP"), "decimal"),
                *self._activity_columns(),
            ],
            rows=rows,
        )

    @staticmethod
    def _activity_columns() -> list[Column]:
        return [
            Column("enrolled", _("Enrolled (ended sessions)")),
            Column("completed", _("Completed")),
            Column("completion_rate", _("Completion rate"), "percent"),
            Column("attendance_rate", _("Attendance rate"), "percent"),
            Column("no_show_rate", _("No-show rate"), "percent"),
            Column("cancelled", _("Cancelled enrolments")),
        ]

    @staticmethod
    def _activity_values(item: activity.Activity) -> dict:
        return {
            "enrolled": item.enrolled,
            "completed": item.completed,
            "completion_rate": item.completion_rate,
            "attendance_rate": item.attendance_rate,
            "no_show_rate": item.no_show_rate,
            "cancelled": item.cancelled,
        }

    def _table_programs(self) -> Table:
        programs = self._activity["programs"]
        jp = defaultdict(int)
        for row in self._completions:
            jp[row["program"]] += row["jp"] or 0
        rows = [
            {
                "program": f"{item['code']} {item['title']}",
                "district": item["district"],
                **self._activity_values(item["activity"]),
                "jp_credited": jp.get(pk, 0),
            }
            for pk, item in programs.items()
        ]
        rows.sort(key=lambda row: row["program"].casefold())
        return Table(
            key="programs",
            title=_("Per training program"),
            columns=[
                Column("program", _("Training program"), "text"),
                Column("district", _("District"), "text"),
                *self._activity_columns(),
                Column("jp_credited", _("JP credited")),
            ],
            rows=rows,
        )

    def _table_trend(self) -> Table:
        year = self.criteria.year
        months = {
            month: {"month": _month_label(year, month), "activity": done, "jp": 0}
            for month, done in self._activity["months"].items()
        }
        for row in self._completions:
            months[row["month"]]["jp"] += row["jp"] or 0
        rows = [
            {
                "month": item["month"],
                "enrolled": item["activity"].enrolled,
                "completed": item["activity"].completed,
                "completion_rate": item["activity"].completion_rate,
                "jp_credited": item["jp"],
            }
            for item in months.values()
        ]
        return Table(
            key="trend",
            title=_("Trend by month"),
            columns=[
                Column("month", _("Month"), "text"),
                Column("enrolled", _("Enrolled (ended sessions)")),
                Column("completed", _("Completed")),
                Column("completion_rate", _("Completion rate"), "percent"),
                Column("jp_credited", _("JP credited")),
            ],
            rows=rows,
            note=_("Enrolments by the month the session starts; JP by the completion date."),
        )

    def _table_upcoming(self) -> Table:
        conflicts = self.conflicts.by_session
        rows = [
            {
                "start": format_datetime(item.start, item.district.time_zone),
                "program": f"{item.program.code} {item.program.title}",
                "district": item.district.name,
                "capacity": item.capacity,
                "taken": item.taken,
                "fill_rate": ratio(item.taken, item.capacity),
                "waitlisted": item.waitlisted,
                "ours": item.ours,
                "conflicts": conflicts.get(item.pk, 0),
            }
            for item in self.upcoming
        ]
        ours_label = (
            _("My people enrolled") if self.criteria.viewer.is_supervisor else _("People in view")
        )
        return Table(
            key="upcoming",
            title=_("Upcoming sessions"),
            columns=[
                Column("start", _("Start"), "text"),
                Column("program", _("Training program"), "text"),
                Column("district", _("District"), "text"),
                Column("capacity", _("Capacity")),
                Column("taken", _("Seats taken")),
                Column("fill_rate", _("Fill rate"), "percent"),
                Column("waitlisted", _("Waitlist")),
                Column("ours", ours_label),
                Column("conflicts", _("Open schedule conflicts")),
            ],
            rows=rows,
            note=_("The next %(count)s published sessions.") % {"count": sessions.UPCOMING_LIMIT},
        )

    def _table_budget(self) -> Table:
        rows = [
            {
                "district": row["district__name"],
                "program": f"{row['program__code']} {row['program__title']}",
                "sessions": row["sessions"],
                "cancelled_sessions": row["cancelled_sessions"],
                "spent": row["spent"],
                "planned": row["planned"],
                "jp_credited": row["jp_credited"] or 0,
                "cost_per_jp": (row["spent"] / row["jp_credited"]).quantize(Decimal(1))
                if row["jp_credited"]
                else None,
            }
            for row in self._budget
        ]
        totals = self.budget_totals
        footer = {
            "district": _("Total"),
            "program": "",
            "sessions": sum(row["sessions"] for row in rows),
            **totals,
        }
        return Table(
            key="budget",
            title=_("Budget"),
            columns=[
                Column("district", _("District"), "text"),
                Column("program", _("Training program"), "text"),
                Column("sessions", _("Sessions")),
                Column("cancelled_sessions", _("Cancelled sessions")),
                Column("spent", _("Spent"), "money"),
                Column("planned", _("Planned"), "money"),
                Column("jp_credited", _("JP credited")),
                Column("cost_per_jp", _("Cost per JP"), "money"),
            ],
            rows=rows,
            footer=footer,
            note=_(
                "Sessions of the year in your districts; spent = sessions that have ended, "
                "planned = sessions still to come. Work unit and ASN type filters do not apply."
            ),
        )

    def _table_behind(self) -> Table:
        query = urlencode({"as": self.criteria.viewer.role, "year": self.criteria.year})
        rows = []
        for item in self.behind:
            person = item["person"]
            rows.append(
                {
                    "name": person.full_name,
                    "nip": person.nip_display,
                    "asn_type": person.asn_type,
                    "unit": item["unit"],
                    "district": item["district"],
                    "supervisor": item["supervisor"],
                    "jp": item["jp"],
                    "target": item["target"],
                    "missing": item["missing"],
                    "last_training": item["last_training"],
                    "url": reverse("training:dashboard-person", args=[person.pk]) + f"?{query}",
                }
            )
        single_district = len({item["district"] for item in self.behind}) <= 1
        note = ""
        if self.behind_limit is not None:
            note = _(
                "The %(count)s people furthest behind; the export lists everyone behind target."
            ) % {"count": self.behind_limit}
        return Table(
            key="behind",
            title=_("People behind target"),
            columns=[
                Column("name", _("Name"), "text"),
                Column("nip", _("NIP"), "text", nowrap=True),
                Column("asn_type", _("ASN type"), "text"),
                Column("unit", _("Work unit"), "text"),
                *([] if single_district else [Column("district", _("District"), "text")]),
                Column("supervisor", _("Supervisor"), "text"),
                Column("jp", _("JP")),
                Column("target", _("Target")),
                Column("missing", _("Missing JP")),
                Column("last_training", _("Last training"), "date"),
            ],
            rows=rows,
            link_column="name",
            note=note,
        )
