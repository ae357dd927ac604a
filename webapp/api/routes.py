"""The API blueprint with every route module loaded, and what the app factory wires in."""

from __future__ import annotations

from flask import Flask

from webapp.api import disputes, docs, orders, people, refunds, webhooks  # noqa: F401  (routes on bp)
from webapp.api.blueprint import bp
from webapp.api.blueprint import register as register_errors
from webapp.api.problems import PROBLEM_SCHEMA

__all__ = ["bp", "register"]


def register(app: Flask) -> None:
    """Problem documents for API errors; the OpenAPI document refined as it is generated."""
    register_errors(app)
    app.config["HTTP_ERROR_SCHEMA"] = app.config["VALIDATION_ERROR_SCHEMA"] = PROBLEM_SCHEMA
    app.spec_processor(docs.refine)  # type: ignore[attr-defined]
