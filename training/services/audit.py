"""The audit trail of HR actions: who did what to a session, and when."""

from ..models import AuditEntry, TrainingSession


def record(
    *,
    session: TrainingSession | None,
    district_id: int,
    actor,
    action: str,
    detail: str = "",
) -> AuditEntry:
    """Store one audit entry (call inside the transaction that made the change)."""
    return AuditEntry.objects.create(
        district_id=district_id,
        session=session,
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        detail=detail,
    )
