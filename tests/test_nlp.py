"""The sentence-split repair applied to stanza's tokenizer output (pure function, hand-built input)."""

from __future__ import annotations

from quotattr.nlp import merge_after_abbreviations

ABBR = frozenset({"Maj.", "Gen.", "Col.", "Dr."})


def test_split_after_a_rank_is_undone() -> None:
    sents = [
        ["He", "met", "Maj", "."],
        ["Gen.", "Tahsin", "Khafaji", "."],
        ["Col."],
        ["Myles", "Caggins", "spoke", "."],
    ]
    assert merge_after_abbreviations(sents, ABBR) == [
        ["He", "met", "Maj", ".", "Gen.", "Tahsin", "Khafaji", "."],
        ["Col.", "Myles", "Caggins", "spoke", "."],
    ]


def test_real_sentence_ends_and_mwt_tokens_are_kept() -> None:
    sents: list[list[str | tuple[str, bool]]] = [
        ["It", "rained", "."],
        ["Dr."],
        ["lower", "case", "goes", "on", "."],
        [("won't", True), "stop", "."],
    ]
    out = merge_after_abbreviations(sents, ABBR)
    assert out == sents  # "Dr." before a lower-case word stays (not a name); nothing else ends on a rank
    assert merge_after_abbreviations([], ABBR) == []
