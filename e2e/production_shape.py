"""The production shape on this machine, on 127.0.0.1 only: every process of the Procfile, and what they use.

Two gunicorn servers behind a round-robin proxy (e2e/round_robin.py), a Celery worker on the
local Redis (a queue of its own), the `clock` process, a private PostgreSQL database next to the
test one, and S3 through moto's server. `ProductionShape.start()` migrates (the Procfile's
`release`), seeds the demo data, starts everything and waits until the proxy's /readyz is ready;
`stop()` ends every process it started, children included, and drops the database.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import boto3
import redis
from sqlalchemy import create_engine, make_url, text

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
DEFAULT_BROKER = "redis://127.0.0.1:6379/0"
REGION = "us-east-1"
START_TIMEOUT = 60.0

_MOTO = """
import sys
from moto.server import ThreadedMotoServer

server = ThreadedMotoServer(ip_address="127.0.0.1", port=int(sys.argv[1]), verbose=False)
server.start()
print("ready", flush=True)
sys.stdin.read()
server.stop()
"""


def free_port() -> int:
    """A port nothing listens on now, on the loopback interface."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def answers(url: str) -> int | None:
    """The status `url` answers with, or None when nothing answers."""
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)
    except OSError:
        return None


@dataclass
class Process:
    """One started process, in its own process group (so its children stop with it)."""

    name: str
    popen: subprocess.Popen[bytes]
    log: Path

    def alive(self) -> bool:
        try:
            os.killpg(self.popen.pid, 0)
        except ProcessLookupError:
            return False
        return True

    def stop(self, grace: float = 15.0) -> None:
        """SIGTERM the group, wait, SIGKILL whatever is left, and reap."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.popen.pid, signal.SIGTERM)
        if self.popen.stdin:
            with contextlib.suppress(OSError):
                self.popen.stdin.close()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.popen.wait(timeout=grace)
        deadline = time.monotonic() + grace
        while self.alive() and time.monotonic() < deadline:
            time.sleep(0.1)  # children (gunicorn's and Celery's workers) end after their parent
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.popen.pid, signal.SIGKILL)
        self.popen.wait(timeout=10)


@dataclass
class ProductionShape:
    """Start and stop the production shape; `url` is the proxy's address, `env` every process's settings."""

    folder: Path
    postgres: str = field(default_factory=lambda: os.environ.get("PRODSHAPE_POSTGRES") or DEFAULT_POSTGRES)
    broker: str = field(default_factory=lambda: os.environ.get("BROKER_URL") or DEFAULT_BROKER)
    web_workers: int = 2
    processes: list[Process] = field(default_factory=list)
    url: str = ""
    env: dict[str, str] = field(default_factory=dict)
    token: str = field(default_factory=lambda: f"{os.getpid()}_{uuid.uuid4().hex[:6]}")

    def start(self) -> ProductionShape:
        self.folder.mkdir(parents=True, exist_ok=True)
        try:
            database = self._create_database()
            moto_port = free_port()
            self._spawn("s3", [sys.executable, "-c", _MOTO, str(moto_port)], stdin=True)
            endpoint = f"http://127.0.0.1:{moto_port}"
            self.env = self._environment(database, endpoint)
            self._wait_for_s3(endpoint)
            self.flask("db", "upgrade")  # the Procfile's release: step
            self.flask("demo", "seed")
            web_ports = [free_port(), free_port()]
            for number, port in enumerate(web_ports, start=1):
                self._spawn(f"web-{number}", self._gunicorn(port))
            proxy_port = free_port()
            backends = [f"127.0.0.1:{port}" for port in web_ports]
            proxy = [sys.executable, str(ROOT / "e2e" / "round_robin.py"), str(proxy_port), *backends]
            self._spawn("proxy", proxy)
            self._spawn("worker", self._celery_worker())
            self._spawn("clock", [sys.executable, "-m", "flask", "disputes", "tick", "--every", "60"])
            self.url = f"http://127.0.0.1:{proxy_port}"
            for port in web_ports:
                self._wait_until_ready(f"http://127.0.0.1:{port}")
            self._wait_until_ready(self.url)
            self._wait_for_worker()
        except BaseException:
            self.stop()
            raise
        return self

    def _environment(self, database: str, endpoint: str) -> dict[str, str]:
        bucket = f"evidence-{self.token.replace('_', '-')}"
        env = {
            **os.environ,
            "FLASK_APP": "webapp",
            "APP_ENV": "development",  # production would refuse time travel and mark cookies Secure
            "SECRET_KEY": f"production-shape-{self.token}",
            "DATABASE_URL": database,
            "S3_BUCKET": bucket,
            "S3_ENDPOINT_URL": endpoint,
            "S3_REGION": REGION,
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_DEFAULT_REGION": REGION,
            "AWS_CONFIG_FILE": str(self.folder / "no-aws-config"),
            "AWS_SHARED_CREDENTIALS_FILE": str(self.folder / "no-aws-credentials"),
            "AWS_EC2_METADATA_DISABLED": "true",
            "JOBS": "celery",
            "BROKER_URL": self.broker,
            "JOB_QUEUE": f"evidence-prodshape-{self.token}",
            "RATELIMIT_STORAGE_URI": self.broker,  # shared by both web servers, as in production
            "TMP_DIR": str(self.folder / "tmp"),
            "MEDIA_ROOT": str(self.folder / "unused-media"),
            "ENABLE_TIME_TRAVEL": "1",
            "RUN_CLOCK_THREAD": "",
        }
        for name in ("TEST_DATABASE_URL", "AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL"):
            env.pop(name, None)
        return env

    def _gunicorn(self, port: int) -> list[str]:
        return [
            sys.executable, "-m", "gunicorn", "--workers", str(self.web_workers),
            "--bind", f"127.0.0.1:{port}", "--graceful-timeout", "5", "webapp.serve:create_app()",
        ]  # fmt: skip

    def _celery_worker(self) -> list[str]:
        queue = self.env["JOB_QUEUE"]
        return [
            sys.executable, "-m", "celery", "-A", "webapp.worker", "worker", "--loglevel=info",
            "--concurrency=2", "--max-tasks-per-child=100", "--without-gossip", "--without-mingle",
            "-Q", queue, "-n", f"{queue}@%h",
        ]  # fmt: skip

    def _spawn(self, name: str, command: list[str], *, stdin: bool = False) -> Process:
        log = self.folder / f"{name}.log"
        with log.open("wb") as out:
            popen = subprocess.Popen(
                command,
                cwd=ROOT,
                env=self.env or os.environ.copy(),
                stdin=subprocess.PIPE if stdin else subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        process = Process(name, popen, log)
        self.processes.append(process)
        return process

    def flask(self, *args: str) -> str:
        """Run a `flask` command against this shape's database and storage; return what it printed."""
        done = subprocess.run(
            [sys.executable, "-m", "flask", *args], env=self.env, cwd=ROOT, capture_output=True, text=True
        )
        if done.returncode != 0:
            raise RuntimeError(f"flask {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
        return done.stdout

    def _create_database(self) -> str:
        base = make_url(self.postgres)
        name = f"{base.database or 'test'}_prodshape_{self.token}"
        admin = create_engine(base, isolation_level="AUTOCOMMIT")
        try:
            with admin.connect() as connection:
                connection.execute(text(f'CREATE DATABASE "{name}"'))
        finally:
            admin.dispose()
        self._database = base.set(database=name)
        return self._database.render_as_string(hide_password=False)

    def _wait_for_s3(self, endpoint: str) -> None:
        s3 = boto3.session.Session().client(
            "s3", endpoint_url=endpoint, region_name=REGION, aws_access_key_id="x", aws_secret_access_key="x"
        )

        def bucket_made() -> bool:
            try:
                s3.create_bucket(Bucket=self.env["S3_BUCKET"])
            except Exception:  # not listening yet
                return False
            return True

        self._wait("moto's S3 server", bucket_made)

    def _wait_until_ready(self, url: str) -> None:
        self._wait(f"{url}/readyz", lambda: answers(f"{url}/readyz") == 200)

    def _wait_for_worker(self) -> None:
        log = next(p for p in self.processes if p.name == "worker").log
        self._wait("the Celery worker", lambda: b" ready." in log.read_bytes())

    def _wait(self, what: str, ready: Callable[[], bool]) -> None:
        """Poll until `ready()`; fail when a process exits or START_TIMEOUT passes."""
        deadline = time.monotonic() + START_TIMEOUT
        while not ready():
            self._check_alive()
            if time.monotonic() > deadline:
                raise RuntimeError(f"{what} did not get ready in {START_TIMEOUT:.0f} s")
            time.sleep(0.2)

    def _check_alive(self) -> None:
        for process in self.processes:
            if process.popen.poll() is not None:
                said = process.log.read_text()[-3000:]
                raise RuntimeError(f"{process.name} exited with {process.popen.returncode}:\n{said}")

    def readiness(self, url: str | None = None) -> dict[str, object]:
        """What /readyz says (behind the proxy unless `url` is given)."""
        try:
            with urllib.request.urlopen(f"{url or self.url}/readyz", timeout=5) as response:
                return dict(json.load(response))
        except urllib.error.HTTPError as error:
            return dict(json.load(error))
        except OSError as error:
            return {"status": f"unreachable: {error}"}

    def json_lines(self, name: str) -> list[dict[str, object]]:
        """The JSON lines (requests, jobs) in the log of the process `name`."""
        found = []
        for line in (self.folder / f"{name}.log").read_text(errors="replace").splitlines():
            if line.startswith("{"):
                with contextlib.suppress(ValueError):
                    found.append(json.loads(line))
        return found

    def stop(self) -> list[str]:
        """Stop every process, the last started first (the clock, the worker, the proxy, the servers, S3);
        drop the database and the Celery queue. Returns the names of processes still alive (none)."""
        for process in reversed(self.processes):
            process.stop()
        left = [process.name for process in self.processes if process.alive()]
        database = getattr(self, "_database", None)
        if database is not None:
            admin = create_engine(database.set(database="postgres"), isolation_level="AUTOCOMMIT")
            try:
                with admin.connect() as connection:
                    connection.execute(text(f'DROP DATABASE IF EXISTS "{database.database}" WITH (FORCE)'))
            finally:
                admin.dispose()
            self._database = None
        if self.env.get("JOB_QUEUE"):
            client = redis.Redis.from_url(self.broker)
            try:
                queue = self.env["JOB_QUEUE"]
                client.delete(*client.scan_iter(match=f"{queue}*"), f"_kombu.binding.{queue}")
            finally:
                client.close()
        return left
