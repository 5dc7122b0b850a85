"""The API's scoping matrix: every route × anonymous, ASN, supervisor, HR of A, HR of B, admin.

The routes are found by walking the URL resolver (``tests/pages.py``), so a new
API route fails ``test_every_api_route_is_in_the_matrix`` until it is listed
here with who may use it. The world is the page catalogue's: district A holds
everything, HR of district B is the outsider.
"""

import itertools

import pytest

from tests import factories as f
from tests import pages as catalogue
from tests.pages import ADMIN, ANONYMOUS, ASN, HR_A, HR_B, ROLES, SUPERVISOR
from tests.training.api_helpers import client_with, person_row, token_for

EVERYONE = (ASN, SUPERVISOR, HR_A, HR_B, ADMIN)
HR_OF_A = (HR_A, ADMIN)
PERSON_OF_A = (ASN, SUPERVISOR, HR_A, ADMIN)  # the ASN's own objects: self, boss, HR, admin


def _bulk(world):
    return {"district": "mulyorejo", "dry_run": True, "rows": [person_row(1, unit="X")]}


def _roster(world):
    row = {"external_id": "R-1", "nip": world.objects["person"].nip, "kind": "Shift dinas"}
    row.update({"start": "2030-01-07T07:00", "end": "2030-01-07T14:00"})
    return {"district": "mulyorejo", "dry_run": True, "rows": [row]}


def _enrol(world):
    return {"session": world.objects["session"].pk, "civil_servant": world.objects["person"].pk}


_codes = itertools.count(1)


def _program(world):
    code = f"API-{next(_codes)}"  # a new code each call: the code is unique in the district
    return {
        "district": "mulyorejo",
        "code": code,
        "title": "Pelatihan dari API",
        "competency_kind": "teknis",
        "form": "klasikal",
        "method": "workshop",
        "jp_credited": 8,
    }


def _session(world):
    day = f.next_working_day(f.session_day(), days=15)
    meeting = {
        "start": f.at(day, 8).isoformat(),
        "end": f.at(day, 12).isoformat(),
        "venue": world.objects["venue"].pk,
    }
    return {
        "program": world.objects["program"].pk,
        "capacity": 5,
        "meetings": [meeting],
        "override_reason": "uji",
    }


def _session_path(suffix=""):
    return lambda w: f"/api/v1/sessions/{w.objects['session'].pk}/{suffix}"


# name → [(method, path(world), body(world) or None, roles that may use it)]
ROUTES = {
    "api:schema": [("get", lambda w: "/api/schema/", None, (*EVERYONE, ANONYMOUS))],
    "api:docs": [("get", lambda w: "/api/docs/", None, (*EVERYONE, ANONYMOUS))],
    "api:district-list": [("get", lambda w: "/api/v1/districts/", None, EVERYONE)],
    "api:district-detail": [
        ("get", lambda w: f"/api/v1/districts/{w.objects['session'].district_id}/", None, HR_OF_A)
    ],
    "api:work-unit-list": [("get", lambda w: "/api/v1/work-units/", None, EVERYONE)],
    "api:work-unit-detail": [
        ("get", lambda w: f"/api/v1/work-units/{w.objects['person'].work_unit_id}/", None, HR_OF_A)
    ],
    "api:person-list": [("get", lambda w: "/api/v1/people/", None, EVERYONE)],
    "api:person-detail": [
        ("get", lambda w: f"/api/v1/people/{w.objects['person'].pk}/", None, PERSON_OF_A)
    ],
    "api:person-conflicts": [
        ("get", lambda w: f"/api/v1/people/{w.objects['person'].pk}/conflicts/", None, PERSON_OF_A)
    ],
    "api:person-bulk": [("post", lambda w: "/api/v1/people/bulk/", _bulk, HR_OF_A)],
    "api:schedule-entry-list": [("get", lambda w: "/api/v1/schedule-entries/", None, EVERYONE)],
    "api:schedule-entry-detail": [
        (
            "get",
            lambda w: f"/api/v1/schedule-entries/{w.objects['schedule_entry'].pk}/",
            None,
            PERSON_OF_A,
        )
    ],
    "api:schedule-entry-bulk": [
        (
            "post",
            lambda w: "/api/v1/schedule-entries/bulk/",
            _roster,
            HR_OF_A,
        )
    ],
    "api:program-list": [
        ("get", lambda w: "/api/v1/programs/", None, EVERYONE),
        ("post", lambda w: "/api/v1/programs/", _program, HR_OF_A),
    ],
    "api:program-detail": [
        ("get", lambda w: f"/api/v1/programs/{w.objects['program'].pk}/", None, HR_OF_A),
        (
            "patch",
            lambda w: f"/api/v1/programs/{w.objects['program'].pk}/",
            lambda w: {"title": w.objects["program"].title},
            HR_OF_A,
        ),
        # The world's program has sessions: deactivated (200), never deleted.
        ("delete", lambda w: f"/api/v1/programs/{w.objects['program'].pk}/", None, HR_OF_A),
    ],
    "api:session-list": [
        ("get", lambda w: "/api/v1/sessions/", None, EVERYONE),
        ("post", lambda w: "/api/v1/sessions/", _session, HR_OF_A),
    ],
    "api:session-detail": [
        ("get", _session_path(), None, PERSON_OF_A),  # open to the people of A too
        (
            "patch",
            _session_path(),
            lambda w: {"capacity": w.objects["session"].capacity, "override_reason": "uji"},
            HR_OF_A,
        ),
    ],
    "api:session-publish": [("post", _session_path("publish/"), lambda w: {}, HR_OF_A)],
    "api:session-cancel": [
        ("post", _session_path("cancel/"), lambda w: {"reason": "uji"}, HR_OF_A)
    ],
    "api:session-conflicts": [
        ("get", lambda w: f"/api/v1/sessions/{w.objects['session'].pk}/conflicts/", None, HR_OF_A)
    ],
    "api:session-meetings": [("get", _session_path("meetings/"), None, PERSON_OF_A)],
    "api:enrolment-list": [
        ("get", lambda w: "/api/v1/enrolments/", None, EVERYONE),
        # HR enrols the ASN; the ASN enrols themself; the supervisor may not.
        ("post", lambda w: "/api/v1/enrolments/", _enrol, (ASN, HR_A, ADMIN)),
    ],
    "api:enrolment-detail": [
        ("get", lambda w: f"/api/v1/enrolments/{w.objects['enrollment'].pk}/", None, PERSON_OF_A)
    ],
    "api:enrolment-cancel": [
        (
            "post",
            lambda w: f"/api/v1/enrolments/{w.objects['enrollment'].pk}/cancel/",
            lambda w: {"reason": "uji"},
            (ASN, HR_A, ADMIN),
        )
    ],
    "api:completion-list": [("get", lambda w: "/api/v1/completion-records/", None, EVERYONE)],
    "api:completion-detail": [
        (
            "get",
            lambda w: f"/api/v1/completion-records/{w.objects['certificate'].pk}/",
            None,
            PERSON_OF_A,
        )
    ],
}

