"""A peer quote extractor as a long-lived worker for :mod:`benchmarks.peers` (issue 20).

Runs in the **peers' own interpreter** (spaCy, textacy, the Gender Gap Tracker's code), so it
imports neither quotattr nor the ``benchmarks`` package: only the standard library at the top, the
peer's packages once, at start. :mod:`benchmarks.peers` starts it as::

    PEERS_PYTHON benchmarks/peer_worker.py --system textacy --spacy-model PATH
    PEERS_PYTHON benchmarks/peer_worker.py --system ggt --spacy-model PATH --ggt-dir PATH

and talks to it in JSON lines, one request on stdin, one answer on stdout:

- at start, after loading (not timed by the rounds): ``{"ready": true, "system", "load_s", "versions"}``
  or ``{"ready": false, "error"}``;
- ``{"cmd": "texts", "texts": [...]}`` keeps the texts: ``{"ok": true, "docs": N}``;
- ``{"cmd": "run", "n_process": 1, "batch_size": 8}`` runs the system over the kept texts once:
  ``{"wall_s", "cpu_s", "quotes", "failed", "docs"}``; ``cpu_s`` is this process's
  ``time.process_time`` (``null`` for ``n_process`` > 1, whose work is in spaCy's child processes);
- ``{"cmd": "quit"}`` ends it.

Systems (each ``nlp.pipe(texts, batch_size=…, n_process=…)`` of one spaCy pipeline, then the
peer's extraction on every Doc, all inside the timing):

- ``textacy``: ``textacy.extract.direct_quotations(doc)`` on the raw text; a document it refuses
  (it raises ``ValueError`` on an odd number of quotation marks) counts as ``failed``, 0 quotes;
- ``ggt``: the Gender Gap Tracker's English pipeline as its ``run_predictions.py`` calls it,
  ``utils.preprocess_text(text)`` then ``QuoteExtractor(config).extract_quotes(doc)`` (a document
  on which it raises counts as ``failed``), imported from ``--ggt-dir`` (a directory holding
  ``quote_extractor.py``, ``utils.py`` and ``rules/quote_verb_list.txt`` of GGT's ``nlp/english``);
  its ``EntityRuler`` and ``neuralcoref`` pipes are not added: the quote extractor uses neither;
- ``null``: no spaCy, counts pairs of ``"`` (the tests' stand-in for a peer).

Threads: the parent sets ``OMP_NUM_THREADS`` and its kin to 1; spaCy's CPU pipelines run on one
thread.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any, TextIO

SYSTEMS = ("textacy", "ggt", "null")

#: (texts, batch_size, n_process) -> (quotes, failed documents)
Runner = Callable[[Sequence[str], int, int], tuple[int, int]]


def _import(name: str) -> Any:
    """A module of the peers' environment (no stubs for mypy here, and none installed beside quotattr)."""
    return importlib.import_module(name)


def _load_spacy(model: str) -> Any:
    return _import("spacy").load(model)


def _textacy(model: str) -> tuple[Runner, dict[str, str]]:
    spacy = _import("spacy")
    textacy = _import("textacy")
    direct_quotations = _import("textacy.extract").direct_quotations
    nlp = _load_spacy(model)

    def run(texts: Sequence[str], batch_size: int, n_process: int) -> tuple[int, int]:
        quotes = failed = 0
        for doc in nlp.pipe(texts, batch_size=batch_size, n_process=n_process):
            try:
                quotes += sum(1 for _ in direct_quotations(doc))
            except ValueError:  # "unclosed quotation": textacy bails out on the whole document
                failed += 1
        return quotes, failed

    return run, {"spacy": spacy.__version__, "textacy": textacy.__version__, "model": _model_name(nlp)}


