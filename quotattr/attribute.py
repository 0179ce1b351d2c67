"""Orchestrates the stages after stanza (placeholder while the engine is written)."""

from __future__ import annotations

from typing import Any

from quotattr.lexicons import Lexicons
from quotattr.model import Result


def attribute(doc: Any, lexicons: Lexicons, *, doc_id: str | None = None, text: str | None = None) -> Result:
    source = text if text is not None else doc.text
    return Result(text=source, doc_id=doc_id)
