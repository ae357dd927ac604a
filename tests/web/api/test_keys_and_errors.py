"""Who may call: API keys, scopes, revocation, the rate limit; and every error a problem document."""

from __future__ import annotations

from api_helpers import Api, make_api
from flask import Flask
from flask.testing import FlaskClient

from webapp.core.clock import real_now
from webapp.core.extensions import db
from webapp.marketplaces.keys import revoke


def test_no_key_or_a_wrong_key_is_401_as_a_problem(client: FlaskClient, api: Api):
    missing = client.get("/api/v1/disputes")
    assert missing.status_code == 401 and missing.mimetype == "application/problem+json"
    assert missing.headers["WWW-Authenticate"].startswith("Bearer")
    wrong = client.get("/api/v1/disputes", headers={"Authorization": "Bearer dk_0000_nope"})
    assert wrong.status_code == 401


def test_a_key_without_the_scope_is_403(client: FlaskClient, db_session):
    reader = make_api(client, "Reader", scopes=("disputes:read",))
    assert reader.get("/disputes").status_code == 200
    refused = reader.put("/users/x", {"role": "buyer", "name": "X", "email": "x@shop.example"})
    assert refused.status_code == 403 and refused.json["type"].endswith("missing-scope")


def test_a_revoked_key_fails_from_the_next_request_on(api: Api):
    assert api.get("/disputes").status_code == 200
    revoke(api.token.split("_")[1], real_now())
    db.session.commit()
    assert api.get("/disputes").status_code == 401


def test_more_requests_a_minute_than_the_limit_get_429_with_retry_after(app: Flask, api: Api):
    app.config["API_RATE_LIMIT"] = 3
    answers = [api.get("/disputes").status_code for _ in range(4)]
    assert answers == [200, 200, 200, 429]
    limited = api.get("/disputes")
    assert limited.mimetype == "application/problem+json" and int(limited.headers["Retry-After"]) > 0


def test_unknown_api_paths_are_problems_and_pages_keep_their_error_page(client: FlaskClient, api: Api):
    unknown = api.get("/nothing-here")
    assert unknown.status_code == 404 and unknown.mimetype == "application/problem+json"
    wrong_method = client.delete("/api/v1/disputes", headers=api.headers())
    assert wrong_method.status_code == 405 and wrong_method.json["status"] == 405
    garbled = client.post(
        "/api/v1/disputes", data="{not json", content_type="application/json", headers=api.headers()
    )
    assert garbled.status_code == 400 and "JSON" in garbled.json["detail"]
    page = client.get("/no-such-page")
    assert page.status_code == 404 and page.mimetype == "text/html"


def test_the_openapi_document_and_its_page_are_served_without_scripts(client: FlaskClient):
    spec = client.get("/api/v1/openapi.json").json
    assert spec["openapi"].startswith("3.1") and "/api/v1/refunds/{refund_id}/paid" in spec["paths"]
    post = spec["paths"]["/api/v1/disputes"]["post"]
    assert any(p["name"] == "Idempotency-Key" for p in post["parameters"])
    assert "application/problem+json" in post["responses"]["409"]["content"]
    page = client.get("/api/v1/docs")
    assert page.status_code == 200 and b"POST /api/v1/disputes" in page.data and b"<script" not in page.data


def test_requests_naming_a_key_without_its_secret_do_not_use_up_its_allowance(app: Flask, api: Api):
    app.config["API_RATE_LIMIT"] = 3
    key_id = api.token.split("_")[1]
    forged = {"Authorization": f"Bearer dk_{key_id}_not-the-secret"}
    assert [api.client.get("/api/v1/disputes", headers=forged).status_code for _ in range(5)] == [401] * 5
    assert [api.get("/disputes").status_code for _ in range(4)] == [200, 200, 200, 429]
