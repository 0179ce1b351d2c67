"""Throughput of Spark ``local[N]`` (examples/spark_quotes.py) against ``Extractor.pipe(n_process=N)``.

    .venv/bin/python benchmarks/spark_vs_pipe.py ../shared/data/polnear/data/dev/text [--limit 500] [--cores 2]

Both run on the same texts (the first ``--limit`` ``*.txt`` files under the folder, sorted, copied to
a temporary folder for Spark) and both times include loading the models in their worker processes:

* **spark**: ``examples/spark_quotes.py TMP OUT --master local[N]`` in a subprocess, timed from its
  start (JVM and session start-up included, reported separately from the job time it prints) to
  the Parquet outputs written;
* **pipe**: ``Extractor.pipe(texts, n_process=N)`` here, the rows written to Parquet with
  :mod:`quotattr.corpus` (main-process model loading excluded, as Spark's driver loads none).

Prints one JSON object: documents, characters, seconds and documents per second of each, and
whether both found the same number of attributions.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folder")
    parser.add_argument("--limit", type=int, default=500)
    parser.add_argument("--cores", type=int, default=2)
    parser.add_argument("--skip-spark", action="store_true")
    parser.add_argument("--skip-pipe", action="store_true")
    args = parser.parse_args(argv)

    files = sorted(Path(args.folder).rglob("*.txt"))[: args.limit]
    texts = [(str(p), p.read_text(encoding="utf-8")) for p in files]
    report: dict[str, object] = {
        "documents": len(texts),
        "characters": sum(len(t) for _, t in texts),
        "cores": args.cores,
        "cpu_count": os.cpu_count(),
    }
    work = Path(tempfile.mkdtemp(prefix="quotattr-spark-vs-pipe-"))
    try:
        if not args.skip_spark:
            corpus = work / "texts"
            corpus.mkdir()
            for i, path in enumerate(files):
                shutil.copy(path, corpus / f"{i:06d}_{path.name}")
            started = time.perf_counter()
            example = str(REPO / "examples" / "spark_quotes.py")
            proc = subprocess.run(
                [sys.executable, example, str(corpus), str(work / "spark-out"), "--master", f"local[{args.cores}]"],
                capture_output=True,
                text=True,
                env={**os.environ, "PYTHONPATH": str(REPO)},
            )
            seconds = time.perf_counter() - started
            if proc.returncode != 0:
                print(proc.stderr[-3000:], file=sys.stderr)
                return 1
            summary = proc.stdout.splitlines()[0]
            job = re.search(r"attributions in ([0-9.]+) s", summary)
            quotes = re.search(r"documents, ([0-9]+) attributions", summary)
            job_seconds = float(job.group(1)) if job else None
            report["spark"] = {
                "seconds_total": round(seconds, 1),
                "seconds_job": job_seconds,
                "docs_per_second_job": round(len(texts) / job_seconds, 3) if job_seconds else None,
                "attributions": int(quotes.group(1)) if quotes else None,
                "summary": summary,
            }
        if not args.skip_pipe:
            from quotattr import Extractor
            from quotattr.corpus import open_writer

            extractor = Extractor(threads=1)
            writer = open_writer("parquet", work / "pipe.parquet")
            started = time.perf_counter()
            attributions = 0
            for result in extractor.pipe(texts, n_process=args.cores):
                attributions += len(result.attributions)
                writer.write(result)
            writer.close()
            seconds = time.perf_counter() - started
            report["pipe"] = {
                "seconds": round(seconds, 1),
                "docs_per_second": round(len(texts) / seconds, 3),
                "attributions": attributions,
            }
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(json.dumps(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
