"""Demo attendance: a mark per meeting for the past sessions, an 80% rule on some programs.

Marks follow the enrolments the calendar already decided (completed people
came, no-shows did not); which of those who came were late is drawn from a
generator seeded by name, so the demo is the same on every machine.
"""

import random

from ..models import Attendance, Enrollment, Meeting, TrainingProgram


def add_attendance() -> None:
    """Mark every meeting of the demo's past sessions, and ask 80% of some programs."""
    TrainingProgram.objects.filter(method=TrainingProgram.Method.BIMTEK).update(
        min_attendance_percent=80
    )
    late = random.Random("asn-demo:attendance")
    marks = []
    enrollments = (
        Enrollment.objects.filter(status__in=["completed", "no_show"])
        .select_related("session")
        .order_by("pk")
    )
    for enrollment in enrollments:
        for meeting in Meeting.objects.filter(session_id=enrollment.session_id).order_by("start"):
            came = enrollment.status == "completed"
            status = ("late" if late.random() < 0.1 else "present") if came else "absent"
            marks.append(
                Attendance(
                    meeting=meeting,
                    enrollment=enrollment,
                    status=status,
                    source=Attendance.Source.HR,
                    marked_at=meeting.end,
                    marked_by=enrollment.enrolled_by,
                )
            )
    Attendance.objects.bulk_create(marks)
