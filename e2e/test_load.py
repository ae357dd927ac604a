"""The load run: 200 people (buyers, sellers, mediators) doing their story for 60 s against the production
shape, with Locust headless on 127.0.0.1. No request may fail; the p95 of pages, polls and actions is
written to test-artifacts/load/results.json (read by `python -m bench`) and printed.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from conftest import ARTIFACTS, ROOT
from load_seed import seed
from production_shape import ProductionShape

pytestmark = [pytest.mark.production_shape, pytest.mark.runs_last]
RESULTS = ROOT / "test-artifacts" / "load" / "results.json"
PAIRS, MEDIATORS = 90, 20  # 90 buyers, 90 sellers, 20 mediators
SECONDS = 60


def run_locust(url: str, plan: Path, results: Path, log: Path) -> int:
    """Run Locust headless for SECONDS; it stops by itself (killed, with its group, if it hangs)."""
    command = [
        sys.executable, "-m", "locust", "-f", str(ROOT / "e2e" / "locustfile.py"), "--headless",
        "--users", str(2 * PAIRS + MEDIATORS), "--spawn-rate", "20", "--run-time", f"{SECONDS}s",
        "--stop-timeout", "10", "--host", url, "--only-summary", "--loglevel", "WARNING",
    ]  # fmt: skip
    env = {**os.environ, "LOAD_PLAN": str(plan), "LOAD_RESULTS": str(results)}
    with log.open("wb") as out:
        locust = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
        try:
            return locust.wait(timeout=SECONDS + 120)
        finally:
            if locust.poll() is None:
                os.killpg(locust.pid, signal.SIGKILL)
                locust.wait()


def table(results: dict) -> str:
    rows = [f"load run: {results['requests']} requests in {results['seconds']} s, "
            f"{results['failures']} failed (error rate {results['error_rate']})"]  # fmt: skip
    for group, figures in results["groups"].items():
        rows.append(
            f"  {group:8s} {figures['requests']:6d} requests, median {figures['median_ms']:7.1f} ms, "
            f"p95 {figures['p95_ms']:7.1f} ms, max {figures['max_ms']:7.1f} ms"
        )
    return "\n".join(rows)


def test_200_people_doing_their_story_for_60_seconds_get_no_error(
    production_shape: ProductionShape, tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    plan = seed(
        production_shape.env["DATABASE_URL"],
        tmp_path,
        pairs=PAIRS,
        mediators=MEDIATORS,
        token=uuid.uuid4().hex[:6],
    )
    plan_file = tmp_path / "plan.json"
    plan_file.write_text(json.dumps(plan.as_json()))
    RESULTS.unlink(missing_ok=True)
    log = ARTIFACTS / "production-shape" / "locust.log"
    status = run_locust(production_shape.url, plan_file, RESULTS, log)

    results = json.loads(RESULTS.read_text())
    results["machine"] = {
        "cpus": os.cpu_count(),
        "web_servers": 2,
        "web_workers_each": production_shape.web_workers,
    }
    RESULTS.write_text(json.dumps(results, indent=2))
    with capsys.disabled():
        print("\n" + table(results) + f"\n  (figures in {RESULTS.relative_to(ROOT)})")

    assert results["failures"] == 0, results["failure_samples"]
    assert status == 0, log.read_text()[-3000:]
    assert results["users"] == {"buyers": PAIRS, "sellers": PAIRS, "mediators": MEDIATORS}
    done = {name for name, figures in results["by_name"].items() if figures["requests"]}
    stories = ["page: dispute", "page: mediation queue", "poll", "action: message", "action: upload a photo"]
    stories += ["action: change the request", "action: change the offer", "action: take the case"]
    for story in stories:
        assert story in done, sorted(done)
    assert results["seconds"] < SECONDS + 30
    assert production_shape.readiness()["status"] == "ready"
