"""Rate limits (Flask-Limiter): password guessing per account and per address, and each person's uploads,
messages and proposals.

Counters live in RATELIMIT_STORAGE_URI: memory in the one process of the embedded default, Redis when
several processes must share them. Every limit is a setting (a string such as "10 per 15 minutes"), read
on each request; a breached limit is a 429 with a sentence that says how long to wait.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from typing import ParamSpec, TypeVar, cast

from flask import Flask, Response, current_app, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import current_user

from dispute_engine.words import N_, Words

P = ParamSpec("P")
R = TypeVar("R")
T = TypeVar("T")

limiter = Limiter(key_func=get_remote_address)

LOGIN_REFUSED = N_(
    "Too many failed logins for this account or from your network. Wait %(wait)s, then try again."
)
TOO_MANY = N_("You have %(what)s in a short time. Wait %(wait)s, then try again.")


def init_app(app: Flask) -> None:
    """Bind the limiter to `app` (its storage and options come from the RATELIMIT_* settings)."""
    limiter.init_app(app)


def _setting(name: str) -> Callable[[], str]:
    return lambda: str(current_app.config[name])


def wait_words() -> str:
    """How long until the breached limit's window ends, in words to say in the reader's language."""
    limit = limiter.current_limit
    seconds = max(1, math.ceil(limit.reset_at - time.time())) if limit else 60
    if seconds < 90:
        return Words(N_("%(count)s seconds"), count=seconds) if seconds > 1 else Words(N_("a second"))
    return Words(N_("%(count)s minutes"), count=round(seconds / 60))


def _login_failed(response: Response) -> bool:
    # A wrong password and an unknown email both answer 400, with the same words: both count.
    return response.status_code == 400


def _account_key() -> str:
    email = request.form.get("email", "").strip().lower()[:254]
    return f"account:{email or '-'}"


def _address_key() -> str:
    return f"address:{get_remote_address()}"


def _person_key() -> str:
    if current_user.is_authenticated:
        return f"user:{current_user.id}"
    return _address_key()


def login_limits(view: Callable[P, R]) -> Callable[P, R]:
    """Count failed logins per account (the email typed) and per address; refuse all logins past either."""

    def refused() -> str:
        return Words(LOGIN_REFUSED, wait=wait_words())

    for setting, key in (
        ("RATELIMIT_LOGIN_PER_ACCOUNT", _account_key),
        ("RATELIMIT_LOGIN_PER_ADDRESS", _address_key),
    ):
        view = limiter.limit(
            _setting(setting),
            key_func=key,
            methods=["POST"],
            deduct_when=_login_failed,
            error_message=refused,
        )(view)
    return view


def per_person(
    setting: str, what: str, scope: str, when: Callable[[], bool] | None = None
) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Limit each logged-in person's POSTs to a view (only those for which `when()` holds, if given).

    Views decorated with the same `scope` share one counter per person.
    """

    def refused() -> str:
        return Words(TOO_MANY, what=Words(what), wait=wait_words())

    route_limit = limiter.shared_limit(
        _setting(setting),
        scope=scope,
        key_func=_person_key,
        methods=["POST"],
        exempt_when=(lambda: not when()) if when else None,
        error_message=refused,
    )

    def decorate(view: Callable[P, R]) -> Callable[P, R]:
        return route_limit(view)

    return decorate


def per_credential(
    setting: str, credential: Callable[[], str | None], refused: Callable[[int], str]
) -> Callable[[T], T]:
    """Limit requests per credential (an API key id) to `setting` a minute (0: no limit).

    Only answers other than 401 count, so a request naming someone else's key without its secret cannot
    use up that key's allowance.
    """

    def limit() -> int:
        return int(current_app.config[setting])

    route_limit = limiter.limit(
        lambda: f"{max(limit(), 1)} per minute",
        key_func=lambda: f"credential:{credential()}",
        exempt_when=lambda: limit() <= 0 or not credential(),
        deduct_when=lambda response: response.status_code != 401,
        error_message=lambda: refused(limit()),
    )

    def decorate(target: T) -> T:
        return cast(T, route_limit(target))  # type: ignore[call-overload]

    return decorate
