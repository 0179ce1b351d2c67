"""Batch processing: :func:`pipe` streams results for many documents, in input order.

* **Streaming.** The input iterable is consumed lazily, ``batch_size`` documents at a time; at most one
  batch (per worker, plus one queued) is held in memory however long the input is.
* **Bulk annotation.** Each batch goes through stanza as one bulk call (a list of
  ``stanza.Document``), through the input guard (:mod:`quotattr.guard`), then attribution runs per
  document by calling the :class:`~quotattr.Extractor` on its annotated Document.
* **Fault isolation.** One failing document never stops the batch: its :class:`~quotattr.Result`
  has ``error`` set (``"TypeError: ..."``) and empty attributions, every other result is kept. When a
  bulk stanza call fails, the batch is retried document by document to isolate the bad one.
* **Processes.** ``n_process > 1`` runs batches in a pool of worker processes (``spawn``), each of
  which builds its own Extractor with the same model set, lexicons and guard settings, and splits
  the machine's cores between them. Order is kept. The trade-off: every worker loads its own copy of
  the models (~4 s and ~1 GB RSS each on CPU) and batches cross a process boundary as pickles, so it
  pays off only for long inputs; on a few cores, one process with torch's own intra-op threads is
  usually as fast. On a GPU use one process.
"""

from __future__ import annotations

import collections
import os
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from quotattr.model import Result

if TYPE_CHECKING:
    from quotattr.extractor import Extractor, PipeItem

__all__ = ["describe_error", "pipe"]

Item = tuple[str | None, Any]


def describe_error(exc: BaseException) -> str:
    """The one-line ``error`` text of a failed document."""
    message = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {message}" if message else type(exc).__name__


def _split(item: Any) -> Item:
    if isinstance(item, tuple) and len(item) == 2:
        doc_id, text = item
        return (None if doc_id is None else str(doc_id)), text
    return None, item


def _failed(doc_id: str | None, text: Any, exc: BaseException) -> Result:
    return Result(text=text if isinstance(text, str) else "", doc_id=doc_id, error=describe_error(exc))


def process_batch(extractor: Extractor, batch: list[Item]) -> list[Result]:
    """Annotate ``batch`` in one bulk stanza call and attribute each document; never raises."""
    from quotattr.guard import annotate_many

    results: list[Result | None] = [None] * len(batch)
    todo: list[int] = []
    for i, (doc_id, text) in enumerate(batch):
        if not isinstance(text, str):
            results[i] = _failed(doc_id, text, TypeError(f"expected str, got {type(text).__name__}"))
        elif not text.strip():
            results[i] = Result(text=text, doc_id=doc_id)
        else:
            todo.append(i)
    if todo:
        try:
            docs = annotate_many(extractor.nlp, [batch[i][1] for i in todo], extractor.guard)
        except Exception as exc:  # the guard isolates failures itself; this is the last resort
            docs = [exc] * len(todo)
        for i, doc in zip(todo, docs, strict=True):
            doc_id, text = batch[i]
            if isinstance(doc, BaseException):
                results[i] = _failed(doc_id, text, doc)
                continue
            try:
                results[i] = extractor(doc, doc_id=doc_id)
            except Exception as exc:
                results[i] = _failed(doc_id, text, exc)
    return [r for r in results if r is not None]


def _batches(items: Iterable[PipeItem], size: int) -> Iterator[list[Item]]:
    batch: list[Item] = []
    for item in items:
        batch.append(_split(item))
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


def _work(batch: list[Item]) -> list[Result]:
    assert _WORKER is not None, "worker not initialised"
    return process_batch(_WORKER, batch)


def _worker_args(extractor: Extractor) -> dict[str, Any]:
    args = dict(getattr(extractor, "_init_args", {}))
    info = extractor.model_set
    args["models"] = info.kind if info.kind in ("bundled", "official") else str(info.path)
    return args


def _pipe_pool(extractor: Extractor, batches: Iterator[list[Item]], n_process: int) -> Iterator[Result]:
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

    def drain_one() -> list[Result]:
        nonlocal pool
        batch, future = pending.popleft()
        try:
            return future.result()
        except BrokenProcessPool as exc:  # a worker died (killed, out of memory): restart the pool
            pool.shutdown(wait=False, cancel_futures=True)
            pool = start()
            lost = [(b, f) for b, f in pending]
            pending.clear()
            for b, _ in lost:
                pending.append((b, pool.submit(_work, b)))
            return [_failed(doc_id, text, exc) for doc_id, text in batch]
        except Exception as exc:
            return [_failed(doc_id, text, exc) for doc_id, text in batch]

    try:
        for batch in batches:
            pending.append((batch, pool.submit(_work, batch)))
            while len(pending) > 2 * n_process:  # bounded look-ahead keeps memory bounded
                yield from drain_one()
        while pending:
            yield from drain_one()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def pipe(
    extractor: Extractor, items: Iterable[PipeItem], *, batch_size: int = 16, n_process: int = 1
) -> Iterator[Result]:
    """Yield one :class:`Result` per item of ``items`` (texts or ``(doc_id, text)`` pairs), in order.

    Streams: ``items`` is read ``batch_size`` at a time. Never raises for a bad document (its result
    has ``error`` set); see the module docstring for ``n_process``.
    """
    if batch_size < 1:
        raise ValueError(f"batch_size must be >= 1, got {batch_size}")
    if n_process < 1:
        raise ValueError(f"n_process must be >= 1, got {n_process}")
    batches = _batches(items, batch_size)
    if n_process == 1:
        return (result for batch in batches for result in process_batch(extractor, batch))
    return _pipe_pool(extractor, batches, n_process)
