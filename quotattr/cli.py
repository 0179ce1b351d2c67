"""The ``quotattr`` command line (also ``python -m quotattr``).

::

    quotattr extract FILE... | -     attributions as JSON Lines (default), a table or CSV
    quotattr download                fetch stanza's official English models (needs internet)
    quotattr info                    versions, the model set in use, where it lives, its scores

Exit codes (see docs/cli.md):

    0  every document was processed (documents with no attributions included)
    1  at least one document failed: unreadable, undecodable or an error while processing it; the
       others were still written, the failures are listed on stderr at the end
    2  usage error (bad option, no input files)
    3  the model set cannot be used (not downloaded, corrupted, fails its SHA-256 check)
    4  ``download`` failed (network, disk)
    130 interrupted (Ctrl-C)
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import json
import os
import platform
import shutil
import sys
import warnings
from collections.abc import Container, Iterable, Iterator, Sequence
from pathlib import Path
from typing import IO, Any

from quotattr.corpus import (
    FORMATS,
    INPUT_FORMATS,
    STDIN,
    STDIN_ID,
    CorpusDocument,
    CorpusWriter,
    corpus_format,
    open_writer,
    read_corpus,
    read_text_file,
)
from quotattr.model import Result

__all__ = ["EXIT_FAILED_DOCS", "EXIT_MODELS", "EXIT_OK", "EXIT_USAGE", "STDIN", "STDIN_ID", "main"]

EXIT_OK = 0
EXIT_FAILED_DOCS = 1
EXIT_USAGE = 2
EXIT_MODELS = 3
EXIT_DOWNLOAD = 4
EXIT_INTERRUPTED = 130


# Kept for callers of the old names: a text file as one document.
InputDocument = CorpusDocument


def read_input(path: str, encoding: str, stdin: IO[bytes] | None = None) -> CorpusDocument:
    """Read one text input; never raises for a bad file (the reason is in ``error``)."""
    return read_text_file(path, encoding, stdin)


# -- output formats -----------------------------------------------------------------------------------


class _Writer:
    done: set[str] = set()  # noqa: RUF012 - read only

    def write(self, result: Result) -> None:
        raise NotImplementedError

    def close(self) -> None:
        """Called once after the last result."""


class _CorpusWriter(_Writer):
    """jsonl, csv and parquet, resumable (:mod:`quotattr.corpus`)."""

    def __init__(self, writer: CorpusWriter) -> None:
        self.writer = writer
        self.done = writer.done

    def write(self, result: Result) -> None:
        self.writer.write(result)

    def close(self) -> None:
        self.writer.close()


_TABLE_COLUMNS = (
    ("quote", "content", 48),
    ("kind", "kind", 8),
    ("cue", "cue", 12),
    ("speaker", "speaker", 24),
    ("rank", "speaker_rank", 14),
    ("title", "speaker_title", 20),
    ("organization", "speaker_organization", 26),
    ("conf", "confidence", 4),
)


def _clip(value: object, width: int | None) -> str:
    text = "" if value is None else " ".join(str(value).split())
    return text if width is None or len(text) <= width else text[: max(0, width - 1)] + "…"


def _table_row(attribution: Any) -> dict[str, Any]:
    from quotattr.export import attribution_row

    row = attribution_row(attribution)
    speaker = attribution.speaker
    named = speaker is not None and bool(speaker.name) and speaker.kind.value != "unnamed"
    if named:
        row["speaker"] = row["speaker_name"]
    elif attribution.mention is not None:  # an unnamed or unresolved speaker: shown as written, in brackets
        row["speaker"] = f"({attribution.mention.text})"
    elif speaker is not None:
        row["speaker"] = f"({speaker.name or speaker.kind.value})"
    else:
        row["speaker"] = None
    row["confidence"] = f"{attribution.confidence:.2f}"
    return row


class _TableWriter(_Writer):
    """Readable rows; cells are clipped to the terminal's width only when writing to a terminal."""

    def __init__(self, out: IO[str], width: int | None = None, clip: bool | None = None) -> None:
        self.out = out
        if clip is None:
            clip = bool(getattr(out, "isatty", lambda: False)())
        self.width = (width or shutil.get_terminal_size((160, 24)).columns) if clip else None

    def write(self, result: Result) -> None:
        label = result.doc_id or "<text>"
        if result.error is not None:
            self.out.write(f"== {label}: FAILED: {result.error}\n\n")
            return
        n = len(result.attributions)
        self.out.write(f"== {label}: {n} attribution{'s' if n != 1 else ''}\n")
        if n:
            rows = [_table_row(a) for a in result.attributions]
            widths: list[int | None]
            if self.width is None:
                widths = [None] * len(_TABLE_COLUMNS)
            else:
                fixed = sum(w for _, _, w in _TABLE_COLUMNS[1:]) + 2 * (len(_TABLE_COLUMNS) - 1)
                widths = [max(24, self.width - fixed), *(w for _, _, w in _TABLE_COLUMNS[1:])]
            cells = [[_clip(r[key], w) for (_, key, _), w in zip(_TABLE_COLUMNS, widths, strict=True)] for r in rows]
            heads = [h for h, _, _ in _TABLE_COLUMNS]
            _write_aligned(self.out, heads, cells)
        self.out.write("\n")
        self.out.flush()


