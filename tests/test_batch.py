"""Extractor.pipe through the real pipeline: order, streaming, fault isolation, processes, exports."""

from __future__ import annotations

import csv
import io
import itertools
import sys

import pytest

from quotattr.export import COLUMNS, attribution_rows, to_dataframe, write_csv
from quotattr.guard import violations
from quotattr.model import Result

pytestmark = pytest.mark.pipeline

DOCS = [
    ("a", '"We will win," Jane Doe, the party spokeswoman, told reporters.'),
    ("b", "According to the ministry, 40 people were injured."),
    ("c", ""),
    ("d", "The weather was fine. Nobody said anything."),
    ("e", "Police spokesman Ana Silva said the road was closed."),
]


def test_pipe_keeps_order_and_ids(extractor) -> None:  # type: ignore[no-untyped-def]
    results = list(extractor.pipe(DOCS, batch_size=2))
    assert [r.doc_id for r in results] == [d for d, _ in DOCS]
    for (_, text), result in zip(DOCS, results, strict=True):
        assert result.ok and not violations(result, text)


def test_pipe_equals_one_by_one(extractor) -> None:  # type: ignore[no-untyped-def]
    texts = [t for _, t in DOCS]
    bulk = [r.to_dict() for r in extractor.pipe(texts, batch_size=8)]
    single = [extractor(t).to_dict() for t in texts]
    assert bulk == single


def test_pipe_streams_lazily(extractor) -> None:  # type: ignore[no-untyped-def]
    consumed = 0

    def endless():  # type: ignore[no-untyped-def]
        nonlocal consumed
        for i in itertools.count():
            consumed += 1
            yield f"Item {i}: the mayor said the bridge would reopen."

    stream = extractor.pipe(endless(), batch_size=3)
    first = list(itertools.islice(stream, 4))
    assert len(first) == 4 and all(r.ok for r in first)
    assert consumed <= 6  # two batches of 3, never the whole (endless) input


def test_one_bad_document_does_not_stop_the_batch(extractor) -> None:  # type: ignore[no-untyped-def]
    items = [("ok1", DOCS[0][1]), ("bad", 12345), ("ok2", DOCS[4][1]), ("none", None)]
    results = list(extractor.pipe(items, batch_size=4))  # type: ignore[arg-type]
    assert [r.doc_id for r in results] == ["ok1", "bad", "ok2", "none"]
    assert results[0].ok and results[2].ok
    assert results[1].error is not None and "TypeError" in results[1].error
    assert results[3].error is not None and results[3].text == ""
    assert results[2].to_dict() == extractor(DOCS[4][1], doc_id="ok2").to_dict()


def test_pipe_argument_checks(extractor) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError, match="batch_size"):
        extractor.pipe(["x"], batch_size=0)
    with pytest.raises(ValueError, match="n_process"):
        extractor.pipe(["x"], n_process=0)


def test_pipe_hostile_batch(extractor) -> None:  # type: ignore[no-untyped-def]
    texts = ["\x00\x00", '"' * 3000, "“" + DOCS[0][1], "🙂" * 50, " ", "x" * 60_000 + " said Bob."]
    for text, result in zip(texts, extractor.pipe(texts, batch_size=4), strict=True):
        assert result.ok, result.error
        assert not violations(result, text)


def test_pipe_two_processes_same_results(extractor) -> None:  # type: ignore[no-untyped-def]
    texts = [t for _, t in DOCS] * 2
    expected = [r.to_dict() for r in extractor.pipe(texts, batch_size=3)]
    got = [r.to_dict() for r in extractor.pipe(texts, batch_size=3, n_process=2)]
    assert got == expected


# -- exports ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def results(extractor) -> list[Result]:  # type: ignore[no-untyped-def]
    return list(extractor.pipe(DOCS))


def test_rows_one_per_attribution(results: list[Result]) -> None:
    rows = list(attribution_rows(results))
    assert len(rows) == sum(len(r.attributions) for r in results)
    for row in rows:
        assert tuple(row) == COLUMNS
        assert row["doc_id"] in {d for d, _ in DOCS}


def test_csv(results: list[Result]) -> None:
    out = io.StringIO()
    n = write_csv(results, out)
    parsed = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert n == len(parsed) == sum(len(r.attributions) for r in results)
    assert out.getvalue().splitlines()[0].split(",") == list(COLUMNS)


def test_dataframe(results: list[Result]) -> None:
    pytest.importorskip("pandas")
    frame = to_dataframe(results)
    assert list(frame.columns) == list(COLUMNS)
    assert len(frame) == sum(len(r.attributions) for r in results)
    assert str(frame["content_start"].dtype) == "Int64"
    empty = to_dataframe([])
    assert list(empty.columns) == list(COLUMNS) and len(empty) == 0


def test_dataframe_without_pandas(results: list[Result], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(ImportError, match=r"pip install 'quotattr\[pandas\]'"):
        to_dataframe(results)
