"""The policies this deployment runs: the engine's built-in ones plus any in POLICY_DIR."""

from __future__ import annotations

from pathlib import Path

from flask import current_app

from dispute_engine import Policy, PolicyRegistry, builtin_policies

_KEY = "dispute_policies"


def registry() -> PolicyRegistry:
    """The app's policy registry, built once per app."""
    found = current_app.extensions.get(_KEY)
    if found is None:
        found = builtin_policies()
        extra = current_app.config.get("POLICY_DIR")
        if extra:
            found.load_dir(Path(extra))
        current_app.extensions[_KEY] = found
    return found


def policy_named(name: str) -> Policy:
    """The policy called `name`."""
    return registry().get(name)
