"""Batch processing: :func:`pipe` streams results for many documents, in input order.

* **Input contract.** Items are texts, or ``(doc_id, text)`` pairs; with ``as_tuples=True`` they are
  spaCy-style ``(text, context)`` pairs instead and ``pipe`` yields ``(Result, context)`` pairs, the
  context passed through untouched (it never leaves the calling process). A document given without
  an id gets its position in the input as id (``"0"``, ``"1"``, …), so every result of ``pipe`` has
  a ``doc_id``. A pair that reads like a spaCy ``(text, context)`` pair passed without
  ``as_tuples=True`` (the first element has whitespace, the second none and is shorter) is not
  guessed at: its result has an ``error`` that says so.
* **Streaming.** The input iterable is consumed lazily, ``batch_size`` documents at a time; at most one
  batch (per worker, plus one queued) is held in memory however long the input is.
* **Bulk annotation.** Each batch goes through stanza as one bulk call (a list of
  ``stanza.Document``), through the input guard (:mod:`quotattr.guard`), then attribution runs per
  document by calling the :class:`~quotattr.Extractor` on its annotated Document.
* **Fault isolation.** One failing document never stops the batch: its :class:`~quotattr.Result`
  has ``error`` set (``"TypeError: ..."``) and empty attributions, every other result is kept. When a
  bulk stanza call fails, the batch is retried document by document to isolate the bad one.
* **Time limit.** ``timeout=SECONDS`` bounds the time spent on one document (annotation and
  attribution): a batch gets ``timeout × its documents`` for its bulk call, and when that runs out its
  documents are redone one by one with ``timeout`` each; a document over its limit gets an error
  Result (``DocumentTimeoutError``) and the run goes on. The limit is a ``SIGALRM`` timer, so it
  needs the main thread of its process (always true in worker processes; in the calling process
  ``pipe`` raises ``ValueError`` up front otherwise) and interrupts Python code between two torch
  operations, not inside one.
* **Processes.** ``n_process > 1`` runs batches in a pool of worker processes (``spawn``), each of
  which builds its own Extractor with the same model set, lexicons and guard settings, and splits
  the machine's cores between them. Order is kept. A worker that dies (killed, out of memory) takes
  no result with it: the pool is restarted and every batch that was in flight is rerun on its own;
  a document whose worker dies again then gets an error Result (``WorkerDiedError``) and every other
  document is processed. The trade-off: every worker loads its own copy of the models (~4 s and
  ~1 GB RSS each on CPU) and batches cross a process boundary as pickles, so it pays off only for
  long inputs; on a few cores, one process with torch's own intra-op threads is usually as fast. On
  a GPU use one process.
"""

from __future__ import annotations

import collections
import contextlib
import os
import signal
import sys
import threading
import time
from collections.abc import Iterable, Iterator, Sized
from typing import TYPE_CHECKING, Any

from quotattr.model import Result

if TYPE_CHECKING:
    from quotattr.extractor import Extractor

__all__ = ["DocumentTimeoutError", "WorkerDiedError", "describe_error", "pipe"]

Item = tuple[str | None, Any]


class DocumentTimeoutError(BaseException):
    """A document ran past ``pipe(timeout=...)``.

    A ``BaseException`` on purpose: it must cross every ``except Exception`` between the timer and
    :func:`process_batch` (stanza's, the guard's fallbacks), which catches it for the one document.
    """


class WorkerDiedError(RuntimeError):
    """The worker process running a document died (killed, e.g. for memory), also when retried alone."""


def describe_error(exc: BaseException) -> str:
    """The one-line ``error`` text of a failed document."""
    message = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {message}" if message else type(exc).__name__


def _looks_like_text_context(first: object, second: object) -> bool:
    """``(text, context)`` given where ``(doc_id, text)`` is expected: text has spaces, a context none."""
    if not isinstance(first, str) or not isinstance(second, str):
        return False
    return len(first) > len(second) and any(c.isspace() for c in first) and not any(c.isspace() for c in second)


_AMBIGUOUS = (
    "ambiguous pair: pipe() takes (doc_id, text) pairs, and this one reads like a spaCy-style "
    "(text, context) pair ({first!r}, {second!r}); pass as_tuples=True for (text, context) pairs, or "
    "give the text alone"
)


def _split(item: Any, position: int, as_tuples: bool, check_pairs: bool = True) -> tuple[Item, Any]:
    """``((doc_id, text), context)`` of one input item; a malformed item keeps its place as an error."""
    default_id = str(position)
    if as_tuples:
        if isinstance(item, tuple) and len(item) == 2:
            return (default_id, item[0]), item[1]
        return (default_id, _BadItem(TypeError("as_tuples=True expects (text, context) pairs"))), None
    if isinstance(item, tuple) and len(item) == 2:
        doc_id, text = item
        if check_pairs and _looks_like_text_context(doc_id, text):
            message = _AMBIGUOUS.format(first=_preview(doc_id), second=_preview(text))
            return (default_id, _BadItem(ValueError(message))), None
        return (default_id if doc_id is None else str(doc_id), text), None
    return (default_id, item), None


