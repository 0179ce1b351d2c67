"""The bundled English stanza model set: manifest, digest checks and the training recipe.

The model files live in ``quotattr/models/en/`` beside ``manifest.json``, which lists each file's
processor, size and SHA-256, the recipe version that produced the set, and its dev scores.
:func:`verify_model_set` checks every file against the manifest *before* any of them reaches
``torch.load``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

__all__ = [
    "BUNDLED_DIR",
    "PROCESSOR_FILES",
    "ModelIntegrityError",
    "load_manifest",
    "sha256_file",
    "verify_file",
    "verify_model_set",
]

BUNDLED_DIR = Path(__file__).resolve().parent / "en"
MANIFEST_NAME = "manifest.json"

#: The stanza processors quotattr needs, in pipeline order.
PROCESSORS = ("tokenize", "mwt", "pos", "lemma", "depparse", "ner")

#: The manifest key of each pipeline argument that takes a file.
PROCESSOR_FILES = {
    "tokenize": "tokenize_model_path",
    "mwt": "mwt_model_path",
    "pos": "pos_model_path",
    "lemma": "lemma_model_path",
    "depparse": "depparse_model_path",
    "ner": "ner_model_path",
    "pretrain": "pretrain_path",
}


class ModelIntegrityError(RuntimeError):
    """A model file is missing, truncated or does not match the manifest's digest."""


def sha256_file(path: Path, chunk: int = 1 << 20) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while block := fh.read(chunk):
            digest.update(block)
    return digest.hexdigest()


def load_manifest(directory: Path) -> dict[str, Any]:
    """Read and sanity-check ``manifest.json`` in ``directory``."""
    path = directory / MANIFEST_NAME
    if not path.is_file():
        raise ModelIntegrityError(f"model manifest missing: {path}")
    try:
        manifest: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ModelIntegrityError(f"model manifest unreadable: {path}: {exc}") from exc
    files = manifest.get("files") if isinstance(manifest, dict) else None
    if not isinstance(files, dict) or not files:
        raise ModelIntegrityError(f"model manifest {path} lists no files")
    for name, entry in files.items():
        if not isinstance(entry, Mapping) or not {"sha256", "size", "processor"} <= set(entry):
            raise ModelIntegrityError(f"model manifest {path}: entry {name!r} needs sha256, size, processor")
        if "/" in name or "\\" in name or name.startswith("."):
            raise ModelIntegrityError(f"model manifest {path}: bad file name {name!r}")
    return manifest


def verify_file(directory: Path, name: str, entry: Mapping[str, Any]) -> Path:
    """Check one file of a model set against its manifest ``entry`` (size, then SHA-256); return its
    path. Raises :class:`ModelIntegrityError` naming the file."""
    path = directory / name
    if not path.is_file():
        raise ModelIntegrityError(f"model file missing: {path}")
    size = path.stat().st_size
    if size != int(entry["size"]):
        raise ModelIntegrityError(
            f"model file {path} has {size} bytes, the manifest says {entry['size']}: corrupted or replaced"
        )
    actual = sha256_file(path)
    if actual != entry["sha256"]:
        raise ModelIntegrityError(
            f"model file {path} fails its SHA-256 check (got {actual[:12]}…, "
            f"expected {str(entry['sha256'])[:12]}…): corrupted or replaced"
        )
    return path


def verify_model_set(directory: Path) -> dict[str, Path]:
    """Check every file of the set in ``directory``; return ``{processor: path}``.

    Raises :class:`ModelIntegrityError` naming the first file that is missing, has the wrong size or
    the wrong SHA-256. Nothing is unpickled before every file has passed.
    """
    manifest = load_manifest(directory)
    paths: dict[str, Path] = {}
    for name, entry in manifest["files"].items():
        paths[str(entry["processor"])] = verify_file(directory, name, entry)
    missing = [p for p in (*PROCESSORS, "pretrain") if p not in paths]
    if missing:
        raise ModelIntegrityError(f"model set {directory} lacks processors: {', '.join(missing)}")
    return paths
