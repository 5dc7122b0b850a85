"""Schemathesis fuzzes every API operation on the real app (WSGI, in process).

As an HR officer's token and as an ASN's token, each operation gets
``MAX_EXAMPLES`` generated requests (derandomised, so CI runs the same cases
every time). Every response must: not be a 500; match the schema (status code,
content type, body); and hold no data out of the caller's scope: no NIP of
district B for HR of A, no one else's NIP for the ASN. The number of cases run
is printed and written to ``test-artifacts/schemathesis.txt``.
"""

import json
import logging

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from tests import factories as f
from tests import pages as catalogue
from tests.conftest import ARTIFACTS
from tests.training.api_helpers import token_for, verified_claim

MAX_EXAMPLES = 10
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


def _fuzz(schema, *, token: str, forbidden: set[str]) -> tuple[int, list[str]]:
    ran, problems = 0, []
    headers = {"Authorization": f"Bearer {token}"}
    for result in schema.get_all_operations():
        operation = result.ok()

        @given(case=operation.as_strategy())
        @settings(
            max_examples=MAX_EXAMPLES,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def run(case):
            nonlocal ran
            ran += 1
            response = case.call(headers=headers)
            try:
                case.validate_response(response, checks=CHECKS, headers=headers)
            except Exception as exc:  # collect every operation's failures, not only the first
                problems.append(f"{case.operation.label}: {str(exc)[:400]}")
            leaked = {nip for nip in forbidden if nip in response.text}
            if leaked:
                problems.append(f"{case.operation.label}: out of scope {sorted(leaked)}")

        run()
    return ran, problems


@pytest.fixture
def quiet_request_log():
    """Thousands of 4xx answers are expected: keep django.request's warnings out of the log."""
    logger = logging.getLogger("django.request")
    level = logger.level
    logger.setLevel(logging.ERROR)
    yield
    logger.setLevel(level)


@pytest.fixture
def keep_the_test_connection():
    """Keep the test's database connection open across the in-process WSGI calls.

    The WSGI handler closes old connections at each request's start and end; inside the
    test's transaction that closes it on PostgreSQL. Django's test client disconnects
    the same handler, and so does this fixture.
    """
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.django_db
def test_schemathesis_as_hr_and_as_asn_finds_no_500_no_mismatch_no_leak(
    settings, quiet_request_log, keep_the_test_connection
):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"api": "100000/minute"},
    }
    from rest_framework.settings import api_settings

    api_settings.reload()
    world = catalogue.build_world()
    # A verified outside learning, so the export's outside_learning shape is exercised too.
    verified_claim(world.objects["person"], world.users[catalogue.HR_A].civil_servant)
    b = f.district("plaju")
    outsiders = {f.CivilServantFactory(district=b).nip for _ in range(3)}
    outsiders.add(world.users[catalogue.HR_B].civil_servant.nip)
    asn = world.objects["person"]
    # Everyone else's NIP, but their supervisor's (shown on their own record).
    others = set(
        type(asn).objects.exclude(pk__in=[asn.pk, asn.supervisor_id]).values_list("nip", flat=True)
    )
    schema = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())

    hr_runs, hr_problems = _fuzz(
        schema, token=token_for(world.users[catalogue.HR_A]), forbidden=outsiders
    )
    asn_runs, asn_problems = _fuzz(schema, token=token_for(asn.user), forbidden=others)
    operations = sum(1 for _ in schema.get_all_operations())
    summary = (
        f"schemathesis: {operations} operations, max_examples={MAX_EXAMPLES}; "
        f"{hr_runs} cases as HR, {asn_runs} as ASN"
    )
    print(summary)
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "schemathesis.txt").write_text(
        summary + "\n" + json.dumps(hr_problems + asn_problems, indent=1) + "\n"
    )
    assert hr_problems == []
    assert asn_problems == []
    assert hr_runs >= operations and asn_runs >= operations
    api_settings.reload()
