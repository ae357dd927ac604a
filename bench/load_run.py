"""The load run's figures (e2e/test_load.py: 200 people for 60 s against the production shape), as rows.

Read from test-artifacts/load/results.json when the run has happened on this checkout (the test
command makes it); a row says "not run" otherwise. Latencies have no baseline: the p95 is the figure.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parents[1] / "test-artifacts" / "load" / "results.json"


def run(results: Path = RESULTS) -> list[dict[str, Any]]:
    if not results.exists():
        note = "not run: `pytest e2e --production-shape -k load` (a step of scripts/test) writes it"
        return [{"line": "load run", "ours_s": None, "baseline_s": None, "ratio": None, "note": note}]
    figures = json.loads(results.read_text())
    when = time.strftime("%Y-%m-%d %H:%M", time.gmtime(results.stat().st_mtime))
    users = sum(figures["users"].values())
    rows = [
        {
            "line": "load run: error rate",
            "ours_s": None,
            "baseline_s": None,
            "ratio": None,
            "note": f"{figures['failures']} of {figures['requests']} requests failed "
            f"({figures['error_rate']}); {users} people, {figures['seconds']} s, run {when} UTC",
        }
    ]
    for group, label in (("pages", "pages"), ("polls", "polls"), ("actions", "actions")):
        g = figures["groups"][group]
        rows.append(
            {
                "line": f"load run: p95 of {label}",
                "ours_s": g["p95_ms"] / 1000,
                "baseline_s": None,
                "ratio": None,
                "note": f"{g['requests']} requests, median {g['median_ms']:.0f} ms, max {g['max_ms']:.0f} ms",
            }
        )
    return rows


if __name__ == "__main__":
    print(json.dumps(run(), indent=2))
