"""Fuzz quotattr end to end: random hostile documents through the real pipeline.

    .venv/bin/python benchmarks/fuzz.py --n 2000 --seed 1 [--batch-size 16] [--max-len 400] [--threads 1]

Documents come from six families — arbitrary Unicode (surrogates, controls, RTL, emoji included),
quote-mark soup, news-like sentences with mutations, control characters spliced into news, long
unpunctuated runs, and whole random paragraphs — and go through :meth:`Extractor.pipe` in batches
(with one-by-one calls on a sample, which must give the same result). Prints the number of
documents tried, crashes (an exception, or a Result with ``error`` set), offset violations (a span
whose text is not ``text[start:end]`` on the original, out of bounds or unsorted: see
:func:`quotattr.guard.violations`) and mismatches between batch and single calls. Exit status 1 when
any is non-zero; the first few offending documents are written to ``--dump`` as JSON.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
import traceback
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.news_sentences import NEWS
from quotattr import Extractor
from quotattr.guard import violations

QUOTES = [
    *list("\"'“”‘’«»„‚‹›`´「」『』"),
    "''",
    "``",
    "\n",
    "\n\n",
    " ",
    "\t",
    "said",
    " he ",
    ",",
    ".",
    ":",
]
SCRIPTS = [
    (0x20, 0x7E),
    (0x00, 0x1F),
    (0x80, 0x9F),
    (0xA0, 0x24F),
    (0x370, 0x3FF),
    (0x400, 0x4FF),
    (0x590, 0x5FF),
    (0x600, 0x6FF),
    (0x900, 0x97F),
    (0x200B, 0x202E),
    (0x2018, 0x201F),
    (0x3000, 0x30FF),
    (0x4E00, 0x4FFF),
    (0xD800, 0xDFFF),
    (0xFE00, 0xFFFF),
    (0x1F300, 0x1F6FF),
    (0xE0000, 0xE007F),
]


def arbitrary(rng: random.Random, max_len: int) -> str:
    out = []
    for _ in range(rng.randint(0, max_len)):
        lo, hi = rng.choice(SCRIPTS)
        out.append(chr(rng.randint(lo, hi)))
    return "".join(out)


def quote_soup(rng: random.Random, max_len: int) -> str:
    return "".join(rng.choice(QUOTES) for _ in range(rng.randint(0, max_len // 2)))


def news(rng: random.Random, max_len: int) -> str:
    parts = [rng.choice(NEWS) for _ in range(rng.randint(1, 6))]
    text = rng.choice([" ", "\n", "\n\n"]).join(parts)
    for _ in range(rng.randint(0, 4)):  # mutate: delete, duplicate or insert quote-ish characters
        i = rng.randrange(len(text) + 1)
        op = rng.random()
        if op < 0.3:
            text = text[:i] + text[i + rng.randint(1, 10) :]
        elif op < 0.6:
            text = text[:i] + rng.choice(QUOTES) + text[i:]
        else:
            j = min(len(text), i + rng.randint(1, 30))
            text = text[:i] + text[i:j] * rng.randint(2, 4) + text[j:]
    return text


def controls(rng: random.Random, max_len: int) -> str:
    text = list(news(rng, max_len))
    for _ in range(rng.randint(1, 8)):
        text.insert(rng.randrange(len(text) + 1), chr(rng.choice([0, 1, 7, 8, 11, 12, 27, 127, 0x85, 0xD800])))
    return "".join(text)


def long_run(rng: random.Random, max_len: int) -> str:
    word = rng.choice(["word", "the minister said", "«quote»", "x", "—", "Bob, "])
    reps = rng.randint(50, max(50, max_len))
    return rng.choice(NEWS) + " " + word * reps + rng.choice(["", ".", "”", " he said."])


def paragraph(rng: random.Random, max_len: int) -> str:
    return "\n\n".join(rng.choice([news, quote_soup, arbitrary])(rng, max_len) for _ in range(rng.randint(2, 5)))


FAMILIES = [arbitrary, quote_soup, news, controls, long_run, paragraph]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=1000, help="documents to try (1000)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--max-len", type=int, default=400, help="rough size of generated pieces (400)")
    parser.add_argument("--single-every", type=int, default=10, help="compare with a one-by-one call every N")
    parser.add_argument("--models", default="bundled")
    parser.add_argument("--threads", type=int, default=None, help="torch threads (default: torch's choice)")
    parser.add_argument("--dump", default="fuzz-failures.json", help="where the first failures are written")
    args = parser.parse_args(argv)

    rng = random.Random(args.seed)
    docs = [(f"fuzz-{i}", rng.choice(FAMILIES)(rng, args.max_len)) for i in range(args.n)]
    extractor = Extractor(models=args.models, threads=args.threads)
    started = time.perf_counter()
    tried = crashes = offset_violations = mismatches = 0
    failures: list[dict[str, object]] = []
    by_id = dict(docs)
    try:
        for result in extractor.pipe(docs, batch_size=args.batch_size):
            tried += 1
            text = by_id[result.doc_id or ""]
            problem = None
            if result.error is not None:
                crashes += 1
                problem = f"error: {result.error}"
            else:
                found = violations(result, text)
                if found:
                    offset_violations += 1
                    problem = "; ".join(found[:3])
                elif tried % args.single_every == 0:
                    try:
                        single = extractor(text, doc_id=result.doc_id)
                    except Exception as exc:
                        crashes += 1
                        problem = f"single call raised {type(exc).__name__}: {exc}"
                    else:
                        if single.to_dict() != result.to_dict():
                            mismatches += 1
                            problem = "batch and single results differ"
            if problem is not None and len(failures) < 20:
                failures.append({"doc_id": result.doc_id, "problem": problem, "text": text})
            if tried % 25 == 0:
                rate = tried / (time.perf_counter() - started)
                print(
                    f"  {tried} documents, {crashes} crashes, {offset_violations} offset violations, "
                    f"{mismatches} mismatches, {rate:.2f}/s",
                    file=sys.stderr,
                    flush=True,
                )
    except Exception:  # pipe itself must never raise
        crashes += 1
        traceback.print_exc()
    elapsed = time.perf_counter() - started
    print(
        json.dumps(
            {
                "documents_tried": tried,
                "crashes": crashes,
                "offset_violations": offset_violations,
                "batch_single_mismatches": mismatches,
                "seconds": round(elapsed, 1),
                "seed": args.seed,
            }
        )
    )
    if failures:
        Path(args.dump).write_text(json.dumps(failures, ensure_ascii=False, indent=1), encoding="utf-8")
        print(f"first failures written to {args.dump}", file=sys.stderr)
    return 1 if crashes or offset_violations or mismatches or tried != args.n else 0


if __name__ == "__main__":
    sys.exit(main())
