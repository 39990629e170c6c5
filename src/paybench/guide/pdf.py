"""The guide as PDF: WeasyPrint prints the same HTML as the web page, with its print CSS
(US Letter, running header, page numbers, table rows kept whole, headers repeated)."""

from __future__ import annotations

import logging
from pathlib import Path

from paybench.errors import InputError


def write_pdf(html: str, path: Path) -> Path:
    """Print `html` (a self-contained document) to `path` as PDF; return the path."""
    from weasyprint import HTML

    # WeasyPrint logs each CSS property it does not support; the guide's screen-only
    # rules are expected to be skipped in print.
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        HTML(string=html, base_url=str(path.parent)).write_pdf(str(path))
    except OSError as exc:
        raise InputError(f"cannot write {path}: {exc.strerror or exc}") from None
    return path
