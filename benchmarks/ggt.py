"""The Gender Gap Tracker evaluation set (``../shared/data/ggt-dev``): quotes with resolved speakers.

Reads ``ggt_dev.jsonl`` (one article per line, every quote with its human-resolved speaker in
``reference``) and scores quotattr the way the GGT authors score a system, plus the measure quotattr
cares about most, **named-speaker accuracy**:

- *quote P/R/F1 at overlap t* (t = 0.3, 0.8): a gold quote is found when one prediction covers more
  than ``t`` of its characters (``|gold ∩ pred| / |gold|``), one prediction per gold quote, taken
  greedily by coverage; precision over all predicted attributions.
- *named-speaker accuracy*: over the gold quotes whose ``reference`` is one of the article's
  ``people`` (the annotators' list of the persons it names: a person's name, not "the RCMP" or "a
  spokesperson"), the share whose predicted speaker name equals the reference (case, accents,
  punctuation and a leading article ignored). Reported over matched quotes (at 0.3) and end to end
  (over all such gold quotes; a missed quote counts as wrong).
- *gender accuracy*: over matched named-person quotes whose person the annotators list in
  ``people_female`` / ``people_male``, the share whose predicted ``Speaker.gender`` agrees (and how
  many are ``unknown``: quotattr says nothing it has no evidence for).
- a *reliability table*: the attribution's ``speaker_confidence`` in bins against the share of
  named-person quotes whose speaker is right.

Run: ``python -m benchmarks.ggt ../shared/data/ggt-dev/ggt_dev.jsonl`` (``--cache DIR`` keeps the
stanza Documents so a second run only re-runs quotattr's own stages; ``--errors N`` prints N wrong
speakers; ``--json FILE`` writes the figures).
"""

from __future__ import annotations

import argparse
import json
import pickle
import sys
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchmarks.scorer import norm_field

__all__ = [
    "BINS",
    "GgtDoc",
    "GgtQuote",
    "evaluate",
    "main",
    "match_quotes",
    "norm_name",
    "read_ggt",
]

BINS = (0.0, 0.5, 0.7, 0.8, 0.9, 0.95, 1.0001)
_ARTICLES = ("the ", "a ", "an ")


@dataclass(frozen=True)
class GgtQuote:
    """One gold quote: content span, speaker-as-written span, and the resolved speaker."""

    start: int
    end: int
    reference: str | None
    speaker_span: tuple[int, int] | None
    named_person: bool  #: the reference is one of the article's ``people``
    gender: str | None  #: "female" / "male" where the annotators list the person so


@dataclass(frozen=True)
class GgtDoc:
    doc_id: str
    text: str
    quotes: tuple[GgtQuote, ...]


def norm_name(value: str | None) -> str | None:
    """A name compared case-, accent- and punctuation-insensitively, without a leading article."""
    v = norm_field(value)
    if v is None:
        return None
    for art in _ARTICLES:
        if v.startswith(art):
            v = v[len(art) :]
    return v or None


def read_ggt(path: str | Path) -> list[GgtDoc]:
    """The articles of a GGT jsonl file; quote offsets are checked against each text."""
    docs: list[GgtDoc] = []
    with Path(path).open(encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            if not line.strip():
                continue
            d = json.loads(line)
            text = d["text"]
            people = {norm_name(p) for p in d.get("people", ())}
            female = {norm_name(p) for p in d.get("people_female", ())}
            male = {norm_name(p) for p in d.get("people_male", ())}
            quotes = []
            for q in d.get("quotes", ()):
                if not q.get("quote_span"):
                    continue  # the few quotes the re-anchoring could not place (see the data README)
                a, b = q["quote_span"]
                if not 0 <= a < b <= len(text):
                    raise ValueError(f"{path}:{lineno}: quote span {a, b} outside the text")
                ref = q.get("reference")
                key = norm_name(ref)
                sp = q.get("speaker_span")
                gender = "female" if key in female else "male" if key in male else None
                quotes.append(GgtQuote(a, b, ref, tuple(sp) if sp else None, key is not None and key in people, gender))
            docs.append(GgtDoc(str(d["id"]), text, tuple(quotes)))
    return docs


def _chars(spans: Iterable[tuple[int, int]]) -> frozenset[int]:
    out: set[int] = set()
    for a, b in spans:
        out.update(range(a, b))
    return frozenset(out)


def match_quotes(
    gold: Sequence[tuple[int, int]], pred: Sequence[Sequence[tuple[int, int]]], level: float
) -> dict[int, int]:
    """gold index -> prediction index: coverage of the gold characters > ``level``, greedy, one each."""
    gsets = [_chars([g]) for g in gold]
    psets = [_chars(p) for p in pred]
    cands = []
    for gi, g in enumerate(gsets):
        for pj, p in enumerate(psets):
            cov = len(g & p) / len(g) if g else 0.0
            if cov > level:
                cands.append((-cov, gi, pj))
    cands.sort()
    out: dict[int, int] = {}
    used: set[int] = set()
    for _, gi, pj in cands:
        if gi in out or pj in used:
            continue
        out[gi] = pj
        used.add(pj)
    return out


@dataclass
class _Tally:
    gold: int = 0
    pred: int = 0
    found: dict[str, int] = field(default_factory=lambda: {"0.3": 0, "0.8": 0})
    named: int = 0
    named_matched: int = 0
    named_right: int = 0
    gender_gold: int = 0
    gender_right: int = 0
    gender_wrong: int = 0
    gender_unknown: int = 0
    bins: list[list[int]] = field(default_factory=lambda: [[0, 0] for _ in BINS[:-1]])
    no_speaker: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)


