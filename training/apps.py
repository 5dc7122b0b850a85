import importlib
import pkgutil

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# The packages imported whole at start-up: every message kind registers its
# composer with the outbox, and every Celery task its name, when its module is
# imported, so each process that sends or queues (web, worker, eager tests)
# must import them all. New modules there are found without being listed.
REGISTERING_PACKAGES = ("training.services", "training.messages")


def import_all(package_name: str) -> list[str]:
    """Import every module of the package, at any depth; return their names."""
    package = importlib.import_module(package_name)
    names = [
        info.name for info in pkgutil.walk_packages(package.__path__, prefix=f"{package_name}.")
    ]
    for name in names:
        importlib.import_module(name)
    return names


class TrainingConfig(AppConfig):
    name = "training"
    verbose_name = _("Training")

    def ready(self):
        from districts import scoping
        from districts.validation import require_single_line

        from . import models

        require_single_line(self.label)

        scoping.register(models.TrainingProgram, district="district", person=None)
        scoping.register(models.TrainingSession, district="district", person=None)
        scoping.register(models.Venue, district="district", person=None)
        scoping.register(models.Instructor, district="district", person=None, shared=True)
        scoping.register(models.Enrollment, district="session__district", person="civil_servant")
        scoping.register(models.CompletionRecord, district="district", person="civil_servant")
        scoping.register(models.ImportJob, district="district", person=None)
        scoping.register(models.OutsideLearning, district="district", person="civil_servant")
        scoping.register(models.AuditEntry, district="district", person=None)
        scoping.register(
            models.Reminder,
            district="enrollment__session__district",
            person="enrollment__civil_servant",
        )
        scoping.register(models.Notification, district="recipient__district", person="recipient")
        scoping.register(
            models.Feedback,
            district="enrollment__session__district",
            person="enrollment__civil_servant",
        )
        scoping.register(models.Competency, district="district", person=None)
        scoping.register(models.CompetencyRequirement, district="district", person=None)
        scoping.register(
            models.IndividualNeed, district="civil_servant__district", person="civil_servant"
        )
        scoping.register(
            models.DevelopmentPlan, district="civil_servant__district", person="civil_servant"
        )
        scoping.register(models.Invitation, district="session__district", person="civil_servant")
        scoping.register(models.BudgetCeiling, district="district", person=None)
        for package in REGISTERING_PACKAGES:
            import_all(package)
