"""Training models, one module per concept; Django and the rest of the code import them from here.

The app label (``training``), the table names and the migrations are those of
the single ``models.py`` this package replaced.
"""

from .attendance import Attendance
from .audit import AuditEntry
from .catalogue import Instructor, TrainingProgram, Venue
from .enrolment import ConflictResolution, Enrollment, Feedback
from .imports import ImportJob
from .meetings import Meeting
from .messages import Notification, Reminder
from .records import CertificateSequence, CompletionRecord
from .sessions import TrainingSession

__all__ = [
    "Attendance",
    "AuditEntry",
    "CertificateSequence",
    "CompletionRecord",
    "ConflictResolution",
    "Enrollment",
    "Feedback",
    "ImportJob",
    "Meeting",
    "Instructor",
    "Notification",
    "Reminder",
    "TrainingProgram",
    "TrainingSession",
    "Venue",
]
