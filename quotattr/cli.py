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
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import IO, Any

import attrs

from quotattr.model import Result

__all__ = ["EXIT_FAILED_DOCS", "EXIT_MODELS", "EXIT_OK", "EXIT_USAGE", "main"]

EXIT_OK = 0
EXIT_FAILED_DOCS = 1
EXIT_USAGE = 2
EXIT_MODELS = 3
EXIT_DOWNLOAD = 4
EXIT_INTERRUPTED = 130

STDIN = "-"
STDIN_ID = "<stdin>"


@attrs.frozen(slots=True)
class InputDocument:
    """One input of ``quotattr extract``: its id (the path as given) and its text, or why it has none."""

    doc_id: str
    text: str | None = None
    error: str | None = None


def _decode_error(path: str, exc: UnicodeDecodeError, encoding: str) -> str:
    return (
        f"cannot decode as {encoding}: byte 0x{exc.object[exc.start]:02x} at offset {exc.start} "
        f"is invalid ({exc.reason}); pass --encoding (e.g. --encoding latin-1) if the file is not {encoding}"
    )


def read_input(path: str, encoding: str, stdin: IO[bytes] | None = None) -> InputDocument:
    """Read one input; never raises for a bad file (the reason is in ``error``)."""
    doc_id = STDIN_ID if path == STDIN else path
    try:
        if path == STDIN:
            data = (stdin if stdin is not None else sys.stdin.buffer).read()
        else:
            p = Path(path)
            if p.is_dir():
                return InputDocument(doc_id, error="is a directory")
            data = p.read_bytes()
    except FileNotFoundError:
        return InputDocument(doc_id, error="no such file")
    except PermissionError:
        return InputDocument(doc_id, error="permission denied")
    except OSError as exc:
        return InputDocument(doc_id, error=f"cannot read: {exc.strerror or exc}")
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        return InputDocument(doc_id, error=_decode_error(doc_id, exc, encoding))
    return InputDocument(doc_id, text=text)


# -- output formats -----------------------------------------------------------------------------------


class _Writer:
    def write(self, result: Result) -> None:
        raise NotImplementedError

    def close(self) -> None:
        """Called once after the last result."""


class _JsonLinesWriter(_Writer):
    def __init__(self, out: IO[str], include_text: bool) -> None:
        self.out = out
        self.include_text = include_text

    def write(self, result: Result) -> None:
        self.out.write(json.dumps(result.to_dict(include_text=self.include_text), ensure_ascii=False) + "\n")
        self.out.flush()


class _CsvWriter(_Writer):
    def __init__(self, out: IO[str]) -> None:
        self.out = out
        self.header = True

    def write(self, result: Result) -> None:
        from quotattr.export import write_csv

        write_csv([result], self.out, header=self.header)
        self.header = False
        self.out.flush()

    def close(self) -> None:
        if self.header:  # no document at all: still write the header
            from quotattr.export import write_csv

            write_csv([], self.out)


_TABLE_COLUMNS = (
    ("quote", "content", 48),
    ("kind", "kind", 8),
    ("cue", "cue", 12),
    ("speaker", "speaker_name", 24),
    ("rank", "speaker_rank", 14),
    ("title", "speaker_title", 20),
    ("organization", "speaker_organization", 26),
)


def _clip(value: object, width: int) -> str:
    text = "" if value is None else " ".join(str(value).split())
    return text if len(text) <= width else text[: max(0, width - 1)] + "…"


class _TableWriter(_Writer):
    def __init__(self, out: IO[str], width: int | None = None) -> None:
        self.out = out
        self.width = width or shutil.get_terminal_size((160, 24)).columns

    def write(self, result: Result) -> None:
        from quotattr.export import attribution_row

        label = result.doc_id or "<text>"
        if result.error is not None:
            self.out.write(f"== {label}: FAILED: {result.error}\n\n")
            return
        n = len(result.attributions)
        self.out.write(f"== {label}: {n} attribution{'s' if n != 1 else ''}\n")
        if n:
            rows = [attribution_row(a) for a in result.attributions]
            fixed = sum(w for _, _, w in _TABLE_COLUMNS[1:]) + 2 * (len(_TABLE_COLUMNS) - 1)
            widths = [max(24, self.width - fixed), *(w for _, _, w in _TABLE_COLUMNS[1:])]
            cells = [[_clip(r[key], w) for (_, key, _), w in zip(_TABLE_COLUMNS, widths, strict=True)] for r in rows]
            heads = [h for h, _, _ in _TABLE_COLUMNS]
            used = [max(len(h), *(len(c[i]) for c in cells)) for i, h in enumerate(heads)]
            self.out.write("  ".join(h.ljust(w) for h, w in zip(heads, used, strict=True)).rstrip() + "\n")
            self.out.write("  ".join("-" * w for w in used) + "\n")
            for c in cells:
                self.out.write("  ".join(v.ljust(w) for v, w in zip(c, used, strict=True)).rstrip() + "\n")
        self.out.write("\n")
        self.out.flush()


