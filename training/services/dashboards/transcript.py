"""A person's training record: completions and enrolments, newest first."""

from districts.models import CivilServant

from ...models import CompletionRecord, Enrollment


def transcript(person: CivilServant) -> dict:
    """Return the person's completion records and enrolments (two queries)."""
    return {
        "completions": list(
            CompletionRecord.objects.filter(civil_servant=person)
            .select_related(
                "program", "district", "outside_learning__institution", "behaviour_evaluation"
            )
            .order_by("-completion_date", "-pk")
        ),
        "enrollments": list(
            Enrollment.objects.filter(civil_servant=person)
            .select_related("session__program", "session__district")
            .order_by("-session__start", "-pk")[:50]
        ),
    }