def _write_aligned(out: IO[str], heads: list[str], cells: list[list[str]]) -> None:
    used = [max(len(h), *(len(c[i]) for c in cells)) if cells else len(h) for i, h in enumerate(heads)]
    out.write("  ".join(h.ljust(w) for h, w in zip(heads, used, strict=True)).rstrip() + "\n")
    out.write("  ".join("-" * w for w in used) + "\n")
    for c in cells:
        out.write("  ".join(v.ljust(w) for v, w in zip(c, used, strict=True)).rstrip() + "\n")


class _HtmlWriter(_Writer):
    """One self-contained page for all documents (:func:`quotattr.render.render`), written at the end."""

    def __init__(self, out: IO[str]) -> None:
        self.out = out
        self.results: list[Result] = []

    def write(self, result: Result) -> None:
        self.results.append(result)

    def close(self) -> None:
        from quotattr.render import render

        title = None if len(self.results) == 1 else f"quotattr: {len(self.results)} documents"
        self.out.write(render(self.results, title=title))
        self.out.flush()


# -- commands -----------------------------------------------------------------------------------------


def _say(message: str) -> None:
    print(f"quotattr: {message}", file=sys.stderr)


def _ordered_results(
    inputs: Iterable[CorpusDocument], extractor: Any, batch_size: int, n_process: int, timeout: float | None = None
) -> Iterator[Result]:
    """Results in input order: unreadable inputs become error results without reaching stanza."""
    queue: collections.deque[CorpusDocument] = collections.deque()

    def readable() -> Iterator[tuple[str, str]]:
        for doc in inputs:
            queue.append(doc)
            if doc.text is not None:
                yield doc.doc_id, doc.text

    from quotattr.batch import pipe

    stream = pipe(extractor, readable(), batch_size=batch_size, n_process=n_process, timeout=timeout, check_pairs=False)
    for result in stream:
        while queue and queue[0].text is None:
            bad = queue.popleft()
            yield Result(text="", doc_id=bad.doc_id, error=bad.error)
        if queue:
            queue.popleft()
        yield result
    while queue:
        bad = queue.popleft()
        yield Result(text="", doc_id=bad.doc_id, error=bad.error or "not processed")


def _output_problem(output: str | None, fmt: str, resume: bool) -> str | None:
    """Why ``-o``/``--format``/``--resume`` cannot work together (a usage error), or None."""
    to_stdout = output in (None, "-")
    if fmt == "parquet" and to_stdout:
        return "--format parquet writes a file: give -o PATH"
    if resume and to_stdout:
        return "--resume needs -o PATH (the output to continue)"
    if resume and fmt not in FORMATS:
        return f"--resume works with --format {', '.join(FORMATS)}, not {fmt}"
    if to_stdout:
        return None
    assert output is not None
    target = Path(output)
    if target.is_dir():
        return f"-o {output}: is a directory (give a file name)"
    parent = target.parent if str(target.parent) else Path(".")
    if not parent.is_dir():
        return f"-o {output}: the folder {parent} does not exist"
    if not os.access(parent, os.W_OK):
        return f"-o {output}: the folder {parent} is not writable"
    return None


