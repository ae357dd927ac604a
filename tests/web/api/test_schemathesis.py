"""Schemathesis against the live OpenAPI document: no 500, answers match their schemas, errors are problems.

A few generated examples per operation keep the run short; the marketplace has a buyer, a seller, an
order and a dispute, so some generated calls reach real objects.
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from api_helpers import make_api
from flask import Flask
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import checks

EXAMPLES = 8  # per operation: enough to find a 500, short enough for the test command
CHECKS = [checks.not_a_server_error, checks.response_schema_conformance, checks.content_type_conformance]


@pytest.fixture
def api_schema(app: Flask, client: Any, db_session: Any) -> Any:
    """The app's own document, loaded from the running app, with a marketplace to call it as."""
    api = make_api(client, "Generated")
    endpoint = api.post("/webhook-endpoints", {"url": "http://127.0.0.1:9/refused"}).json
    api.people_and_order()
    dispute = api.open_dispute()
    delivery = api.get(f"/webhook-endpoints/{endpoint['id']}/deliveries").json["items"][0]
    app.config["SCHEMATHESIS_OBJECTS"] = {
        "external_id": "o-1",
        "dispute_id": dispute["id"],
        "refund_id": 1,
        "endpoint_id": endpoint["id"],
        "delivery_id": delivery["id"],
    }
    app.config["API_RATE_LIMIT"] = 0
    app.config["SCHEMATHESIS_TOKEN"] = api.token
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)


def test_the_api_answers_as_its_document_says(api_schema: Any, app: Flask) -> None:
    headers = {"Authorization": f"Bearer {app.config['SCHEMATHESIS_TOKEN']}"}
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 9
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            derandomize=True,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
            database=None,
        )
        def answers_as_documented(case: Any) -> None:
            case.call_and_validate(headers=headers, checks=CHECKS)
            if case.path_parameters:
                # Again on the marketplace's real objects, so bodies reach the services too.
                known = app.config["SCHEMATHESIS_OBJECTS"]
                case.path_parameters = {name: known[name] for name in case.path_parameters}
                case.call_and_validate(headers=headers, checks=CHECKS)

        answers_as_documented()
