"""One command for accuracy and speed: ``python benchmarks/run.py --gold ../shared/seed``.

Reads gold (quotattr's format or PolNeAR brat standoff, auto-detected), runs the real pipeline once
over it (stanza time and quotattr time measured apart), scores, measures cold start in a fresh
process and per-KiB time on growing documents, prints a table and writes every figure to JSON.
See docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import inspect
import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make the repo root importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import readers, scorer, speed

REPO = Path(__file__).resolve().parent.parent
DEFAULT_OUT_DIR = REPO / "benchmarks" / "out"


def _log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        prog="benchmarks/run.py",
        description="quotattr accuracy + speed benchmark on gold-annotated news.",
    )
    p.add_argument("--gold", required=True, type=Path, help="gold: seed dir, gold .json/.jsonl, or PolNeAR split dir")
    p.add_argument("--format", default="auto", choices=("auto", "quotattr", "polnear"))
    p.add_argument("--limit", type=int, default=None, help="only the first N documents")
    p.add_argument(
        "--every",
        type=int,
        default=1,
        help="every Nth document only: a spread over all outlets of a large split (PolNeAR train, --every 14)",
    )
    p.add_argument("--models", default=None, help="model set: bundled (default), official or a directory")
    p.add_argument(
        "--threads",
        type=int,
        default=1,
        help="torch intra-op threads (default 1: stable figures on shared CPUs; 0 = torch's own default)",
    )
    p.add_argument(
        "--join-continuations",
        default="auto",
        choices=("auto", "on", "off"),
        help="Extractor(join_continuations=...): “A,” X said. “B.” as one attribution; auto = on for PolNeAR "
        "(its convention), off for quotattr gold (the seed's convention)",
    )
    p.add_argument(
        "--learned",
        default="auto",
        choices=("auto", "on", "off"),
        help="the learned sieve's additions (cue class 'learned': beliefs, intentions, what the rules miss); "
        "auto = on for PolNeAR (its broad notion of attribution), off for quotattr gold (quotes)",
    )
    p.add_argument("--bulk", type=int, default=8, help="documents per stanza call (bulk_process); default 8")
    p.add_argument(
        "--batch-sizes",
        default="",
        help="stanza batch sizes, e.g. tokenize=64,pos=3000,depparse=3000,ner=32 (default: stanza's)",
    )
    p.add_argument(
        "--scaling",
        default="10,100",
        help="document sizes in KiB for the per-KiB growth test (default 10,100; add 1000 for 1 MiB, "
        "which takes minutes on CPU); 'none' to skip",
    )
    p.add_argument("--no-cold-start", action="store_true", help="skip the fresh-process cold-start run")
    p.add_argument(
        "--quick", action="store_true", help="accuracy and corpus throughput only (no scaling, no cold start)"
    )
    p.add_argument("--worst", type=int, default=5, help="list missed/spurious quotes for the N worst documents")
    p.add_argument(
        "--worst-rows",
        type=int,
        default=12,
        help="rows per document in the printed error listing (JSON has all)",
    )
    p.add_argument("--predictions", type=Path, default=None, help="score these Result JSON lines instead of running")
    p.add_argument("--save-predictions", type=Path, default=None, help="write the Results as JSON lines here")
    p.add_argument("--out", type=Path, default=None, help="JSON report path (default benchmarks/out/<gold>.json)")
    p.add_argument("--no-progress", action="store_true")
    return p.parse_args(argv)


def _batch_sizes(spec: str) -> dict[str, int]:
    out: dict[str, int] = {}
    for item in filter(None, (s.strip() for s in spec.split(","))):
        k, _, v = item.partition("=")
        out[k.strip()] = int(v)
    return out


def _sizes(spec: str) -> list[float]:
    if spec.strip().lower() in ("", "none", "0", "off"):
        return []
    return [float(s) for s in spec.split(",") if s.strip()]


# ---------------------------------------------------------------- report text


def _pct(v: float | None) -> str:
    return "   -  " if v is None else f"{100 * v:5.1f} "


def _prf(label: str, c: dict[str, Any]) -> str:
    counts = f"{c['tp']}/{c['gold']}/{c['pred']}"
    return f"  {label:<40}{_pct(c['precision'])} {_pct(c['recall'])} {_pct(c['f1'])}  {counts}"


def _wrap(s: str | None, width: int) -> str:
    s = (s or "").replace("\n", " ")
    return s if len(s) <= width else s[: width - 1] + "…"


def format_report(rep: dict[str, Any]) -> str:
    acc = rep.get("accuracy")
    lines: list[str] = []
    g = rep["gold"]
    lines.append(
        f"quotattr benchmark · gold {g['path']} ({g['format']}, {g['documents']} docs, "
        f"{g['required_quotes']} required + {g['optional_quotes']} optional quotes)"
    )
    gc, ms, mi = rep["git"], rep.get("model_set") or {}, rep["machine"]
    lines.append(
        f"commit {str(gc.get('commit'))[:10]}{' (dirty)' if gc.get('dirty') else ''} · models "
        f"{ms.get('name', ms.get('kind'))} {ms.get('recipe_version') or ''} · "
        f"{mi.get('cpus_usable', mi['cpu_count'])} cores, {mi.get('ram_gib')} GiB RAM · "
        f"load avg {mi.get('loadavg_1m', 0):.1f}"
    )
    if acc:
        lines.append("")
        lines.append(f"  {'ACCURACY (micro)':<40}{'P':>5}  {'R':>6} {'F1':>6}   tp/gold/pred")
        for lvl, c in acc["content"].items():
            lines.append(_prf(f"content {lvl}", c))
        for part in ("cue", "mention"):
            for lvl, c in acc[part].items():
                how = "exact" if lvl == "exact" else "overlap"
                lines.append(_prf(f"{part} {how} | content {lvl}", c))
        lines.append("  per kind (recall over gold kind, precision over predicted kind):")
        for lvl in ("overlap>0.3", "exact"):
            for k, c in acc["kinds"].get(lvl, {}).items():
                lines.append(_prf(f"  {k} {lvl}", c))
        ka = acc["kind_agreement"].get("overlap>0.3")
        if ka and ka["gold"]:
            lines.append(f"  kind agreement on matched pairs (>0.3): {_pct(ka['recall'])}  {ka['tp']}/{ka['gold']}")
        if "lexicon_recall" in acc:
            lines.append("  recall on gold cues in quotattr's cue lexicon:")
            for lvl, c in acc["lexicon_recall"].items():
                lines.append(f"    {lvl:<28}{_pct(c['recall'])}  {c['tp']}/{c['gold']}")
        lines.append("  independent exact spans (PolNeAR-style):")
        for k, c in acc["spans_exact"].items():
            lines.append(_prf(f"  {k}", c))
        sf = acc["speaker_fields"]
        if sf.get("all", {}).get("compared"):
            lines.append("  speaker fields on matched quotes with a resolved gold speaker (>0.3):")
            lines.append(
                "    "
                + "  ".join(
                    f"{k} {_pct(v['accuracy']).strip()}% ({v['correct']}/{v['compared']})" for k, v in sf.items()
                )
            )
    sp = rep.get("speed")
    if sp:
        lines.append("")
        lines.append("  SPEED")
        c = sp["corpus"]
        if c["total_s"]:
            lines.append(
                f"  corpus: {c['docs']} docs, {c['words']} words in {c['total_s']:.1f} s → "
                f"{c['docs_per_s']:.2f} docs/s, {c['words_per_s']:.0f} words/s, {c['kb_per_s']:.1f} KiB/s"
            )
            lines.append(
                f"  time share: stanza {100 * c['stanza_share']:.1f} % ({c['stanza_s']:.1f} s), quotattr "
                f"{100 * c['quotattr_share']:.1f} % ({c['quotattr_s']:.2f} s)"
            )
        if c.get("errors"):
            lines.append(f"  {c['errors']} document(s) failed in stanza (empty results, counted as misses)")
        lines.append(
            f"  pipeline build in this process (torch, stanza already imported): {sp['load_s']:.1f} s"
            f" · peak RSS {sp['peak_rss_mb']:.0f} MiB"
        )
        s = sp["settings"]
        lines.append(
            f"  settings: torch threads {s.get('torch_threads')}, bulk {s.get('bulk')} docs/stanza call, "
            f"batch sizes {s.get('batch_sizes')}"
        )
        cs = sp.get("cold_start")
        if cs:
            if "error" in cs:
                lines.append(f"  cold start: failed: {cs['error']}")
            else:
                lines.append(
                    f"  cold start (fresh process): import {cs['import_s']:.1f} s + "
                    f"load {cs['load_s']:.1f} s + first call {cs['first_call_s']:.2f} s; "
                    f"process wall {cs['process_wall_s']:.1f} s, "
                    f"peak RSS {cs['peak_rss_mb']:.0f} MiB"
                )
        for r in sp.get("scaling", []):
            lines.append(
                f"  scaling {r['kib']:>7.0f} KiB: {r['total_s']:7.1f} s  {1000 * r['s_per_kib']:6.0f} ms/KiB "
                f"(x{r['s_per_kib_vs_smallest']:.2f} vs smallest; "
                f"quotattr {1000 * r['quotattr_s_per_kib']:.1f} ms/KiB) RSS {r['peak_rss_mb']:.0f} MiB"
            )
    worst = rep.get("worst_documents") or []
    if worst:
        lines.append("")
        lines.append("  WORST DOCUMENTS (overlap>0.3): missed | spurious")
        w = 60
        for d in worst:
            lines.append(f"  ── {d['doc_id']}  (missed {len(d['missed'])}, spurious {len(d['spurious'])})")
            rows = max(len(d["missed"]), len(d["spurious"]))
            limit = rep.get("worst_rows", rows)
            for i in range(min(rows, limit)):
                m = d["missed"][i] if i < len(d["missed"]) else None
                s = d["spurious"][i] if i < len(d["spurious"]) else None

                def cell(q: dict[str, Any] | None) -> str:
                    if q is None:
                        return ""
                    head = f"{q['start']:>5} {(q['kind'] or '?')[:3]}"
                    return _wrap(f"{head} {q['content']} ⟵ {q['cue']} / {q['mention']}", w)

                lines.append(f"    {cell(m):<{w}} | {cell(s)}")
            if rows > limit:
                lines.append(f"    … {rows - limit} more rows in the JSON report")
    return "\n".join(lines)


# ---------------------------------------------------------------- main


def _load_predictions(path: Path) -> dict[str, Any]:
    out: dict[str, Any] = {}
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                d = json.loads(line)
                out[str(d.get("doc_id"))] = d
    return out


def main(argv: Sequence[str] | None = None, *, extractor: Any = None) -> int:
    """Run the benchmark; ``extractor`` reuses an already loaded :class:`quotattr.Extractor` (tests)."""
    args = parse_args(argv)
    show = not args.no_progress
    started = dt.datetime.now(dt.timezone.utc)
    docs = readers.read_gold(args.gold, args.format, limit=args.limit)
    if args.every > 1:
        docs = docs[:: args.every]
    fmt = args.format if args.format != "auto" else readers.detect_format(args.gold)
    _log(f"gold: {len(docs)} documents from {args.gold} ({fmt})")

    report: dict[str, Any] = {
        "started_utc": started.isoformat(timespec="seconds"),
        "command": "python benchmarks/run.py " + " ".join(sys.argv[1:] if argv is None else argv),
        "git": speed.git_commit(),
        "machine": speed.machine_info(),
        "gold": {
            "path": str(args.gold),
            "format": fmt,
            "documents": len(docs),
            "required_quotes": sum(not q.optional for d in docs for q in d.quotes),
            "optional_quotes": sum(q.optional for d in docs for q in d.quotes),
            "annotators": sorted({d.annotator for d in docs if d.annotator}),
        },
    }

    predictions: list[Any]
    if args.predictions is not None:
        by_id = _load_predictions(args.predictions)
        predictions = [by_id.get(d.doc_id, {"attributions": []}) for d in docs]
        report["predictions"] = str(args.predictions)
        report["model_set"] = None
    else:
        t0 = time.perf_counter()
        from quotattr import Extractor

        join = args.join_continuations == "on" or (args.join_continuations == "auto" and fmt == "polnear")
        options: dict[str, Any] = {}
        if "join_continuations" in inspect.signature(Extractor).parameters:
            options["join_continuations"] = join
        restore_lexicons = None
        if args.learned == "on" or (args.learned == "auto" and fmt == "polnear"):
            from quotattr.lexicons import Lexicons

            options["lexicons"] = Lexicons.default().with_cue_classes("learned")
        if extractor is None:
            extractor = Extractor(
                models=args.models,
                threads=args.threads or None,
                batch_sizes=_batch_sizes(args.batch_sizes),
                **options,
            )
        else:
            if "join_continuations" in options and hasattr(extractor, "join_continuations"):
                extractor.join_continuations = join  # a reused (test) extractor: same setting as a fresh one
            if "lexicons" in options:
                restore_lexicons = extractor.lexicons  # put back after the corpus run
                extractor.lexicons = options["lexicons"]
        report["extractor_options"] = {k: (sorted(v.cue_classes) if k == "lexicons" else v) for k, v in options.items()}
        load_s = time.perf_counter() - t0
        report["model_set"] = extractor.model_set.describe()
        _log(f"pipeline loaded in {load_s:.1f} s")
        # warm-up on a short text so first-call overheads do not land on the first document
        extractor("“We will win,” Jane Doe told reporters.")
        results, timing = speed.run_corpus(
            extractor, [(d.doc_id, d.text) for d in docs], bulk=args.bulk, show_progress=show
        )
        predictions = results
        if restore_lexicons is not None:
            extractor.lexicons = restore_lexicons
        settings = speed.pipeline_settings(extractor.nlp)
        settings["bulk"] = args.bulk
        report["speed"] = {
            "load_s": load_s,
            "corpus": timing.to_dict(),
            "settings": settings,
            "peak_rss_mb_after_corpus": speed.peak_rss_mb(),
            # with --bulk > 1 a document's stanza_s is its share of its bulk call's time
            "per_document": timing.per_doc,
        }
        if args.save_predictions:
            args.save_predictions.parent.mkdir(parents=True, exist_ok=True)
            with args.save_predictions.open("w", encoding="utf-8") as fh:
                for r in results:
                    fh.write(json.dumps(r.to_dict(include_text=False), ensure_ascii=False) + "\n")
        sizes = [] if args.quick else _sizes(args.scaling)
        if sizes:
            report["speed"]["scaling"] = speed.scaling(
                extractor, [d.text for d in docs], sizes, show_progress=show, log=_log
            )
        report["speed"]["peak_rss_mb"] = speed.peak_rss_mb()
        if not (args.no_cold_start or args.quick):
            _log("cold start in a fresh process ...")
            del extractor
            report["speed"]["cold_start"] = speed.cold_start(args.models, args.threads or None)

    # ---- accuracy
    from quotattr.lexicons import Lexicons

    lex = {**Lexicons.default().cues, **scorer.EXTRA_CUES} if fmt == "polnear" else None
    doc_scores = []
    for d, p in zip(docs, predictions, strict=True):
        doc_scores.append(scorer.score_document(d, scorer.quotes_from_result(p), cue_lexicon=lex))
    report["accuracy"] = scorer.aggregate(doc_scores)
    report["predicted_quotes"] = sum(len(scorer.quotes_from_result(p)) for p in predictions)
    worst = sorted(doc_scores, key=lambda s: (-s.errors, s.doc_id))[: max(0, args.worst)]
    report["worst_rows"] = args.worst_rows
    report["worst_documents"] = [
        {
            "doc_id": s.doc_id,
            "missed": sorted(s.missed, key=lambda q: q["start"]),
            "spurious": sorted(s.spurious, key=lambda q: q["start"]),
        }
        for s in worst
        if s.errors
    ]
    report["per_document"] = [
        {
            "doc_id": s.doc_id,
            "missed": len(s.missed),
            "spurious": len(s.spurious),
            "content_overlap>0.3": s.content["overlap>0.3"].to_dict(),
        }
        for s in doc_scores
    ]
    report["finished_utc"] = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")

    out = args.out or DEFAULT_OUT_DIR / f"{args.gold.resolve().name}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=1, ensure_ascii=False), encoding="utf-8")
    print(format_report(report))
    print(f"\nfull report: {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