def _bin(conf: float) -> int:
    for k in range(len(BINS) - 1):
        if BINS[k] <= conf < BINS[k + 1]:
            return k
    return len(BINS) - 2


def _speaker_confidence(att: Mapping[str, Any]) -> float:
    value = att.get("speaker_confidence")
    return float(att["confidence"] if value is None else value)


def score_doc(doc: GgtDoc, result: Mapping[str, Any], tally: _Tally) -> None:
    """Add one article's figures to ``tally`` (``result``: a ``Result.to_dict()``)."""
    atts = list(result.get("attributions", ()))
    speakers = {s["id"]: s for s in result.get("speakers", ())}
    pred = [[(int(c["start"]), int(c["end"])) for c in a["content"]] for a in atts]
    gold = [(q.start, q.end) for q in doc.quotes]
    tally.gold += len(gold)
    tally.pred += len(pred)
    m8 = match_quotes(gold, pred, 0.8)
    m3 = match_quotes(gold, pred, 0.3)
    tally.found["0.8"] += len(m8)
    tally.found["0.3"] += len(m3)
    for gi, q in enumerate(doc.quotes):
        if not q.named_person:
            continue
        tally.named += 1
        pj = m3.get(gi)
        if pj is None:
            continue
        tally.named_matched += 1
        att = atts[pj]
        sp = speakers.get(att.get("speaker")) if att.get("speaker") else None
        name = sp.get("name") if sp else None
        right = name is not None and norm_name(name) == norm_name(q.reference)
        tally.named_right += right
        if sp is None:
            tally.no_speaker += 1
        conf = _speaker_confidence(att) if sp is not None else 0.0
        b = tally.bins[_bin(conf)]
        b[0] += 1
        b[1] += right
        if not right:
            tally.errors.append(
                {
                    "doc": doc.doc_id,
                    "gold": q.reference,
                    "pred": name,
                    "mention": (att.get("mention") or {}).get("text"),
                    "confidence": conf,
                    "resolution": att.get("resolution"),
                    "quote": doc.text[q.start : q.end][:90],
                }
            )
        if q.gender is not None and right and sp is not None:
            tally.gender_gold += 1
            g = sp.get("gender", "unknown")
            if g == q.gender:
                tally.gender_right += 1
            elif g in (None, "unknown"):
                tally.gender_unknown += 1
            else:
                tally.gender_wrong += 1


def _prf(found: int, gold: int, pred: int) -> dict[str, float]:
    p = found / pred if pred else 0.0
    r = found / gold if gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": p, "recall": r, "f1": f}


def figures(t: _Tally) -> dict[str, Any]:
    return {
        "documents_gold_quotes": t.gold,
        "predicted_attributions": t.pred,
        "quotes_at_0.3": _prf(t.found["0.3"], t.gold, t.pred),
        "quotes_at_0.8": _prf(t.found["0.8"], t.gold, t.pred),
        "named_speaker_quotes": t.named,
        "named_speaker_matched": t.named_matched,
        "named_speaker_accuracy_matched": t.named_right / t.named_matched if t.named_matched else 0.0,
        "named_speaker_accuracy_end_to_end": t.named_right / t.named if t.named else 0.0,
        "matched_without_speaker": t.no_speaker,
        "gender": {
            "scored": t.gender_gold,
            "right": t.gender_right,
            "wrong": t.gender_wrong,
            "unknown": t.gender_unknown,
        },
        "reliability": [
            {"bin": f"[{BINS[k]:.2f}, {min(BINS[k + 1], 1.0):.2f}{']' if BINS[k + 1] > 1 else ')'}", "n": n, "right": r}
            for k, (n, r) in enumerate(t.bins)
        ],
    }


