from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


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