def _open_output(args: argparse.Namespace, fmt: str) -> tuple[contextlib.AbstractContextManager[IO[str]], bool]:
    if args.output in (None, "-"):
        return contextlib.nullcontext(sys.stdout), False
    if fmt in FORMATS:
        return contextlib.nullcontext(sys.stdout), True  # the corpus writer opens the file itself
    return open(args.output, "w", encoding="utf-8", newline=""), True


def _check_common(args: argparse.Namespace) -> str | None:
    if args.files.count(STDIN) > 1:
        return "'-' (standard input) may be given only once"
    try:
        "".encode(args.encoding)
    except LookupError:
        return f"unknown encoding {args.encoding!r}"
    return None


def _corpus(args: argparse.Namespace, skip: Container[str] = ()) -> tuple[Iterator[CorpusDocument], int | None]:
    """The documents of the command line and how many there are when that is known up front."""
    files: list[str] = args.files
    simple = all(corpus_format(f, args.input_format) == "text" for f in files)
    docs = read_corpus(
        files,
        input_format=args.input_format,
        text_column=args.text_column,
        id_column=args.id_column,
        glob=args.glob,
        encoding=args.encoding,
        skip=skip,
    )
    return docs, (len(files) if simple else None)


def _cmd_extract(args: argparse.Namespace) -> int:
    problem = _check_common(args) or _output_problem(args.output, args.format, args.resume)
    if problem is not None:
        _say(problem)
        return EXIT_USAGE
    extractor = _load_extractor(args)
    if extractor is None:
        return EXIT_MODELS

    out_ctx, to_file = _open_output(args, args.format)
    failures: list[tuple[str, str]] = []
    empties: list[str] = []
    processed = 0
    with out_ctx as out:
        writer: _Writer
        if args.format in FORMATS:
            try:
                target: Any = args.output if to_file else out
                writer = _CorpusWriter(
                    open_writer(args.format, target, include_text=not args.no_text, resume=args.resume)
                )
            except (ValueError, OSError) as exc:
                _say(str(exc))
                return EXIT_USAGE
            if args.resume and writer.done:
                _say(f"--resume: {len(writer.done)} documents already in {args.output} are skipped")
        elif args.format == "table":
            writer = _TableWriter(out)
        else:
            writer = _HtmlWriter(out)
        inputs, total = _corpus(args, skip=writer.done)
        results: Iterable[Result] = _ordered_results(inputs, extractor, args.batch_size, args.n_process, args.timeout)
        show_progress = args.progress if args.progress is not None else (sys.stderr.isatty() and total != 1)
        bar = None
        if show_progress:
            from tqdm import tqdm

            bar = tqdm(total=total, unit="doc", file=sys.stderr, dynamic_ncols=True)
        try:
            for result in results:
                processed += 1
                if result.error is not None:
                    failures.append((result.doc_id or "?", result.error))
                elif not result.text.strip():
                    empties.append(result.doc_id or "?")
                writer.write(result)
                if bar is not None:
                    bar.update(1)
            writer.close()
        finally:
            if bar is not None:
                bar.close()
    for doc_id in empties:
        _say(f"warning: {doc_id}: empty input (no text), no attributions")
    if failures:
        _say(f"{len(failures)} of {processed} input{'s' if processed != 1 else ''} failed:")
        for doc_id, error in failures:
            print(f"  {doc_id}: {error}", file=sys.stderr)
        return EXIT_FAILED_DOCS
    return EXIT_OK


# -- quotattr sources ---------------------------------------------------------------------------------

_SOURCE_TABLE = ("name", "kind", "rank", "title", "organization", "gender", "documents", "attributions")
_SOURCE_COUNTS = ("direct", "indirect", "mixed")