# -- commands -----------------------------------------------------------------------------------------


def _say(message: str) -> None:
    print(f"quotattr: {message}", file=sys.stderr)


def _ordered_results(
    inputs: Iterable[InputDocument], extractor: Any, batch_size: int, n_process: int
) -> Iterator[Result]:
    """Results in input order: unreadable inputs become error results without reaching stanza."""
    queue: collections.deque[InputDocument] = collections.deque()

    def readable() -> Iterator[tuple[str, str]]:
        for doc in inputs:
            queue.append(doc)
            if doc.text is not None:
                yield doc.doc_id, doc.text

    for result in extractor.pipe(readable(), batch_size=batch_size, n_process=n_process):
        while queue and queue[0].text is None:
            bad = queue.popleft()
            yield Result(text="", doc_id=bad.doc_id, error=bad.error)
        if queue:
            queue.popleft()
        yield result
    while queue:
        bad = queue.popleft()
        yield Result(text="", doc_id=bad.doc_id, error=bad.error or "not processed")


def _cmd_extract(args: argparse.Namespace) -> int:
    files: list[str] = args.files
    if files.count(STDIN) > 1:
        _say("'-' (standard input) may be given only once")
        return EXIT_USAGE
    try:
        "".encode(args.encoding)
    except LookupError:
        _say(f"unknown encoding {args.encoding!r}")
        return EXIT_USAGE
    extractor = _load_extractor(args)
    if extractor is None:
        return EXIT_MODELS

    out_ctx: contextlib.AbstractContextManager[IO[str]]
    if args.output in (None, "-"):
        out_ctx = contextlib.nullcontext(sys.stdout)
    else:
        out_ctx = open(args.output, "w", encoding="utf-8", newline="")  # noqa: SIM115
    show_progress = args.progress if args.progress is not None else (sys.stderr.isatty() and len(files) > 1)
    failures: list[tuple[str, str]] = []
    empties: list[str] = []
    with out_ctx as out:
        writer: _Writer
        if args.format == "csv":
            writer = _CsvWriter(out)
        elif args.format == "table":
            writer = _TableWriter(out)
        else:
            writer = _JsonLinesWriter(out, include_text=not args.no_text)
        inputs = (read_input(f, args.encoding) for f in files)
        results: Iterable[Result] = _ordered_results(inputs, extractor, args.batch_size, args.n_process)
        bar = None
        if show_progress:
            from tqdm import tqdm

            bar = tqdm(total=len(files), unit="doc", file=sys.stderr, dynamic_ncols=True)
        try:
            for result in results:
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
        _say(f"{len(failures)} of {len(files)} input{'s' if len(files) != 1 else ''} failed:")
        for doc_id, error in failures:
            print(f"  {doc_id}: {error}", file=sys.stderr)
        return EXIT_FAILED_DOCS
    return EXIT_OK


def _load_extractor(args: argparse.Namespace) -> Any:
    from quotattr.extractor import Extractor
    from quotattr.models import ModelIntegrityError
    from quotattr.nlp import ModelSetError

    try:
        return Extractor(models=args.models, threads=args.threads)
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
    ex.add_argument("files", nargs="+", metavar="FILE", help="text files; '-' reads standard input")
    ex.add_argument(
        "-f",
        "--format",
        choices=("jsonl", "table", "csv"),
        default="jsonl",
        help="jsonl: one JSON object per document (default); table: readable; csv: one row per attribution",
    )
    ex.add_argument("--no-text", action="store_true", help="jsonl: leave the document text out of each object")
    ex.add_argument("-o", "--output", metavar="PATH", help="write here instead of standard output")
    ex.add_argument("--encoding", default="utf-8", help="encoding of the input files (default utf-8)")
    ex.add_argument("--models", default=None, help=models_help)
    ex.add_argument("--batch-size", type=_positive, default=16, help="documents per stanza bulk call (16)")
    ex.add_argument("--n-process", type=_positive, default=1, help="worker processes, each loading its own models (1)")
    ex.add_argument("--threads", type=_positive, default=None, help="torch threads (default: torch's choice)")
    ex.add_argument(
        "--progress",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="progress bar on stderr (default: when stderr is a terminal and there are several inputs)",
    )
    ex.set_defaults(func=_cmd_extract)

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
