"""Speed and cost measurements: throughput, stanza vs quotattr share, cold start, RSS, size scaling."""

from __future__ import annotations

import contextlib
import json
import os
import platform
import resource
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

__all__ = [
    "CorpusTiming",
    "before_after",
    "build_text",
    "cold_start",
    "corpus_rss",
    "git_commit",
    "machine_info",
    "peak_rss_mb",
    "pipe_speed",
    "pipeline_settings",
    "processor_clock",
    "profile_corpus",
    "progress",
    "round_order",
    "run_corpus",
    "scaling",
    "side_by_side",
    "word_count",
]

T = TypeVar("T")
REPO = Path(__file__).resolve().parent.parent


def progress(items: Iterable[T], *, total: int | None = None, desc: str = "", enabled: bool = True) -> Iterator[T]:
    """tqdm on stderr where it is installed and wanted; the bare iterable otherwise."""
    if enabled:
        try:
            from tqdm import tqdm
        except ImportError:  # pragma: no cover - tqdm comes with stanza
            pass
        else:
            yield from tqdm(items, total=total, desc=desc, file=sys.stderr, leave=False, dynamic_ncols=True)
            return
    yield from items


def word_count(text: str) -> int:
    return len(text.split())


def peak_rss_mb() -> float:
    """Peak resident set size of this process so far, in MiB.

    ``/proc/self/status`` VmHWM where it exists (ru_maxrss survives ``execve`` and can report a
    parent's peak), else ``getrusage`` (ru_maxrss is KiB on Linux, bytes on macOS).
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except (OSError, ValueError):
        pass
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss / (1024 * 1024) if sys.platform == "darwin" else rss / 1024


def machine_info() -> dict[str, Any]:
    info: dict[str, Any] = {
        "cpu_count": os.cpu_count(),
        "platform": platform.platform(),
        "machine": platform.machine(),
        "python": platform.python_version(),
    }
    if hasattr(os, "sched_getaffinity"):
        info["cpus_usable"] = len(os.sched_getaffinity(0))
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                info["ram_gib"] = round(int(line.split()[1]) / 1024 / 1024, 1)
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                info["cpu_model"] = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    with contextlib.suppress(OSError):
        info["loadavg_1m"] = os.getloadavg()[0]
    for mod in ("torch", "stanza"):
        try:
            info[f"{mod}_version"] = __import__(mod).__version__
        except Exception:  # pragma: no cover
            info[f"{mod}_version"] = None
    return info


def git_commit() -> dict[str, Any]:
    def git(*args: str) -> str | None:
        try:
            out = subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True, timeout=10, check=True)
        except (OSError, subprocess.SubprocessError):
            return None
        return out.stdout.strip()

    status = git("status", "--porcelain", "--untracked-files=no")
    return {"commit": git("rev-parse", "HEAD"), "dirty": None if status is None else bool(status)}


def pipeline_settings(nlp: Any) -> dict[str, Any]:
    """Batch sizes and thread count the stanza pipeline runs with."""
    out: dict[str, Any] = {}
    try:
        import torch

        out["torch_threads"] = torch.get_num_threads()
        out["torch_interop_threads"] = torch.get_num_interop_threads()
    except Exception:  # pragma: no cover
        pass
    sizes: dict[str, Any] = {}
    for name, proc in getattr(nlp, "processors", {}).items():
        cfg = getattr(proc, "config", {}) or {}
        if "batch_size" in cfg:
            sizes[name] = cfg["batch_size"]
    out["batch_sizes"] = sizes
    out["processors"] = list(getattr(nlp, "processors", {}).keys())
    return out


@dataclass
class CorpusTiming:
    """Wall-clock seconds over a corpus: stanza annotation vs quotattr's own logic."""

    docs: int = 0
    words: int = 0
    chars: int = 0
    stanza_s: float = 0.0
    quotattr_s: float = 0.0
    errors: int = 0  #: documents stanza could not annotate
    per_doc: list[dict[str, Any]] = field(default_factory=list)

    @property
    def total_s(self) -> float:
        return self.stanza_s + self.quotattr_s

    def to_dict(self) -> dict[str, Any]:
        tot = self.total_s
        return {
            "docs": self.docs,
            "errors": self.errors,
            "words": self.words,
            "chars": self.chars,
            "total_s": tot,
            "stanza_s": self.stanza_s,
            "quotattr_s": self.quotattr_s,
            "stanza_share": self.stanza_s / tot if tot else None,
            "quotattr_share": self.quotattr_s / tot if tot else None,
            "docs_per_s": self.docs / tot if tot else None,
            "words_per_s": self.words / tot if tot else None,
            "kb_per_s": self.chars / 1024 / tot if tot else None,
        }


