"""Schemathesis against the live OpenAPI document of `paybench serve`: generated requests
for every operation; no 5xx, every status documented, every response body valid against
its schema. The number of examples per operation is bounded to keep the run short."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from test_api import Server, served

EXAMPLES = 12
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory, reference_db: Path) -> Iterator[Server]:
    folder = tmp_path_factory.mktemp("schema")
    with served(reference_db, folder, "schema", PAYBENCH_SUBMISSION_BURST="5") as srv:
        yield srv


def test_api_conforms_to_its_schema(live: Server) -> None:
    """Every operation (the estimator's included), up to EXAMPLES generated requests each
    (deterministic)."""
    from hypothesis import given

    schema = schemathesis.openapi.from_url(f"{live.url}/api/v1/openapi.json")
    failures: list[str] = []
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1

        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck))
        def run(case: schemathesis.Case) -> None:
            case.call_and_validate(base_url=live.url, checks=CHECKS, timeout=300)

        try:
            run()
        except Exception as exc:
            failures.append(f"{operation.method.upper()} {operation.path}: {exc}"[:1500])
    assert operations >= 20
    assert not failures, "\n\n".join(failures)


def test_openapi_document_is_served_without_cdn(live: Server) -> None:
    import httpx

    spec = httpx.get(f"{live.url}/api/v1/openapi.json").json()
    assert spec["info"]["title"] == "paybench API"
    assert "/api/v1/cells" in spec["paths"] and "/api/v1/submissions" in spec["paths"]
    assert "/api/v1/employers" in spec["paths"]  # `paybench employers`, as every command with a route
    for path in ("/docs", "/redoc", "/api/v1/docs"):
        assert httpx.get(f"{live.url}{path}").status_code == 404
    page = httpx.get(f"{live.url}/").text
    assert "http://" not in page.replace("http://www.w3.org", "") and "https://" not in page
