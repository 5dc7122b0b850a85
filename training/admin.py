from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from . import models
from .messages import outbox


@admin.register(models.Venue)
class VenueAdmin(admin.ModelAdmin):
    list_display = ["name", "district", "capacity", "is_active"]
    list_filter = ["district", "is_active"]
    search_fields = ["name", "address"]


@admin.register(models.Instructor)
class InstructorAdmin(admin.ModelAdmin):
    list_display = ["name", "institution", "district", "is_active"]
    list_filter = ["district", "is_active"]
    search_fields = ["name", "institution", "civil_servant__nip"]
    autocomplete_fields = ["civil_servant"]


@admin.register(models.TrainingProgram)
class TrainingProgramAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "title",
        "district",
        "competency_kind",
        "form",
        "method",
        "jp_credited",
        "requires_supervisor_approval",
        "is_active",
    ]
    list_filter = [
        "district",
        "competency_kind",
        "form",
        "method",
        "is_active",
        "requires_supervisor_approval",
    ]
    search_fields = ["code", "title", "provider"]


@admin.register(models.TrainingSession)
class TrainingSessionAdmin(admin.ModelAdmin):
    list_display = ["program", "district", "start", "end", "venue", "capacity", "status"]
    list_filter = ["district", "status", "program__competency_kind"]
    search_fields = ["program__title", "program__code", "venue__name"]
    list_select_related = ["program", "district", "venue"]
    autocomplete_fields = ["program", "venue", "instructor"]
    date_hierarchy = "start"


@admin.register(models.Enrollment)
class EnrollmentAdmin(admin.ModelAdmin):
    list_display = ["civil_servant", "session", "status", "created_at", "decided_by"]
    list_filter = ["status", "session__district"]
    search_fields = ["civil_servant__nip", "civil_servant__name", "session__program__title"]
    list_select_related = ["civil_servant", "session__program"]
    autocomplete_fields = ["civil_servant", "session"]


@admin.register(models.CompletionRecord)
class CompletionRecordAdmin(admin.ModelAdmin):
    list_display = [
        "civil_servant",
        "program",
        "completion_date",
        "jp_credited",
        "score",
        "passed",
        "certificate_number",
    ]
    list_filter = ["passed", "district", "completion_date"]
    search_fields = [
        "civil_servant__nip",
        "civil_servant__name",
        "certificate_number",
        "participant_nip",
    ]
    list_select_related = ["civil_servant", "program"]
    autocomplete_fields = ["civil_servant", "program", "session"]
    date_hierarchy = "completion_date"


@admin.register(models.CertificateSequence)
class CertificateSequenceAdmin(admin.ModelAdmin):
    list_display = ["district", "year", "last_number"]
    list_filter = ["district", "year"]


@admin.register(models.AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """History is read, never written: not even a superuser adds, edits or deletes it."""

    list_display = ["at", "district", "session", "actor", "action"]
    list_filter = ["action", "district"]
    search_fields = ["detail", "actor__username"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(models.Feedback)
class FeedbackAdmin(admin.ModelAdmin):
    list_display = [
        "enrollment",
        "rating_content",
        "rating_instructor",
        "rating_venue",
        "rating_usefulness",
        "submitted_at",
    ]
    search_fields = ["enrollment__civil_servant__nip", "enrollment__civil_servant__name"]


@admin.register(models.ConflictResolution)
class ConflictResolutionAdmin(admin.ModelAdmin):
    list_display = ["enrollment", "fingerprint", "resolved_by", "resolved_at"]
    search_fields = ["enrollment__civil_servant__nip", "enrollment__civil_servant__name"]


@admin.register(models.Reminder)
class ReminderAdmin(admin.ModelAdmin):
    list_display = [
        "kind_label",
        "recipient",
        "enrollment",
        "status",
        "attempts",
        "created_at",
        "sent_at",
    ]
    list_filter = ["kind", "status"]
    search_fields = ["recipient__nip", "recipient__name", "subject"]

    @admin.display(description=_("kind"), ordering="kind")
    def kind_label(self, obj):
        return outbox.label(obj.kind)


@admin.register(models.Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["recipient", "title", "created_at", "read_at"]
    search_fields = ["recipient__nip", "recipient__name", "title"]


@admin.register(models.ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    list_display = ["original_name", "kind", "district", "status", "total_rows", "created_at"]
    list_filter = ["kind", "status", "district"]
    search_fields = ["original_name"]


@admin.register(models.Competency)
class CompetencyAdmin(admin.ModelAdmin):
    list_display = ["name", "district", "kind", "validity_years", "is_active"]
    list_filter = ["district", "kind", "is_active"]
    search_fields = ["name"]
    filter_horizontal = ["programs"]


@admin.register(models.CompetencyRequirement)
class CompetencyRequirementAdmin(admin.ModelAdmin):
    list_display = ["competency", "district", "work_unit", "position_title"]
    list_filter = ["district"]


@admin.register(models.IndividualNeed)
class IndividualNeedAdmin(admin.ModelAdmin):
    list_display = ["competency", "civil_servant", "created_at"]
    autocomplete_fields = ["civil_servant"]


class PlanItemInline(admin.TabularInline):
    model = models.PlanItem
    extra = 0


@admin.register(models.DevelopmentPlan)
class DevelopmentPlanAdmin(admin.ModelAdmin):
    list_display = ["civil_servant", "year", "status", "decided_at"]
    list_filter = ["status", "year"]
    search_fields = ["civil_servant__name", "civil_servant__nip"]
    inlines = [PlanItemInline]


@admin.register(models.Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["civil_servant", "session", "status", "created_at"]
    list_filter = ["status"]


@admin.register(models.BudgetCeiling)
class BudgetCeilingAdmin(admin.ModelAdmin):
    list_display = ["district", "year", "program", "competency", "amount"]
    list_filter = ["district", "year"]


@admin.register(models.Institution)
class InstitutionAdmin(admin.ModelAdmin):
    list_display = ["name"]
    search_fields = ["name"]


@admin.register(models.JPConversion)
class JPConversionAdmin(admin.ModelAdmin):
    list_display = ["district", "method", "unit", "jp_per_unit"]
    list_filter = ["district"]


@admin.register(models.OutsideLearning)
class OutsideLearningAdmin(admin.ModelAdmin):
    # Claims are decided on the portal's verification page (audited, notified), not here.
    list_display = ["civil_servant", "title", "institution", "end_date", "jp_claimed", "status"]
    list_filter = ["status", "district", "method"]
    search_fields = ["civil_servant__nip", "civil_servant__name", "title"]
    readonly_fields = ["status", "jp_credited", "decided_by", "decided_at", "completion_link"]
    autocomplete_fields = ["civil_servant", "institution"]

    @admin.display(description=_("completion record"))
    def completion_link(self, obj):
        return getattr(obj, "completion", None) or "—"
