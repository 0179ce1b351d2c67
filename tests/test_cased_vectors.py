"""Cased word vectors for the NER tagger (issue 19): the lowercase-fallback lookup
(``quotattr.models.casefallback``) and the recipe's ``casedvec`` stage (``quotattr.models.casedvec``),
on hand-built vocabularies, vectors and checkpoints."""

from __future__ import annotations

import json
from pathlib import Path

import msgpack
import numpy as np
import pytest
import torch
from stanza.models.common.pretrain import PretrainedWordVocab
from stanza.models.common.vocab import UNK_ID, VOCAB_PREFIX
from stanza.models.ner.model import NERTagger

from quotattr.models import casedvec, casefallback


def test_spacy_hash_matches_spacys_string_store() -> None:
    # the key spaCy's documentation prints for nlp.vocab.strings["coffee"]
    assert casedvec.spacy_hash("coffee") == 3197928453018144401
    # lengths that are not a multiple of 8 go through the tail, longer ones through the blocks
    assert len({casedvec.spacy_hash(s) for s in ("a", "ab", "abcdefgh", "abcdefghi", "Apple", "apple")}) == 6


def _vocab(words: list[str]) -> PretrainedWordVocab:
    return PretrainedWordVocab(words)


def test_fallback_looks_a_word_up_as_written_then_lowercased() -> None:
    vocab = _vocab(["the", "apple", "Apple"])
    ids = casefallback.case_fallback_ids(["The", "Apple", "apple", "APPLE", "Zzz"], vocab)
    assert ids == [vocab.unit2id("the"), vocab.unit2id("Apple"), vocab.unit2id("apple"), vocab.unit2id("apple"), UNK_ID]


def test_installed_lookup_changes_only_models_that_ask_for_it() -> None:
    casefallback.install()
    casefallback.install()  # idempotent
    vocab = _vocab(["the", "apple", "Apple"])
    sents = [["The", "Apple"]]
    plain, _ = NERTagger.extract_static_embeddings({"lowercase": True}, sents, vocab)
    fallback, mask = NERTagger.extract_static_embeddings({"lowercase": False, casefallback.FLAG: True}, sents, vocab)
    assert plain.tolist() == [[vocab.unit2id("the"), vocab.unit2id("apple")]]
    assert fallback.tolist() == [[vocab.unit2id("the"), vocab.unit2id("Apple")]]
    assert not mask.any()


def _spacy_folder(tmp: Path, rows: dict[str, int], vectors: np.ndarray) -> Path:
    folder = tmp / "vocab"
    folder.mkdir()
    with (folder / "vectors").open("wb") as fh:
        np.save(fh, vectors)
    key2row = {casedvec.spacy_hash(s): r for s, r in rows.items()}
    (folder / "key2row").write_bytes(msgpack.packb(key2row))
    (folder / "strings.json").write_text(json.dumps([*sorted(rows), "no-vector"]), encoding="utf-8")
    return folder


def test_read_spacy_vocab_maps_strings_to_rows(tmp_path: Path) -> None:
    vectors = np.arange(12, dtype=np.float32).reshape(3, 4)
    folder = _spacy_folder(tmp_path, {"apple": 0, "Apple": 1, "APPLE": 1, "Hirak": 2}, vectors)
    table, word2row = casedvec.read_spacy_vocab(folder)
    assert word2row == {"apple": 0, "Apple": 1, "APPLE": 1, "Hirak": 2}
    assert np.array_equal(table, vectors)
    with pytest.raises(SystemExit, match="key2row"):
        (folder / "key2row").unlink()
        casedvec.read_spacy_vocab(folder)


