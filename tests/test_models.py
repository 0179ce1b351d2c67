"""The bundled model set: it loads, and its digest check rejects damaged or missing files."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from quotattr.models import (
    BUNDLED_DIR,
    PROCESSORS,
    ModelIntegrityError,
    load_manifest,
    sha256_file,
    verify_model_set,
)

MAX_BYTES = 60 * 1000 * 1000  # the budget for the whole shipped set


def _copy_set(tmp_path: Path) -> Path:
    dst = tmp_path / "en"
    shutil.copytree(BUNDLED_DIR, dst)
    return dst


class _NoTorchLoad:
    """Fails the test if anything reaches torch.load."""

    def __init__(self) -> None:
        self.calls: list[Any] = []

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        self.calls.append(args[0] if args else kwargs.get("f"))
        raise AssertionError(f"torch.load reached before the digest check failed: {self.calls[-1]}")


def test_manifest_lists_every_processor_with_digest_and_size() -> None:
    manifest = load_manifest(BUNDLED_DIR)
    processors = {entry["processor"] for entry in manifest["files"].values()}
    assert set(PROCESSORS) | {"pretrain"} <= processors
    assert manifest["recipe_version"]
    for name, entry in manifest["files"].items():
        assert (BUNDLED_DIR / name).stat().st_size == entry["size"], name
        assert len(entry["sha256"]) == 64
    total = sum(entry["size"] for entry in manifest["files"].values())
    assert total == manifest["total_bytes"]
    assert total <= MAX_BYTES, f"shipped set is {total / 1e6:.1f} MB, over the 60 MB budget"


def test_bundled_set_verifies() -> None:
    paths = verify_model_set(BUNDLED_DIR)
    assert set(paths) >= set(PROCESSORS) | {"pretrain"}


@pytest.mark.pipeline
def test_bundled_pipeline_loads_and_tags(extractor: Any) -> None:
    nlp = extractor.nlp
    doc = nlp("\u201cWe will win,\u201d Jane Doe, the party's spokeswoman, told reporters in Erbil on Monday.")
    assert doc.sentences and all(w.upos and w.deprel for s in doc.sentences for w in s.words)
    assert ("Jane Doe", "PER") in [(e.text, e.type) for e in doc.ents]


def test_corrupted_copy_is_rejected_before_loading(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import torch

    models = _copy_set(tmp_path)
    victim = models / "pos.pt"
    data = bytearray(victim.read_bytes())
    data[len(data) // 2] ^= 0xFF  # same size, one byte flipped
    victim.write_bytes(bytes(data))
    guard = _NoTorchLoad()
    monkeypatch.setattr(torch, "load", guard)
    with pytest.raises(ModelIntegrityError, match=r"pos\.pt.*SHA-256"):
        verify_model_set(models)
    from quotattr.nlp import build_pipeline

    with pytest.raises(ModelIntegrityError, match=r"pos\.pt"):
        build_pipeline(models=models)
    assert guard.calls == []


def test_truncated_and_missing_files_are_rejected(tmp_path: Path) -> None:
    models = _copy_set(tmp_path)
    ner = models / "ner.pt"
    ner.write_bytes(ner.read_bytes()[:-10])
    with pytest.raises(ModelIntegrityError, match=r"ner\.pt.*bytes"):
        verify_model_set(models)
    ner.unlink()
    with pytest.raises(ModelIntegrityError, match=r"missing: .*ner\.pt"):
        verify_model_set(models)


def test_tampered_manifest_entry_is_rejected(tmp_path: Path) -> None:
    models = _copy_set(tmp_path)
    manifest_path = models / "manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    manifest["files"]["depparse.pt"]["sha256"] = "0" * 64
    manifest_path.write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(ModelIntegrityError, match=r"depparse\.pt"):
        verify_model_set(models)


def test_trusted_loading_refuses_a_file_changed_after_its_check(tmp_path: Path) -> None:
    import torch

    from quotattr.models.loading import trusted_loading

    path = tmp_path / "m.pt"
    torch.save({"x": torch.zeros(2)}, path)
    digest = sha256_file(path)
    with trusted_loading([path]):
        assert torch.load(path)["x"].shape == (2,)
        torch.save({"x": torch.zeros(3)}, path)  # replaced after the check
        assert sha256_file(path) != digest
        with pytest.raises(ModelIntegrityError, match="changed after"):
            torch.load(path)
    # outside the block torch.load is stanza's/torch's own again
    assert torch.load(path, weights_only=True)["x"].shape == (3,)
