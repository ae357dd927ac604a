"""Run each benchmark line in a process of its own, collect its rows, print one table, write results.json.

A line is a module with `run() -> list[dict]`, each row {line, ours_s, baseline_s, ratio, note}
(seconds; ratio > 1 means ours is slower; a row without a baseline has baseline_s and ratio None).
A module that does not exist yet gets a visible "not built" row, one that fails a "failed" row with
the end of its error: never a number it did not measure.
"""

from __future__ import annotations

import importlib.util
import json
import os
import platform
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results.json"
FIELDS = ("line", "ours_s", "baseline_s", "ratio", "note")
MARK = "BENCH-ROWS:"  # the child's last line; anything it printed before is its own talk
_CHILD = f"""
import json, sys
from importlib import import_module
rows = import_module(sys.argv[1]).run()
print({MARK!r} + json.dumps(rows), flush=True)
"""


def exists(module: str) -> bool:
    """Whether `module` can be imported (without importing it here)."""
    try:
        return importlib.util.find_spec(module) is not None
    except ModuleNotFoundError:
        return False


def checked(row: dict[str, Any], module: str) -> dict[str, Any]:
    """The row with exactly the five fields; the ratio computed when the line left it out."""
    missing = [name for name in ("line", "ours_s") if name not in row]
    if missing:
        raise ValueError(f"{module} returned a row without {', '.join(missing)}: {row}")
    out = {name: row.get(name) for name in FIELDS}
    if out["ratio"] is None and out["ours_s"] is not None and out["baseline_s"]:
        out["ratio"] = out["ours_s"] / out["baseline_s"]
    out["note"] = str(out["note"] or "")
    out["module"] = module
    return out


def run_line(module: str, timeout: float) -> tuple[list[dict[str, Any]], float]:
    """The rows of one module, run in a fresh interpreter; (rows, seconds it took)."""
    started = time.perf_counter()
    if not exists(module):
        row = {"line": module, "ours_s": None, "baseline_s": None, "ratio": None, "note": "not built"}
        return [checked(row, module)], 0.0
    try:
        done = subprocess.run(
            [sys.executable, "-c", _CHILD, module],
            cwd=ROOT,
            env={
                **os.environ,
                "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
            },
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        output, error, code = done.stdout, done.stderr, done.returncode
    except subprocess.TimeoutExpired as expired:
        output, error, code = "", f"timed out after {timeout:.0f} s", -1
        del expired
    took = time.perf_counter() - started
    found = [line for line in output.splitlines() if line.startswith(MARK)]
    if code != 0 or not found:
        tail = (error or output).strip().splitlines()[-1:] or ["no output"]
        row = {
            "line": module,
            "ours_s": None,
            "baseline_s": None,
            "ratio": None,
            "note": f"failed: {tail[0][:160]}",
        }
        return [checked(row, module)], took
    return [checked(row, module) for row in json.loads(found[-1][len(MARK) :])], took


def table(rows: Sequence[dict[str, Any]]) -> str:
    """The rows as a fixed-width text table."""

    def seconds(value: float | None) -> str:
        if value is None:
            return "-"
        return f"{value * 1000:.1f} ms" if value < 1 else f"{value:.2f} s"

    cells = [
        (row["line"], seconds(row["ours_s"]), seconds(row["baseline_s"]),
         "-" if row["ratio"] is None else f"{row['ratio']:.2f}x", row["note"])
        for row in rows
    ]  # fmt: skip
    head = ("line", "ours", "baseline", "ratio", "note")
    widths = [max(len(str(c[i])) for c in [head, *cells]) for i in range(4)]
    lines = [
        "  ".join(str(c[i]).ljust(widths[i]) if i == 0 else str(c[i]).rjust(widths[i]) for i in range(4))
        + "  "
        + c[4]
        for c in [head, *cells]
    ]
    lines.insert(1, "-" * max(len(line) for line in lines))
    return "\n".join(lines)


def machine() -> dict[str, Any]:
    """What the figures were measured on."""
    model = ""
    with open("/proc/cpuinfo") as cpuinfo:
        model = next((line.split(":", 1)[1].strip() for line in cpuinfo if line.startswith("model name")), "")
    return {
        "cpu": model,
        "cpus": os.cpu_count(),
        "memory_gb": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1e9, 1),
        "python": platform.python_version(),
        "system": platform.platform(),
        "load_average_at_start": os.getloadavg(),
    }


def run(modules: Sequence[str], *, results: Path = RESULTS, timeout: float = 300) -> list[dict[str, Any]]:
    """Run every line, print the table, write `results`; return the rows."""
    about = machine()
    started = time.time()
    rows: list[dict[str, Any]] = []
    took: dict[str, float] = {}
    for module in modules:
        print(f"... {module}", file=sys.stderr, flush=True)
        found, took[module] = run_line(module, timeout)
        rows.extend(found)
    about["load_average_at_end"] = os.getloadavg()
    print(table(rows))
    report = {
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(started)),
        "seconds": round(time.time() - started, 1),
        "machine": about,
        "seconds_per_module": {name: round(value, 1) for name, value in took.items()},
        "rows": rows,
    }
    results.parent.mkdir(parents=True, exist_ok=True)
    results.write_text(json.dumps(report, indent=2) + "\n")
    where = f"{about['cpus']} CPUs ({about['cpu']})"
    print(f"\n{len(rows)} rows in {report['seconds']} s on {where}; written to {results}")
    return rows