def _results_file(path: str, encoding: str) -> Iterator[Result]:
    """The results of a ``quotattr extract`` JSON Lines file (written with the text)."""
    try:
        stream = open(path, encoding=encoding)  # noqa: SIM115
    except OSError as exc:
        yield Result(text="", doc_id=path, error=f"cannot read: {exc.strerror or exc}")
        return
    with stream:
        for number, line in enumerate(stream, 1):
            if not line.strip():
                continue
            try:
                yield Result.from_dict(json.loads(line))
            except (ValueError, KeyError, TypeError) as exc:
                yield Result(text="", doc_id=f"{path}#{number - 1}", error=f"line {number}: not a result: {exc}")


def _cmd_sources(args: argparse.Namespace) -> int:
    from quotattr.sources import SOURCE_COLUMNS, sources_table

    problem = _check_common(args) or _output_problem(args.output, args.format, False)
    if problem is not None:
        _say(problem)
        return EXIT_USAGE
    results: Iterable[Result]
    if args.input_format == "results":
        results = (r for path in args.files for r in _results_file(path, args.encoding))
    else:
        extractor = _load_extractor(args)
        if extractor is None:
            return EXIT_MODELS
        inputs, _ = _corpus(args)
        results = _ordered_results(inputs, extractor, args.batch_size, args.n_process, args.timeout)
    failures: list[tuple[str, str]] = []

    def noted(stream: Iterable[Result]) -> Iterator[Result]:
        for result in stream:
            if result.error is not None:
                failures.append((result.doc_id or "?", result.error))
            yield result

    sources = sources_table(noted(results))
    rows = [source.to_row() for source in sources]
    if args.format == "parquet":
        import pyarrow as pa
        import pyarrow.parquet as pq

        types = {c: pa.int64() for c in ("documents", "attributions", "direct", "indirect", "mixed")}
        schema = pa.schema([(c, types.get(c, pa.string())) for c in SOURCE_COLUMNS])
        pq.write_table(pa.Table.from_pylist(rows, schema=schema), args.output)
    else:
        out_ctx, _ = _open_output(args, "table")
        with out_ctx as out:
            if args.format == "csv":
                from quotattr.sources import write_sources_csv

                write_sources_csv(sources, out)
            elif args.format == "jsonl":
                for row in rows:
                    out.write(json.dumps(row, ensure_ascii=False) + "\n")
            else:
                heads = [*_SOURCE_TABLE, *_SOURCE_COUNTS]
                _write_aligned(out, heads, [[_clip(row[h], None) for h in heads] for row in rows])
    if failures:
        _say(f"{len(failures)} input{'s' if len(failures) != 1 else ''} failed (left out of the table):")
        for doc_id, error in failures:
            print(f"  {doc_id}: {error}", file=sys.stderr)
        return EXIT_FAILED_DOCS
    return EXIT_OK


def _load_extractor(args: argparse.Namespace) -> Any:
    from quotattr.extractor import Extractor
    from quotattr.models import ModelIntegrityError
    from quotattr.nlp import ModelSetError

    options: dict[str, Any] = {}
    if getattr(args, "learned", False):
        from quotattr.lexicons import Lexicons

        options["lexicons"] = Lexicons.default().with_cue_classes("learned")
    try:
        return Extractor(models=args.models, threads=args.threads, **options)
    except (ModelSetError, ModelIntegrityError) as exc:
        _say(f"cannot load the model set: {exc}")
        return None


def _cmd_download(args: argparse.Namespace) -> int:
    from quotattr.nlp import download_official

    target = Path(args.dir).expanduser() if args.dir else None
    try:
        where = download_official(target)
    except Exception as exc:
        _say(f"download failed: {type(exc).__name__}: {exc}")
        return EXIT_DOWNLOAD
    _say(f"stanza's official English models are in {where}")
    hint = "" if target is None else f" and QUOTATTR_STANZA_DIR={where}"
    _say(f"use them with --models official (or QUOTATTR_MODELS=official){hint}")
    return EXIT_OK


