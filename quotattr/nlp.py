"""Stage 1: text → ``stanza.Document``. Builds the stanza pipeline from a model set.

Model sets:

``"bundled"`` (default)
    The compact English set shipped inside the package (``quotattr/models/en``). Every file is
    checked against ``manifest.json`` (size + SHA-256) before stanza unpickles anything. No network,
    nothing written anywhere.
``"official"``
    stanza's official English models, which the user fetched once with ``quotattr download`` (or
    :func:`download_official`). Read from ``$QUOTATTR_STANZA_DIR``, else ``$STANZA_RESOURCES_DIR``,
    else stanza's default directory. Loading never downloads.
a directory path
    A set made by ``python -m quotattr.models.export`` (it has a ``manifest.json``), verified like
    the bundled one.

The choice is the ``models=`` argument, else the ``QUOTATTR_MODELS`` environment variable, else
``"bundled"``.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, Protocol

from quotattr.models import BUNDLED_DIR, PROCESSORS, load_manifest, verify_model_set

__all__ = [
    "ENV_MODELS",
    "ENV_STANZA_DIR",
    "ModelSetError",
    "ModelSetInfo",
    "StanzaDocument",
    "build_pipeline",
    "download_official",
    "merge_after_abbreviations",
    "official_dir",
    "resolve_model_set",
]

ENV_MODELS = "QUOTATTR_MODELS"
ENV_STANZA_DIR = "QUOTATTR_STANZA_DIR"
PROCESSOR_LIST = ",".join(PROCESSORS)

log = logging.getLogger(__name__)


class StanzaDocument(Protocol):
    """The type of an annotated ``stanza.Document`` for type checkers (stanza ships no type hints).

    :meth:`quotattr.Extractor.__call__` accepts a ``str`` or a ``stanza.Document``; this protocol
    lets ``mypy --strict`` accept the latter and reject ``bytes``, ``int`` and other objects. At run
    time the object must be a real ``stanza.Document``.
    """

    @property
    def text(self) -> str: ...

    @property
    def sentences(self) -> list[Any]: ...


class ModelSetError(RuntimeError):
    """The requested model set cannot be used (unknown name, not downloaded, wrong layout)."""


class ModelSetInfo:
    """Where a model set lives and what it is (for ``quotattr info`` and benchmark reports)."""

    __slots__ = ("kind", "manifest", "path")

    def __init__(self, kind: str, path: Path, manifest: dict[str, Any] | None) -> None:
        self.kind = kind
        self.path = path
        self.manifest = manifest

    def describe(self) -> dict[str, Any]:
        out: dict[str, Any] = {"kind": self.kind, "path": str(self.path)}
        if self.manifest is not None:
            out["name"] = self.manifest.get("name")
            out["recipe_version"] = self.manifest.get("recipe_version")
            out["stanza_version"] = self.manifest.get("stanza_version")
            out["total_bytes"] = self.manifest.get("total_bytes")
        return out

    def __repr__(self) -> str:
        return f"ModelSetInfo(kind={self.kind!r}, path={str(self.path)!r})"


def official_dir() -> Path:
    """The directory holding (or to hold) stanza's official models."""
    env = os.environ.get(ENV_STANZA_DIR) or os.environ.get("STANZA_RESOURCES_DIR")
    if env:
        return Path(env).expanduser()
    from stanza.resources.common import DEFAULT_MODEL_DIR

    return Path(DEFAULT_MODEL_DIR)


def resolve_model_set(models: str | os.PathLike[str] | None = None) -> ModelSetInfo:
    """Turn the user's choice (argument, else ``$QUOTATTR_MODELS``, else bundled) into a location."""
    choice: str | os.PathLike[str] = models if models is not None else os.environ.get(ENV_MODELS, "bundled")
    if isinstance(choice, str) and choice in ("", "bundled"):
        return ModelSetInfo("bundled", BUNDLED_DIR, load_manifest(BUNDLED_DIR))
    if isinstance(choice, str) and choice == "official":
        path = official_dir()
        if not (path / "resources.json").is_file() or not (path / "en").is_dir():
            raise ModelSetError(
                f"stanza's official English models are not in {path}. Run `quotattr download` once "
                f"(needs internet), or set {ENV_STANZA_DIR} to where they are."
            )
        return ModelSetInfo("official", path, None)
    path = Path(choice).expanduser()
    if not path.is_dir():
        raise ModelSetError(
            f"unknown model set {str(choice)!r}: use 'bundled', 'official' or a directory holding a manifest.json"
        )
    return ModelSetInfo("custom", path, load_manifest(path))


Token = str | tuple[str, Any]  #: a token as stanza's tokenizer postprocessor sees it (text, or text + MWT)


