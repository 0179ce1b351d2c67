"""Export a trained stanza model set into a compact, verifiable bundle.

Weights of the pos, depparse and ner models are stored as float16 (stanza copies them into its
float32 parameters on load, so outputs are unchanged up to rounding); optimizer state is dropped.
The pretrain (word vectors) stays float32: stanza feeds it straight into ``nn.Embedding``.

usage: python -m quotattr.models.export SRC_DIR OUT_DIR [--scores scores.json] [--recipe-version V]
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path
from typing import Any

from quotattr.models import MANIFEST_NAME, sha256_file

RECIPE_VERSION = "1"

#: processor -> default source file name in a training output directory
DEFAULT_SOURCES = {
    "tokenize": "tokenize.pt",
    "mwt": "mwt.pt",
    "lemma": "lemma.pt",
    "pos": "pos.pt",
    "depparse": "depparse.pt",
    "ner": "ner.pt",
    "pretrain": "pretrain.pt",
}
HALF_PROCESSORS = frozenset({"pos", "depparse", "ner"})


def _half(obj: Any) -> Any:
    import torch

    if torch.is_tensor(obj) and obj.is_floating_point():
        return obj.half()
    if isinstance(obj, dict):
        return {k: _half(v) for k, v in obj.items()}
    return obj


def compact(src: Path, dst: Path, processor: str) -> None:
    """Copy one model file, storing weights as float16 where stanza allows it."""
    if processor not in HALF_PROCESSORS:
        shutil.copyfile(src, dst)
        return
    import torch

    data = torch.load(src, map_location="cpu", weights_only=False)
    data.pop("optimizer", None)
    data.pop("scheduler", None)
    data["model"] = _half(data["model"])
    torch.save(data, dst)


def export(
    sources: dict[str, Path],
    out_dir: Path,
    *,
    scores: dict[str, Any] | None = None,
    provenance: dict[str, Any] | None = None,
    recipe_version: str = RECIPE_VERSION,
) -> dict[str, Any]:
    """Write the compact set and its manifest into ``out_dir``; return the manifest."""
    import stanza

    out_dir.mkdir(parents=True, exist_ok=True)
    files: dict[str, Any] = {}
    for processor, src in sources.items():
        name = DEFAULT_SOURCES[processor]
        dst = out_dir / name
        compact(src, dst, processor)
        files[name] = {"processor": processor, "size": dst.stat().st_size, "sha256": sha256_file(dst)}
    manifest = {
        "name": "quotattr-en",
        "recipe_version": recipe_version,
        "stanza_version": stanza.__version__,
        "files": files,
        "total_bytes": sum(f["size"] for f in files.values()),
        "scores": scores or {},
        "provenance": provenance or {},
    }
    (out_dir / MANIFEST_NAME).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    # stanza insists on a resources.json in its `dir`, even with explicit model paths
    (out_dir / "resources.json").write_text(
        json.dumps({"en": {"lang_name": "English", "packages": {}, "tokenize": {}}}) + "\n", encoding="utf-8"
    )
    return manifest


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("src", type=Path, help="directory with tokenize.pt, mwt.pt, ... (see DEFAULT_SOURCES)")
    parser.add_argument("out", type=Path)
    parser.add_argument("--scores", type=Path, help="JSON file of dev scores to store in the manifest")
    parser.add_argument("--provenance", type=Path, help="JSON file: data, commands and licences per model")
    parser.add_argument("--ner-file", default="ner.pt", help="file name of the NER model inside SRC")
    parser.add_argument("--recipe-version", default=RECIPE_VERSION)
    args = parser.parse_args(argv)
    sources = {p: args.src / n for p, n in DEFAULT_SOURCES.items()}
    sources["ner"] = args.src / args.ner_file
    missing = [str(p) for p in sources.values() if not p.is_file()]
    if missing:
        print(f"missing model files: {', '.join(missing)}", file=sys.stderr)
        return 2
    scores = json.loads(args.scores.read_text()) if args.scores else None
    prov = json.loads(args.provenance.read_text()) if args.provenance else None
    manifest = export(sources, args.out, scores=scores, provenance=prov, recipe_version=args.recipe_version)
    print(json.dumps({k: manifest[k] for k in ("total_bytes", "files")}, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
