"""The NER tagger reads words, not tokens (``quotattr.models.nerwords``)."""

from __future__ import annotations

from typing import Any

import pytest

from quotattr.models.nerwords import token_tag


@pytest.mark.parametrize(
    ("words", "token"),
    [
        (["S-PER"], "S-PER"),
        (["O"], "O"),
        (["E-PER", "O"], "E-PER"),  # "Jeanine | Durning ’s"
        (["S-LOC", "O"], "S-LOC"),  # "Toronto ’s"
        (["B-ORG", "O"], "S-ORG"),  # an entity that ends inside the token
        (["B-ORG", "I-ORG"], "B-ORG"),
        (["I-ORG", "E-ORG"], "E-ORG"),
        (["B-ORG", "E-ORG"], "S-ORG"),
        (["I-ORG", "I-ORG"], "I-ORG"),
        (["O", "O"], "O"),  # "We ’ve"
        ([], "O"),
    ],
)
def test_a_token_takes_the_entity_of_its_words(words: list[str], token: str) -> None:
    assert token_tag(words) == token


@pytest.mark.pipeline
def test_a_place_with_a_clitic_is_a_place(extractor: Any) -> None:
    # the tokens "Toronto’s", "Ontario’s", "Canada’s" were tagged PER; their words are what the
    # tagger was trained on
    doc = extractor.annotate(
        "Toronto’s mayor met Ontario’s premier on Friday, and Canada’s finance minister joined them."
    )
    assert [(e.text, e.type) for e in doc.ents] == [("Toronto’s", "LOC"), ("Ontario’s", "LOC"), ("Canada’s", "LOC")]
    for e in doc.ents:
        assert doc.text[e.start_char : e.end_char] == e.text


@pytest.mark.pipeline
def test_word_level_tagging_is_this_pipelines_own_and_changes_nothing_without_clitics(extractor: Any) -> None:
    from stanza.pipeline.ner_processor import NERProcessor

    from quotattr.models import nerwords

    text = "Prime Minister Justin Trudeau met Emmanuel Macron and officials of the World Bank in Paris on Monday."
    processor = extractor._nlp.processors["ner"]
    assert "process" in vars(processor)  # the instance's own, not stanza's class
    assert vars(NERProcessor)["process"] is not nerwords.word_level_process
    on_words = [(e.text, e.type, e.start_char) for e in extractor.annotate(text).ents]
    nerwords.remove(extractor._nlp)
    try:
        assert "process" not in vars(processor)
        on_tokens = [(e.text, e.type, e.start_char) for e in extractor.annotate(text).ents]
    finally:
        nerwords.use_in(extractor._nlp)
    assert on_words == on_tokens  # every token here is one word: the same input, the same tags
    assert ("Justin Trudeau", "PER", 15) in on_words


def test_the_clitic_benchmark_scores_both_tokenisations_on_the_same_entities() -> None:
    from benchmarks.ner_clitics import char_entities, has_clitic
    from quotattr.models.nerextra import merge_clitics

    sent = [("Jeanine", "B-PER"), ("Durning", "I-PER"), ("'s", "O"), ("work", "O"), ("in", "O"), ("Toronto", "B-LOC")]
    assert char_entities(["a", "bb", "c"], ["S-ORG", "B-PER", "E-PER"]) == {(0, 1, "ORG"), (1, 4, "PER")}  # BIOES
    merged = merge_clitics(sent)
    assert [w for w, _ in merged] == ["Jeanine", "Durning's", "work", "in", "Toronto"]
    assert has_clitic(sent) and not has_clitic(merged[:1])
    words = char_entities([w for w, _ in sent], [t for _, t in sent])
    tokens = char_entities([w for w, _ in merged], [t for _, t in merged])
    assert words == {(0, 14, "PER"), (22, 29, "LOC")}
    assert tokens == {(0, 16, "PER"), (22, 29, "LOC")}  # each form is scored against its own gold
