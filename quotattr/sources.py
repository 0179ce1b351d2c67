"""Who is quoted across a corpus, how often and in what role: the first table of a source audit.

:func:`sources_table` merges the speakers of many results by normalised name (case, accents' Unicode
form, spacing and periods ignored: "Helen  OKAFOR" and "Helen Okafor" are one source) and counts, per
source, the documents it appears in and its attributions by kind. Speakers without a name (an
unresolved "he", "officials") are grouped per kind into one row whose ``name`` is None; attributions
with no speaker at all are not a source and are not counted. Merging is by the exact normalised name
only: "Okafor" in one article and "Helen Okafor" in another stay two rows, and two different people
with the same name become one row, as in any name-based audit. Within one document quotattr resolves a
surname to the full name; where a one-word person name is still left beside exactly one longer person
name ending in it ("Chen" and "Laura Chen"), it is counted as that person.

Where the documents disagree on a source's rank, title, organization, kind or gender, the value seen
with most attributions wins (ties: the first seen); ``"unknown"`` gender yields to a stated one.
Results that failed (``Result.error`` set) are skipped.

    >>> from quotattr.model import Result, Attribution, Span, Speaker, QuoteKind
    >>> def doc(doc_id: str, name: str) -> Result:
    ...     text = f"{name} said that it works."
    ...     s = Speaker(id="S1", name=name, mentions=(Span.of(text, 0, len(name)),))
    ...     a = Attribution((Span.of(text, len(name) + 11, len(text) - 1),), QuoteKind.INDIRECT, speaker=s)
    ...     return Result(text, attributions=[a], speakers=[s], doc_id=doc_id)
    >>> rows = sources_table([doc("a", "Ann Lee"), doc("b", "ANN  LEE"), doc("c", "Bo Chen")])
    >>> [(r.name, r.documents, r.indirect) for r in rows]
    [('Ann Lee', 2, 2), ('Bo Chen', 1, 1)]
"""

from __future__ import annotations

import csv
import unicodedata
from collections import Counter
from collections.abc import Iterable
from typing import IO, TYPE_CHECKING, Any

import attrs

from quotattr.model import QuoteKind, Result, Speaker

if TYPE_CHECKING:
    import pandas

__all__ = ["SOURCE_COLUMNS", "Source", "normalize_name", "sources_dataframe", "sources_table", "write_sources_csv"]

#: The columns of a row of the sources table (:meth:`Source.to_row`), in order.
SOURCE_COLUMNS: tuple[str, ...] = (
    "name",
    "kind",
    "rank",
    "title",
    "organization",
    "gender",
    "documents",
    "attributions",
    "direct",
    "indirect",
    "mixed",
    "doc_ids",
)


@attrs.frozen(slots=True)
class Source:
    """One source across a corpus: its fields and how often it is quoted, in how many documents.

    ``doc_ids`` lists the documents (their ``doc_id``, or ``#N``, the position in the input, where
    a result has none) in the order first seen; ``attributions == direct + indirect + mixed``.
    """

    name: str | None
    kind: str
    rank: str | None
    title: str | None
    organization: str | None
    gender: str | None
    documents: int
    attributions: int
    direct: int
    indirect: int
    mixed: int
    doc_ids: tuple[str, ...]

    def to_row(self) -> dict[str, Any]:
        """A flat dict with the keys of :data:`SOURCE_COLUMNS` (``doc_ids`` joined by ``"; "``)."""
        row = attrs.asdict(self)
        row["doc_ids"] = "; ".join(self.doc_ids)
        return {column: row[column] for column in SOURCE_COLUMNS}


def normalize_name(name: str) -> str:
    """The key names are merged by: NFKC, case-folded, periods dropped, whitespace collapsed.

    >>> normalize_name("  Maria  ÁLVAREZ ") == normalize_name("maria álvarez")
    True
    >>> normalize_name("J.R. Smith") == normalize_name("JR Smith")
    True
    """
    words = unicodedata.normalize("NFKC", name).casefold().replace(".", " ").split()
    merged: list[str] = []
    previous_initial = False
    for word in words:  # runs of single letters are initials: "j r smith" -> "jr smith"
        initial = len(word) == 1 and word.isalpha()
        if initial and previous_initial:
            merged[-1] += word
        else:
            merged.append(word)
        previous_initial = initial
    return " ".join(merged)