# Each list's model, to check every row it returns is within the caller's scope.
LIST_MODELS = {
    "/api/v1/districts/": "districts.District",
    "/api/v1/work-units/": "districts.WorkUnit",
    "/api/v1/people/": "districts.CivilServant",
    "/api/v1/schedule-entries/": "districts.ScheduleEntry",
    "/api/v1/programs/": "training.TrainingProgram",
    "/api/v1/sessions/": "training.TrainingSession",
    "/api/v1/enrolments/": "training.Enrollment",
    "/api/v1/completion-records/": "training.CompletionRecord",
}


def api_patterns() -> set[str]:
    return {item.name for item in catalogue.patterns() if item.name.startswith("api:")}


def test_every_api_route_is_in_the_matrix():
    assert api_patterns() == set(ROUTES), (
        "list each new API route in ROUTES with the roles that may use it"
    )


def _in_scope(user, model_label: str, ids: list[int]) -> bool:
    from django.apps import apps

    from districts.scoping import scope_for

    model = apps.get_model(model_label)
    visible = set(scope_for(user).filter(model.objects.all()).values_list("pk", flat=True))
    person = getattr(user, "civil_servant", None)
    if model_label == "training.TrainingSession" and person is not None:
        # A civil servant also sees the sessions open to them, as in the catalogue, and
        # those they are enrolled in.
        from training.services.selectors import sessions_open_to

        visible |= set(sessions_open_to(person).values_list("pk", flat=True))
        visible |= set(person.enrollments.values_list("session_id", flat=True))
    return set(ids) <= visible


@pytest.mark.django_db
def test_api_scoping_matrix_every_route_every_role():
    world = catalogue.build_world()
    tokens = {role: token_for(user) if user else None for role, user in world.users.items()}
    wrong, checked = [], 0
    # Writes last, the cancel after every read (it changes the enrolment).
    for name in sorted(ROUTES, key=lambda key: (ROUTES[key][0][0] == "post", key)):
        for method, path_of, body_of, allowed in ROUTES[name]:
            path = path_of(world)
            for role in ROLES:
                client = client_with(tokens[role])
                kwargs = {"format": "json"} if body_of else {}
                data = body_of(world) if body_of else None
                response = getattr(client, method)(path, data, **kwargs)
                status = response.status_code
                checked += 1
                if role in allowed:
                    ok = status in (200, 201, 422)
                    if ok and method == "get" and path in LIST_MODELS:
                        ids = [row["id"] for row in response.json()["results"]]
                        user = world.users[role]
                        # HR of B, above all, never gets a row of district A.
                        ok = _in_scope(user, LIST_MODELS[path], ids)
                elif role == ANONYMOUS:
                    ok = status == 401
                else:
                    ok = status == 404
                if not ok:
                    wrong.append(f"{method.upper()} {path} as {role}: {status}")
    assert wrong == []
    assert checked == sum(len(items) for items in ROUTES.values()) * len(ROLES)
