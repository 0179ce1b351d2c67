"""Issue 20: the two-pass pipeline (the parser only where a report can be) and the inference
speed-ups, on the real bundled stanza models: same parses where parsed, a defined state elsewhere,
the same attributions."""

from __future__ import annotations

from typing import Any

import pytest

from quotattr.lexicons import Lexicons
from quotattr.nlp import UNPARSED_DEPREL, report_sentences, set_parse_scope

TEXT = (
    "Heavy rain flooded the valley on Monday. Roads were closed near the river and schools stayed shut. "
    "The storm moved east overnight. Crews worked through the night to clear fallen trees. "
    "“We have never seen water this high,” Mayor Ellen Park said at a news conference on Tuesday. "
    "The province sent two helicopters. Farmers in the region lost much of the harvest. "
    "Prices for vegetables rose sharply in the weeks that followed. Officials expect the cost to climb. "
    "According to the weather service, more rain is expected this weekend. The river peaked late on Wednesday."
)
FIELDS = ("text", "upos", "xpos", "feats", "lemma", "head", "deprel")


def _words(doc: Any) -> list[list[tuple[Any, ...]]]:
    return [[tuple(getattr(w, f) for f in FIELDS) for w in s.words] for s in doc.sentences]


def _ner(doc: Any) -> list[list[str]]:
    return [[t.ner for t in s.tokens] for s in doc.sentences]


@pytest.fixture(scope="module")
def both(extractor):  # type: ignore[no-untyped-def]
    """TEXT annotated by the shared extractor's pipeline with every sentence parsed, then two-pass."""
    assert extractor.parse_scope == "reports"
    try:
        set_parse_scope(extractor.nlp, "all")
        full = extractor.annotate(TEXT)
    finally:
        set_parse_scope(extractor.nlp, extractor.parse_scope, extractor.lexicons)
    return full, extractor.annotate(TEXT)


def test_selection_quote_cue_according_to_and_neighbours(both) -> None:  # type: ignore[no-untyped-def]
    full, _ = both
    lex = Lexicons.default()
    # the quote with "said" (4) and "According to" (9); "expect" (8) is no cue of the lexicon
    assert [k for k, hit in enumerate(report_sentences(full.sentences, lex, 0)) if hit] == [4, 9]
    assert [k for k, hit in enumerate(report_sentences(full.sentences, lex)) if hit] == [3, 4, 5, 8, 9, 10]


def test_parsed_sentences_keep_their_parse_and_the_rest_is_flat(both) -> None:  # type: ignore[no-untyped-def]
    full, two = both
    keep = report_sentences(full.sentences, Lexicons.default())
    assert _ner(full) == _ner(two)  # POS, lemmas and entities everywhere
    for k, (a, b) in enumerate(zip(_words(full), _words(two), strict=True)):
        if keep[k]:
            assert a == b
        else:
            assert [w[:5] for w in a] == [w[:5] for w in b]
            assert all(w[5:] == (0, UNPARSED_DEPREL) for w in b)  # every word its own root, relation "dep"
    assert sum(keep) < len(keep)


def test_same_attributions_and_exact_spans(extractor, both) -> None:  # type: ignore[no-untyped-def]
    full, two = both
    a, b = extractor(full).to_dict(), extractor(two).to_dict()
    assert a == b
    assert [x["cue"]["lemma"] for x in b["attributions"]] == ["say", "according to"]
    for att in extractor(two).attributions:
        for span in (*att.content, att.mention, att.cue.span if att.cue else None):
            if span is not None:
                assert TEXT[span.start : span.end] == span.text


def test_learned_cue_class_parses_everything(extractor) -> None:  # type: ignore[no-untyped-def]
    base = extractor.lexicons
    try:
        extractor.lexicons = base.extend(cue_classes=base.cue_classes | {"learned"})
        assert extractor.parse_scope == "all"
        assert "quotattr_scope" not in vars(extractor.nlp.processors["depparse"])
        doc = extractor.annotate(TEXT)
        assert all(w.deprel != UNPARSED_DEPREL or w.head != 0 for s in doc.sentences for w in s.words)
    finally:
        extractor.lexicons = base
    assert extractor.parse_scope == "reports"
    assert "quotattr_scope" in vars(extractor.nlp.processors["depparse"])


def test_parse_setting_can_change(extractor) -> None:  # type: ignore[no-untyped-def]
    try:
        extractor.parse = "all"
        assert extractor.parse_scope == "all"
        assert "quotattr_scope" not in vars(extractor.nlp.processors["depparse"])
        with pytest.raises(ValueError, match="parse must be"):
            extractor.parse = "verbs"
    finally:
        extractor.parse = "auto"
    assert "quotattr_scope" in vars(extractor.nlp.processors["depparse"])


def test_parse_argument_is_checked() -> None:
    from quotattr import Extractor

    with pytest.raises(ValueError, match="parse must be"):
        Extractor(parse="some")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="parse scope"):
        set_parse_scope(object(), "nouns")


def test_speedups_give_stanzas_own_annotations(extractor) -> None:  # type: ignore[no-untyped-def]
    from quotattr.models import fastinfer

    nlp = extractor.nlp
    try:
        set_parse_scope(nlp, "all")
        fast = nlp(TEXT)
        fastinfer.remove(nlp)
        assert "process" not in vars(nlp)
        stock = nlp(TEXT)
    finally:
        fastinfer.apply(nlp)
        set_parse_scope(nlp, extractor.parse_scope, extractor.lexicons)
    assert _words(fast) == _words(stock)
    assert _ner(fast) == _ner(stock)


def test_pairwise_scorer_matches_stanzas_einsum() -> None:
    import torch
    from stanza.models.common.biaffine import PairwiseBilinear

    from quotattr.models.fastinfer import pairwise_forward

    torch.manual_seed(0)
    layer = PairwiseBilinear(7, 7, 5)
    torch.nn.init.normal_(layer.weight)
    torch.nn.init.normal_(layer.bias)
    x1, x2 = torch.randn(3, 6, 7), torch.randn(3, 6, 7)
    with torch.no_grad():
        expected = layer(x1, x2)
        got = pairwise_forward(layer, x1, x2)
        assert got.shape == expected.shape == (3, 6, 6, 5)
        assert torch.allclose(got, expected, atol=1e-5)
        layer.weight.add_(1.0)  # a changed weight is picked up, not the cached copy
        assert torch.allclose(pairwise_forward(layer, x1, x2), layer(x1, x2), atol=1e-4)


def test_int8_option_still_extracts() -> None:
    """The opt-in int8 quantisation (answers may change slightly) keeps the pipeline working."""
    from quotattr import Extractor
    from quotattr.models import fastinfer

    ex = Extractor(models="bundled")
    assert fastinfer.quantize(ex.nlp) == ["pos", "depparse", "ner"]
    result = ex(TEXT)
    assert {a.cue.lemma for a in result.attributions if a.cue} >= {"say", "according to"}
    for att in result.attributions:
        for span in att.content:
            assert TEXT[span.start : span.end] == span.text