def _text(token: Token) -> str:
    return token if isinstance(token, str) else str(token[0])


def merge_after_abbreviations(sentences: list[list[Token]], abbreviations: frozenset[str]) -> list[list[Token]]:
    """Undo sentence splits right after a rank or honorific ("Maj. | Gen. Tahsin Khafaji", "Col. |
    Myles Caggins"): such words precede a name, they do not end sentences. Tokens are unchanged.

    A split is undone when a sentence ends with one of ``abbreviations`` (or with its letters and a
    separate ".") and the next sentence starts with a capital letter.
    """
    out: list[list[Token]] = []
    for sent in sentences:
        if out and out[-1] and sent and _text(sent[0])[:1].isupper():
            prev = out[-1]
            last = _text(prev[-1])
            if last in abbreviations or (last == "." and len(prev) > 1 and _text(prev[-2]) + "." in abbreviations):
                prev.extend(sent)
                continue
        out.append(list(sent))
    return out


def _postprocessor(abbreviations: frozenset[str]) -> Callable[[list[list[Token]]], list[list[Token]]]:
    def postprocess(sentences: list[list[Token]]) -> list[list[Token]]:
        return merge_after_abbreviations(sentences, abbreviations)

    return postprocess


def build_pipeline(
    models: str | os.PathLike[str] | None = None,
    *,
    use_gpu: bool = False,
    threads: int | None = None,
    tokenize_batch_size: int | None = None,
    pos_batch_size: int | None = None,
    depparse_batch_size: int | None = None,
    ner_batch_size: int | None = None,
    abbreviations: Iterable[str] | None = None,
) -> tuple[Any, ModelSetInfo]:
    """Build the stanza ``Pipeline`` quotattr needs; return it with where it came from.

    Never downloads, never writes outside a temporary directory. ``threads`` sets torch's intra-op
    thread count (the process-wide setting) when given. The tokenizer never ends a sentence on one
    of ``abbreviations`` (default: the lexicon's ranks and honorifics, see
    :func:`merge_after_abbreviations`).
    """
    from quotattr.lexicons import Lexicons

    info = resolve_model_set(models)
    if threads is not None:
        import torch

        torch.set_num_threads(max(1, int(threads)))
    import stanza

    kwargs: dict[str, Any] = {
        "lang": "en",
        "processors": PROCESSOR_LIST,
        "download_method": None,
        "use_gpu": use_gpu,
        "logging_level": "ERROR",
        "tokenize_postprocessor": _postprocessor(
            Lexicons.default().abbreviations() if abbreviations is None else frozenset(abbreviations)
        ),
    }
    for name, value in (
        ("tokenize_batch_size", tokenize_batch_size),
        ("pos_batch_size", pos_batch_size),
        ("depparse_batch_size", depparse_batch_size),
        ("ner_batch_size", ner_batch_size),
    ):
        if value is not None:
            kwargs[name] = int(value)
    stanza_logger = logging.getLogger("stanza")
    level = stanza_logger.level
    try:
        pipeline = _construct(stanza, info, kwargs)
    finally:  # the user's own stanza logging stays as it was
        stanza_logger.setLevel(level)
    from quotattr.models.fastdecode import use_in

    use_in(pipeline)  # same trees, faster cycle search: this pipeline's parser only
    return pipeline, info


def _construct(stanza: Any, info: ModelSetInfo, kwargs: dict[str, Any]) -> Any:
    if info.kind == "official":
        kwargs["dir"] = str(info.path)
        return stanza.Pipeline(**kwargs)

    paths = verify_model_set(info.path)
    pretrain = str(paths["pretrain"])
    kwargs["dir"] = str(info.path)  # holds the minimal resources.json stanza insists on
    for processor in PROCESSORS:
        kwargs[f"{processor}_model_path"] = str(paths[processor])
    for processor in ("pos", "depparse", "ner"):
        kwargs[f"{processor}_pretrain_path"] = pretrain
    # stanza logs a harmless warning about the unlisted default package; keep it quiet (restored after)
    logging.getLogger("stanza").setLevel(logging.ERROR)
    from quotattr.models.loading import trusted_loading

    # every file has just passed its SHA-256 check: load those fast (see quotattr.models.loading)
    with trusted_loading(paths.values()):
        return stanza.Pipeline(**kwargs)


def download_official(directory: Path | None = None) -> Path:
    """Fetch stanza's official English models (tokenize … ner) into ``directory``. Needs internet."""
    import stanza

    target = directory if directory is not None else official_dir()
    target.mkdir(parents=True, exist_ok=True)
    stanza.download("en", model_dir=str(target), processors=PROCESSOR_LIST, package="default", logging_level="INFO")
    return target
