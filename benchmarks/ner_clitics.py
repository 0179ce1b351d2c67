"""NER on sentences with clitics: the tagger on *tokens* (clitics joined, as quotattr's tokenizer
gives them: "Durning’s") against the tagger on *words* (as every training set writes them:
"Durning ’s"), scored by entity F1 on the gold entities of the recipe's NER dev files.

This is what ``quotattr.models.nerwords`` changes: stanza's NER processor tags tokens; quotattr's
pipeline gives its tagger the words. Entities are compared by character span over the words
written without spaces, so the two tokenisations score against the same gold.

Run (after ``python -m quotattr.models.train --out WORK --stage nerdata``)::

    python -m benchmarks.ner_clitics WORK/data/ner/en_newswire.dev.bio WORK/data/ner/en_uner.dev.bio \
        [--models DIR]   # a model set with a manifest (default: the bundled one)
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from benchmarks.ner_errors import tagger
from quotattr.models.nerextra import CLITICS, Sentence, curly_apostrophes, merge_clitics, read_columns
from quotattr.models.train import _iob_spans


def char_entities(words: Sequence[str], tags: Sequence[str]) -> set[tuple[int, int, str]]:
    """Entities as character spans over the words written without spaces (tokenisation-free)."""
    offsets: list[tuple[int, int]] = []
    pos = 0
    for w in words:
        offsets.append((pos, pos + len(w)))
        pos += len(w)
    return {(offsets[a][0], offsets[b - 1][1], k) for a, b, k in _iob_spans(list(tags))}


def has_clitic(sent: Sentence) -> bool:
    return any(w.replace("’", "'").lower() in CLITICS for w, _ in sent)


def score(nlp: Any, sents: Sequence[Sentence]) -> dict[str, float]:
    """Entity P / R / F1 of the pipeline's NER on pre-tokenised ``sents`` (one token per item)."""
    doc = nlp([[w for w, _ in s] for s in sents])
    tp = fp = fn = 0
    for s, ds in zip(sents, doc.sentences, strict=True):
        words = [w for w, _ in s]
        gold = char_entities(words, [t for _, t in s])
        pred = char_entities(words, [t.ner for t in ds.tokens])
        tp, fp, fn = tp + len(gold & pred), fp + len(pred - gold), fn + len(gold - pred)
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return {"precision": 100 * p, "recall": 100 * r, "f1": 100 * 2 * p * r / (p + r) if p + r else 0.0}


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.ner_clitics", description=__doc__.split("\n\n")[0])
    ap.add_argument("files", nargs="+", type=Path, help="NER .bio files (word<TAB>tag)")
    ap.add_argument("--models", default="bundled", help="model set: bundled (default) or a directory with a manifest")
    args = ap.parse_args(argv)

    nlp = tagger(args.models)
    for path in args.files:
        with path.open(encoding="utf-8") as fh:
            sents = [s for s in read_columns(fh) if has_clitic(s)]
        for curly in (False, True):
            data = [curly_apostrophes(s) if curly else s for s in sents]
            tokens = score(nlp, [merge_clitics(s) for s in data])
            words = score(nlp, data)
            print(
                f"{path.name}: {len(sents)} sentences with a clitic, {'curly' if curly else 'straight'} "
                f"apostrophes: entity F1 on tokens {tokens['f1']:.2f}, on words {words['f1']:.2f}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