def evaluate(docs: Sequence[GgtDoc], results: Sequence[Mapping[str, Any]]) -> tuple[dict[str, Any], list[Any]]:
    """Figures over all articles and the list of wrong named speakers."""
    tally = _Tally()
    for doc, res in zip(docs, results, strict=True):
        score_doc(doc, res, tally)
    return figures(tally), tally.errors


def format_figures(f: Mapping[str, Any]) -> str:
    q3, q8 = f["quotes_at_0.3"], f["quotes_at_0.8"]
    g = f["gender"]
    lines = [
        f"gold quotes {f['documents_gold_quotes']}, predicted attributions {f['predicted_attributions']}",
        f"quotes at 0.3: P {q3['precision']:.3f} R {q3['recall']:.3f} F1 {q3['f1']:.3f}",
        f"quotes at 0.8: P {q8['precision']:.3f} R {q8['recall']:.3f} F1 {q8['f1']:.3f}",
        f"named-speaker accuracy: matched {f['named_speaker_accuracy_matched']:.3f} "
        f"({f['named_speaker_matched']} quotes), end to end {f['named_speaker_accuracy_end_to_end']:.3f} "
        f"({f['named_speaker_quotes']} quotes); matched without a speaker {f['matched_without_speaker']}",
        f"gender (right named speakers with annotated gender): {g['right']}/{g['scored']} right, "
        f"{g['wrong']} wrong, {g['unknown']} unknown",
        "speaker confidence → share right:",
    ]
    for row in f["reliability"]:
        share = f"{row['right'] / row['n']:.3f}" if row["n"] else "  -  "
        lines.append(f"  {row['bin']:<14} n={row['n']:<4} right={row['right']:<4} {share}")
    return "\n".join(lines)


def _annotate(extractor: Any, doc: GgtDoc, cache: Path | None) -> Any:
    if cache is None:
        return extractor.annotate(doc.text)
    path = cache / f"{doc.doc_id}.pkl"
    if path.is_file():
        with path.open("rb") as fh:
            return pickle.load(fh)  # our own cache of stanza Documents
    annotated = extractor.annotate(doc.text)
    cache.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as fh:
        pickle.dump(annotated, fh)
    return annotated


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.ggt", description=__doc__.split("\n\n")[0])
    ap.add_argument("gold", help="ggt_dev.jsonl")
    ap.add_argument("--cache", type=Path, default=None, help="folder for cached stanza Documents")
    ap.add_argument("--errors", type=int, default=0, help="print this many wrong named speakers")
    ap.add_argument("--json", type=Path, default=None, help="write the figures here")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument(
        "--models",
        default=None,
        help="model set: bundled (default), official or a directory with a manifest (give each set its own --cache)",
    )
    ap.add_argument(
        "--learned",
        action="store_true",
        help="turn on the opt-in cue class 'learned' (PolNeAR's broad attributions; every sentence parsed, "
        "so cached Documents go to a 'learned' subfolder of --cache)",
    )
    args = ap.parse_args(argv)

    import quotattr

    docs = read_ggt(args.gold)
    options: dict[str, Any] = {}
    if args.models is not None:
        options["models"] = args.models
    if args.learned:
        from quotattr.lexicons import Lexicons

        options["lexicons"] = Lexicons.default().with_cue_classes("learned")
        if args.cache is not None:
            args.cache = args.cache / "learned"
    extractor = quotattr.Extractor(threads=args.threads, **options)
    t0 = time.perf_counter()
    results = []
    for doc in docs:
        annotated = _annotate(extractor, doc, args.cache)
        results.append(extractor(annotated, doc_id=doc.doc_id).to_dict(include_text=False))
    elapsed = time.perf_counter() - t0
    figs, errors = evaluate(docs, results)
    figs["seconds"] = round(elapsed, 1)
    print(format_figures(figs))
    for e in errors[: args.errors]:
        print(json.dumps(e, ensure_ascii=False))
    if args.json is not None:
        args.json.write_text(json.dumps(figs, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
