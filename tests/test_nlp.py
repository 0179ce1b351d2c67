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


def test_guard_rejoins_an_abbreviation_the_tokenizer_cut() -> None:
    from quotattr.guard import _join_abbreviations

    sentence = [
        {"id": 1, "text": "Maj", "start_char": 0, "end_char": 3, "misc": "SpaceAfter=No"},
        {"id": 2, "text": ".", "start_char": 3, "end_char": 4},
        {"id": 3, "text": "Gen.", "start_char": 5, "end_char": 9},
        {"id": (4, 5), "text": "Iraq’s", "start_char": 10, "end_char": 16},
        {"id": 4, "text": "Iraq"},
        {"id": 5, "text": "’s"},
        {"id": 6, "text": "Col", "start_char": 17, "end_char": 20},
        {"id": 7, "text": ".", "start_char": 21, "end_char": 22},  # "Col ." with a space: left alone
    ]
    out = _join_abbreviations(sentence, frozenset({"Maj.", "Col."}))
    assert [(e["id"], e["text"]) for e in out] == [
        (1, "Maj."),
        (2, "Gen."),
        ((3, 4), "Iraq’s"),
        (3, "Iraq"),
        (4, "’s"),
        (5, "Col"),
        (6, "."),
    ]
    assert out[0]["end_char"] == 4 and "misc" not in out[0]
