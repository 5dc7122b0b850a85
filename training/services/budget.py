"""Budget against ceilings: a district's yearly ceiling, optionally per program or competency.

A session's cost is its total, or its amount per participant times its
participants: the seats taken once it has been held, its capacity while it is
still to come (the most it can cost). Spent is the cost of the year's sessions
already held, planned of those still to come; cancelled sessions cost nothing.
A ceiling is reached when spent + planned is at or over it, and a session that
would bring a ceiling there is warned about (like the other session warnings,
it needs a reason to go ahead).
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from districts import localtime
from districts.models import District

from ..models import BudgetCeiling, Competency, CompletionRecord, Enrollment, TrainingSession
from .dashboards.numbers import money
from .warnings import Kind, Warning

ZERO = Decimal(0)


def session_cost(*, amount, basis: str, people: int) -> Decimal:
    if amount is None:
        return ZERO
    if basis == TrainingSession.CostBasis.TOTAL:
        return Decimal(amount)
    return Decimal(amount) * people


def _year_bounds(district: District, year: int):
    tz = district.tzinfo
    return (
        datetime.datetime(year, 1, 1, tzinfo=tz),
        datetime.datetime(year + 1, 1, 1, tzinfo=tz),
    )


@dataclass
class Line:
    """What one ceiling (or the district's year without one) covers."""

    label: str
    ceiling: BudgetCeiling | None
    spent: Decimal = ZERO
    planned: Decimal = ZERO
    participants: int = 0
    jp: int = 0
    sessions: int = 0
    program_ids: set = field(default_factory=set)

    @property
    def committed(self) -> Decimal:
        return self.spent + self.planned

    @property
    def remaining(self) -> Decimal | None:
        return None if self.ceiling is None else self.ceiling.amount - self.committed

    @property
    def cost_per_participant(self) -> Decimal | None:
        return (self.spent / self.participants).quantize(Decimal(1)) if self.participants else None

    @property
    def cost_per_jp(self) -> Decimal | None:
        return (self.spent / self.jp).quantize(Decimal(1)) if self.jp else None

    @property
    def share(self) -> int | None:
        if self.ceiling is None or not self.ceiling.amount:
            return None
        return min(round(100 * self.committed / self.ceiling.amount), 999)


def _sessions(district: District, year: int, exclude_ids=()):
    start, end = _year_bounds(district, year)
    seats = (
        Enrollment.objects.filter(session=OuterRef("pk"), status__in=Enrollment.SEAT_HOLDING)
        .order_by()
        .values("session")
        .annotate(count=Count("pk"))
        .values("count")
    )
    credited = (
        CompletionRecord.objects.filter(session=OuterRef("pk"), passed=True)
        .order_by()
        .values("session")
        .annotate(jp=Sum("jp_credited"))
        .values("jp")
    )
    return (
        TrainingSession.objects.filter(district=district, start__gte=start, start__lt=end)
        .exclude(status=TrainingSession.Status.CANCELLED)
        .exclude(pk__in=list(exclude_ids))
        .annotate(seats=Coalesce(Subquery(seats), 0), credited=Coalesce(Subquery(credited), 0))
        .values(
            "pk", "program_id", "end", "capacity", "cost_amount", "cost_basis", "seats", "credited"
        )
    )


def _lines(district: District, year: int) -> list[Line]:
    ceilings = list(
        BudgetCeiling.objects.filter(district=district, year=year).select_related(
            "program", "competency"
        )
    )
    developed = {}
    for competency, program in Competency.programs.through.objects.filter(
        competency__district=district
    ).values_list("competency_id", "trainingprogram_id"):
        developed.setdefault(competency, set()).add(program)
    overall = next((c for c in ceilings if not c.program_id and not c.competency_id), None)
    lines = [Line(_("Whole district"), overall, program_ids={"*"})]
    for ceiling in ceilings:
        if ceiling.program_id:
            lines.append(
                Line(str(ceiling.program.title), ceiling, program_ids={ceiling.program_id})
            )
        elif ceiling.competency_id:
            lines.append(
                Line(
                    _("Competency: %(name)s") % {"name": ceiling.competency.name},
                    ceiling,
                    program_ids=developed.get(ceiling.competency_id, set()),
                )
            )
    return lines


def _covers(line: Line, program_id: int) -> bool:
    return "*" in line.program_ids or program_id in line.program_ids


def budget_lines(*, district: District, year: int, now: datetime.datetime) -> list[Line]:
    """Return the district's year and each ceiling with spent, planned, remaining, unit costs."""
    lines = _lines(district, year)
    for row in _sessions(district, year):
        held = row["end"] <= now
        people = row["seats"] if held else max(row["capacity"], row["seats"])
        cost = session_cost(amount=row["cost_amount"], basis=row["cost_basis"], people=people)
        for line in lines:
            if not _covers(line, row["program_id"]):
                continue
            line.sessions += 1
            if held:
                line.spent += cost
                line.participants += row["seats"]
                line.jp += row["credited"]
            else:
                line.planned += cost
    return lines


def ceiling_warnings(
    *,
    district: District,
    program_id: int,
    intervals: list[tuple[datetime.datetime, datetime.datetime]],
    cost_amount,
    cost_basis: str,
    capacity: int,
    now: datetime.datetime,
    exclude_ids: tuple[int, ...] = (),
) -> list[Warning]:
    """Return a warning per ceiling the new (or changed) sessions would bring to or over it."""
    if cost_amount is None or not intervals:
        return []
    zone = district.time_zone
    per_session = session_cost(amount=cost_amount, basis=cost_basis, people=capacity)
    by_year: dict[int, list] = {}
    for start, end in sorted(intervals):
        by_year.setdefault(localtime.local_year(start, zone), []).append((start, end))
    found = []
    for year, own in by_year.items():
        lines = [line for line in _lines(district, year) if line.ceiling is not None]
        if not lines:
            continue
        committed = {id(line): ZERO for line in lines}
        for row in _sessions(district, year, exclude_ids=exclude_ids):
            held = row["end"] <= now
            people = row["seats"] if held else max(row["capacity"], row["seats"])
            cost = session_cost(amount=row["cost_amount"], basis=row["cost_basis"], people=people)
            for line in lines:
                if _covers(line, row["program_id"]):
                    committed[id(line)] += cost
        added = per_session * len(own)
        for line in lines:
            total = committed[id(line)] + added
            if _covers(line, program_id) and total >= line.ceiling.amount:
                found.append(
                    Warning(
                        Kind.BUDGET,
                        own[0][0],
                        _(
                            "Budget %(year)d, %(what)s: with this session the committed cost "
                            "would be %(total)s, reaching its ceiling of %(ceiling)s."
                        )
                        % {
                            "year": year,
                            "what": line.label,
                            "total": money(total),
                            "ceiling": money(line.ceiling.amount),
                        },
                    )
                )
    return found


def save_ceiling(*, district: District, year: int, program, competency, amount) -> BudgetCeiling:
    """Set (create or change) the ceiling of the district's year, program or competency."""
    ceiling = BudgetCeiling.objects.filter(
        district=district, year=year, program=program, competency=competency
    ).first() or BudgetCeiling(district=district, year=year, program=program, competency=competency)
    ceiling.amount = amount
    ceiling.full_clean()
    ceiling.save()
    return ceiling
