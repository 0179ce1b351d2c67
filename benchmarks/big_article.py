"""The 5 MB article: wall time and peak RSS of one ``Extractor`` call on a 5,000,000-character text.

    .venv/bin/python benchmarks/big_article.py [--chars 5000000] [--threads 1]

The text is the one of the opt-in test ``tests/test_hardening.py::test_five_megabyte_article``:
8,000 news-like paragraphs from ``benchmarks/news_sentences.py``, repeated to the length asked for.
Prints one JSON line: characters, seconds (model loading excluded), attributions, offset
violations (:func:`quotattr.guard.violations`) and the process's peak RSS (``ru_maxrss``) before
and after the call.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.news_sentences import NEWS
from quotattr import Extractor
from quotattr.guard import violations


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
    args = parser.parse_args(argv)

    text = big_text(args.chars)
    extractor = Extractor(models=args.models, threads=args.threads)
    rss_loaded = peak_rss_mb()
    started = time.perf_counter()
    cpu_started = time.process_time()
    result = extractor(text, doc_id="five-megabytes")
    seconds = time.perf_counter() - started
    cpu = time.process_time() - cpu_started
    found = violations(result, text)
    print(
        json.dumps(
            {
                "characters": len(text),
                "threads": args.threads,
                "seconds": round(seconds, 1),
                "cpu_seconds": round(cpu, 1),
                "attributions": len(result.attributions),
                "speakers": len(result.speakers),
                "offset_violations": len(found),
                "error": result.error,
                "peak_rss_mb_after_loading": round(rss_loaded),
                "peak_rss_mb": round(peak_rss_mb()),
            }
        )
    )
    return 1 if found or result.error else 0


if __name__ == "__main__":
    sys.exit(main())
