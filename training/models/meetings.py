"""Meetings (*pertemuan*): the dated parts of a session.

A session is what a person enrols in (one seat, one approval, one completion);
it meets once or several times. Each meeting has its own interval, its own
place (a venue, or online with a join link, or both when hybrid) and
optionally its own instructor. The session's ``start`` and ``end`` are kept
as the span of its meetings (``training.services.meetings.sync_span``).

Intervals are half-open ``[start, end)`` and stored in UTC like the session's.
``is_cancelled`` mirrors the session's cancellation, so the venue exclusion
constraint on PostgreSQL (which can only read this table) skips cancelled
meetings.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from .catalogue import Instructor, Venue
from .sessions import TrainingSession


class Meeting(models.Model):
    session = models.ForeignKey(
        TrainingSession,
        on_delete=models.CASCADE,
        related_name="meetings",
        verbose_name=_("session"),
    )
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    venue = models.ForeignKey(
        Venue,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meetings",
        verbose_name=_("venue"),
    )
    is_online = models.BooleanField(_("online"), default=False)
    join_link = models.URLField(_("join link"), blank=True)
    instructor = models.ForeignKey(
        Instructor,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meetings",
        verbose_name=_("instructor"),
    )
    is_cancelled = models.BooleanField(_("cancelled"), default=False, editable=False)

    class Meta:
        ordering = ["start", "pk"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=F("start")), name="meeting_end_after_start"),
        ]
        indexes = [
            models.Index(fields=["session", "start"], name="meeting_session_start"),
            models.Index(fields=["venue", "start"], name="meeting_venue_start"),
            models.Index(fields=["start"], name="meeting_start"),
        ]

    def __str__(self):
        return f"{self.session_id} · {self.start:%Y-%m-%d %H:%M}"

    @property
    def interval(self):
        return (self.start, self.end)

    def clean(self):
        errors = {}
        if self.start and self.end and self.end <= self.start:
            errors["end"] = _("The end must be after the start.")
        if self.venue_id and self.session_id and self.venue.district_id != self.session.district_id:
            errors["venue"] = _("The venue belongs to another district.")
        if errors:
            raise ValidationError(errors)
