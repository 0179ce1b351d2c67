"""quotattr.corpus without the pipeline: readers, binary detection, rows, resumable writers."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from quotattr.corpus import (
    ROW_COLUMNS,
    SPEAKER_COLUMNS,
    CorpusDocument,
    binary_reason,
    open_writer,
    read_corpus,
    result_rows,
    speaker_rows,
)
from quotattr.model import Attribution, QuoteKind, Result, Span, Speaker

TEXT = "Ann said that it works."


def _result(doc_id: str) -> Result:
    ann = Speaker(id="S1", name="Ann", mentions=(Span.of(TEXT, 0, 3),))
    attribution = Attribution((Span.of(TEXT, 14, 22),), QuoteKind.INDIRECT, speaker=ann)
    return Result(TEXT, doc_id=doc_id, attributions=[attribution], speakers=[ann])


def test_binary_reason() -> None:
    assert binary_reason(b"%PDF-1.7 ...") == "binary file (a PDF document), not text"
    assert binary_reason(b"PK\x03\x04rest") is not None
    assert binary_reason(b"abc\x00def") == "binary file (NUL byte at offset 3), not text"
    assert binary_reason("abc".encode("utf-16")) is not None  # as utf-8: NUL bytes
    assert binary_reason("abc".encode("utf-16"), "utf-16") is None
    assert binary_reason(bytes(range(1, 32)) * 10) is not None  # control characters
    assert binary_reason("Le maire a dit « café ».\n".encode("latin-1"), "latin-1") is None
    assert binary_reason(b"") is None


def test_readers(tmp_path: Path) -> None:
    folder = tmp_path / "f"
    (folder / "sub").mkdir(parents=True)
    (folder / "sub" / "b.txt").write_text("B", encoding="utf-8")
    (folder / "a.txt").write_text("A", encoding="utf-8")
    (folder / "c.bin.txt").write_bytes(b"\x00\x01")
    docs = list(read_corpus([str(folder)]))
    assert [d.doc_id for d in docs] == [str(folder / "a.txt"), str(folder / "c.bin.txt"), str(folder / "sub" / "b.txt")]
    assert docs[1].error is not None and docs[1].error.startswith("binary file")
    skipped = list(read_corpus([str(folder)], skip={str(folder / "a.txt")}))
    assert str(folder / "a.txt") not in [d.doc_id for d in skipped]

    lines = tmp_path / "c.jsonl"
    lines.write_text('{"id": 1, "text": "x"}\n\n[1]\n{"text": 5}\n{"text": null, "id": "n"}\n', encoding="utf-8")
    assert list(read_corpus([str(lines)])) == [
        CorpusDocument("1", "x"),
        CorpusDocument(f"{lines}#1", error="record 1 is not an object"),
        CorpusDocument(f"{lines}#2", error="'text' is not text but int"),
        CorpusDocument("n", error="'text' is null"),
    ]
    table = tmp_path / "c.csv"
    table.write_text("id,body\n1,hello\n", encoding="utf-8")
    assert next(read_corpus([str(table)])).error == "no 'text' column (columns: id, body; see --text-column)"
    assert list(read_corpus([str(table)], text_column="body")) == [CorpusDocument("1", "hello")]
    with pytest.raises(ValueError, match="input_format"):
        list(read_corpus([str(table)], input_format="xml"))


def test_rows() -> None:
    rows = result_rows(_result("d1"))
    assert len(rows) == 1 and tuple(rows[0]) == ROW_COLUMNS
    assert rows[0]["status"] == "ok" and rows[0]["content"] == "it works" and rows[0]["speaker_name"] == "Ann"
    assert TEXT[rows[0]["content_start"] : rows[0]["content_end"]] == rows[0]["content"]
    (empty,) = result_rows(Result("Nothing.", doc_id="d2"))
    assert empty["status"] == "empty" and empty["kind"] is None
    (failed,) = result_rows(Result("", doc_id="d3", error="TypeError: x"))
    assert failed["status"] == "error" and failed["error"] == "TypeError: x"
    (speaker,) = speaker_rows(_result("d1"))
    assert tuple(speaker) == SPEAKER_COLUMNS and speaker["name"] == "Ann" and speaker["n_mentions"] == 1


def test_jsonl_and_csv_writers_resume(tmp_path: Path) -> None:
    target = tmp_path / "o.jsonl"
    writer = open_writer("jsonl", target)
    writer.write(_result("a"))
    writer.close()
    with target.open("a", encoding="utf-8") as stream:
        stream.write('{"doc_id": "b", "cut')
    writer = open_writer("jsonl", target, resume=True)
    assert writer.done == {"a"}
    writer.write(_result("b"))
    writer.close()
    assert [json.loads(line)["doc_id"] for line in target.read_text(encoding="utf-8").splitlines()] == ["a", "b"]

    target = tmp_path / "o.csv"
    writer = open_writer("csv", target)
    for doc_id in ("a", "b"):
        writer.write(_result(doc_id))
    writer.close()
    writer = open_writer("csv", target, resume=True)
    assert writer.done == {"a"}  # the last document's rows are redone
    writer.write(_result("b"))
    writer.close()
    assert [r["doc_id"] for r in csv.DictReader(target.open(encoding="utf-8"))] == ["a", "b"]
    (tmp_path / "bad.jsonl").write_text("not json\n", encoding="utf-8")
    with pytest.raises(ValueError, match="cannot resume"):
        open_writer("jsonl", tmp_path / "bad.jsonl", resume=True)


def test_parquet_writer_resume(tmp_path: Path) -> None:
    pq = pytest.importorskip("pyarrow.parquet")
    target = tmp_path / "o.parquet"
    writer = open_writer("parquet", target)
    writer.write(_result("a"))
    writer.write(Result("Nothing.", doc_id="e"))
    writer.close()
    writer = open_writer("parquet", target, resume=True)
    assert writer.done == {"a", "e"}
    writer.write(_result("b"))
    writer._flush()  # type: ignore[attr-defined]  # a part on disk, then a kill: no close()
    writer = open_writer("parquet", target, resume=True)
    assert writer.done == {"a", "e", "b"}
    writer.close()
    rows = pq.read_table(target).to_pylist()
    assert [(r["doc_id"], r["status"]) for r in rows] == [("a", "ok"), ("e", "empty"), ("b", "ok")]
    with pytest.raises(ValueError, match="stream"):
        open_writer("parquet", __import__("io").StringIO())
