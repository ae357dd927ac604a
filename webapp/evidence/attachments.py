"""Evidence sent with another action's form (opening, answering the mediator); the decision's fingerprint."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from webapp.core.extensions import db
from webapp.core.uploads import Upload
from webapp.evidence.models import EvidenceItem
from webapp.evidence.services import CheckedUpload, check_uploads, store_uploads

if TYPE_CHECKING:
    from webapp.disputes.steps import ActionContext


class UploadedFiles:
    """The `Attachments` of a form: the uploads, checked before and stored after the rules allow it."""

    def __init__(self, uploads: list[Upload]) -> None:
        self.uploads = uploads
        self._checked: list[CheckedUpload] | None = None

    def __len__(self) -> int:
        return len(self.uploads)

    def check(self) -> None:
        """Refuse files that are not photos or videos before anything is stored (E1)."""
        self._checked_uploads()

    def store(self, ctx: ActionContext, request_id: int | None = None) -> list[str]:
        """Keep the files in the actor's locker; return their SHA-256 hashes."""
        if not self.uploads:
            return []
        items = store_uploads(
            ctx.dispute, ctx.person, ctx.actor, self._checked_uploads(), now=ctx.now, request_id=request_id
        )
        return [item.sha256 for item in items]

    def _checked_uploads(self) -> list[CheckedUpload]:
        """The uploads as `check` found them: each file is sniffed and probed once."""
        if self._checked is None:
            self._checked = check_uploads(self.uploads)
        return self._checked


def fingerprint(dispute_id: int) -> list[dict[str, Any]]:
    """The hashes of every evidence item present now, removed ones marked (for the decision record)."""
    items = db.session.scalars(
        select(EvidenceItem).where(EvidenceItem.dispute_id == dispute_id).order_by(EvidenceItem.id)
    )
    return [{"id": i.id, "sha256": i.sha256, "removed": i.is_removed} for i in items]
