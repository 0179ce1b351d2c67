"""Flat exports of a batch's attributions: one row per attribution, as CSV or a pandas DataFrame.

The same row builder (:func:`attribution_rows`) feeds ``quotattr extract --format csv`` and
:func:`to_dataframe`, so both have the columns listed in :data:`COLUMNS`. Documents that failed
(``Result.error`` set) contribute no rows; documents without attributions contribute none either.

    >>> from quotattr.export import COLUMNS
    >>> COLUMNS[:4]
    ('doc_id', 'kind', 'content', 'content_start')
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from typing import IO, TYPE_CHECKING, Any

from quotattr.model import Attribution, Result, Span

if TYPE_CHECKING:
    import pandas

__all__ = ["COLUMNS", "attribution_row", "attribution_rows", "to_dataframe", "write_csv"]

#: The columns of a row, in order.
COLUMNS: tuple[str, ...] = (
    "doc_id",
    "kind",
    "content",
    "content_start",
    "content_end",
    "cue",
    "cue_start",
    "cue_end",
    "cue_lemma",
    "mention",
    "mention_start",
    "mention_end",
    "addressee",
    "speaker_id",
    "speaker_name",
    "speaker_rank",
    "speaker_title",
    "speaker_organization",
    "speaker_kind",
    "confidence",
    "sentence_index",
    "paragraph_index",
    "sieve",
)


def _span(prefix: str, span: Span | None) -> dict[str, Any]:
    if span is None:
        return {prefix: None, f"{prefix}_start": None, f"{prefix}_end": None}
    return {prefix: span.text, f"{prefix}_start": span.start, f"{prefix}_end": span.end}


def attribution_row(attribution: Attribution, doc_id: str | None = None) -> dict[str, Any]:
    """One attribution as a flat dict with the keys of :data:`COLUMNS`.

    ``content`` is the quote's text (the parts of a discontinuous quote joined by " … "), from the
    start of its first part to the end of its last.
    """
    a = attribution
    s = a.speaker
    row: dict[str, Any] = {
        "doc_id": doc_id,
        "kind": a.kind.value,
        "content": a.text,
        "content_start": a.start,
        "content_end": a.end,
        **_span("cue", None if a.cue is None else a.cue.span),
        "cue_lemma": None if a.cue is None else a.cue.lemma,
        **_span("mention", a.mention),
        "addressee": None if a.addressee is None else a.addressee.text,
        "speaker_id": None if s is None else s.id,
        "speaker_name": None if s is None else s.name,
        "speaker_rank": None if s is None else s.rank,
        "speaker_title": None if s is None else s.title,
        "speaker_organization": None if s is None else s.organization,
        "speaker_kind": None if s is None else s.kind.value,
        "confidence": a.confidence,
        "sentence_index": a.sentence_index,
        "paragraph_index": a.paragraph_index,
        "sieve": a.sieve,
    }
    return {column: row[column] for column in COLUMNS}


def attribution_rows(results: Iterable[Result]) -> Iterator[dict[str, Any]]:
    """One row per attribution of every result, in document then text order (lazy)."""
    for result in results:
        for attribution in result.attributions:
            yield attribution_row(attribution, result.doc_id)


def write_csv(results: Iterable[Result], stream: IO[str], *, header: bool = True) -> int:
    """Write the rows of ``results`` to ``stream`` as CSV; returns the number of rows written."""
    writer = csv.DictWriter(stream, fieldnames=COLUMNS, lineterminator="\n")
    if header:
        writer.writeheader()
    count = 0
    for row in attribution_rows(results):
        writer.writerow({k: "" if v is None else v for k, v in row.items()})
        count += 1
    return count


def to_dataframe(results: Iterable[Result]) -> pandas.DataFrame:
    """A ``pandas.DataFrame`` with one row per attribution and the columns of :data:`COLUMNS`.

    Needs pandas (``pip install 'quotattr[pandas]'``). Offsets are nullable integers (``Int64``)
    because a cue or mention may be absent.
    """
    try:
        import pandas as pd
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError(
            "quotattr.export.to_dataframe needs pandas, which is not installed: "
            "pip install 'quotattr[pandas]' (or pip install pandas)"
        ) from exc
    frame = pd.DataFrame.from_records(list(attribution_rows(results)), columns=list(COLUMNS))
    for column in ("content_start", "content_end", "cue_start", "cue_end", "mention_start", "mention_end"):
        frame[column] = frame[column].astype("Int64")
    for column in ("sentence_index", "paragraph_index"):
        frame[column] = frame[column].astype("int64")
    frame["confidence"] = frame["confidence"].astype("float64")
    return frame
