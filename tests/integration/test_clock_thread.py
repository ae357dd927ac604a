"""RUN_CLOCK_THREAD: the server process applies due deadlines every minute; a `flask` command never does.

`scripts/run` exports RUN_CLOCK_THREAD=1, so every `flask ...` typed in that shell builds the app
with the setting on. A `flask disputes tick` that also started the clock thread raced it on the
same disputes (StaleDataError on SQLite, exit 1).
"""

from __future__ import annotations

import threading
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner

from webapp import serve
from webapp.core.extensions import db

CLOCK_THREAD = "dispute-clock"


def clock_threads() -> list[threading.Thread]:
    return [thread for thread in threading.enumerate() if thread.name == CLOCK_THREAD]


@pytest.fixture
def app_config() -> dict[str, Any]:
    return {"RUN_CLOCK_THREAD": True}


@pytest.mark.parametrize("command", [["clock", "show"], ["disputes", "tick"]])
def test_a_flask_command_starts_no_clock_thread(app: Flask, runner: FlaskCliRunner, command: list[str]):
    result = runner.invoke(args=command)
    assert result.exit_code == 0, result.output
    assert clock_threads() == []


def test_the_server_entry_point_starts_the_clock_thread(app: Flask):
    assert clock_threads() == []
    server = serve.create_app(dict(app.config))
    try:
        assert clock_threads() == [serve.clock_thread(server)]
    finally:
        serve.stop_clock_thread(server)
        with server.app_context():
            db.engine.dispose()
    assert clock_threads() == []


def test_the_server_entry_point_runs_no_clock_thread_when_the_setting_is_off(app: Flask):
    server = serve.create_app({**app.config, "RUN_CLOCK_THREAD": False})
    with server.app_context():
        db.engine.dispose()
    assert serve.clock_thread(server) is None
    assert clock_threads() == []
