"""Evaluation beyond the feedback form: level 2 (test scores) and level 3 (behaviour).

Level 1 is :class:`~training.models.enrolment.Feedback`.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from districts.models import CivilServant

from .enrolment import Enrollment
from .records import CompletionRecord

SCORE = [MinValueValidator(0), MaxValueValidator(100)]
RATING = [MinValueValidator(1), MaxValueValidator(5)]


class LearningScore(models.Model):
    """Kirkpatrick level 2: a participant's pre-test and post-test score (0–100)."""

    enrollment = models.OneToOneField(
        Enrollment, on_delete=models.CASCADE, related_name="learning_score"
    )
    pre_score = models.DecimalField(
        _("pre-test"), max_digits=5, decimal_places=2, null=True, blank=True, validators=SCORE
    )
    post_score = models.DecimalField(
        _("post-test"), max_digits=5, decimal_places=2, null=True, blank=True, validators=SCORE
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    entered_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("test score")
        verbose_name_plural = _("test scores")
        constraints = [
            models.CheckConstraint(
                condition=(Q(pre_score__isnull=True) | Q(pre_score__gte=0, pre_score__lte=100))
                & (Q(post_score__isnull=True) | Q(post_score__gte=0, post_score__lte=100)),
                name="learning_scores_0_to_100",
            ),
        ]

    def __str__(self):
        return f"{self.enrollment}: {self.pre_score} → {self.post_score}"

    @property
    def gain(self):
        if self.pre_score is None or self.post_score is None:
            return None
        return self.post_score - self.pre_score


class BehaviourEvaluation(models.Model):
    """Kirkpatrick level 3: the supervisor's rating, some months on, of what the person applies.

    One per completion (the unique key makes the request go out once). The
    rater is the person's supervisor when it was asked; none means HR answers.
    """

    completion = models.OneToOneField(
        CompletionRecord, on_delete=models.CASCADE, related_name="behaviour_evaluation"
    )
    enrollment = models.ForeignKey(
        Enrollment, on_delete=models.CASCADE, related_name="behaviour_evaluations"
    )
    rater = models.ForeignKey(
        CivilServant,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("rater"),
    )
    requested_at = models.DateTimeField(_("requested at"))
    reminded_at = models.DateTimeField(_("reminded at"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    applies = models.PositiveSmallIntegerField(
        _("applies what was learned at work"), null=True, blank=True, validators=RATING
    )
    improved = models.PositiveSmallIntegerField(
        _("work improved since the training"), null=True, blank=True, validators=RATING
    )
    shares = models.PositiveSmallIntegerField(
        _("shares it with colleagues"), null=True, blank=True, validators=RATING
    )
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        ordering = ["-requested_at"]
        verbose_name = _("behaviour evaluation")
        verbose_name_plural = _("behaviour evaluations")
        constraints = [
            models.CheckConstraint(
                condition=Q(answered_at__isnull=True)
                | Q(applies__gte=1, applies__lte=5, improved__gte=1, improved__lte=5)
                & Q(shares__gte=1, shares__lte=5),
                name="behaviour_answer_complete",
            ),
        ]
        indexes = [models.Index(fields=["rater", "answered_at"])]

    def __str__(self):
        return f"L3 {self.completion}"

    @property
    def mean(self):
        if self.answered_at is None:
            return None
        return round((self.applies + self.improved + self.shares) / 3, 1)
