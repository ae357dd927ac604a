"""Who may open what: decorators for views."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import ParamSpec, TypeVar

from flask import abort
from flask_login import current_user, login_required

from webapp.accounts.models import Role

P = ParamSpec("P")
R = TypeVar("R")


def role_required(*roles: Role) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Require a logged-in user with one of `roles`; others get 403, anonymous the login."""

    def decorator(view: Callable[P, R]) -> Callable[P, R]:
        @wraps(view)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return login_required(wrapper)

    return decorator
