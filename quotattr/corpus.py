"""Corpora in and out: folders of text files, JSON Lines, CSV and Parquet; resumable outputs.

Reading (:func:`read_corpus`) yields one :class:`CorpusDocument` per document, lazily, and never
raises for one bad document (a file that is missing, binary, undecodable, a JSON line that does not
parse, a record without text): its ``error`` says why, in its place.

* a **folder**: every file under it matching ``glob`` (default ``*.txt``), recursively, in sorted
  path order; the id is the path.
* a **text file** (any other name): one document, its id the path as given. A file whose bytes are
  binary (a NUL byte or a known binary signature — PDF, ZIP/DOCX, gzip, PNG, JPEG, Parquet … — in
  its first 8 KB, or more than 10 % control characters once decoded) is refused as binary, whatever
  ``--encoding`` says.
* **JSON Lines** (``.jsonl``, ``.ndjson``), **CSV** (``.csv``) and **Parquet** (``.parquet``): one
  document per record, the text in ``text_column`` (default ``text``) and the id in ``id_column``
  (default ``id``); a record without an id gets ``PATH#N`` (N from 0, the record's position).

Writing (:func:`open_writer`): ``jsonl`` (one :meth:`Result.to_dict` per document), ``csv`` (one row
per attribution, :data:`quotattr.export.COLUMNS`) and ``parquet`` (one row per attribution and one row
for each document without any, columns :data:`ROW_COLUMNS`: ``status`` is ``ok``, ``empty`` or
``error``). With ``resume=True`` the writer first reads the ids already in the output
(:attr:`CorpusWriter.done`) and appends: run the same job again and only the missing documents are
processed, each written exactly once. See docs/cli.md for how each format stays consistent when the
job is killed.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import sys
import time
from collections.abc import Container, Iterable, Iterator
from pathlib import Path
from typing import IO, Any

import attrs

from quotattr.export import COLUMNS, attribution_row
from quotattr.model import Result

__all__ = [
    "FORMATS",
    "INPUT_FORMATS",
    "ROW_COLUMNS",
    "SPEAKER_COLUMNS",
    "CorpusDocument",
    "CorpusWriter",
    "binary_reason",
    "corpus_format",
    "open_writer",
    "read_corpus",
    "read_text_file",
    "result_rows",
    "speaker_rows",
]

STDIN = "-"
STDIN_ID = "<stdin>"

#: Input formats (``auto`` decides by the file name).
INPUT_FORMATS = ("auto", "text", "jsonl", "csv", "parquet")
#: Output formats with a resumable writer.
FORMATS = ("jsonl", "csv", "parquet")

#: The columns of the Parquet output and of :func:`quotattr.spark.extract`'s attributions: one row
#: per attribution, and one row (``status`` ``empty`` or ``error``, attribution fields null) for each
#: document that has none, so every document is in the output.
ROW_COLUMNS: tuple[str, ...] = (
    "doc_id",
    "status",
    "error",
    *[c for c in COLUMNS[1:] if c not in ("confidence", "sentence_index", "paragraph_index", "sieve")],
    "speaker_gender",
    "confidence",
    "sentence_index",
    "paragraph_index",
    "sieve",
)

#: One row per speaker of a document.
SPEAKER_COLUMNS: tuple[str, ...] = (
    "doc_id",
    "speaker_id",
    "name",
    "kind",
    "rank",
    "title",
    "organization",
    "gender",
    "resolved",
    "n_mentions",
    "first_mention",
    "first_mention_start",
    "first_mention_end",
)

_INT_COLUMNS = frozenset(
    {"content_start", "content_end", "cue_start", "cue_end", "mention_start", "mention_end"}
    | {"sentence_index", "paragraph_index", "n_mentions", "first_mention_start", "first_mention_end"}
)
_FLOAT_COLUMNS = frozenset({"confidence"})
_BOOL_COLUMNS = frozenset({"resolved"})


@attrs.frozen(slots=True)
class CorpusDocument:
    """One document of a corpus: its id and its text, or why it has none."""

    doc_id: str
    text: str | None = None
    error: str | None = None


# -- reading --------------------------------------------------------------------------------------------

_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive (or DOCX/XLSX/EPUB)"),
    (b"\x1f\x8b", "gzip-compressed data"),
    (b"BZh", "bzip2-compressed data"),
    (b"\xfd7zXZ\x00", "xz-compressed data"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"PAR1", "a Parquet file (use --input-format parquet)"),
    (b"\x7fELF", "an executable"),
    (b"\xd0\xcf\x11\xe0", "an old Microsoft Office document"),
    (b"SQLite format 3\x00", "an SQLite database"),
)


def binary_reason(data: bytes, encoding: str = "utf-8") -> str | None:
    """Why ``data`` is not text (a known signature, NUL bytes, control characters), or None."""
    head = data[:8192]
    for magic, what in _SIGNATURES:
        if head.startswith(magic):
            return f"binary file ({what}), not text"
    wide = encoding.lower().replace("-", "").replace("_", "").startswith(("utf16", "utf32"))
    if not wide and b"\x00" in head:
        return f"binary file (NUL byte at offset {head.index(0)}), not text"
    sample = head.decode(encoding, errors="replace")
    if sample:
        controls = sum(1 for c in sample if (ord(c) < 32 and c not in "\n\r\t\f\v") or 0x7F <= ord(c) < 0xA0)
        if controls / len(sample) > 0.10:
            return f"binary file ({controls} control characters in its first {len(sample)}), not text"
    return None


def _decode_error(exc: UnicodeDecodeError, encoding: str) -> str:
    return (
        f"cannot decode as {encoding}: byte 0x{exc.object[exc.start]:02x} at offset {exc.start} "
        f"is invalid ({exc.reason}); pass --encoding (e.g. --encoding latin-1) if the file is not {encoding}"
    )


def read_text_file(path: str, encoding: str = "utf-8", stdin: IO[bytes] | None = None) -> CorpusDocument:
    """Read one text file (``-``: standard input); never raises for a bad file (the reason is in ``error``)."""
    doc_id = STDIN_ID if path == STDIN else path
    try:
        if path == STDIN:
            data = (stdin if stdin is not None else sys.stdin.buffer).read()
        else:
            p = Path(path)
            if p.is_dir():
                return CorpusDocument(doc_id, error="is a directory")
            data = p.read_bytes()
    except FileNotFoundError:
        return CorpusDocument(doc_id, error="no such file")
    except PermissionError:
        return CorpusDocument(doc_id, error="permission denied")
    except OSError as exc:
        return CorpusDocument(doc_id, error=f"cannot read: {exc.strerror or exc}")
    reason = binary_reason(data, encoding)
    if reason is not None:
        return CorpusDocument(doc_id, error=reason)
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        return CorpusDocument(doc_id, error=_decode_error(exc, encoding))
    return CorpusDocument(doc_id, text=text)


def corpus_format(path: str, input_format: str = "auto") -> str:
    """``text``, ``jsonl``, ``csv`` or ``parquet`` for ``path`` (by its name under ``auto``); folders: ``folder``."""
    if path != STDIN and Path(path).is_dir():
        return "folder"
    if input_format != "auto":
        return input_format
    name = path.lower()
    if name.endswith((".jsonl", ".ndjson")):
        return "jsonl"
    if name.endswith(".csv"):
        return "csv"
    if name.endswith(".parquet"):
        return "parquet"
    return "text"


def _record(record: Any, where: str, index: int, text_column: str, id_column: str) -> CorpusDocument:
    fallback = f"{where}#{index}"
    if not isinstance(record, dict):
        return CorpusDocument(fallback, error=f"record {index} is not an object")
    raw_id = record.get(id_column)
    doc_id = fallback if raw_id is None or raw_id == "" else str(raw_id)
    if text_column not in record:
        return CorpusDocument(doc_id, error=f"no {text_column!r} field (see --text-column)")
    text = record[text_column]
    if text is None:
        return CorpusDocument(doc_id, error=f"{text_column!r} is null")
    if not isinstance(text, str):
        return CorpusDocument(doc_id, error=f"{text_column!r} is not text but {type(text).__name__}")
    return CorpusDocument(doc_id, text=text)


def _iter_jsonl(path: str, text_column: str, id_column: str, encoding: str) -> Iterator[CorpusDocument]:
    with open(path, encoding=encoding, errors="strict") as stream:
        index = 0
        while True:
            try:
                line = stream.readline()
            except UnicodeDecodeError as exc:
                yield CorpusDocument(f"{path}#{index}", error=_decode_error(exc, encoding) + " (reading stopped)")
                return
            if not line:
                return
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                yield CorpusDocument(f"{path}#{index}", error=f"line {index + 1} is not JSON: {exc.msg}")
            else:
                yield _record(record, path, index, text_column, id_column)
            index += 1


def _iter_csv(path: str, text_column: str, id_column: str, encoding: str) -> Iterator[CorpusDocument]:
    csv.field_size_limit(min(sys.maxsize, 2**31 - 1))  # whole articles exceed the 128 KB default
    with open(path, encoding=encoding, newline="") as stream:
        reader = csv.DictReader(stream)
        try:
            names = reader.fieldnames or []
            if text_column not in names:
                yield CorpusDocument(
                    path, error=f"no {text_column!r} column (columns: {', '.join(names)}; see --text-column)"
                )
                return
            for index, record in enumerate(reader):
                yield _record(record, path, index, text_column, id_column)
        except (csv.Error, UnicodeDecodeError) as exc:
            yield CorpusDocument(f"{path}#{reader.line_num}", error=f"unreadable CSV: {exc} (reading stopped)")


def _iter_parquet(path: str, text_column: str, id_column: str) -> Iterator[CorpusDocument]:
    pq = _pyarrow_parquet()
    source = pq.ParquetFile(path)
    names = source.schema_arrow.names
    if text_column not in names:
        yield CorpusDocument(path, error=f"no {text_column!r} column (columns: {', '.join(names)}; see --text-column)")
        return
    columns = [text_column] + ([id_column] if id_column in names and id_column != text_column else [])
    index = 0
    for batch in source.iter_batches(batch_size=256, columns=columns):
        for record in batch.to_pylist():
            yield _record(record, path, index, text_column, id_column)
            index += 1


def _pyarrow_parquet() -> Any:
    try:
        import pyarrow.parquet as pq
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError("Parquet needs pyarrow, which is not installed: pip install pyarrow") from exc
    return pq


def _folder_files(folder: str, pattern: str) -> list[str]:
    root = Path(folder)
    return sorted(str(p) for p in root.rglob(pattern) if p.is_file())


def read_corpus(
    paths: Iterable[str],
    *,
    input_format: str = "auto",
    text_column: str = "text",
    id_column: str = "id",
    glob: str = "*.txt",
    encoding: str = "utf-8",
    skip: Container[str] = (),
) -> Iterator[CorpusDocument]:
    """Every document of ``paths`` (folders, text files, JSON Lines, CSV, Parquet), lazily, in order.

    Documents whose id is in ``skip`` are left out without reading their text where that can be
    avoided (text files, folders). Never raises for one bad input.
    """
    if input_format not in INPUT_FORMATS:
        raise ValueError(f"input_format must be one of {', '.join(INPUT_FORMATS)}, got {input_format!r}")
    for path in paths:
        kind = corpus_format(path, input_format)
        if kind == "folder":
            files = _folder_files(path, glob)
            if not files:
                yield CorpusDocument(path, error=f"folder with no file matching {glob!r} (see --glob)")
            for name in files:
                if name not in skip:
                    yield read_text_file(name, encoding)
            continue
        if kind == "text":
            doc_id = STDIN_ID if path == STDIN else path
            if doc_id not in skip:
                yield read_text_file(path, encoding)
            continue
        if not Path(path).is_file():
            yield read_text_file(path, encoding)  # the same "no such file" / "permission denied" errors
            continue
        try:
            if kind == "jsonl":
                records = _iter_jsonl(path, text_column, id_column, encoding)
            elif kind == "csv":
                records = _iter_csv(path, text_column, id_column, encoding)
            else:
                records = _iter_parquet(path, text_column, id_column)
            for doc in records:
                if doc.doc_id not in skip:
                    yield doc
        except ImportError:
            raise
        except Exception as exc:  # an unreadable corpus file: one error in its place, the rest goes on
            yield CorpusDocument(path, error=f"cannot read as {kind}: {type(exc).__name__}: {exc}")


# -- rows -----------------------------------------------------------------------------------------------


def result_rows(result: Result) -> list[dict[str, Any]]:
    """The rows of :data:`ROW_COLUMNS` for one result: one per attribution, or one status row."""
    if result.error is not None or not result.attributions:
        row: dict[str, Any] = dict.fromkeys(ROW_COLUMNS)
        row.update(doc_id=result.doc_id, status="error" if result.error is not None else "empty", error=result.error)
        return [row]
    genders = {s.id: s.to_dict().get("gender") for s in result.speakers}
    rows = []
    for attribution in result.attributions:
        flat = attribution_row(attribution, result.doc_id)
        speaker = attribution.speaker
        gender = None
        if speaker is not None:
            gender = genders.get(speaker.id, speaker.to_dict().get("gender"))
        flat.update(status="ok", error=None, speaker_gender=gender)
        rows.append({column: flat[column] for column in ROW_COLUMNS})
    return rows


def speaker_rows(result: Result) -> list[dict[str, Any]]:
    """One row of :data:`SPEAKER_COLUMNS` per speaker of ``result`` (fields read via ``Speaker.to_dict()``)."""
    rows = []
    for speaker in result.speakers:
        fields = speaker.to_dict()
        mentions = fields.get("mentions") or []
        first = mentions[0] if mentions else {}
        kind = fields.get("kind")
        rows.append(
            {
                "doc_id": result.doc_id,
                "speaker_id": fields.get("id"),
                "name": fields.get("name"),
                "kind": getattr(kind, "value", kind),
                "rank": fields.get("rank"),
                "title": fields.get("title"),
                "organization": fields.get("organization"),
                "gender": fields.get("gender"),
                "resolved": fields.get("resolved"),
                "n_mentions": len(mentions),
                "first_mention": first.get("text"),
                "first_mention_start": first.get("start"),
                "first_mention_end": first.get("end"),
            }
        )
    return rows


def arrow_schema(columns: tuple[str, ...]) -> Any:
    """The pyarrow schema of ``columns`` (:data:`ROW_COLUMNS` or :data:`SPEAKER_COLUMNS`)."""
    import pyarrow as pa

    def kind(column: str) -> Any:
        if column in _INT_COLUMNS:
            return pa.int64()
        if column in _FLOAT_COLUMNS:
            return pa.float64()
        if column in _BOOL_COLUMNS:
            return pa.bool_()
        return pa.string()

    return pa.schema([(column, kind(column)) for column in columns])


# -- writing --------------------------------------------------------------------------------------------


class CorpusWriter:
    """Writes results one by one; :attr:`done` holds the ids already in the output (``resume=True``)."""

    done: set[str]

    def write(self, result: Result) -> None:
        raise NotImplementedError

    def close(self) -> None:
        """Called once after the last result (makes the output complete)."""


def _complete_text(path: Path) -> str:
    data = path.read_bytes()
    return data.decode("utf-8", errors="strict")


class _JsonLinesWriter(CorpusWriter):
    def __init__(self, out: IO[str] | Path, include_text: bool, resume: bool) -> None:
        self.include_text = include_text
        self.done = set()
        self._owned = isinstance(out, Path)
        if isinstance(out, Path):
            if resume and out.exists():
                self.done = self._resume(out)
            self.out: IO[str] = open(out, "a" if resume else "w", encoding="utf-8", newline="")  # noqa: SIM115
        else:
            self.out = out

    @staticmethod
    def _resume(path: Path) -> set[str]:
        text = _complete_text(path)
        keep = text.rfind("\n") + 1  # a line cut off by a kill is dropped (its document is redone)
        done = set()
        for number, line in enumerate(text[:keep].splitlines(), 1):
            if not line.strip():
                continue
            try:
                doc_id = json.loads(line).get("doc_id")
            except (json.JSONDecodeError, AttributeError):
                raise ValueError(f"cannot resume: line {number} of {path} is not a quotattr JSON object") from None
            if doc_id is not None:
                done.add(str(doc_id))
        if keep < len(text):
            _truncate(path, len(text[:keep].encode("utf-8")))
        return done

    def write(self, result: Result) -> None:
        self.out.write(json.dumps(result.to_dict(include_text=self.include_text), ensure_ascii=False) + "\n")
        self.out.flush()

    def close(self) -> None:
        if self._owned:
            self.out.close()


def _truncate(path: Path, size: int) -> None:
    with open(path, "r+b") as stream:
        stream.truncate(size)


class _CsvWriter(CorpusWriter):
    """One row per attribution (:data:`quotattr.export.COLUMNS`); a document without any has no row."""

    def __init__(self, out: IO[str] | Path, resume: bool) -> None:
        self.done = set()
        self.header = True
        self._owned = isinstance(out, Path)
        if isinstance(out, Path):
            if resume and out.exists() and out.stat().st_size:
                self.done = self._resume(out)
                self.header = False
            self.out: IO[str] = open(out, "a" if not self.header else "w", encoding="utf-8", newline="")  # noqa: SIM115
        else:
            self.out = out

    @staticmethod
    def _resume(path: Path) -> set[str]:
        """Ids with rows; the last document's rows are dropped (a kill may have cut them) and redone."""
        text = _complete_text(path)
        line_ends = [0]  # offset after each physical line ("\n" only, as the csv reader counts them)
        at = text.find("\n")
        while at != -1:
            line_ends.append(at + 1)
            at = text.find("\n", at + 1)
        line_ends.append(len(text))
        reader = csv.reader(io.StringIO(text, newline=""))
        try:
            header = next(reader)
        except (StopIteration, csv.Error):
            raise ValueError(f"cannot resume: {path} has no CSV header") from None
        if "doc_id" not in header:
            raise ValueError(f"cannot resume: {path} is not a quotattr CSV (no doc_id column)")
        column = header.index("doc_id")
        header_end = line_ends[min(reader.line_num, len(line_ends) - 1)]
        rows: list[tuple[str, int]] = []  # (doc_id, offset after the row), complete rows only
        try:
            for row in reader:
                end = line_ends[min(reader.line_num, len(line_ends) - 1)]
                if len(row) != len(header) or not text[:end].endswith("\n"):
                    break
                rows.append((row[column], end))
        except csv.Error:
            pass
        if rows:  # the last document's rows (perhaps cut short) go; it is redone
            last = rows[-1][0]
            rows = [r for r in rows if r[0] != last]
        keep = rows[-1][1] if rows else header_end
        _truncate(path, len(text[:keep].encode("utf-8")))
        return {doc_id for doc_id, _ in rows}

    def write(self, result: Result) -> None:
        from quotattr.export import write_csv

        write_csv([result], self.out, header=self.header)
        self.header = False
        self.out.flush()

    def close(self) -> None:
        if self.header:  # no document at all: still write the header
            from quotattr.export import write_csv

            write_csv([], self.out)
        if self._owned:
            self.out.close()
        else:
            self.out.flush()