def info_dict(models: str | None = None) -> dict[str, Any]:
    """What ``quotattr info`` prints: versions, the model set and where it lives."""
    from importlib import metadata

    import quotattr
    from quotattr.models import ModelIntegrityError
    from quotattr.nlp import ModelSetError, official_dir, resolve_model_set

    def version(name: str) -> str | None:
        try:
            return metadata.version(name)
        except metadata.PackageNotFoundError:
            return None

    out: dict[str, Any] = {
        "quotattr": quotattr.__version__,
        "stanza": version("stanza"),
        "torch": version("torch"),
        "python": platform.python_version(),
        "platform": platform.platform(),
    }
    try:
        info = resolve_model_set(models)
    except (ModelSetError, ModelIntegrityError) as exc:
        out["model_set"] = {"error": str(exc)}
    else:
        described = info.describe()
        if info.manifest is not None:
            described["scores"] = info.manifest.get("scores")
        out["model_set"] = described
    official = official_dir()
    out["official_models"] = {
        "path": str(official),
        "downloaded": (official / "resources.json").is_file() and (official / "en").is_dir(),
    }
    out["env"] = {k: os.environ.get(k) for k in ("QUOTATTR_MODELS", "QUOTATTR_STANZA_DIR") if os.environ.get(k)}
    return out


def _cmd_info(args: argparse.Namespace) -> int:
    data = info_dict(args.models)
    if args.json:
        print(json.dumps(data, indent=2, ensure_ascii=False))
        return EXIT_OK if "error" not in data["model_set"] else EXIT_MODELS
    for key in ("quotattr", "stanza", "torch", "python", "platform"):
        print(f"{key:<12} {data[key]}")
    model_set = data["model_set"]
    if "error" in model_set:
        print(f"{'model set':<12} unusable: {model_set['error']}")
    else:
        print(f"{'model set':<12} {model_set['kind']} ({model_set.get('name') or 'stanza official'})")
        print(f"{'  path':<12} {model_set['path']}")
        for key in ("recipe_version", "stanza_version", "total_bytes"):
            if model_set.get(key) is not None:
                print(f"  {key:<14} {model_set[key]}")
        scores = model_set.get("scores") or {}
        for processor, values in scores.items():
            if isinstance(values, dict):
                shown = ", ".join(f"{k}={v}" for k, v in values.items() if k != "dataset")
                dataset = values.get("dataset")
                print(f"  {processor:<14} {shown}" + (f"  ({dataset})" if dataset else ""))
    official = data["official_models"]
    state = "downloaded" if official["downloaded"] else "not downloaded (quotattr download)"
    print(f"{'official':<12} {official['path']}: {state}")
    for key, value in data["env"].items():
        print(f"{'env':<12} {key}={value}")
    return EXIT_OK if "error" not in model_set else EXIT_MODELS


# -- argument parsing ---------------------------------------------------------------------------------

_EPILOG = """exit codes:
  0    every input was processed
  1    some inputs failed (unreadable, undecodable, processing error): the others were still
       written; the failures are listed on stderr at the end
  2    usage error
  3    the model set cannot be used (missing, corrupted, fails its SHA-256 check)
  4    download failed
  130  interrupted
"""


