"""docs/dispute-rules.md defines every rule id the engine names, so the copy cannot drift from the code."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RULES = ROOT / "docs" / "dispute-rules.md"
ENGINE = ROOT / "dispute_engine"
RULE_ID = re.compile(r"[A-Z]\d{1,2}")
MENTIONED = re.compile(r"\(([A-Z]\d{1,2})\)")  # "(O5)" in a docstring or a comment
DEFINED = re.compile(r"^- \*\*([A-Z]\d{1,2})\*\*", re.MULTILINE)


def ids_named_by_the_engine() -> dict[str, set[str]]:
    """Each rule id the engine names (RuleViolation("O2", ...), a transition's or deadline's "S1",
    "(M8)" in prose), with the files naming it."""
    named: dict[str, set[str]] = {}
    for path in sorted(ENGINE.rglob("*.py")):
        source = path.read_text(encoding="utf-8")
        strings = (node.value for node in ast.walk(ast.parse(source)) if isinstance(node, ast.Constant))
        literals = {value for value in strings if isinstance(value, str) and RULE_ID.fullmatch(value)}
        for rule in literals | set(MENTIONED.findall(source)):
            named.setdefault(rule, set()).add(str(path.relative_to(ROOT)))
    return named


def test_every_rule_id_the_engine_names_is_defined_in_the_rules_document():
    named = ids_named_by_the_engine()
    assert {"O1", "S1", "N1", "M2", "C3", "F1"} <= named.keys()  # the scan finds what it should
    defined = set(DEFINED.findall(RULES.read_text(encoding="utf-8")))
    missing = {rule: sorted(files) for rule, files in named.items() if rule not in defined}
    assert not missing, f"rule ids named in dispute_engine/ but not defined in {RULES.name}: {missing}"


def test_the_readme_links_the_rules_document_inside_the_repository():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "(docs/dispute-rules.md)" in readme
    assert "../shared" not in readme
