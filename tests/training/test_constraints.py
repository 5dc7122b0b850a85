"""Each database constraint of the training models rejects what it should (both databases)."""

import datetime
import uuid

import pytest
from django.db import IntegrityError, transaction

from tests.factories import (
    CivilServantFactory,
    CompletionRecordFactory,
    EnrollmentFactory,
    ProgramFactory,
    SessionFactory,
    VenueFactory,
    WorkUnitFactory,
    local,
)
from training.models import Feedback, TrainingSession

# Fixed dates (7 December 2026 and around it): the clock is pinned a week before.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pinned_clock")]


def refused(build):
    with pytest.raises(IntegrityError), transaction.atomic():
        build()


START = local(2026, 12, 7, 8)


@pytest.mark.parametrize(
    ("name", "build"),
    [
        ("session_end_after_start", lambda: SessionFactory(start=START, end=START)),
        ("session_capacity_positive", lambda: SessionFactory(capacity=0)),
        (
            "session_enrolment_window_ordered",
            lambda: SessionFactory(enrollment_opens_at=START, enrollment_closes_at=START),
        ),
        (
            "session_cost_not_negative",
            lambda: SessionFactory(cost_amount=-1, cost_basis="total"),
        ),
        ("session_cost_has_basis", lambda: SessionFactory(cost_amount=1000, cost_basis="")),
        ("program_jp_not_negative", lambda: ProgramFactory(jp_credited=-1)),
        ("completion_jp_not_negative", lambda: CompletionRecordFactory(jp_credited=-1)),
        ("completion_score_range", lambda: CompletionRecordFactory(score=101)),
        (
            "certificate_only_when_passed",
            lambda: CompletionRecordFactory(passed=False, certificate_number="001/X/2026"),
        ),
        (
            "waitlisted_has_time",
            lambda: EnrollmentFactory(status="waitlisted", waitlisted_at=None),
        ),
    ],
)
def test_check_constraint_refuses(name, build):
    with pytest.raises(IntegrityError) as refusal, transaction.atomic():
        build()

    # Both databases name the check that failed: it must be this one, not another.
    assert name in str(refusal.value)


def test_one_open_enrollment_per_person_and_session():
    first = EnrollmentFactory()

    refused(lambda: EnrollmentFactory(session=first.session, civil_servant=first.civil_servant))


def test_a_cancelled_enrollment_frees_the_person_to_enrol_again():
    first = EnrollmentFactory(status="cancelled")

    again = EnrollmentFactory(session=first.session, civil_servant=first.civil_servant)

    assert again.status == "approved"


def test_one_completion_per_person_and_session():
    session = SessionFactory()
    record = CompletionRecordFactory(session=session, program=session.program)

    refused(
        lambda: CompletionRecordFactory(
            session=session, program=session.program, civil_servant=record.civil_servant
        )
    )


def test_certificate_numbers_are_unique():
    CompletionRecordFactory(certificate_number="001/BKPSDM/2026")

    refused(lambda: CompletionRecordFactory(certificate_number="001/BKPSDM/2026"))


def test_venue_names_are_unique_per_district():
    VenueFactory(name="Aula Kecamatan")

    refused(lambda: VenueFactory(name="Aula Kecamatan"))


def test_program_codes_are_unique_per_district():
    ProgramFactory(code="EGOV")

    refused(lambda: ProgramFactory(code="EGOV"))


@pytest.mark.parametrize(
    "field", ["rating_content", "rating_instructor", "rating_venue", "rating_usefulness"]
)
@pytest.mark.parametrize("value", [0, 6])
def test_feedback_ratings_stay_between_1_and_5(field, value):
    enrollment = EnrollmentFactory(status="attended")
    ratings = {
        "rating_content": 3,
        "rating_instructor": 3,
        "rating_venue": 3,
        "rating_usefulness": 3,
        field: value,
    }

    refused(lambda: Feedback.objects.create(enrollment=enrollment, **ratings))


def test_work_unit_cannot_be_its_own_parent():
    unit = WorkUnitFactory()
    unit.parent_id = unit.pk

    refused(lambda: unit.save())


def test_regional_holidays_are_unique_per_district():
    from districts.models import Holiday
    from tests.factories import district

    Holiday.objects.create(
        date=datetime.date(2026, 4, 1),
        name="Hari Jadi",
        kind="regional",
        district=district("plaju"),
    )
    Holiday.objects.create(
        date=datetime.date(2026, 4, 1),
        name="Hari Jadi",
        kind="regional",
        district=district("mulyorejo"),
    )

    refused(
        lambda: Holiday.objects.create(
            date=datetime.date(2026, 4, 1),
            name="Hari Jadi",
            kind="regional",
            district=district("plaju"),
        )
    )


def test_verification_codes_are_unique():
    code = uuid.uuid4()
    CompletionRecordFactory(verification_code=code)

    refused(
        lambda: CompletionRecordFactory(verification_code=code, civil_servant=CivilServantFactory())
    )


def test_session_model_clean_names_the_field_for_a_bad_window():
    from django.core.exceptions import ValidationError

    session = SessionFactory.build(
        enrollment_opens_at=START - datetime.timedelta(days=2),
        enrollment_closes_at=START - datetime.timedelta(days=3),
        program=ProgramFactory(),
        venue=VenueFactory(),
    )
    session.district = session.program.district

    with pytest.raises(ValidationError) as caught:
        session.clean()

    assert list(caught.value.message_dict) == ["enrollment_closes_at"]
    assert TrainingSession.objects.count() == 0


def test_session_clean_keeps_the_enrolment_window_within_the_session():
    from django.core.exceptions import ValidationError

    session = SessionFactory.build(
        program=ProgramFactory(),
        venue=VenueFactory(),
        enrollment_opens_at=START + datetime.timedelta(hours=1),
        enrollment_closes_at=START + datetime.timedelta(days=1),
    )
    session.district = session.program.district

    with pytest.raises(ValidationError) as caught:
        session.clean()

    assert caught.value.message_dict == {
        "enrollment_opens_at": ["Pendaftaran harus dibuka sebelum sesi dimulai."],
        "enrollment_closes_at": ["Pendaftaran harus ditutup paling lambat saat sesi berakhir."],
    }
