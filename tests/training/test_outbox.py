"""The outbox's registry: kinds register next to their features, and nothing else is sent."""

import pytest
from django.utils import translation

from tests.factories import EnrollmentFactory
from training.messages import outbox
from training.models import Reminder

KINDS = {
    # training.services.reminder_notices
    "conflict",
    "clash_again",
    "escalation",
    "before_7d",
    "before_1d",
    # training.services.enrollment_notices
    "enrolled",
    "promoted",
    "decision",
    "unenrolled",
    "approval_ask",
    # training.services.session_notices
    "rescheduled",
    "sess_cancel",
    # training.services.invitations
    "invited",
    # training.services.learning
    "ol_submitted",
    "ol_verified",
    "ol_returned",
    # training.services.evaluation
    "l3_request",
    "l3_remind",
}


def test_every_kind_is_registered_at_start_up_by_its_feature():
    kinds = outbox.kinds()

    assert set(kinds) == KINDS
    assert kinds["enrolled"].compose.__module__ == "training.services.enrollment_notices"
    assert kinds["conflict"].prepare is kinds["escalation"].prepare is not None


@pytest.mark.django_db
def test_record_unknown_kind_is_refused_and_writes_nothing():
    enrollment = EnrollmentFactory()
    row = Reminder(enrollment=enrollment, kind="no_such", recipient=enrollment.civil_servant)

    with pytest.raises(ValueError, match="no_such"):
        outbox.record([row])

    assert Reminder.objects.count() == 0


def test_kind_name_taken_by_another_composer_is_refused():
    def compose_something_else(row, *, now, prepared):
        return None

    with pytest.raises(ValueError, match="already registered"):
        outbox.kind("enrolled", label="x")(compose_something_else)

    assert outbox.kinds()["enrolled"].compose.__name__ == "compose_enrollment_notice"


def test_kind_name_longer_than_the_column_is_refused():
    with pytest.raises(ValueError, match="longer than 12"):
        outbox.kind("a_kind_too_long", label="x")


def test_label_of_a_registered_kind_and_of_an_unknown_one():
    with translation.override("en"):
        assert outbox.label("before_1d") == "1 day before"
    assert outbox.label("gone_kind") == "gone_kind"