def _ggt(model: str, ggt_dir: str) -> tuple[Runner, dict[str, str]]:
    spacy = _import("spacy")
    root = Path(ggt_dir).resolve()
    verbs = root / "rules" / "quote_verb_list.txt"
    for need in (root / "quote_extractor.py", root / "utils.py", verbs):
        if not need.is_file():
            raise FileNotFoundError(f"GGT file missing: {need}")
    sys.path.insert(0, str(root))
    here = os.getcwd()
    # quote_extractor.py makes a logger writing to ./logs at import: keep that out of the caller's tree
    os.chdir(tempfile.mkdtemp(prefix="ggt-logs-"))
    try:
        quote_extractor = _import("quote_extractor")
        utils = _import("utils")
    finally:
        os.chdir(here)

    nlp = _load_spacy(model)
    extractor = quote_extractor.QuoteExtractor({"spacy_lang": nlp, "NLP": {"QUOTE_VERBS": str(verbs)}})

    def run(texts: Sequence[str], batch_size: int, n_process: int) -> tuple[int, int]:
        quotes = failed = 0
        clean = (utils.preprocess_text(t) for t in texts)
        for doc in nlp.pipe(clean, batch_size=batch_size, n_process=n_process):
            try:
                quotes += len(extractor.extract_quotes(doc))
            except Exception:  # an IndexError at a document's edge, say: that document fails, not the run
                failed += 1
        return quotes, failed

    return run, {"spacy": spacy.__version__, "ggt_dir": str(root), "model": _model_name(nlp)}


def _null() -> tuple[Runner, dict[str, str]]:
    def run(texts: Sequence[str], batch_size: int, n_process: int) -> tuple[int, int]:
        return sum(t.count('"') // 2 for t in texts), 0

    return run, {}


def _model_name(nlp: Any) -> str:
    meta = getattr(nlp, "meta", {}) or {}
    return f"{meta.get('lang', '?')}_{meta.get('name', '?')} {meta.get('version', '?')}"


def load(system: str, spacy_model: str | None, ggt_dir: str | None) -> tuple[Runner, dict[str, str]]:
    """The system's runner, loaded once."""
    if system == "null":
        return _null()
    if not spacy_model:
        raise ValueError(f"{system} needs --spacy-model")
    if system == "textacy":
        return _textacy(spacy_model)
    if system == "ggt":
        if not ggt_dir:
            raise ValueError("ggt needs --ggt-dir")
        return _ggt(spacy_model, ggt_dir)
    raise ValueError(f"unknown system {system!r}; one of {', '.join(SYSTEMS)}")


def serve(runner: Runner, requests: Iterable[str], answer: Callable[[dict[str, Any]], None]) -> None:
    """Answer ``texts`` and ``run`` requests until ``quit`` or the end of input."""
    texts: list[str] = []
    for line in requests:
        if not line.strip():
            continue
        req = json.loads(line)
        cmd = req.get("cmd")
        if cmd == "quit":
            return
        if cmd == "texts":
            texts = [str(t) for t in req["texts"]]
            answer({"ok": True, "docs": len(texts)})
        elif cmd == "run":
            n_process = int(req.get("n_process", 1))
            batch_size = int(req.get("batch_size", 8))
            c0 = time.process_time()
            t0 = time.perf_counter()
            quotes, failed = runner(texts, batch_size, n_process)
            wall = time.perf_counter() - t0
            cpu = time.process_time() - c0
            answer(
                {
                    "wall_s": wall,
                    "cpu_s": cpu if n_process == 1 else None,
                    "quotes": quotes,
                    "failed": failed,
                    "docs": len(texts),
                }
            )
        else:
            answer({"error": f"unknown request {cmd!r}"})


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="benchmarks/peer_worker.py",
        description="A peer quote extractor (textacy or GGT on spaCy) timed over JSON lines; see benchmarks/peers.py.",
    )
    ap.add_argument("--system", required=True, choices=SYSTEMS)
    ap.add_argument("--spacy-model", default=None, help="spaCy model name or directory")
    ap.add_argument("--ggt-dir", default=None, help="GGT's nlp/english (quote_extractor.py, utils.py, rules/)")
    args = ap.parse_args(argv)

    out: TextIO = sys.stdout
    sys.stdout = sys.stderr  # anything the peers print goes to stderr; stdout carries the answers only

    def answer(msg: dict[str, Any]) -> None:
        out.write(json.dumps(msg) + "\n")
        out.flush()

    t0 = time.perf_counter()
    try:
        runner, versions = load(args.system, args.spacy_model, args.ggt_dir)
        runner(["“We will win this fight,” Jane Doe, the party's spokeswoman, told reporters."], 1, 1)  # warm-up
    except Exception as exc:
        answer({"ready": False, "error": f"{type(exc).__name__}: {exc}"})
        return 1
    answer({"ready": True, "system": args.system, "load_s": time.perf_counter() - t0, "versions": versions})
    serve(runner, sys.stdin, answer)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
