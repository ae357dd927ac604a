"""Files that come with a dispute action: the evidence feature provides them, disputes only count and keep."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from webapp.disputes.steps import ActionContext


class Attachments(Protocol):
    """Files sent with a form: counted for the rules, checked first, stored once the action is allowed."""

    def __len__(self) -> int: ...

    def check(self) -> None:
        """Raise FormInvalid for a file that cannot be kept."""

    def store(self, ctx: ActionContext, request_id: int | None = None) -> list[str]:
        """Keep the files as the actor's evidence; return their SHA-256 hashes."""
        ...


class NoAttachments:
    """A form sent without files."""

    def __len__(self) -> int:
        return 0

    def check(self) -> None:
        """Nothing to check."""

    def store(self, ctx: ActionContext, request_id: int | None = None) -> list[str]:
        """Nothing to keep."""
        return []
