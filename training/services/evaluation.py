"""Evaluation, Kirkpatrick levels 1–3: reports of reaction and learning, behaviour requests.

- Level 1: the feedback form's ratings per session, program or instructor,
  with the response rate, means, distributions and comments. Nobody's answer
  is ever shown with a name, and with fewer than ``MIN_RESPONSES`` answers
  nothing but the counts is shown (a mean of two answers gives them away).
- Level 2: pre-test and post-test scores entered by HR; the mean gain.
- Level 3: ``BEHAVIOUR_DELAY_MONTHS`` after a completion, the person's
  supervisor (or, without one, HR) is asked through the outbox to rate
  whether the person applies what was learned; reminded once.
"""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import Avg, Count, Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from districts.localtime import local_date
from districts.models import CivilServant, District

from ..messages import outbox
from ..messages.compose import Message, to
from ..models import (
    BehaviourEvaluation,
    CompletionRecord,
    Enrollment,
    Feedback,
    LearningScore,
    Reminder,
    TrainingSession,
)
from .dashboards.tables import Column, Table

MIN_RESPONSES = 3
RATINGS = [
    ("rating_content", gettext_lazy("Content")),
    ("rating_instructor", gettext_lazy("Instructor")),
    ("rating_venue", gettext_lazy("Venue")),
    ("rating_usefulness", gettext_lazy("Usefulness")),
]
ATTENDED = (Enrollment.Status.ATTENDED, Enrollment.Status.PARTIAL, Enrollment.Status.COMPLETED)
REQUEST_TASK = "training.evaluation.request_behaviour_evaluations"


class Kind:
    """The outbox kinds of this feature."""

    REQUEST = "l3_request"
    REMINDER = "l3_remind"


# --------------------------------------------------------------------------
# Level 1 and 2: reports
# --------------------------------------------------------------------------


@dataclass
class Reaction:
    """Level-1 figures of a group of enrolments (a session, a program, an instructor)."""

    invited: int
    responses: int
    ratings: list[dict] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)

    @property
    def hidden(self) -> bool:
        """True when too few answered for anything but the counts to be shown."""
        return self.responses < MIN_RESPONSES

    @property
    def response_rate(self) -> float | None:
        return round(100 * self.responses / self.invited, 1) if self.invited else None

    @property
    def overall(self) -> float | None:
        means = [row["mean"] for row in self.ratings if row["mean"] is not None]
        return round(sum(means) / len(means), 2) if means else None


def reaction(enrollments: QuerySet) -> Reaction:
    """Return the level-1 report of ``enrollments`` (already scoped): three queries."""
    invited = enrollments.filter(status__in=ATTENDED).count()
    answers = Feedback.objects.filter(enrollment__in=enrollments)
    figures = {"responses": Count("pk")}
    for name, _label in RATINGS:
        figures[f"{name}_mean"] = Avg(name)
        for value in range(1, 6):
            figures[f"{name}_{value}"] = Count("pk", filter=Q(**{name: value}))
    found = answers.aggregate(**figures)
    report = Reaction(invited=max(invited, found["responses"]), responses=found["responses"])
    if report.hidden:
        return report
    report.ratings = [
        {
            "key": name,
            "label": str(label),
            "mean": round(found[f"{name}_mean"], 2),
            "distribution": [found[f"{name}_{value}"] for value in range(1, 6)],
        }
        for name, label in RATINGS
    ]
    # Sorted by their text, not by when they came: the order names nobody.
    report.comments = sorted(
        text.strip() for text in answers.exclude(comment="").values_list("comment", flat=True)
    )
    return report


def learning_gain(enrollments: QuerySet) -> dict:
    """Return the level-2 means of ``enrollments``: pre, post, gain, and how many have both."""
    both = LearningScore.objects.filter(
        enrollment__in=enrollments, pre_score__isnull=False, post_score__isnull=False
    )
    found = both.aggregate(pre=Avg("pre_score"), post=Avg("post_score"), count=Count("pk"))
    gain = None
    if found["count"]:
        gain = round(float(found["post"]) - float(found["pre"]), 1)
    return {
        "count": found["count"],
        "pre": None if found["pre"] is None else round(float(found["pre"]), 1),
        "post": None if found["post"] is None else round(float(found["post"]), 1),
        "gain": gain,
    }


def scores_of(session: TrainingSession) -> dict[int, tuple]:
    """Return the session's stored scores as ``{enrollment id: (pre, post)}``."""
    return {
        row.enrollment_id: (row.pre_score, row.post_score)
        for row in LearningScore.objects.filter(enrollment__session=session)
    }


