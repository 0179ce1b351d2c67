"""Quote attribution over a corpus on Apache Spark: text files (or a Parquet / JSON Lines table) in,
Parquet tables of attributions and speakers out.

    pip install 'quotattr[spark]'          # pyspark, pyarrow; Spark also needs Java
    python examples/spark_quotes.py ../shared/data/polnear/data/dev/text out/ --master 'local[2]'

writes ``out/attributions`` (one row per attribution, and one status row for each document without
any: see ``quotattr.corpus.ROW_COLUMNS``) and ``out/speakers`` (``SPEAKER_COLUMNS``) as Parquet, then
prints the number of documents per status and the most quoted speakers. On a cluster, submit the same
script with ``spark-submit`` (docs/usage.md, "Apache Spark"); ``--master`` is then left out.

A folder is read recursively as whole text files (``--glob``, default ``*.txt``), the id being the
file's path; a ``.parquet`` or ``.jsonl`` input is a table with ``--id-col`` and ``--text-col``.
"""

from __future__ import annotations

import argparse
import os
import sys
import time


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("input", help="a folder of text files, or a .parquet / .jsonl table of documents")
    parser.add_argument("output", help="a folder for the Parquet outputs (attributions/, speakers/)")
    parser.add_argument("--master", default=None, help="e.g. local[2]; leave out under spark-submit")
    parser.add_argument("--glob", default="*.txt", help="folders: the file names to read (*.txt)")
    parser.add_argument("--id-col", default="id", help="tables: the id column (id)")
    parser.add_argument("--text-col", default="text", help="tables: the text column (text)")
    parser.add_argument("--partitions", type=int, default=None, help="repartition the documents (default: 2 × cores)")
    parser.add_argument("--timeout", type=float, default=None, help="seconds one document may take (none)")
    parser.add_argument("--models", default=None, help="model set (default: the bundled models)")
    args = parser.parse_args(argv)

    from pyspark.sql import SparkSession
    from pyspark.sql import functions as F

    from quotattr.spark import extract

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)  # local runs: the workers use this Python
    builder = SparkSession.builder.appName("quotattr-spark-quotes")
    if args.master:
        builder = builder.master(args.master).config("spark.ui.enabled", "false")
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("WARN")

    source = args.input.rstrip("/")
    if source.endswith(".parquet"):
        docs = spark.read.parquet(source).select(F.col(args.id_col).alias("id"), F.col(args.text_col).alias("text"))
    elif source.endswith((".jsonl", ".ndjson", ".json")):
        docs = spark.read.json(source).select(F.col(args.id_col).alias("id"), F.col(args.text_col).alias("text"))
    else:
        # keyword arguments, not .option(...): text() would reset wholetext to its default (one row per line)
        whole = spark.read.text(source, wholetext=True, recursiveFileLookup=True, pathGlobFilter=args.glob)
        docs = whole.select(F.col("_metadata.file_path").alias("id"), F.col("value").alias("text"))
    partitions = args.partitions or 2 * spark.sparkContext.defaultParallelism
    docs = docs.repartition(partitions)

    started = time.perf_counter()
    found = extract(docs, id_col="id", text_col="text", models=args.models, timeout=args.timeout)
    found.attributions.write.mode("overwrite").parquet(os.path.join(args.output, "attributions"))
    found.speakers.write.mode("overwrite").parquet(os.path.join(args.output, "speakers"))
    seconds = time.perf_counter() - started

    statuses = {
        r["status"]: r["documents"]
        for r in found.attributions.groupBy("status").agg(F.countDistinct("doc_id").alias("documents")).collect()
    }
    n_docs = found.attributions.select("doc_id").distinct().count()
    n_quotes = found.attributions.where(F.col("status") == "ok").count()
    print(f"{n_docs} documents, {n_quotes} attributions in {seconds:.1f} s; documents by status: {statuses}")
    top = (
        found.attributions.where(F.col("speaker_name").isNotNull())
        .groupBy("speaker_name")
        .agg(F.count("*").alias("attributions"), F.countDistinct("doc_id").alias("documents"))
        .orderBy(F.desc("attributions"))
        .limit(10)
        .collect()
    )
    for row in top:
        print(f"  {row['speaker_name']:<40} {row['attributions']:>4} attributions in {row['documents']} documents")
    errors = found.attributions.where(F.col("status") == "error").select("doc_id", "error").limit(20).collect()
    for row in errors:
        print(f"  failed: {row['doc_id']}: {row['error']}", file=sys.stderr)
    found.unpersist()
    spark.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
