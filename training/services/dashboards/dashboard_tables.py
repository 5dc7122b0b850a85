"""The dashboard's tables: each figure as rows and labelled columns (page and exports)."""

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

from . import activity, attainment, sessions
from .numbers import ratio
from .tables import Column, Table

TABLE_KEYS = (
    "attainment",
    "districts",
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


class TablesMixin:
    """Build the tables of a :class:`~training.dashboards.dashboard.Dashboard`."""

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
            Column("under_cap", _("PPPK below the cap")),
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
            "under_cap": item.under_cap,
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
                "Target: %(pns)s JP a year for PNS and CPNS. For PPPK %(pppk)s JP is a cap "
                "on what counts, not a target: they are never close to or behind a target."
            )
            % {"pns": self.targets["PNS"], "pppk": self.targets["PPPK"]},
        )

    @cached_property
    def targets(self) -> dict:
        from ..jp import yearly_target

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

    def _table_districts(self) -> Table:
        """Return one row per district: the administrator's side-by-side comparison."""
        districts: dict[str, dict] = {}
        unit_district = {}
        for row in self._attainment_rows:
            unit_district[row["work_unit_id"]] = row["district_name"]
            entry = districts.setdefault(
                row["district_name"],
                {"figures": attainment.Attainment(), "activity": activity.Activity()},
            )
            entry["figures"].add(row)
        # From the per-unit roll-up, which the refreshed summary holds (no query of its own).
        for pk, done in self._activity["units"].items():
            name = unit_district.get(pk)
            if name is not None:
                districts[name]["activity"].add(vars(done))
        rows = [
            {
                "district": name,
                **self._attainment_values(entry["figures"]),
                **self._activity_values(entry["activity"]),
            }
            for name, entry in sorted(districts.items())
        ]
        return Table(
            key="districts",
            title=_("Districts side by side"),
            columns=[
                Column("district", _("District"), "text"),
                Column("people", _("People")),
                Column("reached_rate", _("Reached (%)"), "percent"),
                Column("none", _("No JP yet")),
                Column("average_jp", _("Average JP"), "decimal"),
                *self._activity_columns(),
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
                Column("under_cap", _("PPPK below the cap")),
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
        # One reverse() for every row: the export lists tens of thousands of people.
        head, tail = reverse("training:dashboard-person", args=[0]).rsplit("/0/", 1)
        rows = [
            {
                "name": item["name"],
                "nip": item["nip"],
                "asn_type": item["asn_type"],
                "unit": item["unit"],
                "district": item["district"],
                "supervisor": item["supervisor"],
                "jp": item["jp"],
                "target": item["target"],
                "missing": item["missing"],
                "last_training": item["last_training"],
                "url": f"{head}/{item['id']}/{tail}?{query}",
            }
            for item in self.behind
        ]
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
