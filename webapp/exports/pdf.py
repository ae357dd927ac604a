"""WeasyPrint, imported with Pillow's process-wide LOAD_TRUNCATED_IMAGES kept as it was.

Importing WeasyPrint switches that flag on for the whole process. This module switches it back at once,
and it is imported when the app is built (the export feature's hooks), before any job thread runs, so no
evidence job can ever see the flag on and accept a truncated photo (media.photos).
"""

from __future__ import annotations

from typing import Any

from PIL import ImageFile

_truncated_before = ImageFile.LOAD_TRUNCATED_IMAGES
import weasyprint  # noqa: E402

ImageFile.LOAD_TRUNCATED_IMAGES = _truncated_before


def html_to_pdf(html: str) -> bytes:
    """The page as PDF; nothing outside it is fetched (no file, no network)."""
    return weasyprint.HTML(string=html, url_fetcher=_no_fetching).write_pdf()


def _no_fetching(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
    raise ValueError(f"the summary fetches nothing: {url}")
