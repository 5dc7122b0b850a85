"""Training models, one module per concept; Django and the rest of the code import them from here.

The app label (``training``), the table names and the migrations are those of
the single ``models.py`` this package replaced.
"""

from .api import ApiToken
from .attendance import Attendance
from .audit import AuditEntry
from .budget import BudgetCeiling
from .catalogue import Instructor, TrainingProgram, Venue
from .competencies import (
    Competency,
    CompetencyRequirement,
    GapSummary,
    GapSummaryCell,
    IndividualNeed,
)
from .enrolment import ConflictResolution, Enrollment, Feedback
from .evaluation import BehaviourEvaluation, LearningScore
from .imports import ImportJob
from .learning import NONKLASIKAL_METHODS, Institution, JPConversion, OutsideLearning
from .meetings import Meeting
from .messages import Notification, Reminder
from .plans import DevelopmentPlan, Invitation, PlanItem
from .records import CertificateSequence, CompletionRecord
from .sessions import TrainingSession

__all__ = [
    "ApiToken",
    "Attendance",
    "AuditEntry",
    "BudgetCeiling",
    "BehaviourEvaluation",
    "CertificateSequence",
    "Competency",
    "CompetencyRequirement",
    "CompletionRecord",
    "DevelopmentPlan",
    "ConflictResolution",
    "Enrollment",
    "Feedback",
    "GapSummary",
    "GapSummaryCell",
    "ImportJob",
    "IndividualNeed",
    "Institution",
    "JPConversion",
    "NONKLASIKAL_METHODS",
    "OutsideLearning",
    "Meeting",
    "Instructor",
    "Invitation",
    "Notification",
    "PlanItem",
    "Reminder",
    "LearningScore",
    "TrainingProgram",
    "TrainingSession",
    "Venue",
]
