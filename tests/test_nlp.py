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


def _draft(*sentences: str) -> list[list[dict[str, object]]]:
    """stanza's draft document for whitespace-separated tokens, offsets into the joined text."""
    out: list[list[dict[str, object]]] = []
    offset = 0
    for sentence in sentences:
        tokens: list[dict[str, object]] = []
        for position, text in enumerate(sentence.split(), 1):
            tokens.append({"id": (position,), "text": text, "start_char": offset, "end_char": offset + len(text)})
            offset += len(text) + 1
        out.append(tokens)
    return out


def test_merge_drafts_joins_the_sentences_the_postprocessor_joins() -> None:
    from quotattr.nlp import SentenceMerger

    merger = SentenceMerger(ABBR)
    draft = _draft("He met Maj .", "Gen. Tahsin Khafaji .", "Col.", "Myles Caggins spoke .")
    merged = merger.merge_drafts(draft)
    assert merged is not None
    words = [[str(token["text"]) for token in sentence] for sentence in draft]
    assert [[token["text"] for token in sentence] for sentence in merged] == merger(words)
    assert [[token["id"] for token in sentence] for sentence in merged] == [
        [(k,) for k in range(1, 9)],
        [(k,) for k in range(1, 6)],
    ]
    flat = [token for sentence in draft for token in sentence]
    assert [token["start_char"] for sentence in merged for token in sentence] == [t["start_char"] for t in flat]
    assert draft[1][0]["id"] == (1,)  # the draft itself is not changed


def test_merge_drafts_leaves_plain_drafts_alone_and_refuses_others() -> None:
    from quotattr.nlp import SentenceMerger

    merger = SentenceMerger(ABBR)
    draft = _draft("It rained .", "Dr.", "lower case goes on .")
    assert merger.merge_drafts(draft) is draft  # nothing joined: no copy
    assert merger.merge_drafts([]) == []
    no_offsets = _draft("He met Maj .", "Gen. Lee .")
    del no_offsets[1][0]["start_char"]
    assert merger.merge_drafts(no_offsets) is None
    expanded = _draft("It rained .")
    expanded[0][0]["id"] = (1, 2)  # an expanded multi-word token: stanza's own way
    assert merger.merge_drafts(expanded) is None
    assert merger.merge_drafts([[], *_draft("It rained .")]) is None


def test_output_predictions_passes_other_postprocessors_to_stanza() -> None:
    from quotattr.models.fasttokenize import output_predictions
    from quotattr.nlp import SentenceMerger

    calls: list[object] = []

    def stock(*args: object, postprocessor: object = None, **kwargs: object) -> tuple[int, int, list[int], object]:
        calls.append(postprocessor)
        return 0, 0, [], _draft("He met Maj .", "Gen. Lee .")

    def theirs(sentences: object) -> object:
        return sentences

    assert output_predictions(stock, postprocessor=theirs)[3] == _draft("He met Maj .", "Gen. Lee .")
    merged = output_predictions(stock, postprocessor=SentenceMerger(ABBR))[3]
    assert calls == [theirs, None]  # ours is applied to the draft, not handed to stanza
    assert [[token["text"] for token in sentence] for sentence in merged] == [
        ["He", "met", "Maj", ".", "Gen.", "Lee", "."]
    ]
