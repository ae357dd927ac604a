"""`python -m bench`'s runner: a process per line, one table, results.json, no number it did not measure."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

from bench import load_run, runner

FAKE = """
import os

def run():
    return [
        {"line": "fake vs baseline", "ours_s": 0.002, "baseline_s": 0.001, "note": f"pid {os.getpid()}"},
        {"line": "fake without a baseline", "ours_s": 1.5, "baseline_s": None, "ratio": None, "note": ""},
    ]
"""
BROKEN = "def run():\n    raise RuntimeError('the sample could not be made')\n"


@pytest.fixture
def lines(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Two modules on the path of this test and of the processes it starts: one working, one failing."""
    (tmp_path / "fake_bench_line.py").write_text(FAKE)
    (tmp_path / "broken_bench_line.py").write_text(BROKEN)
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setenv("PYTHONPATH", str(tmp_path))
    return tmp_path


def test_each_line_runs_in_a_process_of_its_own_and_the_ratio_is_computed_when_left_out(lines, tmp_path):
    rows = runner.run(["fake_bench_line"], results=tmp_path / "results.json")
    assert [row["line"] for row in rows] == ["fake vs baseline", "fake without a baseline"]
    assert rows[0]["ratio"] == pytest.approx(2.0)
    assert rows[1]["ratio"] is None and rows[1]["baseline_s"] is None
    assert rows[0]["note"] != f"pid {__import__('os').getpid()}"  # not this process


def test_a_missing_module_and_a_failing_one_get_visible_rows_without_numbers(lines, tmp_path):
    rows = runner.run(["benchmarks.no_such_line", "broken_bench_line"], results=tmp_path / "results.json")
    assert [(row["line"], row["ours_s"], row["ratio"]) for row in rows] == [
        ("benchmarks.no_such_line", None, None),
        ("broken_bench_line", None, None),
    ]
    assert rows[0]["note"] == "not built"
    assert rows[1]["note"].startswith("failed: RuntimeError: the sample could not be made")


def test_the_table_is_printed_and_results_json_holds_the_rows_and_the_machine(lines, tmp_path, capsys):
    out = tmp_path / "results.json"
    runner.run(["fake_bench_line", "benchmarks.no_such_line"], results=out)
    printed = capsys.readouterr().out.splitlines()
    assert printed[0].split() == ["line", "ours", "baseline", "ratio", "note"]
    assert set(printed[1]) == {"-"}
    assert printed[2].startswith("fake vs baseline") and "2.0 ms" in printed[2] and "2.00x" in printed[2]
    assert printed[3].startswith("fake without a baseline") and "1.50 s" in printed[3]
    assert printed[4].split()[:4] == ["benchmarks.no_such_line", "-", "-", "-"] and "not built" in printed[4]
    saved = json.loads(out.read_text())
    assert [row["line"] for row in saved["rows"]] == [
        "fake vs baseline",
        "fake without a baseline",
        "benchmarks.no_such_line",
    ]
    assert set(saved["rows"][0]) == {"line", "ours_s", "baseline_s", "ratio", "note", "module"}
    assert saved["machine"]["cpus"] >= 1 and "load_average_at_start" in saved["machine"]
    assert set(saved["seconds_per_module"]) == {"fake_bench_line", "benchmarks.no_such_line"}


def test_the_load_run_line_reads_the_load_runs_file_or_says_it_has_not_run(tmp_path):
    [missing] = load_run.run(tmp_path / "absent.json")
    assert missing["ours_s"] is None and missing["note"].startswith("not run")
    figures = {
        "users": {"buyers": 90, "sellers": 90, "mediators": 20},
        "seconds": 60.4,
        "requests": 4000,
        "failures": 0,
        "error_rate": 0.0,
        "groups": {
            group: {"requests": 10, "median_ms": 20.0, "p95_ms": p95, "max_ms": 900.0}
            for group, p95 in (("pages", 250.0), ("polls", 40.0), ("actions", 400.0))
        },
    }
    (tmp_path / "results.json").write_text(json.dumps(figures))
    rows = load_run.run(tmp_path / "results.json")
    assert [row["line"] for row in rows] == [
        "load run: error rate",
        "load run: p95 of pages",
        "load run: p95 of polls",
        "load run: p95 of actions",
    ]
    assert [row["ours_s"] for row in rows[1:]] == [0.25, 0.04, 0.4]
    assert rows[0]["note"].startswith("0 of 4000 requests failed")


def test_bench_lists_every_line_of_issue_12_and_each_line_is_a_module_that_exists():
    from bench.__main__ import LINES

    issue_12 = {"benchmarks.upload_io", "benchmarks.first_preview", "benchmarks.long_dispute", "bench.pages"}
    assert issue_12 <= set(LINES)
    assert [name for name in LINES if importlib.util.find_spec(name) is None] == []  # none "not built"
    assert sys.executable  # the lines run with this interpreter
