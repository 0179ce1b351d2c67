"""The 5 MB article: wall time and peak RSS of one ``Extractor`` call on a 5,000,000-character text.

    .venv/bin/python benchmarks/big_article.py [--chars 5000000] [--threads 1] [--save-doc F | --load-doc F]

The text is the one of the opt-in test ``tests/test_hardening.py::test_five_megabyte_article``:
8,000 news-like paragraphs from ``benchmarks/news_sentences.py``, repeated to the length asked for.
Prints one JSON line: characters, words, seconds (model loading excluded) and CPU seconds, split
into stanza's annotation and quotattr's own stages (what ``Extractor.__call__`` on a string runs,
timed apart), attributions, offset violations (:func:`quotattr.guard.violations`) and the process's
peak RSS (``ru_maxrss``) after loading, after stanza and at the end. ``--save-doc`` pickles the
annotated stanza Document; ``--load-doc`` reuses one, so only quotattr's stages run (stanza then
reads 0).
"""

from __future__ import annotations

import argparse
import json
import pickle
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.news_sentences import NEWS
from quotattr import Extractor
from quotattr.attribute import attribute
from quotattr.guard import check_text, violations


def big_text(chars: int) -> str:
    paragraphs = [f"{NEWS[i % len(NEWS)]} {NEWS[(i * 3 + 1) % len(NEWS)]} (Paragraph {i}.)" for i in range(8_000)]
    text = "\n\n".join(paragraphs)
    return (text * (chars // len(text) + 1))[:chars]


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--chars", type=int, default=5_000_000)
    parser.add_argument("--threads", type=int, default=None, help="torch threads (default: torch's choice)")
    parser.add_argument("--models", default="bundled")
    parser.add_argument("--save-doc", type=Path, default=None, help="pickle the annotated stanza Document here")
    parser.add_argument("--load-doc", type=Path, default=None, help="reuse a pickled Document (no stanza run)")
    args = parser.parse_args(argv)

    text = check_text(big_text(args.chars))
    extractor = Extractor(models=args.models, threads=args.threads)
    rss_loaded = peak_rss_mb()
    started = time.perf_counter()
    cpu_started = time.process_time()
    if args.load_doc is not None:
        with args.load_doc.open("rb") as fh:
            doc = pickle.load(fh)  # our own pickle, written by --save-doc
        started = time.perf_counter()
        cpu_started = time.process_time()
    else:
        doc = extractor.annotate(text)
    stanza_seconds = time.perf_counter() - started
    stanza_cpu = time.process_time() - cpu_started
    rss_stanza = peak_rss_mb()
    if args.save_doc is not None:
        with args.save_doc.open("wb") as fh:
            pickle.dump(doc, fh)
    own_started = time.perf_counter()
    own_cpu_started = time.process_time()
    # what Extractor.__call__ does with a string once it is annotated
    result = attribute(
        doc, extractor.lexicons, doc_id="five-megabytes", text=text, join_continuations=extractor.join_continuations
    )
    own_seconds = time.perf_counter() - own_started
    own_cpu = time.process_time() - own_cpu_started
    found = violations(result, text)
    print(
        json.dumps(
            {
                "characters": len(text),
                "words": sum(len(s.words) for s in doc.sentences),
                "threads": args.threads,
                "seconds": round(stanza_seconds + own_seconds, 1),
                "cpu_seconds": round(stanza_cpu + own_cpu, 1),
                "stanza_seconds": round(stanza_seconds, 1),
                "stanza_cpu_seconds": round(stanza_cpu, 1),
                "quotattr_seconds": round(own_seconds, 1),
                "quotattr_cpu_seconds": round(own_cpu, 1),
                "attributions": len(result.attributions),
                "speakers": len(result.speakers),
                "offset_violations": len(found),
                "error": result.error,
                "peak_rss_mb_after_loading": round(rss_loaded),
                "peak_rss_mb_after_stanza": round(rss_stanza),
                "peak_rss_mb": round(peak_rss_mb()),
            }
        )
    )
    return 1 if found or result.error else 0


if __name__ == "__main__":
    sys.exit(main())