def test_cased_entries_add_case_offsets_and_rare_capitalised_words() -> None:
    glove_words = ["the", "apple", "hirak", "zebra"]
    glove = np.array([[1, 0], [0, 1], [1, 1], [2, 2]], dtype=np.float32)
    spacy = np.array([[1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 1, 1]], dtype=np.float32)
    word2row = {"the": 0, "The": 0, "apple": 1, "Apple": 2, "Hirak": 3, "hirak": 3, "Unknown": 1, "New York": 1}
    case_map = np.vstack([np.array([[1, 0], [0, 1], [1, 1]], dtype=np.float32), np.zeros((1, 2), np.float32)])
    known = ["the", "apple"]  # "hirak" is a GloVe word outside the known vocabulary
    entries = casedvec.cased_entries(known, glove_words, glove, spacy, word2row, case_map, limit=10)
    got = {w: v.tolist() for w, v in entries}
    # "The" shares "the"'s spaCy row: the fallback already gives it; "Unknown" is no GloVe word;
    # "New York" has a space
    assert list(got) == ["Apple", "Hirak"]  # by the lowercase form's GloVe rank
    # Apple = GloVe(apple) + W (spaCy(Apple) - spaCy(apple)) = (0,1) + (1,1) - (0,1)
    assert got["Apple"] == [1.0, 1.0]
    # Hirak: its lowercase is unknown, so GloVe(hirak) + the same case offset (rows equal: zero)
    assert got["Hirak"] == [1.0, 1.0]
    assert [w for w, _ in casedvec.cased_entries(known, glove_words, glove, spacy, word2row, case_map, 1)] == ["Apple"]


def test_fit_case_map_recovers_a_linear_map() -> None:
    rng = np.random.default_rng(0)
    spacy = rng.normal(size=(40, 3)).astype(np.float32)
    true = np.array([[1, 2], [0, -1], [3, 0]], dtype=np.float32)
    glove_words = [f"w{i}" for i in range(40)]
    glove = spacy @ true + np.array([0.5, -0.5], dtype=np.float32)
    solution = casedvec.fit_case_map(spacy, {w: i for i, w in enumerate(glove_words)}, glove_words, glove)
    assert np.allclose(solution[:-1], true, atol=1e-4) and np.allclose(solution[-1], [0.5, -0.5], atol=1e-4)


def _pretrain(path: Path, words: list[str]) -> None:
    vocab = PretrainedWordVocab(words).state_dict()
    emb = torch.arange(len(VOCAB_PREFIX + words) * 2, dtype=torch.float32).reshape(-1, 2)
    torch.save({"vocab": vocab, "emb": emb}, path, _use_new_zipfile_serialization=False)


def test_extend_pretrain_keeps_the_old_rows_and_rebase_ner_points_a_model_at_it(tmp_path: Path) -> None:
    base, out = tmp_path / "base.pt", tmp_path / "cased.pt"
    _pretrain(base, ["the", "apple"])
    info = casedvec.extend_pretrain(base, [("Apple", np.array([9, 9], np.float32))], out)
    assert info == {"rows": len(VOCAB_PREFIX) + 3, "appended": 1, "dim": 2}
    old = torch.load(base, weights_only=True)
    new = torch.load(out, weights_only=True)
    assert new["vocab"]["_id2unit"][: len(old["vocab"]["_id2unit"])] == old["vocab"]["_id2unit"]
    assert torch.equal(new["emb"][: len(old["emb"])], old["emb"]) and new["emb"][-1].tolist() == [9.0, 9.0]
    with pytest.raises(ValueError, match="already in the pretrain"):
        casedvec.extend_pretrain(base, [("apple", np.zeros(2, np.float32))], tmp_path / "x.pt")

    model = tmp_path / "ner.pt"
    torch.save({"vocab": {"word": old["vocab"]}, "config": {"lowercase": True}, "model": {}}, model)
    casedvec.rebase_ner(model, out, tmp_path / "ner_cased.pt")
    rebased = torch.load(tmp_path / "ner_cased.pt", weights_only=True)
    assert rebased["vocab"]["word"]["_id2unit"] == new["vocab"]["_id2unit"]
    assert rebased["config"] == {"lowercase": False, casefallback.FLAG: True}
    other = tmp_path / "other.pt"
    _pretrain(other, ["apple", "the"])
    with pytest.raises(ValueError, match="does not start with"):
        casedvec.rebase_ner(model, other, tmp_path / "bad.pt")


def test_recipe_refuses_cased_options_without_their_inputs(tmp_path: Path) -> None:
    from quotattr.models.train import main

    with pytest.raises(SystemExit, match="--spacy-vocab"):
        main(["--out", str(tmp_path / "w"), "--stage", "casedvec"])
    with pytest.raises(SystemExit, match="--ner-case-fallback needs --ner-warm-start"):
        main(["--out", str(tmp_path / "w"), "--stage", "ner", "--ner-case-fallback"])
