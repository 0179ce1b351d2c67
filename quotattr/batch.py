"""Batch processing (placeholder: sequential until the streaming implementation lands)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from quotattr.model import Result

if TYPE_CHECKING:
    from quotattr.extractor import Extractor, PipeItem


def pipe(extractor: Extractor, items: Iterable[PipeItem], *, batch_size: int = 16, n_process: int = 1) -> Iterator[Result]:
    for item in items:
        doc_id, text = item if isinstance(item, tuple) else (None, item)
        yield extractor(text, doc_id=doc_id)
