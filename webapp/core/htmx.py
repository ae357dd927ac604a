"""Every htmx request/response detail in one place (in the spirit of django-htmx).

Views call these helpers instead of reading or writing HX-* headers themselves.
A "partial" is a fragment swapped into part of the page; boosted navigation and
history restores get the whole page (htmx then swaps <body>).
"""

from __future__ import annotations

import json
from typing import Any, TypeVar

from flask import Response, make_response, redirect, render_template
from htmx_flask import request
from werkzeug.wrappers import Response as BaseResponse

# The helpers that add headers hand back the response they were given, whichever kind:
# Flask's (make_response) or Werkzeug's base class (redirect, what views declare).
AnyResponse = TypeVar("AnyResponse", bound=BaseResponse)


def is_htmx() -> bool:
    """True for any request sent by htmx (HX-Request: true), boosted ones included."""
    return bool(request.htmx)


def is_boosted() -> bool:
    """True for navigation through an hx-boost link or form (the whole page is expected)."""
    return is_htmx() and request.htmx.boosted


def wants_partial() -> bool:
    """True when htmx asked for a fragment: not boosted and not a history restore."""
    return is_htmx() and not request.htmx.boosted and not request.htmx.history_restore_request


PAGE_WINDOW_HEADER = "X-Page-Window"


def page_window() -> str | None:
    """What an open page says it shows (its hx-headers), for the fragments it asks for; None otherwise:
    a whole page is rendered afresh."""
    return request.headers.get(PAGE_WINDOW_HEADER) if wants_partial() else None


def render_partial_or_page(partial_template: str, page_template: str, **context: Any) -> Response:
    """Render the fragment for htmx fragment requests, the whole page otherwise.

    The page template normally includes the partial, so both share one source. The
    response always carries `Vary: HX-Request` so caches keep the two apart.
    """
    template = partial_template if wants_partial() else page_template
    response = make_response(render_template(template, **context))
    response.vary.add("HX-Request")
    response.vary.add("HX-Boosted")
    return response


def vary(response: AnyResponse) -> AnyResponse:
    """Mark a response whose body depends on whether htmx asked for a fragment."""
    response.vary.add("HX-Request")
    response.vary.add("HX-Boosted")
    return response


def redirect_or_refresh(url: str, *, full_reload: bool = False) -> BaseResponse:
    """Send the browser to `url` after a POST, whichever way the request came.

    - plain requests and boosted forms: 303 See Other (htmx follows it and swaps <body>);
    - htmx fragment requests: 204 with HX-Location (an htmx navigation to `url`), or
      HX-Redirect (a full page load) when `full_reload` is set. A 303 would make htmx
      swap the whole next page into the small fragment target.
    """
    if not wants_partial():
        return redirect(url, code=303)
    response = make_response("", 204)
    if full_reload:
        response.headers["HX-Redirect"] = url
    else:
        # htmx loads `url` as a boosted request so the server renders the whole page.
        response.headers["HX-Location"] = json.dumps(
            {"path": url, "target": "body", "headers": {"HX-Boosted": "true"}}
        )
    return response


def retarget(response: AnyResponse, selector: str, *, reswap: str | None = None) -> AnyResponse:
    """Make htmx swap the response into `selector` (HX-Retarget), optionally with `reswap`."""
    response.headers["HX-Retarget"] = selector
    if reswap:
        # Set directly: htmx-flask's list of swap names misspells "afterbegin".
        response.headers["HX-Reswap"] = reswap
    return response


def trigger(response: AnyResponse, event_name: str, detail: Any = None) -> AnyResponse:
    """Ask htmx to fire `event_name` on the client (HX-Trigger), keeping earlier events."""
    existing = response.headers.get("HX-Trigger")
    events: dict[str, Any] = {}
    if existing:
        try:
            parsed = json.loads(existing)
        except ValueError:
            parsed = None
        if isinstance(parsed, dict):
            events.update(parsed)
        else:
            events.update({name.strip(): None for name in existing.split(",") if name.strip()})
    events[event_name] = detail
    if all(value is None for value in events.values()):
        response.headers["HX-Trigger"] = ", ".join(events)
    else:
        response.headers["HX-Trigger"] = json.dumps(events)
    return response
