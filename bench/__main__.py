"""`python -m bench`: every comparison of issue 12, one line per process, one table, bench/results.json.

`python -m bench photo pages` runs only the lines whose module name contains one of the words.
"""

from __future__ import annotations

import sys

from bench.runner import run

# Each module's run() returns rows {line, ours_s, baseline_s, ratio, note}; add a line by its name.
LINES = (
    "bench.photo",
    "bench.video",
    "benchmarks.first_preview",
    "benchmarks.upload_io",
    "bench.pages",
    "benchmarks.long_dispute",
    "bench.deadline_sweep",
    "bench.load_run",
)


def main(words: list[str]) -> None:
    chosen = [name for name in LINES if not words or any(word in name for word in words)]
    run(chosen)


if __name__ == "__main__":
    main(sys.argv[1:])
