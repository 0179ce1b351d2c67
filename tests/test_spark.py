"""quotattr.spark on a real local Spark (local[2]): the rows equal Extractor.pipe's, a bad document loses
nothing else, the schemas are the documented ones.

Skips with a message where pyspark (``pip install 'quotattr[spark]'``) or Java is missing.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Iterator
from typing import Any

import pytest

pytestmark = pytest.mark.pipeline

pyspark = pytest.importorskip("pyspark", reason="pyspark is not installed: pip install 'quotattr[spark]'")

from quotattr.corpus import ROW_COLUMNS, SPEAKER_COLUMNS, result_rows, speaker_rows  # noqa: E402
from quotattr.spark import ATTRIBUTION_SCHEMA, SPEAKER_SCHEMA, extract, spark_schema  # noqa: E402

DOCS = [
    ("a", '"We will win," Jane Doe, the party spokeswoman, told reporters. "We are ready."'),
    ("b", "According to the ministry, 40 people were injured. Police spokesman Ana Silva said the road was closed."),
    ("c", "The weather was fine. Nobody said anything."),
    ("d", ""),
    ("e", "Mayor Tom Reed told reporters that the bridge would reopen on Monday."),
]


def _java() -> bool:
    home = os.environ.get("JAVA_HOME")
    return shutil.which("java") is not None or bool(home and os.path.exists(os.path.join(home, "bin", "java")))


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    if not _java():
        pytest.skip("Java is not installed (Spark needs a JRE: apt-get install default-jre-headless)")
    from pyspark.sql import SparkSession

    os.environ["PYSPARK_PYTHON"] = sys.executable  # the workers import quotattr from this environment
    os.environ["PYSPARK_DRIVER_PYTHON"] = sys.executable
    session = (
        SparkSession.builder.master("local[2]")
        .appName("quotattr-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


def _key(row: dict[str, Any]) -> tuple[Any, ...]:
    return tuple("" if row[c] is None else str(row[c]) for c in ("doc_id", "content_start", "content_end", "status"))


def test_spark_rows_equal_pipe_and_a_bad_document_loses_nothing(spark, extractor) -> None:  # type: ignore[no-untyped-def]
    from pyspark.sql.types import StructType

    rows_in = [*DOCS, ("null-text", None), (None, "An id is missing here, the mayor said.")]
    frame = spark.createDataFrame(rows_in, "id string, text string").repartition(2)
    found = extract(frame, arrow_batch_size=3, batch_size=2, timeout=300)  # the SIGALRM limit works in a worker
    try:
        got = [r.asDict() for r in found.attributions.collect()]
        got_speakers = [r.asDict() for r in found.speakers.collect()]
        # the schemas are the documented ones
        assert found.attributions.schema == StructType.fromDDL(ATTRIBUTION_SCHEMA)
        assert found.speakers.schema == StructType.fromDDL(SPEAKER_SCHEMA)
        assert tuple(found.attributions.columns) == ROW_COLUMNS
        assert tuple(found.speakers.columns) == SPEAKER_COLUMNS
    finally:
        found.unpersist()
    assert spark_schema(ROW_COLUMNS) == ATTRIBUTION_SCHEMA and spark_schema(SPEAKER_COLUMNS) == SPEAKER_SCHEMA

    results = list(extractor.pipe(DOCS))
    expected = [row for result in results for row in result_rows(result)]
    good = [r for r in got if r["doc_id"] in {d for d, _ in DOCS}]
    assert sorted(good, key=_key) == sorted(expected, key=_key)
    assert {r["status"] for r in good} == {"ok", "empty"}  # "c" and "d" have no attribution: one row each
    expected_speakers = [row for result in results for row in speaker_rows(result)]
    assert sorted(got_speakers, key=lambda r: (r["doc_id"], r["speaker_id"])) == sorted(
        expected_speakers, key=lambda r: (r["doc_id"], r["speaker_id"])
    )
    bad = {r["doc_id"]: r for r in got if r["status"] == "error"}
    assert set(bad) == {"null-text", None}
    assert bad["null-text"]["error"] == "the text column is null" and bad["null-text"]["kind"] is None
    assert bad[None]["error"] == "the id column is null"
    for row in good:  # offsets hold on the original text
        if row["status"] == "ok":
            text = dict(DOCS)[row["doc_id"]]
            assert text[row["content_start"] : row["content_end"]].startswith(row["content"].split(" … ")[0])


def test_spark_checks_its_columns(spark) -> None:  # type: ignore[no-untyped-def]
    frame = spark.createDataFrame([("a", "x")], "doc string, body string")
    with pytest.raises(ValueError, match="no column 'id'"):
        extract(frame)
