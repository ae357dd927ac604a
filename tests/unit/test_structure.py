"""The structure a machine can check: a dispute's state changes in one place, from the engine's step."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# The one function allowed to write a state: it copies the engine's `step.after` onto the row.
PERSIST = ("webapp/disputes/steps.py", "_persist")


def _sources() -> list[Path]:
    return sorted(p for folder in ("webapp", "media") for p in (ROOT / folder).rglob("*.py"))


def _enclosing_functions(tree: ast.AST) -> dict[ast.AST, str]:
    """Each node's innermost enclosing function (ast.walk meets outer functions first)."""
    owner: dict[ast.AST, str] = {}
    for function in ast.walk(tree):
        if isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            for node in ast.walk(function):
                if node is not function:
                    owner[node] = function.name
    return owner


def state_writes(path: Path) -> list[tuple[int, str, str]]:
    """Every `<x>.state = ...` and `Dispute(state=...)` in a module: line, function, value."""
    tree = ast.parse(path.read_text(), str(path))
    owner = _enclosing_functions(tree)
    found = []
    for node in ast.walk(tree):
        targets = node.targets if isinstance(node, ast.Assign) else []
        if isinstance(node, ast.AugAssign | ast.AnnAssign):
            targets = [node.target]
        for target in targets:
            if isinstance(target, ast.Attribute) and target.attr == "state" and node.value is not None:
                found.append((node.lineno, owner.get(node, "<module>"), ast.unparse(node.value)))
        if isinstance(node, ast.Call) and ast.unparse(node.func).endswith("Dispute"):
            for keyword in node.keywords:
                if keyword.arg == "state":
                    found.append((node.lineno, owner.get(node, "<module>"), ast.unparse(keyword.value)))
    return found


def test_only_the_steps_module_writes_a_dispute_state_and_only_the_engines_answer() -> None:
    writes = {
        (str(path.relative_to(ROOT)), function, value)
        for path in _sources()
        for _line, function, value in state_writes(path)
    }
    assert writes == {
        (PERSIST[0], PERSIST[1], "step.after"),  # every action and every passed deadline
        ("webapp/disputes/opening.py", "open_dispute", "opening_state()"),  # the engine's first state
    }


def test_the_scan_finds_a_state_written_by_hand(tmp_path: Path) -> None:
    module = tmp_path / "rogue.py"
    module.write_text(
        "def close(dispute):\n    dispute.state = State.CLOSED\n\n"
        "def new():\n    return Dispute(state=State.CLOSED)\n"
    )
    assert state_writes(module) == [(2, "close", "State.CLOSED"), (5, "new", "State.CLOSED")]
