"""quotattr.models.fastinfer: the grouped POS scorers and the memoised vocabularies give stanza's
own values (pure functions on hand-built inputs; the whole pipeline is compared in
tests/test_parse_scope.py)."""

from __future__ import annotations

import pytest

torch = pytest.importorskip("torch")

from stanza.models.common.biaffine import BiaffineScorer  # noqa: E402
from stanza.models.common.vocab import CompositeVocab  # noqa: E402
from stanza.models.pos.vocab import WordVocab  # noqa: E402

from quotattr.models import fastinfer  # noqa: E402


def _scorer(in1: int, in2: int, out: int) -> BiaffineScorer:
    torch.manual_seed(3)
    scorer = BiaffineScorer(in1, in2, out)
    torch.nn.init.normal_(scorer.W_bilin.weight)
    torch.nn.init.normal_(scorer.W_bilin.bias)
    return scorer


def test_grouped_scorer_matches_the_bilinear_on_tag_embeddings() -> None:
    scorer = _scorer(12, 5, 7)
    tags = torch.randn(18, 5)  # a tag embedding table: every parent row is one of 18
    x1 = torch.randn(4, 9, 12)
    x2 = tags[torch.randint(0, 18, (4, 9))]
    with torch.no_grad():
        expected = scorer(x1, x2)
        got = fastinfer.grouped_forward(scorer, x1, x2)
    assert got.shape == expected.shape == (4, 9, 7)
    assert torch.allclose(got, expected, atol=1e-4)


def test_grouped_scorer_falls_back_when_the_parents_are_not_few() -> None:
    scorer = _scorer(6, 4, 3)
    x1, x2 = torch.randn(200, 6), torch.randn(200, 4)  # 200 distinct rows > MAX_GROUPS
    assert fastinfer._distinct_rows(x2) is None
    with torch.no_grad():
        assert torch.allclose(fastinfer.grouped_forward(scorer, x1, x2), scorer(x1, x2), atol=1e-4)
    assert fastinfer._distinct_rows(torch.zeros(0, 4)) is None


def test_distinct_rows_groups_equal_rows_only() -> None:
    rows = torch.tensor([[1.0, 2.0], [3.0, 4.0], [1.0, 2.0], [0.0, 0.0], [3.0, 4.0]])
    groups = fastinfer._distinct_rows(rows)
    assert groups is not None
    parents, group = groups
    assert parents.shape == (3, 2)
    assert torch.equal(parents[group], rows)
    assert group[0] == group[2] and group[1] == group[4] and len(set(group.tolist())) == 3


class _Holder:
    """Stands in for a processor: vocabularies are found among its attributes."""

    def __init__(self, **vocabs: object) -> None:
        self.__dict__.update(vocabs)


class _Pipeline:
    def __init__(self, **vocabs: object) -> None:
        self.processors = {"pos": _Holder(**vocabs)}


def test_memoised_vocabularies_answer_as_before_and_can_be_removed() -> None:
    words = WordVocab([[["Ottawa"], ["said"], ["the"], ["said"]]], idx=0, lower=True)
    feats = CompositeVocab([[["Number=Sing|Person=3"], ["_"], ["Number=Plur"]]], idx=0, sep="|", keyed=True)
    units = ["said", "SAID", "Toronto", "the", None]
    before_words = [words.unit2id(u) for u in units]
    before_feats = [feats.unit2id(u) for u in ("Number=Sing|Person=3", "_", "Number=Plur|Person=1")]
    before_text = [feats.id2unit(ids) for ids in before_feats]
    pipeline = _Pipeline(words=words, feats=feats)
    assert fastinfer.memoize_vocabs(pipeline) == 2
    assert fastinfer.memoize_vocabs(pipeline) == 2  # idempotent
    for _ in range(2):  # the second pass is answered from the caches
        assert [words.unit2id(u) for u in units] == before_words
        assert words.map(units) == before_words
        got = [feats.unit2id(u) for u in ("Number=Sing|Person=3", "_", "Number=Plur|Person=1")]
        assert got == before_feats and all(isinstance(ids, list) for ids in got)
        assert [feats.id2unit(ids) for ids in got] == before_text
    got[0].append(99)  # a caller changing its list does not change the cache
    assert feats.unit2id("Number=Sing|Person=3") == before_feats[0]
    with pytest.raises(AttributeError):  # unhashable: passed through to stanza, which fails as before
        words.unit2id(["not", "hashable"])
    fastinfer._forget(pipeline)
    assert "unit2id" not in vars(words) and "id2unit" not in vars(feats)