def _chunks(seq: Sequence[T], n: int) -> Iterator[Sequence[T]]:
    for i in range(0, len(seq), n):
        yield seq[i : i + n]


def run_corpus(
    extractor: Any,
    items: Sequence[tuple[str, str]],
    *,
    bulk: int = 1,
    show_progress: bool = True,
) -> tuple[list[Any], CorpusTiming]:
    """Annotate then extract every ``(doc_id, text)``; returns the Results in order and the timing.

    ``bulk`` > 1 hands that many documents to stanza in one call (``quotattr.guard.annotate_many``,
    the guarded ``Pipeline.bulk_process``), which lets its processors batch sentences across documents.
    """
    import stanza

    annotate_many: Callable[..., list[Any]] | None
    try:  # the library's guarded bulk annotation (same offsets/limits as Extractor.annotate)
        from quotattr.guard import annotate_many
    except ImportError:  # pragma: no cover - older quotattr
        annotate_many = None

    timing = CorpusTiming()
    results: list[Any] = []
    bar = progress(list(_chunks(items, max(1, bulk))), desc="extract", enabled=show_progress)
    for chunk in bar:
        t0 = time.perf_counter()
        if len(chunk) == 1:
            annotated = [extractor.annotate(chunk[0][1])]
        elif annotate_many is not None:
            annotated = annotate_many(extractor.nlp, [t for _, t in chunk], getattr(extractor, "guard", None))
        else:
            annotated = extractor.nlp.bulk_process([stanza.Document([], text=t) for _, t in chunk])
        t1 = time.perf_counter()
        stanza_each = (t1 - t0) / len(chunk)
        for (doc_id, text), doc in zip(chunk, annotated, strict=True):
            t2 = time.perf_counter()
            if isinstance(doc, BaseException):  # annotate_many isolates a failing document
                from quotattr.model import Result

                res = Result(text=text, doc_id=doc_id, error=f"{type(doc).__name__}: {doc}")
                timing.errors += 1
            else:
                res = extractor(doc, doc_id=doc_id)
            t3 = time.perf_counter()
            results.append(res)
            timing.docs += 1
            timing.words += word_count(text)
            timing.chars += len(text)
            timing.stanza_s += stanza_each
            timing.quotattr_s += t3 - t2
            timing.per_doc.append(
                {"doc_id": doc_id, "chars": len(text), "stanza_s": stanza_each, "quotattr_s": t3 - t2}
            )
    return results, timing


def build_text(texts: Sequence[str], size_kb: float) -> str:
    """About ``size_kb`` KiB of text made by concatenating ``texts`` (repeated as needed), cut at a space."""
    if not texts or not any(t.strip() for t in texts):
        raise ValueError("no corpus text to build a scaling document from")
    target = int(size_kb * 1024)
    parts: list[str] = []
    n = 0
    i = 0
    while n < target:
        t = texts[i % len(texts)].strip()
        i += 1
        if t:
            parts.append(t)
            n += len(t) + 2
    out = "\n\n".join(parts)
    cut = out.rfind(" ", 0, target)
    return out[: cut if cut > target // 2 else target]


def scaling(
    extractor: Any,
    texts: Sequence[str],
    sizes_kb: Sequence[float],
    *,
    show_progress: bool = True,
    log: Callable[[str], None] | None = None,
) -> list[dict[str, Any]]:
    """Time one document of each size (stanza + quotattr) and the seconds per KiB."""
    rows: list[dict[str, Any]] = []
    for kb in progress(list(sizes_kb), desc="scaling", enabled=show_progress):
        text = build_text(texts, kb)
        if log:
            log(f"scaling: {len(text) / 1024:.0f} KiB document ...")
        t0 = time.perf_counter()
        doc = extractor.annotate(text)
        t1 = time.perf_counter()
        res = extractor(doc, doc_id=f"scaling-{kb:g}kb")
        t2 = time.perf_counter()
        size = len(text) / 1024
        rows.append(
            {
                "target_kb": kb,
                "kib": round(size, 1),
                "words": word_count(text),
                "stanza_s": t1 - t0,
                "quotattr_s": t2 - t1,
                "total_s": t2 - t0,
                "s_per_kib": (t2 - t0) / size,
                "quotattr_s_per_kib": (t2 - t1) / size,
                "attributions": len(res.attributions),
                "peak_rss_mb": peak_rss_mb(),
            }
        )
    if rows:
        base = rows[0]["s_per_kib"]
        for r in rows:
            r["s_per_kib_vs_smallest"] = r["s_per_kib"] / base if base else None
    return rows


_COLD = r"""
import json, resource, sys, time
t0 = time.perf_counter()
import quotattr
t1 = time.perf_counter()
kw = json.loads(sys.argv[1])
if kw.get("threads") is not None:
    import torch
    torch.set_num_threads(kw.pop("threads"))
else:
    kw.pop("threads", None)
ex = quotattr.Extractor(**kw)
t2 = time.perf_counter()
ex("“We will win,” Jane Doe, the party's spokeswoman, told reporters.")
t3 = time.perf_counter()
# VmHWM is this process's own peak (ru_maxrss survives execve and would report the parent's)
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
try:
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            peak = int(line.split()[1]) / 1024
except OSError:
    pass
print(json.dumps({"import_s": t1 - t0, "load_s": t2 - t1, "first_call_s": t3 - t2, "peak_rss_mb": peak}))
"""


def cold_start(models: str | None = None, threads: int | None = None, timeout: float = 600) -> dict[str, Any]:
    """Import + model load + a first one-sentence call, in a fresh interpreter."""
    kw: dict[str, Any] = {"threads": threads}
    if models is not None:
        kw["models"] = models
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO), env.get("PYTHONPATH", "")) if p)
    t0 = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-c", _COLD, json.dumps(kw)],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
        cwd=REPO,
    )
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        return {"error": proc.stderr.strip().splitlines()[-1:] or ["failed"], "process_wall_s": wall}
    out: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    out["import_plus_load_s"] = out["import_s"] + out["load_s"]
    out["process_wall_s"] = wall
    return out


