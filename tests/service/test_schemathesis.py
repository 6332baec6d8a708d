"""Property-based API tests: schemathesis generates requests from the published OpenAPI schema
(valid and invalid ones), and no answer may be a server error."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import httpx
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from sanctionwatch.access.roles import Role
from sanctionwatch.api.settings import ServiceSettings
from sanctionwatch.service import create_service
from tests.service.conftest import Service


def _published_schema() -> dict[str, object]:
    """The schema the service publishes (the app's own, built without a server or lists)."""
    scratch = Path(tempfile.mkdtemp(prefix="sw-schema-"))
    app = create_service(ServiceSettings(database="sqlite://", secret="schema-only", jobs_dir=scratch))
    return app.openapi()


PUBLISHED = _published_schema()
# Revoking keys at random would lock the other tests out, and an internal list uploaded at random
# would change the lists they screen against: those endpoints are tested by hand.
schema = (
    schemathesis.openapi.from_dict(PUBLISHED)
    .exclude(method="DELETE", path_regex="^/admin/keys")
    .exclude(method="POST", path_regex="^/admin/lists")
)


def test_the_served_schema_is_the_one_tested(service: Service) -> None:
    served = httpx.get(
        f"{service.url}/openapi.json", headers={"Authorization": f"ApiKey {service.keys[Role.VIEWER]}"}
    )
    assert served.json() == PUBLISHED


@schema.parametrize()
@settings(
    max_examples=int(os.environ.get("SANCTIONWATCH_API_EXAMPLES", "30")),
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_no_server_error_for_any_generated_request(case: schemathesis.Case, service: Service) -> None:
    response = case.call(
        base_url=service.url, headers={"Authorization": f"ApiKey {service.keys[Role.ADMIN]}"}
    )
    case.validate_response(response, checks=[not_a_server_error])
