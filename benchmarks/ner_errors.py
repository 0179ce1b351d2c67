"""Where a NER model's errors are, per entity type: missed entities, entities given another type,
wrong boundaries and spurious entities, counted on the recipe's gold NER files, with examples.

Entity F1 says how far a model is from a target; this says what kind of error stands in the way
(issue 19 looked for ORG ≥ 80 on en-worldwide dev). An error is counted once, from the gold side
where a gold entity overlaps it:

- ``boundary``: a gold entity that a prediction of the same type overlaps but does not match;
- ``as PER`` / ``as ORG`` / …: a gold entity overlapped only by predictions of another type;
- ``missed``: a gold entity no prediction overlaps;
- ``spurious``: a prediction that overlaps no gold entity; ``spurious on LOC`` …: one that
  overlaps only gold entities of another type (the other side of ``as ORG`` …).

Run (after ``python -m quotattr.models.train --out WORK --stage nerdata``)::

    python -m benchmarks.ner_errors WORK/data/ner/en_newswire.dev.bio WORK/data/ner/en_uner.dev.bio \
        [--type ORG] [--examples 10] [--models DIR]
"""

from __future__ import annotations

import argparse
import random
import sys
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import attrs

from quotattr.models.nerextra import read_columns
from quotattr.models.train import _iob_spans, _norm_sentence

__all__ = ["TYPES", "Breakdown", "classify", "main", "tagger"]

TYPES = ("PER", "ORG", "LOC")
Entity = tuple[int, int, str]  # (first word, end word exclusive, type)


@attrs.define
class Breakdown:
    """Counts for one entity type, and the errors' (category, sentence index, entity) for examples."""

    label: str
    gold: int = 0
    pred: int = 0
    right: int = 0
    categories: Counter[str] = attrs.field(factory=Counter)
    errors: list[tuple[str, int, Entity]] = attrs.field(factory=list)

    def f1(self) -> float:
        return 200 * self.right / (self.gold + self.pred) if self.gold + self.pred else 0.0


def _overlaps(x: Entity, others: Iterable[Entity]) -> list[Entity]:
    return [y for y in others if y[0] < x[1] and x[0] < y[1]]


def classify(gold: set[Entity], pred: set[Entity], label: str) -> list[tuple[str, Entity]]:
    """The errors of one sentence for entity type ``label``: (category, entity) pairs, the entity
    being the gold one for boundary / type / missed errors and the predicted one for spurious ones."""
    out: list[tuple[str, Entity]] = []
    for g in sorted(gold):
        if g[2] != label or g in pred:
            continue
        over = _overlaps(g, pred)
        if any(p[2] == label for p in over):
            out.append(("boundary", g))
        elif over:
            out.append((f"as {sorted(over)[0][2]}", g))
        else:
            out.append(("missed", g))
    for p in sorted(pred):
        if p[2] != label or p in gold:
            continue
        over = _overlaps(p, gold)
        if any(g[2] == label for g in over):
            continue  # counted once, as the gold entity's boundary error
        out.append((f"spurious on {sorted(over)[0][2]}" if over else "spurious", p))
    return out


def tagger(models: str) -> Any:
    """stanza's tokenizer (pre-tokenised input) and NER of a verified model set."""
    import stanza

    from quotattr.models import verify_model_set
    from quotattr.nlp import resolve_model_set

    info = resolve_model_set(models)
    paths = verify_model_set(info.path)
    return stanza.Pipeline(
        "en",
        dir=str(info.path),
        processors="tokenize,ner",
        tokenize_pretokenized=True,
        tokenize_model_path=str(paths["tokenize"]),
        ner_model_path=str(paths["ner"]),
        ner_pretrain_path=str(paths["pretrain"]),
        download_method=None,
        logging_level="ERROR",
    )


def breakdowns(
    words: Sequence[Sequence[str]], gold_tags: Sequence[Sequence[str]], pred_tags: Sequence[Sequence[str]]
) -> dict[str, Breakdown]:
    """Per type (PER, ORG, LOC) counts and errors over sentences of gold and predicted tags."""
    out = {t: Breakdown(t) for t in TYPES}
    keep = frozenset(TYPES)
    for k, (ws, gt, pt) in enumerate(zip(words, gold_tags, pred_tags, strict=True)):
        gold, pred = (_iob_spans([t for _, t in _norm_sentence(zip(ws, tags, strict=True), keep)]) for tags in (gt, pt))
        for t, b in out.items():
            b.gold += sum(1 for g in gold if g[2] == t)
            b.pred += sum(1 for p in pred if p[2] == t)
            b.right += sum(1 for g in gold & pred if g[2] == t)
            for cat, ent in classify(gold, pred, t):
                b.categories[cat] += 1
                b.errors.append((cat, k, ent))
    return out


def _example(words: Sequence[str], ent: Entity, width: int = 6) -> str:
    a, b = ent[0], ent[1]
    left = " ".join(words[max(0, a - width) : a])
    right = " ".join(words[b : b + width])
    return f"{left} [{' '.join(words[a:b])}] {right}".strip()


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.ner_errors", description=__doc__.split("\n\n")[0])
    ap.add_argument("files", nargs="+", type=Path, help="NER .bio files (word<TAB>tag)")
    ap.add_argument("--type", action="append", choices=TYPES, help="entity types to break down (default all)")
    ap.add_argument("--examples", type=int, default=5, help="random examples per error category")
    ap.add_argument("--seed", type=int, default=1, help="seed of the example sample")
    ap.add_argument("--models", default="bundled", help="model set: bundled (default) or a directory with a manifest")
    args = ap.parse_args(argv)
    nlp = tagger(args.models)
    for path in args.files:
        with path.open(encoding="utf-8") as fh:
            sents = list(read_columns(fh))
        words = [[w for w, _ in s] for s in sents]
        doc = nlp(words)
        pred = [[t.ner for t in s.tokens] for s in doc.sentences]
        result = breakdowns(words, [[t for _, t in s] for s in sents], pred)
        rng = random.Random(args.seed)
        for label in args.type or TYPES:
            b = result[label]
            cats = ", ".join(f"{c} {n}" for c, n in b.categories.most_common())
            print(f"{path.name} {label}: gold {b.gold}, predicted {b.pred}, right {b.right}, F1 {b.f1():.2f}; {cats}")
            for cat, _ in b.categories.most_common():
                errs = [e for e in b.errors if e[0] == cat]
                for _, k, ent in rng.sample(errs, min(args.examples, len(errs))):
                    print(f"    {cat}: {_example(words[k], ent)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
