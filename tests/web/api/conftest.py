"""The `api` fixture: /api/v1 as the marketplace "Shop" calls it, with every scope."""

from __future__ import annotations

from typing import Any

import pytest
from api_helpers import Api, make_api
from flask.testing import FlaskClient


@pytest.fixture
def api(client: FlaskClient, db_session: Any) -> Api:
    """The API as the marketplace "Shop" calls it, with every scope."""
    return make_api(client, "Shop")
