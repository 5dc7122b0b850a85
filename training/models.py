"""Training: programs, sessions, enrolments, completion, reminders."""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from districts.models import CivilServant, District


class Venue(models.Model):
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="venues", verbose_name=_("district")
    )
    name = models.CharField(_("name"), max_length=150)
    address = models.CharField(_("address"), max_length=255, blank=True)
    capacity = models.PositiveIntegerField(_("seats"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("venue")
        verbose_name_plural = _("venues")
        constraints = [
            models.UniqueConstraint(fields=["district", "name"], name="venue_name_unique"),
        ]

    def __str__(self):
        return self.name


class Instructor(models.Model):
    district = models.ForeignKey(
        District,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="instructors",
        verbose_name=_("district"),
        help_text=_("Empty for an instructor shared by all districts."),
    )
    name = models.CharField(_("name"), max_length=150)
    institution = models.CharField(_("institution"), max_length=150, blank=True)
    email = models.EmailField(_("email"), blank=True)
    civil_servant = models.ForeignKey(
        CivilServant,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("civil servant"),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("instructor")
        verbose_name_plural = _("instructors")

    def __str__(self):
        return f"{self.name} ({self.institution})" if self.institution else self.name


class TrainingProgram(models.Model):
    class CompetencyKind(models.TextChoices):
        TEKNIS = "teknis", _("Technical")
        MANAJERIAL = "manajerial", _("Managerial")
        SOSIAL_KULTURAL = "sosial_kultural", _("Socio-cultural")

    class Form(models.TextChoices):
        KLASIKAL = "klasikal", _("Classroom (klasikal)")
        NONKLASIKAL = "nonklasikal", _("Non-classroom (nonklasikal)")

    class Method(models.TextChoices):
        WORKSHOP = "workshop", _("Workshop (lokakarya)")
        SEMINAR = "seminar", _("Seminar")
        COURSE = "course", _("Course")
        BIMTEK = "bimtek", _("Technical guidance (bimtek)")
        SOSIALISASI = "sosialisasi", _("Socialisation")
        LECTURE = "lecture", _("Lecture")
        GROUP_DISCUSSION = "group_discussion", _("Group discussion")
        SIMULATION = "simulation", _("Simulation")
        E_LEARNING = "e_learning", _("E-learning")
        COACHING = "coaching", _("Coaching")
        MENTORING = "mentoring", _("Mentoring")
        INTERNSHIP = "internship", _("Internship (magang)")
        BENCHMARKING = "benchmarking", _("Benchmarking")
        COMMUNITY = "community", _("Community of practice")
        SELF_STUDY = "self_study", _("Self-study")

    district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="programs", verbose_name=_("district")
    )
    code = models.CharField(_("code"), max_length=30)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    competency_kind = models.CharField(
        _("competency kind"), max_length=16, choices=CompetencyKind.choices
    )
    form = models.CharField(_("form"), max_length=12, choices=Form.choices)
    method = models.CharField(_("method"), max_length=20, choices=Method.choices)
    provider = models.CharField(
        _("provider or partner"),
        max_length=150,
        blank=True,
        help_text=_("E.g. a local university or NGO; empty when HR runs it."),
    )
    jp_credited = models.PositiveSmallIntegerField(
        _("JP credited"), help_text=_("Lesson hours (jam pelajaran) credited on completion.")
    )
    requires_supervisor_approval = models.BooleanField(
        _("requires supervisor approval"), default=False
    )
    open_to_other_districts = models.BooleanField(
        _("open to other districts"),
        default=False,
        help_text=_("Civil servants of other districts may enrol."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["title"]
        verbose_name = _("training program")
        verbose_name_plural = _("training programs")
        constraints = [
            models.UniqueConstraint(fields=["district", "code"], name="program_code_unique"),
            models.CheckConstraint(condition=Q(jp_credited__gte=0), name="program_jp_not_negative"),
        ]

    def __str__(self):
        return f"{self.code} {self.title}"


class TrainingSession(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        CANCELLED = "cancelled", _("Cancelled")
        COMPLETED = "completed", _("Completed")

    class CostBasis(models.TextChoices):
        PER_PARTICIPANT = "per_participant", _("Per participant")
        TOTAL = "total", _("Total")

    program = models.ForeignKey(
        TrainingProgram,
        on_delete=models.PROTECT,
        related_name="sessions",
        verbose_name=_("program"),
    )
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="sessions", verbose_name=_("district")
    )
    venue = models.ForeignKey(
        Venue,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sessions",
        verbose_name=_("venue"),
    )
    online_url = models.URLField(_("online link"), blank=True)
    instructor = models.ForeignKey(
        Instructor,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sessions",
        verbose_name=_("instructor"),
    )
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    capacity = models.PositiveIntegerField(_("capacity"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    enrollment_opens_at = models.DateTimeField(_("enrolment opens"), null=True, blank=True)
    enrollment_closes_at = models.DateTimeField(_("enrolment closes"), null=True, blank=True)
    series = models.UUIDField(
        _("series"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("Sessions scheduled together share a series."),
    )
    cancel_reason = models.TextField(_("cancellation reason"), blank=True)
    override_reason = models.TextField(
        _("reason for overriding warnings"),
        blank=True,
    )
    cost_amount = models.DecimalField(
        _("cost (Rp)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    cost_basis = models.CharField(
        _("cost basis"), max_length=16, choices=CostBasis.choices, blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["start"]
        verbose_name = _("training session")
        verbose_name_plural = _("training sessions")
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=F("start")), name="session_end_after_start"),
            models.CheckConstraint(condition=Q(capacity__gt=0), name="session_capacity_positive"),
            models.CheckConstraint(
                condition=Q(enrollment_opens_at__isnull=True)
                | Q(enrollment_closes_at__isnull=True)
                | Q(enrollment_closes_at__gt=F("enrollment_opens_at")),
                name="session_enrolment_window_ordered",
            ),
            models.CheckConstraint(
                condition=Q(cost_amount__isnull=True) | Q(cost_amount__gte=0),
                name="session_cost_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(cost_amount__isnull=True, cost_basis="")
                | Q(cost_amount__isnull=False) & ~Q(cost_basis=""),
                name="session_cost_has_basis",
            ),
        ]
        indexes = [
            models.Index(fields=["district", "start"]),
            models.Index(fields=["status", "start"]),
            models.Index(fields=["venue", "start"]),
        ]

    def __str__(self):
        return f"{self.program.title} · {self.start:%Y-%m-%d}"

    def clean(self):
        errors = {}
        if self.start and self.end and self.end <= self.start:
            errors["end"] = _("The end must be after the start.")
        if self.program_id and self.district_id and self.program.district_id != self.district_id:
            errors["program"] = _("The program belongs to another district.")
        if self.venue_id and self.district_id and self.venue.district_id != self.district_id:
            errors["venue"] = _("The venue belongs to another district.")
        if (
            self.enrollment_opens_at
            and self.enrollment_closes_at
            and self.enrollment_closes_at <= self.enrollment_opens_at
        ):
            errors["enrollment_closes_at"] = _("Enrolment must close after it opens.")
        if self.start and self.enrollment_opens_at and self.enrollment_opens_at >= self.start:
            errors.setdefault(
                "enrollment_opens_at", _("Enrolment must open before the session starts.")
            )
        if self.end and self.enrollment_closes_at and self.enrollment_closes_at > self.end:
            errors.setdefault(
                "enrollment_closes_at", _("Enrolment must close by the end of the session.")
            )
        if errors:
            raise ValidationError(errors)


class Enrollment(models.Model):
    class Status(models.TextChoices):
        REQUESTED = "requested", _("Awaiting supervisor approval")
        APPROVED = "approved", _("Enrolled")
        WAITLISTED = "waitlisted", _("Waitlisted")
        REJECTED = "rejected", _("Rejected")
        CANCELLED = "cancelled", _("Cancelled")
        ATTENDED = "attended", _("Attended")
        PARTIAL = "partial", _("Partly attended")
        NO_SHOW = "no_show", _("Did not attend")
        COMPLETED = "completed", _("Completed")

    # Enrolments that still concern an upcoming session (conflict checks).
    ACTIVE = ("requested", "approved", "waitlisted")
    # Enrolments that take one of the session's seats.
    SEAT_HOLDING = ("requested", "approved", "attended", "partial", "no_show", "completed")
    # Enrolments that are closed and free the person to enrol again.
    ENDED = ("rejected", "cancelled")

    session = models.ForeignKey(
        TrainingSession,
        on_delete=models.PROTECT,
        related_name="enrollments",
        verbose_name=_("session"),
    )
    civil_servant = models.ForeignKey(
        CivilServant,
        on_delete=models.PROTECT,
        related_name="enrollments",
        verbose_name=_("civil servant"),
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    created_at = models.DateTimeField(_("enrolled at"), auto_now_add=True)
    waitlisted_at = models.DateTimeField(_("waitlisted at"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decision_note = models.TextField(_("decision note"), blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancel_reason = models.TextField(_("cancellation reason"), blank=True)
    enrolled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("enrolled by"),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "civil_servant"],
                condition=~Q(status__in=["rejected", "cancelled"]),
                name="one_open_enrollment_per_person_session",
            ),
            models.CheckConstraint(
                condition=~Q(status="waitlisted") | Q(waitlisted_at__isnull=False),
                name="waitlisted_has_time",
            ),
        ]
        indexes = [
            models.Index(fields=["session", "status"]),
            models.Index(fields=["civil_servant", "status"]),
        ]

    def __str__(self):
        return f"{self.civil_servant} → {self.session}"


class CompletionRecord(models.Model):
    civil_servant = models.ForeignKey(
        CivilServant,
        on_delete=models.PROTECT,
        related_name="completions",
        verbose_name=_("civil servant"),
    )
    program = models.ForeignKey(
        TrainingProgram,
        on_delete=models.PROTECT,
        related_name="completions",
        verbose_name=_("program"),
    )
    session = models.ForeignKey(
        TrainingSession,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="completions",
        verbose_name=_("session"),
    )
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="completions", verbose_name=_("district")
    )
    completion_date = models.DateField(_("completion date"))
    jp_credited = models.PositiveSmallIntegerField(_("JP credited"))
    score = models.DecimalField(
        _("score"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    passed = models.BooleanField(_("passed"))
    certificate_number = models.CharField(
        _("certificate number"), max_length=60, null=True, blank=True, unique=True
    )
    verification_code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # Snapshot of the participant on the day the certificate was issued.
    participant_name = models.CharField(_("participant name"), max_length=250, blank=True)
    participant_nip = models.CharField(_("participant NIP"), max_length=18, blank=True)
    participant_rank = models.CharField(_("participant rank"), max_length=60, blank=True)
    participant_position = models.CharField(_("participant position"), max_length=150, blank=True)
    issued_at = models.DateTimeField(_("issued at"), null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-completion_date"]
        verbose_name = _("completion record")
        verbose_name_plural = _("completion records")
        constraints = [
            models.UniqueConstraint(
                fields=["civil_servant", "session"],
                condition=Q(session__isnull=False),
                name="one_completion_per_person_session",
            ),
            models.CheckConstraint(
                condition=Q(jp_credited__gte=0), name="completion_jp_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__gte=0, score__lte=100),
                name="completion_score_range",
            ),
            models.CheckConstraint(
                condition=Q(certificate_number__isnull=True) | Q(passed=True),
                name="certificate_only_when_passed",
            ),
        ]
        indexes = [
            models.Index(fields=["civil_servant", "completion_date"]),
            models.Index(fields=["district", "completion_date"]),
        ]

    def __str__(self):
        return f"{self.civil_servant} · {self.program} · {self.completion_date}"


class CertificateSequence(models.Model):
    """The last certificate number issued per district and year (gap-free)."""

    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["district", "year"], name="certificate_seq_unique"),
        ]

    def __str__(self):
        return f"{self.district} {self.year}: {self.last_number}"


class AuditEntry(models.Model):
    class Action(models.TextChoices):
        CREATED = "created", _("created")
        UPDATED = "updated", _("changed")
        PUBLISHED = "published", _("published")
        RESCHEDULED = "rescheduled", _("rescheduled")
        CANCELLED = "cancelled", _("cancelled")
        WARNING_OVERRIDDEN = "warning_overridden", _("overrode a warning")
        ENROLLMENT_CHANGED = "enrollment_changed", _("changed an enrolment")
        ATTENDANCE_MARKED = "attendance_marked", _("marked attendance")
        COMPLETION_RECORDED = "completion_recorded", _("recorded completion")
        CERTIFICATE_ISSUED = "certificate_issued", _("issued a certificate")
        IMPORTED = "imported", _("imported")
        PASSWORD_RESET_SENT = "password_reset", _("sent a password reset link")

    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="+")
    session = models.ForeignKey(
        TrainingSession,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="audit_entries",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    action = models.CharField(max_length=20, choices=Action.choices)
    detail = models.TextField(blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.action}"


class Feedback(models.Model):
    """Kirkpatrick level 1: the participant's reaction after the session."""

    enrollment = models.OneToOneField(Enrollment, on_delete=models.CASCADE, related_name="feedback")
    rating_content = models.PositiveSmallIntegerField(_("content"))
    rating_instructor = models.PositiveSmallIntegerField(_("instructor"))
    rating_venue = models.PositiveSmallIntegerField(_("venue"))
    rating_usefulness = models.PositiveSmallIntegerField(_("usefulness"))
    comment = models.TextField(_("comment"), blank=True)
    submitted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")
        constraints = [
            models.CheckConstraint(
                condition=Q(rating_content__gte=1, rating_content__lte=5)
                & Q(rating_instructor__gte=1, rating_instructor__lte=5)
                & Q(rating_venue__gte=1, rating_venue__lte=5)
                & Q(rating_usefulness__gte=1, rating_usefulness__lte=5),
                name="feedback_ratings_1_to_5",
            ),
        ]

    def __str__(self):
        return f"{self.enrollment}"


class ConflictResolution(models.Model):
    """A person's statement that a conflict is handled (e.g. a colleague covers)."""

    enrollment = models.ForeignKey(
        Enrollment, on_delete=models.CASCADE, related_name="conflict_resolutions"
    )
    fingerprint = models.CharField(max_length=64)
    note = models.TextField(_("note"))
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    resolved_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["enrollment", "fingerprint"], name="conflict_resolution_unique"
            ),
        ]

    def __str__(self):
        return f"{self.enrollment} {self.fingerprint[:8]}"


class Reminder(models.Model):
    """A message to send exactly once: recorded before it is sent."""

    class Kind(models.TextChoices):
        CONFLICT = "conflict", _("Conflict")
        ESCALATION = "escalation", _("Escalation to supervisor")
        BEFORE_7_DAYS = "before_7d", _("7 days before")
        BEFORE_1_DAY = "before_1d", _("1 day before")
        # Notices: told once after a change (the fingerprint names the change).
        ENROLLED = "enrolled", _("Enrolment confirmation")
        PROMOTED = "promoted", _("Waitlist promotion")
        DECISION = "decision", _("Supervisor decision")
        UNENROLLED = "unenrolled", _("Enrolment cancellation")
        APPROVAL = "approval_ask", _("Approval request to supervisor")
        RESCHEDULED = "rescheduled", _("Session rescheduled")
        SESSION_CANCELLED = "sess_cancel", _("Session cancelled")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        SKIPPED = "skipped", _("No longer needed")

    enrollment = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    fingerprint = models.CharField(max_length=64, blank=True)
    recipient = models.ForeignKey(CivilServant, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    subject = models.CharField(max_length=255, blank=True)
    body = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["enrollment", "kind", "fingerprint"], name="reminder_once_per_key"
            ),
        ]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self):
        return f"{self.kind} {self.enrollment_id} {self.status}"


class Notification(models.Model):
    """An in-portal message shown in the person's notification list."""

    recipient = models.ForeignKey(
        CivilServant, on_delete=models.CASCADE, related_name="notifications"
    )
    reminder = models.OneToOneField(
        Reminder, on_delete=models.CASCADE, null=True, blank=True, related_name="notification"
    )
    title = models.CharField(max_length=255)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self):
        return self.title


class ImportJob(models.Model):
    """An HR upload of personnel or schedule rows: previewed, then committed."""

    class Kind(models.TextChoices):
        PERSONNEL = "personnel", _("Personnel")
        SCHEDULE = "schedule", _("Duty roster / schedule")

    class Status(models.TextChoices):
        UPLOADED = "uploaded", _("Uploaded")
        PREVIEWING = "previewing", _("Checking")
        PREVIEWED = "previewed", _("Ready to commit")
        COMMITTING = "committing", _("Committing")
        COMMITTED = "committed", _("Committed")
        FAILED = "failed", _("Failed")
        DISCARDED = "discarded", _("Discarded")
        EXPIRED = "expired", _("Expired")

    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    file = models.FileField(upload_to="imports/%Y/%m/")
    original_name = models.CharField(max_length=255)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.UPLOADED)
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    preview = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Moves with every status or progress change: a job that stops moving
    # while it should (a worker died) is failed by ``expire_import_jobs``.
    updated_at = models.DateTimeField(auto_now=True)
    committed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "updated_at"])]

    def __str__(self):
        return f"{self.kind} {self.original_name}"
