"""The htmx helpers and how error pages reach htmx requests."""

from __future__ import annotations

import json
from typing import Any

import pytest
from flask import Flask, abort

from webapp.core import htmx

FRAGMENT = {"HX-Request": "true"}
BOOSTED = {"HX-Request": "true", "HX-Boosted": "true"}


@pytest.fixture
def probe_app(app: Flask, tmp_path: Any) -> Flask:
    """The app plus a few throwaway routes that use the helpers."""
    (tmp_path / "part.html").write_text("<p id='part'>part {{ n }}</p>")
    (tmp_path / "page.html").write_text("<html><body>page {% include 'part.html' %}</body></html>")
    app.jinja_loader.searchpath.append(str(tmp_path))  # type: ignore[union-attr]

    @app.get("/_probe/render")
    def render() -> Any:
        return htmx.render_partial_or_page("part.html", "page.html", n=1)

    @app.post("/_probe/go")
    def go() -> Any:
        return htmx.redirect_or_refresh("/next")

    @app.post("/_probe/reload")
    def reload() -> Any:
        return htmx.redirect_or_refresh("/next", full_reload=True)

    @app.get("/_probe/conflict")
    def conflict() -> Any:
        abort(409, "This dispute was closed a moment ago.")

    return app


def test_render_partial_or_page(probe_app: Flask) -> None:
    client = probe_app.test_client()
    page = client.get("/_probe/render")
    assert page.get_data(as_text=True).startswith("<html>")
    assert "HX-Request" in page.headers["Vary"]
    fragment = client.get("/_probe/render", headers=FRAGMENT)
    assert fragment.get_data(as_text=True) == "<p id='part'>part 1</p>"
    assert "HX-Request" in fragment.headers["Vary"]
    boosted = client.get("/_probe/render", headers=BOOSTED)
    assert boosted.get_data(as_text=True).startswith("<html>")
    restore = client.get("/_probe/render", headers={**FRAGMENT, "HX-History-Restore-Request": "true"})
    assert restore.get_data(as_text=True).startswith("<html>")


def test_redirect_or_refresh(probe_app: Flask) -> None:
    client = probe_app.test_client()
    for headers in ({}, BOOSTED):
        response = client.post("/_probe/go", headers=headers)
        assert response.status_code == 303
        assert response.headers["Location"] == "/next"
    response = client.post("/_probe/go", headers=FRAGMENT)
    assert response.status_code == 204
    assert json.loads(response.headers["HX-Location"])["path"] == "/next"
    response = client.post("/_probe/reload", headers=FRAGMENT)
    assert response.status_code == 204
    assert response.headers["HX-Redirect"] == "/next"


def test_retarget_and_trigger(app: Flask) -> None:
    response = app.response_class("")
    htmx.retarget(response, "#flashes", reswap="afterbegin")
    assert response.headers["HX-Retarget"] == "#flashes"
    assert response.headers["HX-Reswap"] == "afterbegin"
    htmx.trigger(response, "evidence-added")
    htmx.trigger(response, "dispute-changed")
    assert response.headers["HX-Trigger"] == "evidence-added, dispute-changed"
    htmx.trigger(response, "toast", {"text": "Saved"})
    assert json.loads(response.headers["HX-Trigger"]) == {
        "evidence-added": None,
        "dispute-changed": None,
        "toast": {"text": "Saved"},
    }


def test_error_page_shows_custom_description(probe_app: Flask) -> None:
    response = probe_app.test_client().get("/_probe/conflict")
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "<html" in html
    assert "This dispute was closed a moment ago." in html


def test_error_for_fragment_request_is_retargeted_to_main(probe_app: Flask) -> None:
    response = probe_app.test_client().get("/_probe/conflict", headers=FRAGMENT)
    assert response.status_code == 409
    assert response.headers["HX-Retarget"] == "#main"
    assert response.headers["HX-Reswap"] == "innerHTML"
    html = response.get_data(as_text=True)
    assert "<html" not in html
    assert "This changed in the meantime" in html


class TestServerError:
    @pytest.fixture
    def app_config(self) -> dict[str, Any]:
        return {"PROPAGATE_EXCEPTIONS": False}

    def test_500_page(self, probe_app: Flask) -> None:
        @probe_app.get("/_probe/boom")
        def boom() -> Any:
            raise RuntimeError("boom")

        probe_app.logger.disabled = True
        response = probe_app.test_client().get("/_probe/boom")
        assert response.status_code == 500
        assert "Something went wrong on our side" in response.get_data(as_text=True)
        assert "Content-Security-Policy" in response.headers