def _preview(value: str, width: int = 30) -> str:
    return value if len(value) <= width else value[: width - 1] + "…"


class _BadItem:
    """An input item refused before annotation (its error is reported in its place)."""

    def __init__(self, error: BaseException) -> None:
        self.error = error

    def __reduce__(self) -> tuple[Any, ...]:
        return (_BadItem, (self.error,))


def _failed(doc_id: str | None, text: Any, exc: BaseException) -> Result:
    return Result(text=text if isinstance(text, str) else "", doc_id=doc_id, error=describe_error(exc))


# -- the per-document time limit ------------------------------------------------------------------------


@contextlib.contextmanager
def _deadline(seconds: float | None) -> Iterator[None]:
    """Raise :class:`DocumentTimeoutError` in this (main) thread after ``seconds``; restores any outer timer."""
    if seconds is None:
        yield
        return

    def expire(signum: int, frame: Any) -> None:
        raise DocumentTimeoutError(f"took longer than the time limit of {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, expire)
    outer_delay, _ = signal.getitimer(signal.ITIMER_REAL)
    started = time.monotonic()
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        if outer_delay:
            signal.setitimer(signal.ITIMER_REAL, max(outer_delay - (time.monotonic() - started), 0.001))


def _check_timeout(timeout: float | None) -> None:
    if timeout is None:
        return
    if not timeout > 0:
        raise ValueError(f"timeout must be > 0 seconds, got {timeout}")
    if not hasattr(signal, "setitimer"):  # pragma: no cover - Windows
        raise ValueError("timeout needs SIGALRM (POSIX)")


def _one(extractor: Extractor, doc_id: str | None, text: str, timeout: float | None) -> Result:
    from quotattr.guard import annotate_many

    try:
        with _deadline(timeout):
            (doc,) = annotate_many(extractor.nlp, [text], extractor.guard)
            if isinstance(doc, BaseException):
                return _failed(doc_id, text, doc)
            return extractor(doc, doc_id=doc_id)
    except DocumentTimeoutError as exc:
        return _failed(doc_id, text, exc)
    except Exception as exc:
        return _failed(doc_id, text, exc)


def process_batch(extractor: Extractor, batch: list[Item], timeout: float | None = None) -> list[Result]:
    """Annotate ``batch`` in one bulk stanza call and attribute each document; never raises."""
    from quotattr.guard import annotate_many

    results: list[Result | None] = [None] * len(batch)
    todo: list[int] = []
    for i, (doc_id, text) in enumerate(batch):
        if isinstance(text, _BadItem):
            results[i] = _failed(doc_id, None, text.error)
        elif not isinstance(text, str):
            results[i] = _failed(doc_id, text, TypeError(f"expected str, got {type(text).__name__}"))
        elif not text.strip():
            results[i] = Result(text=text, doc_id=doc_id)
        else:
            todo.append(i)
    if not todo:
        return [r for r in results if r is not None]
    try:
        with _deadline(None if timeout is None else timeout * len(todo)):
            try:
                docs = annotate_many(extractor.nlp, [batch[i][1] for i in todo], extractor.guard)
            except Exception as exc:  # the guard isolates failures itself; this is the last resort
                docs = [exc] * len(todo)
            done: dict[int, Result] = {}
            for i, doc in zip(todo, docs, strict=True):
                doc_id, text = batch[i]
                if isinstance(doc, BaseException):
                    done[i] = _failed(doc_id, text, doc)
                    continue
                try:
                    done[i] = extractor(doc, doc_id=doc_id)
                except Exception as exc:
                    done[i] = _failed(doc_id, text, exc)
    except DocumentTimeoutError:  # the batch ran out of time: redo it document by document, each timed
        done = {i: _one(extractor, batch[i][0], batch[i][1], timeout) for i in todo}
    for i, result in done.items():
        results[i] = result
    return [r for r in results if r is not None]


def _batches(
    items: Iterable[Any], size: int, as_tuples: bool, contexts: collections.deque[Any], check_pairs: bool = True
) -> Iterator[list[Item]]:
    batch: list[Item] = []
    for position, item in enumerate(items):
        split, context = _split(item, position, as_tuples, check_pairs)
        batch.append(split)
        if as_tuples:
            contexts.append(context)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


# -- worker processes ---------------------------------------------------------------------------------

_WORKER: Extractor | None = None


def _init_worker(init_args: dict[str, Any], threads: int) -> None:
    """Build this worker process's own Extractor (same model set, lexicons and guard settings)."""
    global _WORKER
    from quotattr.extractor import Extractor

    _WORKER = Extractor(threads=threads, **init_args)


def _work(batch: list[Item], timeout: float | None = None) -> list[Result]:
    assert _WORKER is not None, "worker not initialised"
    return process_batch(_WORKER, batch, timeout)


def _worker_args(extractor: Extractor) -> dict[str, Any]:
    args = dict(getattr(extractor, "_init_args", {}))
    info = extractor.model_set
    args["models"] = info.kind if info.kind in ("bundled", "official") else str(info.path)
    return args


_DIED = "the worker process died while processing this document (killed, e.g. out of memory), also when run alone"


def _pipe_pool(
    extractor: Extractor, batches: Iterator[list[Item]], n_process: int, timeout: float | None
) -> Iterator[Result]:
    import multiprocessing
    from concurrent.futures import Future, ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    threads = max(1, (os.cpu_count() or 1) // n_process)
    init = (_worker_args(extractor), threads)
    ctx = multiprocessing.get_context("spawn")

    def start() -> ProcessPoolExecutor:
        return ProcessPoolExecutor(n_process, mp_context=ctx, initializer=_init_worker, initargs=init)

    pool = start()
    pending: collections.deque[tuple[list[Item], Future[list[Result]]]] = collections.deque()

    def restart() -> None:
        nonlocal pool
        pool.shutdown(wait=False, cancel_futures=True)
        pool = start()

    def alone(batch: list[Item]) -> list[Result]:
        """Rerun a batch whose worker died, on its own; then document by document."""
        try:
            return pool.submit(_work, batch, timeout).result()
        except BrokenProcessPool:
            restart()
        out: list[Result] = []
        for doc_id, text in batch:
            if len(batch) > 1:
                try:
                    out.extend(pool.submit(_work, [(doc_id, text)], timeout).result())
                    continue
                except BrokenProcessPool:
                    restart()
            out.append(_failed(doc_id, text, WorkerDiedError(_DIED)))
        return out

    def recover() -> None:
        """The pool broke: keep what finished, rerun everything else that was in flight, one batch at a time."""
        restart()
        redone: collections.deque[tuple[list[Item], Future[list[Result]]]] = collections.deque()
        for batch, future in pending:
            if not (future.done() and not future.cancelled() and future.exception() is None):
                future = Future()
                future.set_result(alone(batch))
            redone.append((batch, future))
        pending.clear()
        pending.extend(redone)

    def drain_one() -> list[Result]:
        batch, future = pending[0]
        try:
            results = future.result()
        except BrokenProcessPool:  # a worker died (killed, out of memory)
            recover()
            batch, future = pending[0]
            results = future.result()
        except Exception as exc:
            results = [_failed(doc_id, text, exc) for doc_id, text in batch]
        pending.popleft()
        return results

    try:
        for batch in batches:
            try:
                pending.append((batch, pool.submit(_work, batch, timeout)))
            except BrokenProcessPool:
                recover()
                pending.append((batch, pool.submit(_work, batch, timeout)))
            while len(pending) > 2 * n_process:  # bounded look-ahead keeps memory bounded
                yield from drain_one()
        while pending:
            yield from drain_one()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def pipe(
    extractor: Extractor,
    items: Iterable[Any],
    *,
    batch_size: int = 16,
    n_process: int = 1,
    as_tuples: bool = False,
    progress: bool = False,
    timeout: float | None = None,
    check_pairs: bool = True,
) -> Iterator[Any]:
    """Yield one :class:`Result` per item of ``items``, in order (``(Result, context)`` with ``as_tuples``).

    ``items``: texts or ``(doc_id, text)`` pairs; with ``as_tuples=True``, ``(text, context)`` pairs.
    Streams: ``items`` is read ``batch_size`` at a time. Never raises for a bad document (its result
    has ``error`` set). ``progress`` shows a bar on stderr; ``timeout`` limits the seconds spent on one
    document. ``check_pairs=False`` trusts ``(doc_id, text)`` pairs as given (no check for a
    spaCy-style pair: for callers whose ids are ids, such as the CLI and :mod:`quotattr.spark`). See
    the module docstring.
    """
    if batch_size < 1:
        raise ValueError(f"batch_size must be >= 1, got {batch_size}")
    if n_process < 1:
        raise ValueError(f"n_process must be >= 1, got {n_process}")
    _check_timeout(timeout)
    if timeout is not None and n_process == 1 and threading.current_thread() is not threading.main_thread():
        raise ValueError("timeout needs the main thread (it uses SIGALRM); use n_process > 1 from other threads")
    total = len(items) if isinstance(items, Sized) else None
    contexts: collections.deque[Any] = collections.deque()
    batches = _batches(items, batch_size, as_tuples, contexts, check_pairs)
    results: Iterator[Result]
    if n_process == 1:
        results = (result for batch in batches for result in process_batch(extractor, batch, timeout))
    else:
        results = _pipe_pool(extractor, batches, n_process, timeout)
    if progress:
        results = _with_progress(results, total)
    if as_tuples:
        return ((result, contexts.popleft()) for result in results)
    return results


def _with_progress(results: Iterator[Result], total: int | None) -> Iterator[Result]:
    from tqdm import tqdm

    with tqdm(results, total=total, unit="doc", file=sys.stderr, dynamic_ncols=True) as bar:
        yield from bar
