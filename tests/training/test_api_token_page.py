"""The API token page: create (the secret shown once), service accounts, revoke."""

import pytest
from django.urls import reverse

from districts.scoping import scope_for
from tests import factories as f
from tests.training.api_helpers import client_with
from training.models import ApiToken, AuditEntry

pytestmark = pytest.mark.django_db
PAGE = "/kepegawaian/token-api/"


def _secret(response) -> str:
    return response.context["secret"]


def test_hr_creates_a_token_shown_once_then_revokes_it(client):
    officer = f.hr_officer(f.district("mulyorejo"))
    client.force_login(officer.user)
    response = client.post(PAGE, {"name": "SIMPEG", "scope": "read", "lifetime": 30})
    assert response.status_code == 200
    secret = _secret(response)
    assert secret.startswith("asn_") and secret in response.content.decode()
    assert response["Cache-Control"].startswith("max-age=0")
    again = client.get(PAGE)
    assert secret not in again.content.decode()
    assert "SIMPEG" in again.content.decode()
    assert client_with(secret).get("/api/v1/people/").status_code == 200

    token = ApiToken.objects.get()
    assert token.scope == "read" and token.user == officer.user and token.district is None
    client.post(reverse("training:hr-token-revoke", args=[token.pk]))
    assert ApiToken.objects.get().revoked_at is not None
    assert client_with(secret).get("/api/v1/people/").status_code == 401
    assert AuditEntry.objects.filter(action=AuditEntry.Action.API_TOKEN).count() == 2


def test_hr_cannot_make_service_accounts_nor_revoke_anothers_token(client):
    officer, other = f.hr_officer(f.district("mulyorejo")), f.hr_officer(f.district("plaju"))
    client.force_login(other.user)
    client.post(PAGE, {"name": "Roster", "scope": "write", "lifetime": 90})
    theirs = ApiToken.objects.get()
    client.force_login(officer.user)
    form = client.get(PAGE).context["form"]
    assert "district" not in form.fields
    response = client.post(reverse("training:hr-token-revoke", args=[theirs.pk]))
    assert response.status_code == 404
    assert ApiToken.objects.get().revoked_at is None


def test_an_asn_has_no_token_page(client):
    client.force_login(f.CivilServantFactory().user)
    assert client.get(PAGE).status_code == 404


def test_admin_creates_a_service_account_token_for_one_district(client, admin_user):
    plaju = f.district("plaju")
    f.district("mulyorejo")
    client.force_login(admin_user)
    response = client.post(
        PAGE, {"name": "SIMPEG Plaju", "scope": "write", "lifetime": 365, "district": plaju.pk}
    )
    secret = _secret(response)
    token = ApiToken.objects.get()
    assert token.district == plaju and token.user != admin_user
    assert not token.user.has_usable_password()
    scope = scope_for(token.user)
    assert scope.hr_district_ids == {plaju.pk} and not scope.is_admin
    names = {row["slug"] for row in client_with(secret).get("/api/v1/districts/").json()["results"]}
    assert names == {"plaju"}
