"""Extractor.pipe through the real pipeline: order, streaming, fault isolation, processes, exports."""

from __future__ import annotations

import contextlib
import csv
import io
import itertools
import os
import signal
import sys
import threading
import time
from pathlib import Path

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
    single = [extractor(t, doc_id=str(i)).to_dict() for i, t in enumerate(texts)]  # ids by position
    assert bulk == single


def test_pipe_numbers_documents_without_an_id(extractor) -> None:  # type: ignore[no-untyped-def]
    items = [DOCS[0][1], ("given", DOCS[1][1]), (None, DOCS[4][1])]
    assert [r.doc_id for r in extractor.pipe(items, batch_size=2)] == ["0", "given", "2"]
    frame = to_dataframe(extractor.pipe([DOCS[0][1], DOCS[4][1]]))
    assert set(frame["doc_id"]) == {"0", "1"}


def test_pipe_as_tuples_carries_context(extractor) -> None:  # type: ignore[no-untyped-def]
    context = {"url": "https://example.org/a", "n": [1, 2]}
    items = [(DOCS[0][1], context), (DOCS[3][1], None), (DOCS[4][1], "ctx")]
    out = list(extractor.pipe(items, batch_size=2, as_tuples=True))
    assert [c for _, c in out] == [context, None, "ctx"] and out[0][1] is context
    assert [r.to_dict() for r, _ in out] == [extractor(t, doc_id=str(i)).to_dict() for i, (t, _) in enumerate(items)]
    bad = list(extractor.pipe(["not a pair"], as_tuples=True))  # type: ignore[list-item]
    assert bad[0][0].error is not None and "(text, context)" in bad[0][0].error and bad[0][1] is None


def test_pipe_refuses_a_spacy_style_pair(extractor) -> None:  # type: ignore[no-untyped-def]
    items = [(DOCS[0][1], "article-1"), ("a1", DOCS[4][1])]
    results = list(extractor.pipe(items))
    assert results[0].error is not None and "as_tuples=True" in results[0].error and not results[0].attributions
    assert results[0].doc_id == "0"
    assert results[1].ok and results[1].doc_id == "a1" and results[1].attributions


def test_pipe_progress_bar(extractor, capsys: pytest.CaptureFixture[str]) -> None:  # type: ignore[no-untyped-def]
    results = list(extractor.pipe([t for _, t in DOCS], progress=True))
    assert len(results) == len(DOCS)
    assert f"{len(DOCS)}/{len(DOCS)}" in capsys.readouterr().err


def _seconds(run) -> float:  # type: ignore[no-untyped-def]
    started = time.monotonic()
    run()
    return time.monotonic() - started


def test_pipe_time_limit(extractor) -> None:  # type: ignore[no-untyped-def]
    # Sized on this machine, not guessed: the limit is four times what the two short documents take,
    # and the slow document is built from a measured per-sentence cost to need ten times the whole
    # batch's budget (3 x the limit), so only it can run out, on a slow CI machine or a fast one.
    short = _seconds(lambda: (extractor(DOCS[0][1]), extractor(DOCS[4][1])))
    timeout = max(2.0, 4 * short)
    sentence = "Official {} said the bridge would reopen on Monday."
    probe = 200
    per_sentence = _seconds(lambda: extractor(" ".join(sentence.format(i) for i in range(probe)))) / probe
    count = int(10 * 3 * timeout / per_sentence) + 1
    slow = " ".join(sentence.format(i) for i in range(count))
    items = [("ok", DOCS[0][1]), ("slow", slow), ("ok2", DOCS[4][1])]
    started = time.monotonic()
    results = list(extractor.pipe(items, batch_size=3, timeout=timeout))
    # the bulk call stops at 3 x the limit; the redo spends at most the limit on each document
    assert time.monotonic() - started < 6 * timeout + 30
    assert [r.doc_id for r in results] == ["ok", "slow", "ok2"]
    assert results[1].error is not None and results[1].error.startswith("DocumentTimeoutError"), (count, timeout)
    assert results[1].text == slow and not results[1].attributions  # nothing half-done comes back
    assert results[0].to_dict() == extractor(DOCS[0][1], doc_id="ok").to_dict()
    assert results[2].to_dict() == extractor(DOCS[4][1], doc_id="ok2").to_dict()
    with pytest.raises(ValueError, match="timeout"):
        extractor.pipe(["x"], timeout=0)


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


def _pool_workers() -> list[int]:
    """Pids of this process's spawned pool workers (not multiprocessing's resource tracker)."""
    pids = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            cmdline = (stat.parent / "cmdline").read_bytes()
        except OSError:
            continue
        if int(fields[1]) == os.getpid() and b"spawn_main" in cmdline:
            pids.append(int(stat.parent.name))
    return pids


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="needs /proc to find the worker processes")
def test_pipe_worker_killed_mid_batch_loses_nothing(extractor) -> None:  # type: ignore[no-untyped-def]
    items = [(f"d{i}", t) for i, t in enumerate([t for _, t in DOCS if t] * 3)]
    expected = [extractor(t, doc_id=d).to_dict() for d, t in items]
    stream = extractor.pipe(items, batch_size=2, n_process=2)
    got = [next(stream)]  # the workers are up and busy with the batches after the first
    victims = _pool_workers()
    assert victims
    os.kill(victims[0], signal.SIGKILL)
    got.extend(stream)  # returns: the dead worker's batches are rerun on their own
    assert [r.doc_id for r in got] == [d for d, _ in items]
    assert [r.to_dict() for r in got] == expected


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="needs /proc to find the worker processes")
def test_pipe_documents_whose_worker_always_dies_come_back_as_errors(extractor) -> None:  # type: ignore[no-untyped-def]
    stop = threading.Event()

    def killer() -> None:  # kills every worker as soon as it exists, as an out-of-memory killer would
        while not stop.is_set():
            for pid in _pool_workers():
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
            time.sleep(0.02)

    thread = threading.Thread(target=killer, daemon=True)
    thread.start()
    try:
        results = list(extractor.pipe([("a", DOCS[0][1]), ("b", DOCS[4][1])], batch_size=2, n_process=2))
    finally:
        stop.set()
        thread.join()
    assert [r.doc_id for r in results] == ["a", "b"]  # the call returns, one result per document
    for result in results:
        assert result.error is not None and result.error.startswith("WorkerDiedError"), result.error


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
