"""quotattr on Apache Spark: a DataFrame of documents in, DataFrames of attributions and speakers out.

    from quotattr.spark import extract

    found = extract(articles, id_col="id", text_col="text")   # articles: a DataFrame
    found.attributions.write.parquet("quotes")                 # one row per attribution
    found.speakers.write.parquet("speakers")                   # one row per speaker
    found.unpersist()

Needs ``pip install 'quotattr[spark]'`` (pyspark ≥ 3.5, pyarrow) and Java. How it runs:

* **One pass, two tables.** The documents go through :meth:`DataFrame.mapInArrow` once; its output
  (attribution, status and speaker records side by side) is persisted and split into
  :attr:`SparkExtraction.attributions` (columns :data:`quotattr.corpus.ROW_COLUMNS`, the same rows as
  the CLI's Parquet output) and :attr:`SparkExtraction.speakers` (:data:`quotattr.corpus.SPEAKER_COLUMNS`).
  Every document has at least one attribution row: ``status`` is ``ok`` (one row per attribution),
  ``empty`` (no attribution) or ``error`` (``error`` says why: a null text or id, a document that made
  the engine fail, one over ``timeout``); a failing document never stops the job.
* **One Extractor per Python worker.** The models are loaded the first time a worker process runs
  a task and kept in a module global for every later task and batch (Spark reuses Python workers,
  ``spark.python.worker.reuse``, on by default).
* **One torch thread per task** (``threads=1``): Spark already runs one task per core, so torch's own
  intra-op threads would oversubscribe the executors.
* **Arrow batches of whole articles.** ``arrow_batch_size`` (64) documents per Arrow batch
  (``spark.sql.execution.arrow.maxRecordsPerBatch``, set on the session), inside which quotattr
  annotates ``batch_size`` (16) documents per stanza call, as :meth:`quotattr.Extractor.pipe` does.

The results are those of :meth:`quotattr.Extractor.pipe` on the same texts, row for row.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import attrs

from quotattr.corpus import ROW_COLUMNS, SPEAKER_COLUMNS, arrow_schema, result_rows, speaker_rows

if TYPE_CHECKING:
    from quotattr.extractor import Extractor

__all__ = ["ATTRIBUTION_SCHEMA", "SPEAKER_SCHEMA", "SparkExtraction", "extract", "spark_schema"]

_SPEAKER_PREFIX = "speaker__"
_RECORD = "record"


def _spark_type(column: str) -> str:
    import pyarrow as pa

    kind = arrow_schema((column,)).field(column).type
    if kind == pa.int64():
        return "BIGINT"
    if kind == pa.float64():
        return "DOUBLE"
    if kind == pa.bool_():
        return "BOOLEAN"
    return "STRING"


def spark_schema(columns: tuple[str, ...]) -> str:
    """The DDL schema string of ``columns`` (``"doc_id STRING, status STRING, …"``)."""
    return ", ".join(f"`{column}` {_spark_type(column)}" for column in columns)


#: The schema of :attr:`SparkExtraction.attributions` (DDL).
ATTRIBUTION_SCHEMA = ", ".join(
    f"`{c}` {t}"
    for c, t in (
        ("doc_id", "STRING"),
        ("status", "STRING"),
        ("error", "STRING"),
        ("kind", "STRING"),
        ("content", "STRING"),
        ("content_start", "BIGINT"),
        ("content_end", "BIGINT"),
        ("cue", "STRING"),
        ("cue_start", "BIGINT"),
        ("cue_end", "BIGINT"),
        ("cue_lemma", "STRING"),
        ("mention", "STRING"),
        ("mention_start", "BIGINT"),
        ("mention_end", "BIGINT"),
        ("addressee", "STRING"),
        ("speaker_id", "STRING"),
        ("speaker_name", "STRING"),
        ("speaker_rank", "STRING"),
        ("speaker_title", "STRING"),
        ("speaker_organization", "STRING"),
        ("speaker_kind", "STRING"),
        ("speaker_gender", "STRING"),
        ("confidence", "DOUBLE"),
        ("sentence_index", "BIGINT"),
        ("paragraph_index", "BIGINT"),
        ("sieve", "STRING"),
    )
)
#: The schema of :attr:`SparkExtraction.speakers` (DDL).
SPEAKER_SCHEMA = ", ".join(
    f"`{c}` {t}"
    for c, t in (
        ("doc_id", "STRING"),
        ("speaker_id", "STRING"),
        ("name", "STRING"),
        ("kind", "STRING"),
        ("rank", "STRING"),
        ("title", "STRING"),
        ("organization", "STRING"),
        ("gender", "STRING"),
        ("resolved", "BOOLEAN"),
        ("n_mentions", "BIGINT"),
        ("first_mention", "STRING"),
        ("first_mention_start", "BIGINT"),
        ("first_mention_end", "BIGINT"),
    )
)

_SPEAKER_FIELDS = tuple(c for c in SPEAKER_COLUMNS if c != "doc_id")
_COMBINED_COLUMNS: tuple[str, ...] = (_RECORD, *ROW_COLUMNS, *(_SPEAKER_PREFIX + c for c in _SPEAKER_FIELDS))


def _combined_arrow_schema() -> Any:
    import pyarrow as pa

    fields = [pa.field(_RECORD, pa.string())]
    fields += list(arrow_schema(ROW_COLUMNS))
    fields += [pa.field(_SPEAKER_PREFIX + f.name, f.type) for f in arrow_schema(SPEAKER_COLUMNS) if f.name != "doc_id"]
    return pa.schema(fields)


def _combined_ddl() -> str:
    return ", ".join(
        [f"`{_RECORD}` STRING", spark_schema(ROW_COLUMNS)]
        + [f"`{_SPEAKER_PREFIX}{c}` {_spark_type(c)}" for c in _SPEAKER_FIELDS]
    )


# -- inside a Python worker -----------------------------------------------------------------------------

_EXTRACTORS: dict[tuple[Any, ...], Extractor] = {}


def _worker_extractor(models: str | None, threads: int, join_continuations: bool) -> Extractor:
    """The Extractor of this Python worker process, built on first use and kept for every later task."""
    key = (models, threads, join_continuations)
    extractor = _EXTRACTORS.get(key)
    if extractor is None:
        import torch

        from quotattr.extractor import Extractor

        torch.set_num_threads(threads)
        extractor = Extractor(models=models, threads=threads, join_continuations=join_continuations)
        _EXTRACTORS[key] = extractor
    return extractor


def _records(result: Any) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for row in result_rows(result):
        out.append({_RECORD: "attribution", **row})
    for row in speaker_rows(result):
        record: dict[str, Any] = {_RECORD: "speaker", "doc_id": row["doc_id"]}
        record.update({_SPEAKER_PREFIX + c: row[c] for c in _SPEAKER_FIELDS})
        out.append(record)
    return out


def _partition_function(
    models: str | None, threads: int, batch_size: int, timeout: float | None, join_continuations: bool
) -> Callable[[Iterator[Any]], Iterator[Any]]:
    def run(batches: Iterator[Any]) -> Iterator[Any]:
        import pyarrow as pa

        from quotattr.batch import pipe
        from quotattr.model import Result

        schema = _combined_arrow_schema()
        extractor = _worker_extractor(models, threads, join_continuations)
        for batch in batches:
            ids = batch.column("doc_id").to_pylist()
            texts = batch.column("text").to_pylist()
            good = [(doc_id, text) for doc_id, text in zip(ids, texts, strict=True) if doc_id is not None]
            results = pipe(extractor, good, batch_size=batch_size, timeout=timeout, check_pairs=False)
            rows: list[dict[str, Any]] = []
            for doc_id, text in zip(ids, texts, strict=True):
                if doc_id is None:  # no id: reported, not guessed
                    rows.extend(_records(Result(text="", doc_id=None, error="the id column is null")))
                    continue
                result = next(results)
                if text is None:
                    result = Result(text="", doc_id=doc_id, error="the text column is null")
                rows.extend(_records(result))
            yield pa.RecordBatch.from_pylist(rows, schema=schema)

    return run


# -- the driver side --------------------------------------------------------------------------------------


@attrs.frozen
class SparkExtraction:
    """The DataFrames of :func:`extract` (lazy; both come from one persisted pass over the documents)."""

    attributions: Any
    speakers: Any
    combined: Any

    def unpersist(self) -> None:
        """Drop the cached pass (after writing both tables)."""
        self.combined.unpersist()


def extract(
    df: Any,
    *,
    id_col: str = "id",
    text_col: str = "text",
    models: str | os.PathLike[str] | None = None,
    threads: int = 1,
    batch_size: int = 16,
    arrow_batch_size: int | None = 64,
    timeout: float | None = None,
    join_continuations: bool = False,
    persist: bool = True,
) -> SparkExtraction:
    """Attributions and speakers of every document of ``df`` (a ``pyspark.sql.DataFrame``).

    ``id_col`` (cast to string) and ``text_col`` name the columns; other columns are ignored (join
    them back on ``doc_id``). ``models``: as for :class:`quotattr.Extractor` (a directory must exist
    on every executor). ``threads``: torch threads per task (1: Spark runs one task per core).
    ``batch_size``: documents per stanza call; ``arrow_batch_size``: documents per Arrow batch (sets
    ``spark.sql.execution.arrow.maxRecordsPerBatch`` on the session; None leaves it). ``timeout``:
    seconds one document may take (see :func:`quotattr.Extractor.pipe`). ``persist``: cache the pass
    so that both tables reuse it.
    """
    from pyspark import StorageLevel
    from pyspark.sql import functions as F

    for name in (id_col, text_col):
        if name not in df.columns:
            raise ValueError(f"no column {name!r} in the DataFrame (columns: {', '.join(df.columns)})")
    if batch_size < 1 or threads < 1:
        raise ValueError("batch_size and threads must be >= 1")
    if arrow_batch_size is not None:
        df.sparkSession.conf.set("spark.sql.execution.arrow.maxRecordsPerBatch", str(arrow_batch_size))
    docs = df.select(F.col(id_col).cast("string").alias("doc_id"), F.col(text_col).cast("string").alias("text"))
    model_arg = None if models is None else os.fspath(models)
    run = _partition_function(model_arg, threads, batch_size, timeout, join_continuations)
    combined = docs.mapInArrow(run, _combined_ddl())
    if persist:
        combined = combined.persist(StorageLevel.MEMORY_AND_DISK)
    attributions = combined.where(F.col(_RECORD) == "attribution").select(*[F.col(c) for c in ROW_COLUMNS])
    speakers = combined.where(F.col(_RECORD) == "speaker").select(
        F.col("doc_id"), *[F.col(_SPEAKER_PREFIX + c).alias(c) for c in _SPEAKER_FIELDS]
    )
    return SparkExtraction(attributions=attributions, speakers=speakers, combined=combined)