def save_scores(*, session: TrainingSession, scores: dict[int, tuple], actor) -> int:
    """Store pre/post scores ``{enrollment id: (pre, post)}`` of the session; return rows."""
    with transaction.atomic():
        ids = set(session.enrollments.filter(pk__in=list(scores)).values_list("pk", flat=True))
        saved = 0
        for enrollment_id, (pre, post) in scores.items():
            if enrollment_id not in ids:
                continue
            row = LearningScore.objects.filter(enrollment_id=enrollment_id).first()
            if row is None and pre is None and post is None:
                continue
            row = row or LearningScore(enrollment_id=enrollment_id)
            row.pre_score, row.post_score, row.entered_by = pre, post, actor
            row.full_clean()
            row.save()
            saved += 1
    return saved


# --------------------------------------------------------------------------
# Level 3: requests, reminders, answers
# --------------------------------------------------------------------------


def months_before(day: datetime.date, months: int) -> datetime.date:
    """Return the same day ``months`` earlier (the month's last day when it has fewer)."""
    month_index = day.year * 12 + day.month - 1 - months
    year, month = divmod(month_index, 12)
    month += 1
    following = datetime.date(year + month // 12, month % 12 + 1, 1)
    last = (following - datetime.timedelta(days=1)).day
    return datetime.date(year, month, min(day.day, last))


def _due_completions(*, now: datetime.datetime) -> QuerySet:
    """Return the passed completions of portal sessions due for a level-3 request.

    "Today" is the date in the person's district: a WITA or WIT district
    reaches the due day an hour or two before a WIB one (one condition per
    zone, so still one query).
    """
    due = Q(pk__in=[])
    for zone in District.Zone.values:
        latest = months_before(local_date(now, zone), settings.BEHAVIOUR_DELAY_MONTHS)
        earliest = latest - datetime.timedelta(days=settings.BEHAVIOUR_WINDOW_DAYS)
        due |= Q(
            civil_servant__district__time_zone=zone,
            completion_date__lte=latest,
            completion_date__gt=earliest,
        )
    return (
        CompletionRecord.objects.filter(
            due,
            passed=True,
            session__isnull=False,
            behaviour_evaluation__isnull=True,
        )
        .exclude(session__status=TrainingSession.Status.CANCELLED)
        .select_related("civil_servant", "session")
    )


def _hr_people(district_id: int) -> list[int]:
    return list(
        CivilServant.objects.filter(
            user__managed_districts=district_id, is_active=True
        ).values_list("pk", flat=True)
    )


def request_behaviour_evaluations(*, now: datetime.datetime) -> int:
    """Ask for the level-3 ratings now due (beat); return how many requests were made.

    Only a completion whose enrolment still stands (not cancelled) is asked
    about, and only once: the evaluation row's unique key holds that even
    when two beats run at once.
    """
    completions = list(_due_completions(now=now))
    standing = {
        (row.civil_servant_id, row.session_id): row
        for row in Enrollment.objects.filter(
            civil_servant_id__in={c.civil_servant_id for c in completions},
            session_id__in={c.session_id for c in completions},
            status__in=ATTENDED,
        )
    }
    made = 0
    for completion in completions:
        enrollment = standing.get((completion.civil_servant_id, completion.session_id))
        if enrollment is None:
            continue
        with transaction.atomic():
            rater_id = completion.civil_servant.supervisor_id
            evaluation = BehaviourEvaluation(
                completion=completion, enrollment=enrollment, rater_id=rater_id, requested_at=now
            )
            BehaviourEvaluation.objects.bulk_create([evaluation], ignore_conflicts=True)
            if not BehaviourEvaluation.objects.filter(
                completion=completion, requested_at=now
            ).exists():
                continue  # asked before: the row of that request was kept
            recipients = [rater_id] if rater_id else _hr_people(completion.district_id)
            outbox.record_and_queue(
                [
                    Reminder(
                        enrollment=enrollment,
                        kind=Kind.REQUEST,
                        fingerprint=f"l3:{recipient}",
                        recipient_id=recipient,
                    )
                    for recipient in recipients
                ],
                now=now,
            )
            made += 1
    return made


def remind_behaviour_evaluations(*, now: datetime.datetime) -> int:
    """Remind once the raters who left a request unanswered too long (beat)."""
    due = now - datetime.timedelta(days=settings.BEHAVIOUR_REMINDER_DAYS)
    made = 0
    for evaluation in BehaviourEvaluation.objects.filter(
        answered_at__isnull=True, reminded_at__isnull=True, requested_at__lte=due
    ).select_related("completion"):
        with transaction.atomic():
            # Conditional: only the call that changed the row reminds.
            if not BehaviourEvaluation.objects.filter(
                pk=evaluation.pk, reminded_at__isnull=True, answered_at__isnull=True
            ).update(reminded_at=now):
                continue
            recipients = (
                [evaluation.rater_id]
                if evaluation.rater_id
                else _hr_people(evaluation.completion.district_id)
            )
            outbox.record_and_queue(
                [
                    Reminder(
                        enrollment_id=evaluation.enrollment_id,
                        kind=Kind.REMINDER,
                        fingerprint=f"l3:{recipient}",
                        recipient_id=recipient,
                    )
                    for recipient in recipients
                ],
                now=now,
            )
            made += 1
    return made


def run_behaviour_evaluations(*, now: datetime.datetime) -> dict:
    """Make the requests now due and the reminders now due (the beat task's one call)."""
    return {
        "requested": request_behaviour_evaluations(now=now),
        "reminded": remind_behaviour_evaluations(now=now),
    }


def behaviour_to_answer(scope) -> QuerySet:
    """Return the unanswered level-3 requests this user answers: as rater, or as HR."""
    condition = Q(pk__in=[])
    if scope.person_id is not None:
        condition |= Q(rater_id=scope.person_id)
    if scope.is_admin:
        condition = Q(rater__isnull=True)
    elif scope.hr_district_ids:
        condition |= Q(
            rater__isnull=True, completion__district_id__in=sorted(scope.hr_district_ids)
        )
    return (
        BehaviourEvaluation.objects.filter(condition, answered_at__isnull=True)
        .select_related("completion__civil_servant", "completion__program")
        .order_by("requested_at", "pk")
    )


def answer_behaviour(
    *,
    evaluation: BehaviourEvaluation,
    applies: int,
    improved: int,
    shares: int,
    comment: str,
    now: datetime.datetime,
    actor,
) -> BehaviourEvaluation:
    """Store the rater's answer (once)."""
    with transaction.atomic():
        row = BehaviourEvaluation.objects.select_for_update().get(pk=evaluation.pk)
        if row.answered_at is not None:
            return row
        row.applies, row.improved, row.shares = applies, improved, shares
        row.comment, row.answered_at, row.answered_by = comment.strip(), now, actor
        row.full_clean()
        row.save()
    return row


@outbox.kind(Kind.REQUEST, label=gettext_lazy("Training follow-up for the supervisor"))
@outbox.kind(Kind.REMINDER, label=gettext_lazy("Reminder: training follow-up"))
def compose_behaviour_request(reminder: Reminder, *, now: datetime.datetime, prepared):
    """Ask the rater to say whether the person applies what was learned."""
    evaluation = (
        BehaviourEvaluation.objects.select_related("completion__civil_servant", "enrollment")
        .filter(enrollment_id=reminder.enrollment_id)
        .first()
    )
    if (
        evaluation is None
        or evaluation.answered_at is not None
        or evaluation.enrollment.status not in ATTENDED
    ):
        return None
    person = evaluation.completion.civil_servant
    title = reminder.enrollment.session.program.title
    values = {"name": person.full_name, "title": title}
    url = reverse("training:behaviour_answer", args=[evaluation.pk])
    subject = (
        _("How does %(name)s apply %(title)s?")
        if reminder.kind == Kind.REQUEST
        else _("Reminder: how does %(name)s apply %(title)s?")
    ) % values
    body = (
        _(
            "%(name)s completed %(title)s some months ago. Please answer three short "
            "questions on whether what was learned is applied at work."
        )
        % values
    )
    return Message(
        subject=subject,
        body=f"{body}\n\n{settings.PORTAL_BASE_URL}{url}\n",
        to=to(reminder.recipient),
        url=url,
    )


# --------------------------------------------------------------------------
# Tables for the pages and the exports
# --------------------------------------------------------------------------


def behaviour_rates(enrollments: QuerySet) -> dict:
    """Return the level-3 requests of ``enrollments``, the answered ones and their mean."""
    rows = BehaviourEvaluation.objects.filter(enrollment__in=enrollments)
    found = rows.aggregate(
        asked=Count("pk"),
        answered=Count("pk", filter=Q(answered_at__isnull=False)),
        applies=Avg("applies"),
    )
    found["rate"] = round(100 * found["answered"] / found["asked"], 1) if found["asked"] else None
    if found["applies"] is not None:
        found["applies"] = round(found["applies"], 2)
    return found


def _rows_by(enrollments: QuerySet, key: str, names: tuple[str, ...]) -> list[dict]:
    """Return the L1–L3 figures of ``enrollments`` per value of ``key``: four queries.

    The same figures as ``reaction``, ``learning_gain`` and ``behaviour_rates``
    of each group, grouped in the database instead of asked group by group.
    """
    groups = (
        enrollments.order_by()
        .values_list(key, *names)
        .annotate(attended=Count("pk", filter=Q(status__in=ATTENDED)))
    )
    by = f"enrollment__{key}"
    means = {f"{name}_mean": Avg(name) for name, _label in RATINGS}
    answers = {
        row[by]: row
        for row in Feedback.objects.filter(enrollment__in=enrollments)
        .order_by()
        .values(by)
        .annotate(responses=Count("pk"), **means)
    }
    scores = {
        row[by]: row
        for row in LearningScore.objects.filter(
            enrollment__in=enrollments, pre_score__isnull=False, post_score__isnull=False
        )
        .order_by()
        .values(by)
        .annotate(pre=Avg("pre_score"), post=Avg("post_score"), count=Count("pk"))
    }
    asked = {
        row[by]: row
        for row in BehaviourEvaluation.objects.filter(enrollment__in=enrollments)
        .order_by()
        .values(by)
        .annotate(
            asked=Count("pk"),
            answered=Count("pk", filter=Q(answered_at__isnull=False)),
            applies=Avg("applies"),
        )
    }
    rows = []
    for pk, *label, attended in groups:
        found = answers.get(pk, {"responses": 0})
        l1 = Reaction(invited=max(attended, found["responses"]), responses=found["responses"])
        if not l1.hidden:
            l1.ratings = [{"mean": round(found[f"{name}_mean"], 2)} for name, _label in RATINGS]
        l2 = scores.get(pk, {"count": 0})
        l3 = asked.get(pk, {"asked": 0, "answered": 0, "applies": None})
        rows.append(
            {
                "pk": pk,
                "name": " ".join(label),
                "sort": label[-1].casefold(),
                "invited": l1.invited,
                "responses": l1.responses,
                "response_rate": l1.response_rate,
                "l1_mean": None if l1.hidden else l1.overall,
                "l2_count": l2["count"],
                "l2_gain": (
                    round(float(l2["post"]) - float(l2["pre"]), 1) if l2["count"] else None
                ),
                "l3_asked": l3["asked"],
                "l3_rate": (round(100 * l3["answered"] / l3["asked"], 1) if l3["asked"] else None),
                "l3_mean": None if l3["applies"] is None else round(l3["applies"], 2),
            }
        )
    rows.sort(key=lambda row: row.pop("sort"))
    return rows


def evaluation_table(enrollments: QuerySet, *, by: str):
    """Return the L1–L3 table of ``enrollments`` per program or per instructor."""
    if by == "programs":
        rows = _rows_by(
            enrollments,
            "session__program_id",
            ("session__program__code", "session__program__title"),
        )
        title, first = _("Evaluation per training program"), _("Training program")
    else:
        rows = _rows_by(
            enrollments.filter(session__instructor__isnull=False),
            "session__instructor_id",
            ("session__instructor__name",),
        )
        title, first = _("Evaluation per instructor"), _("Instructor")
    return Table(
        key=by,
        title=title,
        columns=[
            Column("name", first, "text"),
            Column("invited", _("Participants")),
            Column("responses", _("L1 answers")),
            Column("response_rate", _("L1 response rate"), "percent"),
            Column("l1_mean", _("L1 mean (1–5)"), "decimal"),
            Column("l2_count", _("L2 pre/post pairs")),
            Column("l2_gain", _("L2 mean gain (points)"), "decimal"),
            Column("l3_asked", _("L3 asked")),
            Column("l3_rate", _("L3 response rate"), "percent"),
            Column("l3_mean", _("L3 mean: applies (1–5)"), "decimal"),
        ],
        rows=rows,
        note=_("L1 figures are shown only where at least %(count)d people answered.")
        % {"count": MIN_RESPONSES},
    )


PANEL_PROGRAMS = 6


def evaluation_panel(enrollments: QuerySet, *, limit: int = PANEL_PROGRAMS) -> Table:
    """Return the dashboard's compact panel: the programs with the most participants.

    L1 mean, L2 gain and L3 response rate of each, from the same figures as
    the full table (``extra["programs"]`` says how many programs it has).
    """
    full = evaluation_table(enrollments, by="programs")
    rows = sorted(full.rows, key=lambda row: -row["invited"])[:limit]
    return Table(
        key="evaluation",
        title=_("Evaluation of the largest training programs"),
        columns=[
            Column("name", _("Training program"), "text"),
            Column("invited", _("Participants")),
            Column("l1_mean", _("L1 mean (1–5)"), "decimal"),
            Column("l2_gain", _("L2 mean gain (points)"), "decimal"),
            Column("l3_rate", _("L3 response rate"), "percent"),
        ],
        rows=rows,
        note=full.note,
        extra={"programs": len(full.rows)},
    )