class _ParquetWriter(CorpusWriter):
    """Rows of :data:`ROW_COLUMNS`; complete part files in ``PATH.parts/`` until :meth:`close` merges them.

    A part is written under a temporary name and renamed, so a killed job leaves only whole parts;
    ``resume=True`` counts the ids in ``PATH`` and in the parts, and :meth:`close` merges the old file
    and the parts into ``PATH`` (atomically, by rename), each document once.
    """

    def __init__(self, path: Path, resume: bool, docs_per_part: int = 32, seconds_per_part: float = 30.0) -> None:
        self.pq = _pyarrow_parquet()
        self.schema = arrow_schema(ROW_COLUMNS)
        self.path = path
        self.parts = path.with_name(path.name + ".parts")
        self.docs_per_part = docs_per_part
        self.seconds_per_part = seconds_per_part
        self.done = set()
        if not resume:
            if self.parts.exists():
                shutil.rmtree(self.parts)
            self.keep_existing = False
        else:
            self.keep_existing = path.exists()
            if self.keep_existing:
                self.done |= self._ids(path)
            for part in self._part_files():
                self.done |= self._ids(part)
        self.parts.mkdir(exist_ok=True)
        for stale in self.parts.glob("*.tmp"):
            stale.unlink()
        self.next_part = len(self._part_files())
        self.rows: list[dict[str, Any]] = []
        self.docs = 0
        self.since = time.monotonic()

    def _part_files(self) -> list[Path]:
        return sorted(self.parts.glob("part-*.parquet")) if self.parts.is_dir() else []

    def _ids(self, path: Path) -> set[str]:
        table = self.pq.read_table(path, columns=["doc_id"])
        return {str(v) for v in table.column("doc_id").to_pylist() if v is not None}

    def write(self, result: Result) -> None:
        self.rows.extend(result_rows(result))
        self.docs += 1
        if self.docs >= self.docs_per_part or time.monotonic() - self.since >= self.seconds_per_part:
            self._flush()

    def _table(self, rows: list[dict[str, Any]]) -> Any:
        import pyarrow as pa

        return pa.Table.from_pylist(rows, schema=self.schema)

    def _flush(self) -> None:
        if self.rows:
            final = self.parts / f"part-{self.next_part:06d}.parquet"
            temporary = final.with_name(final.name + ".tmp")
            self.pq.write_table(self._table(self.rows), temporary)
            os.replace(temporary, final)
            self.next_part += 1
        self.rows = []
        self.docs = 0
        self.since = time.monotonic()

    def close(self) -> None:
        self._flush()
        temporary = self.path.with_name(self.path.name + ".tmp")
        seen: set[str] = set()
        with self.pq.ParquetWriter(temporary, self.schema) as writer:
            sources = ([self.path] if self.keep_existing else []) + self._part_files()
            for source in sources:
                table = self.pq.read_table(source, schema=self.schema)
                ids = table.column("doc_id").to_pylist()
                fresh = {i for i in set(ids) if i not in seen}
                if len(fresh) != len(set(ids)):  # a part merged already (a kill between rename and cleanup)
                    import pyarrow as pa
                    import pyarrow.compute as pc

                    table = table.filter(pc.is_in(table.column("doc_id"), value_set=pa.array(sorted(fresh))))
                seen |= fresh
                writer.write_table(table)
            if not sources:
                writer.write_table(self._table([]))
        os.replace(temporary, self.path)
        shutil.rmtree(self.parts, ignore_errors=True)


def open_writer(
    output_format: str, out: str | os.PathLike[str] | IO[str], *, include_text: bool = True, resume: bool = False
) -> CorpusWriter:
    """A writer of ``output_format`` (``jsonl``, ``csv``, ``parquet``) to a path (or a text stream).

    ``resume=True`` (paths only): keep what the output holds, note its ids in ``writer.done``, append.
    Raises ``ValueError`` for an output that cannot be resumed (not quotattr's format).
    """
    if output_format not in FORMATS:
        raise ValueError(f"output_format must be one of {', '.join(FORMATS)}, got {output_format!r}")
    stream = not isinstance(out, (str, os.PathLike))
    if stream and (resume or output_format == "parquet"):
        raise ValueError(f"{'resume' if resume else 'parquet'} needs an output path, not a stream")
    target: IO[str] | Path = out if stream else Path(out)  # type: ignore[assignment,arg-type]
    if output_format == "jsonl":
        return _JsonLinesWriter(target, include_text, resume)
    if output_format == "csv":
        return _CsvWriter(target, resume)
    assert isinstance(target, Path)
    return _ParquetWriter(target, resume)
