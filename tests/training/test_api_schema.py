"""The OpenAPI document: committed, in step with the code, valid; the docs page is served."""

from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.core.management import call_command
from openapi_spec_validator import validate

COMMITTED = Path(settings.BASE_DIR) / "docs" / "openapi.yaml"


def test_the_committed_schema_is_in_step_with_the_code(tmp_path):
    fresh = tmp_path / "openapi.yaml"
    call_command("spectacular", "--lang", "en", "--file", str(fresh), "--fail-on-warn")
    assert fresh.read_text() == COMMITTED.read_text(), (
        "docs/openapi.yaml is out of date: run `make openapi` and commit it"
    )


def test_the_schema_validates_with_openapi_spec_validator():
    document = yaml.safe_load(COMMITTED.read_text())
    assert document["openapi"].startswith("3.1")
    validate(document)  # raises on any error


def test_every_route_is_versioned_and_documented():
    document = yaml.safe_load(COMMITTED.read_text())
    assert document["paths"]
    assert all(path.startswith("/api/v1/") for path in document["paths"])
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            assert {"401", "404"} <= set(operation["responses"]), f"{method} {path}"


@pytest.mark.django_db
def test_schema_and_docs_are_served_without_a_cdn(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    page = docs.content.decode()
    assert "swagger-ui" in page
    assert "//cdn" not in page and "unpkg" not in page and "jsdelivr" not in page
    assert "script-src 'self'" in docs["Content-Security-Policy"]