# -- issue 20: where the time goes, and configurations side by side ----------------------------------------

STANZA_STAGES = ("tokenize", "mwt", "pos", "lemma", "depparse", "ner")


@contextlib.contextmanager
def processor_clock(nlp: Any) -> Iterator[dict[str, float]]:
    """Seconds spent in each stanza processor of ``nlp`` while the block runs (its ``process`` and
    ``bulk_process`` wrapped on the processor objects; put back afterwards)."""
    spent: dict[str, float] = dict.fromkeys(getattr(nlp, "processors", {}), 0.0)
    saved: list[tuple[Any, str, Any]] = []

    depth: dict[str, int] = dict.fromkeys(spent, 0)

    def timed(name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        def run(*args: Any, **kwargs: Any) -> Any:
            depth[name] += 1  # bulk_process calls process: count the outer call only
            t0 = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                depth[name] -= 1
                if depth[name] == 0:
                    spent[name] += time.perf_counter() - t0

        return run

    for name, proc in getattr(nlp, "processors", {}).items():
        for attr in ("process", "bulk_process"):
            saved.append((proc, attr, proc.__dict__.get(attr)))
            setattr(proc, attr, timed(name, getattr(proc, attr)))
    try:
        yield spent
    finally:
        for proc, attr, old in saved:
            if old is None:
                proc.__dict__.pop(attr, None)
            else:
                setattr(proc, attr, old)


def profile_corpus(extractor: Any, items: Sequence[tuple[str, str]], *, bulk: int = 8) -> dict[str, Any]:
    """One pass over ``items``: seconds and share per stanza processor, the guard's own work around
    them, and quotattr's own logic (document view → speakers)."""
    with processor_clock(extractor.nlp) as spent:
        _, timing = run_corpus(extractor, items, bulk=bulk, show_progress=False)
    inner = {k: spent.get(k, 0.0) for k in STANZA_STAGES}
    rows = dict(inner)
    rows["stanza: guard and documents"] = max(0.0, timing.stanza_s - sum(inner.values()))
    rows["quotattr (view, quotes, sieves, entities, speakers)"] = timing.quotattr_s
    total = sum(rows.values())
    return {
        "docs": timing.docs,
        "words": timing.words,
        "total_s": total,
        "words_per_s": timing.words / total if total else None,
        "stages": {k: {"s": v, "share": v / total if total else None} for k, v in rows.items()},
    }


def round_order(names: Sequence[str], r: int) -> list[str]:
    """The order of round ``r`` (from 0) of alternating rounds: as given in even rounds, reversed in
    odd ones, so that a machine getting busier or quieter slows every system alike."""
    return list(names) if r % 2 == 0 else list(reversed(names))


def side_by_side(
    configs: dict[str, Any],
    items: Sequence[tuple[str, str]],
    *,
    rounds: int = 3,
    bulk: int = 8,
    log: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    """words/s of each extractor in ``configs`` over ``items``, in alternating rounds (A B A B …, the
    order flipped every other round) so that a busy machine slows all alike; medians per configuration.
    Also words per CPU second of this process (``time.process_time``): with one torch thread it is
    the work done, which other jobs on a shared machine disturb far less than wall time."""
    import statistics

    names = list(configs)
    runs: dict[str, list[float]] = {n: [] for n in names}
    cpu: dict[str, list[float]] = {n: [] for n in names}
    words = sum(word_count(t) for _, t in items)
    for r in range(rounds):
        for name in round_order(names, r):
            c0 = time.process_time()
            _, timing = run_corpus(configs[name], items, bulk=bulk, show_progress=False)
            cpu[name].append(timing.words / (time.process_time() - c0))
            runs[name].append(timing.words / timing.total_s)
            if log:
                log(
                    f"round {r + 1} {name}: {runs[name][-1]:.0f} words/s wall ({timing.total_s:.1f} s), "
                    f"{cpu[name][-1]:.0f} words per CPU second"
                )
    out: dict[str, Any] = {"words": words, "docs": len(items), "rounds": rounds, "bulk": bulk, "configs": {}}
    for name in names:
        out["configs"][name] = {
            "words_per_s": runs[name],
            "median": statistics.median(runs[name]),
            "words_per_cpu_s": cpu[name],
            "cpu_median": statistics.median(cpu[name]),
        }
    for key in ("median", "cpu_median"):
        base = out["configs"][names[0]][key]
        for name in names:
            out["configs"][name][f"{key}_vs_first"] = out["configs"][name][key] / base
    return out


def pipe_speed(extractor: Any, items: Sequence[tuple[str, str]], *, n_process: int, batch_size: int = 8) -> float:
    """words/s of ``extractor.pipe`` over ``items`` (worker start-up included when ``n_process`` > 1)."""
    t0 = time.perf_counter()
    for _ in extractor.pipe(list(items), n_process=n_process, batch_size=batch_size):
        pass
    return sum(word_count(t) for _, t in items) / (time.perf_counter() - t0)


_CORPUS_RSS = r"""
import json, sys, time
sys.path.insert(0, sys.argv[1])
from benchmarks.ggt import read_ggt
from benchmarks.speed import peak_rss_mb, run_corpus
import quotattr
kw = json.loads(sys.argv[3])
items = [(d.doc_id, d.text) for d in read_ggt(sys.argv[2])][: kw.pop("docs")]
before = kw.pop("stock", False)
ex = quotattr.Extractor(threads=1, **kw)
if before:
    from benchmarks.speed import as_before_issue_20
    as_before_issue_20(ex.nlp)
_, timing = run_corpus(ex, items, bulk=8, show_progress=False)
print(json.dumps({"peak_rss_mb": peak_rss_mb(), "words_per_s": timing.words / timing.total_s}))
"""


def corpus_rss(gold: str, docs: int, **options: Any) -> dict[str, Any]:
    """Peak RSS of a fresh process that loads one Extractor and runs the corpus (``bulk`` 8)."""
    proc = subprocess.run(
        [sys.executable, "-c", _CORPUS_RSS, str(REPO), gold, json.dumps({"docs": docs, **options})],
        capture_output=True,
        text=True,
        timeout=3600,
        cwd=REPO,
    )
    if proc.returncode != 0:
        return {"error": proc.stderr.strip().splitlines()[-1:] or ["failed"]}
    out: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return out


def as_before_issue_20(nlp: Any) -> None:
    """Give one pipeline the code before issue 20: stanza's own scorers and sentence repair, no
    inference mode, and the tree decoder without its greedy path (the parse scope and the parser's
    batch size are the Extractor's options)."""
    from quotattr.models import fastdecode, fastinfer, fasttokenize

    fastinfer.remove(nlp)
    fastdecode.use_in(nlp, greedy=False)
    fasttokenize.remove(nlp)


def _as_in_session_14(nlp: Any) -> None:
    """Undo session 15's speed-ups on one pipeline: the decoder's greedy path, the grouped POS
    scorers (back to the one-matmul form), the vocabulary caches and the direct sentence repair."""
    import types

    from quotattr.models import fastdecode, fastinfer, fasttokenize
    from quotattr.models.fastbilinear import _fast_forward

    fastdecode.use_in(nlp, greedy=False)
    fasttokenize.remove(nlp)  # stanza's own rebuild of the draft
    fastinfer._forget(nlp)
    for kind, module in fastinfer._modules(nlp):
        if kind == "BiaffineScorer":
            module.forward = types.MethodType(_fast_forward, module)


def before_after(configs: Sequence[str] = ("before", "speed-ups", "after")) -> dict[str, Any]:
    """The extractors issue 20 compares, one core each: ``before`` (stanza's own code, every sentence
    parsed, 1,500-word parser batches: the code before issue 20), ``speed-ups`` (every sentence
    parsed, :mod:`quotattr.models.fastinfer` and 500-word parser batches), ``after`` (the default:
    speed-ups and the parser on report sentences only), ``after+int8`` (that and
    :func:`quotattr.models.fastinfer.quantize`), ``learned`` (the default with the opt-in cue class
    ``learned``, which parses every sentence: against ``speed-ups`` it costs the learned taggers
    alone, issue 16), ``session-14`` (the default as session 14 left it: without session 15's
    greedy decoding, grouped POS scorers and vocabulary caches)."""
    from quotattr import Extractor
    from quotattr.lexicons import Lexicons
    from quotattr.models import fastinfer

    out: dict[str, Any] = {}
    for name in configs:
        if name == "before":
            ex = Extractor(threads=1, parse="all", batch_sizes={"depparse": 1500})
            as_before_issue_20(ex.nlp)
        elif name == "speed-ups":
            ex = Extractor(threads=1, parse="all")
        elif name == "session-14":  # the default as session 14 left it (for session 15's gains)
            ex = Extractor(threads=1)
            _as_in_session_14(ex.nlp)
        elif name == "learned":
            ex = Extractor(threads=1, lexicons=Lexicons.default().with_cue_classes("learned"))
        elif name == "after+int8":  # opt-in, answers change slightly
            ex = Extractor(threads=1)
            fastinfer.quantize(ex.nlp)
        else:
            ex = Extractor(threads=1)
        ex("“We will win,” Jane Doe told reporters.")  # warm-up
        out[name] = ex
    return out


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m benchmarks.speed GGT_JSONL``: issue 20's per-processor profile, and the code before
    issue 20, the speed-ups alone and the default (speed-ups and two-pass parsing) side by side on
    one core in alternating rounds; optionally pipe(n_process=2), peak RSS and cold start."""
    import argparse
    import statistics

    ap = argparse.ArgumentParser(prog="python -m benchmarks.speed", description=main.__doc__)
    ap.add_argument("gold", help="ggt_dev.jsonl (texts only are read)")
    ap.add_argument("--docs", type=int, default=30, help="the first N articles")
    ap.add_argument("--rounds", type=int, default=3, help="one-core rounds (0: none)")
    ap.add_argument("--pipe-rounds", type=int, default=2)
    ap.add_argument("--bulk", type=int, default=8)
    ap.add_argument("--no-profile", action="store_true")
    ap.add_argument("--pipe", action="store_true", help="also pipe(n_process=1 and 2), before and after")
    ap.add_argument("--rss", action="store_true", help="peak RSS of a fresh process over the corpus, and cold start")
    ap.add_argument(
        "--configs",
        default="before,speed-ups,after",
        help="of before, speed-ups, session-14, after, after+int8, learned",
    )
    ap.add_argument("--out", type=Path, default=None)
    args = ap.parse_args(argv)

    from benchmarks.ggt import read_ggt

    def log(msg: str) -> None:
        print(msg, file=sys.stderr, flush=True)

    items = [(d.doc_id, d.text) for d in read_ggt(args.gold)][: args.docs]
    report: dict[str, Any] = {"git": git_commit(), "machine": machine_info(), "corpus": args.gold}
    configs = before_after(args.configs.split(","))
    if not args.no_profile:
        report["profile"] = {name: profile_corpus(ex, items, bulk=args.bulk) for name, ex in configs.items()}
        log(json.dumps(report["profile"], indent=1))
    if args.rounds > 0:
        report["one_core"] = side_by_side(configs, items, rounds=args.rounds, bulk=args.bulk, log=log)
    if args.pipe:
        rows: dict[str, list[float]] = {}
        for r in range(args.pipe_rounds):
            pair = [name for name in ("before", "after") if name in configs]
            for name in round_order(pair, r):
                for n in (1, 2):
                    key = f"{name} n_process={n}"
                    rows.setdefault(key, []).append(pipe_speed(configs[name], items, n_process=n, batch_size=args.bulk))
                    log(f"pipe round {r + 1} {key}: {rows[key][-1]:.0f} words/s")
        report["pipe"] = {k: {"words_per_s": v, "median": statistics.median(v)} for k, v in rows.items()}
    if args.rss:
        del configs
        report["corpus_rss"] = {
            "before": corpus_rss(args.gold, args.docs, parse="all", batch_sizes={"depparse": 1500}, stock=True),
            "after": corpus_rss(args.gold, args.docs),
        }
        report["cold_start"] = cold_start(threads=1)
    text = json.dumps(report, indent=1)
    if args.out:
        args.out.write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