class _Accumulator:
    __slots__ = ("counts", "docs", "fields", "first_name")

    def __init__(self, first_name: str | None) -> None:
        self.first_name = first_name
        self.counts: Counter[str] = Counter()
        self.docs: dict[str, None] = {}
        # field -> value -> weight (attributions seen with it); insertion order breaks ties
        self.fields: dict[str, dict[str, int]] = {k: {} for k in ("name", "kind", "rank", "title", "organization")}
        self.fields["gender"] = {}

    def add(self, fields: dict[str, Any], doc: str, kinds: Counter[str]) -> None:
        weight = max(1, sum(kinds.values()))
        self.docs.setdefault(doc, None)
        self.counts.update(kinds)
        for key, values in self.fields.items():
            value = fields.get(key)
            if value is None or value == "":
                continue
            values[str(value)] = values.get(str(value), 0) + weight

    def best(self, key: str) -> str | None:
        values = self.fields[key]
        if key == "gender":
            stated = {v: w for v, w in values.items() if v != "unknown"}
            values = stated or values
        if not values:
            return None
        top = max(values.values())
        return next(v for v, w in values.items() if w == top)

    def source(self) -> Source:
        direct, indirect, mixed = (
            self.counts[k.value] for k in (QuoteKind.DIRECT, QuoteKind.INDIRECT, QuoteKind.MIXED)
        )
        return Source(
            name=self.best("name") if self.first_name is not None else None,
            kind=self.best("kind") or "unnamed",
            rank=self.best("rank"),
            title=self.best("title"),
            organization=self.best("organization"),
            gender=self.best("gender"),
            documents=len(self.docs),
            attributions=direct + indirect + mixed,
            direct=direct,
            indirect=indirect,
            mixed=mixed,
            doc_ids=tuple(self.docs),
        )


def _fields(speaker: Speaker) -> dict[str, Any]:
    # to_dict(): fields the speaker model gains later (gender) are picked up without changes here
    return speaker.to_dict()


def _full_names(speakers: Iterable[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """One-word person names of a document that are the last word of exactly one longer person name there."""
    by_surname: dict[str, list[dict[str, Any]]] = {}
    for fields in speakers:
        name = fields.get("name")
        if not name or fields.get("kind") != "person":
            continue
        words = normalize_name(name).split()
        if len(words) > 1:
            by_surname.setdefault(words[-1], []).append(fields)
    return {surname: found[0] for surname, found in by_surname.items() if len(found) == 1}


def sources_table(results: Iterable[Result]) -> list[Source]:
    """One :class:`Source` per source of ``results``, most quoted first (then most documents, name).

    ``results`` is read once, lazily (a generator from :meth:`quotattr.Extractor.pipe` is fine). A
    speaker of a result counts only through its attributions.
    """
    table: dict[tuple[str, str], _Accumulator] = {}
    for position, result in enumerate(results):
        if not isinstance(result, Result):
            raise TypeError(f"sources_table() takes quotattr.Result objects, got {type(result).__name__}")
        if result.error is not None:
            continue
        doc = result.doc_id if result.doc_id is not None else f"#{position}"
        speakers: dict[int, Speaker] = {id(speaker): speaker for speaker in result.speakers}
        kinds_by_speaker: dict[int, Counter[str]] = {}
        for attribution in result.attributions:
            if attribution.speaker is not None:
                speakers.setdefault(id(attribution.speaker), attribution.speaker)
                kinds_by_speaker.setdefault(id(attribution.speaker), Counter())[attribution.kind.value] += 1
        fields_by_speaker = {key: _fields(speaker) for key, speaker in speakers.items()}
        full_names = _full_names(fields_by_speaker.values())
        for key_id, fields in fields_by_speaker.items():
            kinds = kinds_by_speaker.get(key_id, Counter())
            if not kinds:
                continue
            name = fields.get("name")
            if name and fields.get("kind") == "person" and normalize_name(name) in full_names:
                fields = full_names[normalize_name(name)]  # "Chen" beside "Laura Chen" in one document
                name = fields["name"]
            key = ("name", normalize_name(name)) if name else ("unnamed", str(fields.get("kind", "unnamed")))
            if key not in table:
                table[key] = _Accumulator(name if name else None)
            table[key].add(fields, doc, kinds)
    rows = [acc.source() for acc in table.values()]
    rows.sort(key=lambda s: (-s.attributions, -s.documents, s.name is None, (s.name or s.kind).casefold()))
    return rows


def write_sources_csv(sources: Iterable[Source], stream: IO[str], *, header: bool = True) -> int:
    """Write the rows to ``stream`` as CSV (columns :data:`SOURCE_COLUMNS`); returns the number of rows."""
    writer = csv.DictWriter(stream, fieldnames=SOURCE_COLUMNS, lineterminator="\n")
    if header:
        writer.writeheader()
    count = 0
    for source in sources:
        writer.writerow({k: "" if v is None else v for k, v in source.to_row().items()})
        count += 1
    return count


def sources_dataframe(results: Iterable[Result]) -> pandas.DataFrame:
    """:func:`sources_table` as a ``pandas.DataFrame`` with the columns of :data:`SOURCE_COLUMNS`.

    Needs pandas (``pip install 'quotattr[pandas]'``).
    """
    try:
        import pandas as pd
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError(
            "quotattr.sources.sources_dataframe needs pandas, which is not installed: "
            "pip install 'quotattr[pandas]' (or pip install pandas)"
        ) from exc
    rows = [source.to_row() for source in sources_table(results)]
    frame = pd.DataFrame.from_records(rows, columns=list(SOURCE_COLUMNS))
    for column in ("documents", "attributions", "direct", "indirect", "mixed"):
        frame[column] = frame[column].astype("int64")
    return frame
