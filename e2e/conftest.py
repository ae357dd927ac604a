"""A real server on a free local port, with demo data, and Debian's Chromium driven by Playwright."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from playwright.sync_api import Page, expect
from production_shape import ProductionShape

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]
ROOT = Path(__file__).resolve().parents[1]
# CI machines are shared and sometimes loaded several times over: give each expectation 10 s, not 5.
expect.set_options(timeout=10_000)
ARTIFACTS = ROOT / "test-artifacts" / "e2e"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    """Launch Debian's Chromium with the flags this closed network needs."""
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [*browser_type_launch_args.get("args", []), *FLAGS],
    }


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--production-shape",
        action="store_true",
        help="run the tests marked production_shape (only those) against e2e/production_shape.py",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "travels: moves the shared app clock forward (runs after the tests that use the demo seed)"
    )
    config.addinivalue_line(
        "markers",
        "runs_last: runs after every other test, the travelling ones too (the load run: when a story "
        "travels 7 days, its 200 disputes would all come due at once)",
    )
    config.addinivalue_line(
        "markers",
        "production_shape: runs only with --production-shape, against gunicorn x2, Celery, the clock, "
        "PostgreSQL and S3",
    )
    # Keep a Playwright trace and a screenshot of every failing test (`playwright show-trace ...`),
    # unless the command line asked for something else.
    option = config.option
    if getattr(option, "tracing", None) == "off" and getattr(option, "output", None) == "test-results":
        option.tracing = "retain-on-failure"
        option.screenshot = "only-on-failure"
        option.output = str(ARTIFACTS / "failures")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Keep the tests of the shape asked for (deselected, not skipped: each run says what it ran).

    Then run the tests that travel in time last, whatever their file names: the clock never goes back,
    and the demo seed's disputes (used by the screenshot tour and the newcomer story) would move on."""
    wanted = bool(config.getoption("--production-shape"))
    other = [item for item in items if (item.get_closest_marker("production_shape") is not None) != wanted]
    if other:
        config.hook.pytest_deselected(items=other)
        items[:] = [item for item in items if item not in other]
    items.sort(
        key=lambda item: (
            item.get_closest_marker("runs_last") is not None,
            item.get_closest_marker("travels") is not None,
        )
    )


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_until_up(url: str, process: subprocess.Popen[bytes]) -> None:
    for _ in range(100):
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode}")
        try:
            urllib.request.urlopen(url + "/login", timeout=1)
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("the server did not start")


@pytest.fixture(scope="session")
def production_shape(pytestconfig: pytest.Config) -> Iterator[ProductionShape | None]:
    """With --production-shape, every process of the Procfile on 127.0.0.1; all stopped at the end."""
    if not pytestconfig.getoption("--production-shape"):
        yield None
        return
    folder = ARTIFACTS / "production-shape"
    shutil.rmtree(folder, ignore_errors=True)
    shape = ProductionShape(folder).start()
    try:
        yield shape
    finally:
        left = shape.stop()
    assert not left, f"still running after the stop: {left}"


@pytest.fixture(scope="session")
def server_env(
    tmp_path_factory: pytest.TempPathFactory, production_shape: ProductionShape | None
) -> dict[str, str]:
    """Environment of the app under test: its own SQLite file and media folder, time travel on
    (or the production shape's settings)."""
    if production_shape is not None:
        return production_shape.env
    folder = tmp_path_factory.mktemp("server")
    return {
        **os.environ,
        "FLASK_APP": "webapp",
        "DATABASE_URL": f"sqlite:///{folder / 'e2e.sqlite3'}",
        "MEDIA_ROOT": str(folder / "media"),
        "ENABLE_TIME_TRAVEL": "1",
    }


def flask(env: dict[str, str], *args: str) -> str:
    """Run a `flask` command against the server's database and return what it printed."""
    done = subprocess.run(
        [sys.executable, "-m", "flask", *args], env=env, cwd=ROOT, capture_output=True, text=True, check=True
    )
    return done.stdout


@pytest.fixture(scope="session")
def base_url(server_env: dict[str, str], production_shape: ProductionShape | None) -> Iterator[str]:
    """Start the app as a newcomer would (migrate, seed demo data, serve) and yield its URL
    (or the production shape's proxy, already started)."""
    if production_shape is not None:
        yield production_shape.url
        return
    flask(server_env, "db", "upgrade")
    flask(server_env, "demo", "seed")
    port = _free_port()
    server_env["PUBLIC_URL"] = f"http://127.0.0.1:{port}"  # links in emails and login links
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    # The server's log (requests and tracebacks) is kept beside the screenshots, for failures.
    with (ARTIFACTS / "server.log").open("w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "flask", "run", "--host", "127.0.0.1", "--port", str(port), "--no-reload"],
            env=server_env,
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            _wait_until_up(url, process)
            yield url
        finally:
            process.terminate()
            process.wait(timeout=10)


@pytest.fixture
def photo(tmp_path: Path) -> Callable[[str], Path]:
    """Make a small JPEG named `name`, standing in for a phone photo."""

    def make(name: str = "photo.jpg", colour: tuple[int, int, int] = (180, 120, 90)) -> Path:
        path = tmp_path / name
        Image.new("RGB", (800, 600), colour).save(path, "JPEG")
        return path

    return make


@pytest.fixture
def as_user(new_context: Callable[..., Any], base_url: str) -> Callable[..., Page]:
    """Open a browser window of its own (a fresh context) logged in as `email`."""
    from actions import log_in  # actions imports this module

    def open_window(email: str, **context_args: Any) -> Page:
        page = new_context(**context_args).new_page()
        log_in(page, base_url, email)
        return page

    return open_window