def build_parser() -> argparse.ArgumentParser:
    from quotattr import __version__

    parser = argparse.ArgumentParser(
        prog="quotattr",
        description="Quote attribution for English news: who said what, in what role.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"quotattr {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    models_help = (
        "model set: 'bundled' (default, offline), 'official' (after `quotattr download`) or a "
        "directory with a manifest.json; default $QUOTATTR_MODELS or bundled"
    )
    ex = sub.add_parser(
        "extract",
        help="extract attributions from text files",
        description="Extract quote attributions from text files (or '-' for standard input).",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _add_inputs(ex)
    ex.add_argument(
        "-f",
        "--format",
        choices=("jsonl", "table", "csv", "parquet", "html"),
        default="jsonl",
        help="jsonl: one JSON object per document (default); table: readable; csv: one row per attribution; "
        "parquet: one row per attribution or per document without any (needs -o); html: one page, all documents",
    )
    ex.add_argument("--no-text", action="store_true", help="jsonl: leave the document text out of each object")
    ex.add_argument("-o", "--output", metavar="PATH", help="write here instead of standard output")
    ex.add_argument(
        "--resume",
        action="store_true",
        help="jsonl/csv/parquet with -o: keep what PATH holds and process only the documents not in it yet",
    )
    _add_processing(ex)
    ex.set_defaults(func=_cmd_extract)

    so = sub.add_parser(
        "sources",
        help="who is quoted across a corpus: one row per source",
        description="The sources of a corpus: name, kind, rank, title, organization, gender, in how many "
        "documents and how often (direct, indirect, mixed) each is quoted.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _add_inputs(so, results=True)
    so.add_argument("-f", "--format", choices=("table", "csv", "jsonl", "parquet"), default="table")
    so.add_argument("-o", "--output", metavar="PATH", help="write here instead of standard output")
    _add_processing(so)
    so.set_defaults(func=_cmd_sources)

    dl = sub.add_parser(
        "download",
        help="fetch stanza's official English models (needs internet)",
        description="Fetch stanza's official English models; afterwards use --models official.",
    )
    dl.add_argument("--dir", help="where to put them (default $QUOTATTR_STANZA_DIR or stanza's directory)")
    dl.set_defaults(func=_cmd_download)

    inf = sub.add_parser("info", help="versions and the model set in use", description="Versions and model set.")
    inf.add_argument("--models", default=None, help=models_help)
    inf.add_argument("--json", action="store_true", help="print JSON")
    inf.set_defaults(func=_cmd_info)
    return parser


def _add_inputs(parser: argparse.ArgumentParser, results: bool = False) -> None:
    parser.add_argument(
        "files",
        nargs="+",
        metavar="FILE",
        help="text files, folders (searched recursively, see --glob), JSON Lines / CSV / Parquet corpora "
        "(by their extension, see --input-format); '-' reads standard input",
    )
    choices = (*INPUT_FORMATS, "results") if results else INPUT_FORMATS
    parser.add_argument(
        "--input-format",
        choices=choices,
        default="auto",
        help="auto (default): .jsonl/.ndjson, .csv and .parquet are corpora of one document per record, "
        "anything else one text"
        + ("; results: the JSON Lines written by `quotattr extract` (nothing is re-extracted)" if results else ""),
    )
    parser.add_argument("--text-column", default="text", help="corpora: the field with the text (text)")
    parser.add_argument("--id-column", default="id", help="corpora: the field with the document id (id)")
    parser.add_argument("--glob", default="*.txt", help="folders: the file names to read (*.txt)")
    parser.add_argument("--encoding", default="utf-8", help="encoding of the input files (default utf-8)")


def _add_processing(parser: argparse.ArgumentParser) -> None:
    models_help = (
        "model set: 'bundled' (default, offline), 'official' (after `quotattr download`) or a "
        "directory with a manifest.json; default $QUOTATTR_MODELS or bundled"
    )
    parser.add_argument("--models", default=None, help=models_help)
    parser.add_argument("--batch-size", type=_positive, default=16, help="documents per stanza bulk call (16)")
    parser.add_argument(
        "--n-process", type=_positive, default=1, help="worker processes, each loading its own models (1)"
    )
    parser.add_argument("--threads", type=_positive, default=None, help="torch threads (default: torch's choice)")
    parser.add_argument(
        "--learned",
        action="store_true",
        help="also PolNeAR-style attributions from the learned taggers (beliefs, intentions, nominal reports; "
        "PolNeAR's span boundaries; every sentence parsed, slower): the opt-in cue class 'learned'",
    )
    parser.add_argument(
        "--timeout",
        type=_seconds,
        default=None,
        metavar="SECONDS",
        help="time limit per document: one over it is reported as failed and the run goes on (default: none)",
    )
    parser.add_argument(
        "--progress",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="progress bar on stderr (default: when stderr is a terminal and there are several inputs)",
    )


def _seconds(value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of seconds, got {value!r}") from None
    if not number > 0:
        raise argparse.ArgumentTypeError(f"expected a positive number of seconds, got {value!r}")
    return number


def _positive(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {value!r}") from None
    if number < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {value!r}")
    return number


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``quotattr`` console script; returns the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    warnings.filterwarnings("ignore", category=FutureWarning)
    warnings.filterwarnings("ignore", category=UserWarning, module="torch")
    try:
        code: int = args.func(args)
    except KeyboardInterrupt:
        _say("interrupted")
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # `quotattr extract ... | head`
        with contextlib.suppress(OSError):
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        return EXIT_OK
    return code


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
