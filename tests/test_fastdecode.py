"""quotattr.models.fastdecode: the parser decoder's cycle search gives exactly stanza's answer."""

from __future__ import annotations

import random

import numpy as np
from stanza.models.common import chuliu_edmonds

from quotattr.models import fastdecode
from quotattr.models.fastdecode import find_cycles


def _stanza_tarjan():  # type: ignore[no-untyped-def]
    """stanza's own function, whether or not a pipeline built earlier in this process replaced it."""
    return fastdecode.STOCK_TARJAN or chuliu_edmonds.tarjan


def test_hand_made_head_arrays() -> None:
    assert find_cycles(np.array([0, 4, 4, 4, 0])) == []  # "This is a test": a tree
    (cycle,) = find_cycles(np.array([0, 3, 1, 2]))
    assert cycle.tolist() == [False, True, True, True]
    # two cycles, {2, 6} and {4, 5}: listed by their smallest word
    first, second = find_cycles(np.array([0, 0, 6, 0, 5, 4, 2]))
    assert np.flatnonzero(first).tolist() == [2, 6] and np.flatnonzero(second).tolist() == [4, 5]


def test_same_cycles_in_the_same_order_as_stanzas_tarjan() -> None:
    tarjan = _stanza_tarjan()
    assert tarjan is not find_cycles
    rng = random.Random(7)
    for _ in range(3000):
        n = rng.randint(1, 30)
        tree = np.array([0] + [rng.randrange(0, n) for _ in range(n - 1)])
        expected = tarjan(tree)
        got = find_cycles(tree)
        assert len(got) == len(expected)
        assert all((a == b).all() for a, b in zip(got, expected, strict=True))


def test_the_bundled_pipeline_uses_it_in_its_own_parser_only(extractor) -> None:  # type: ignore[no-untyped-def]
    model = extractor.nlp.processors["depparse"].trainer.model
    assert vars(model)["decode_graph_predictions"] is fastdecode.scoped_decoder()
    assert chuliu_edmonds.tarjan is not find_cycles  # stanza's module is untouched


def _stock_one_root():  # type: ignore[no-untyped-def]
    """stanza's one-root decoder over stanza's own cycle search."""
    return chuliu_edmonds.chuliu_edmonds_one_root


def _log_softmax_rows(raw: np.ndarray) -> np.ndarray:
    shifted = raw - raw.max(axis=1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))


def test_greedy_tree_only_when_the_best_heads_are_a_one_root_tree() -> None:
    # word 1 heads the sentence, 2 and 3 hang off it: the greedy choice is that tree
    scores = np.log(
        np.array(
            [
                [0.25, 0.25, 0.25, 0.25],
                [0.7, 0.1, 0.1, 0.1],
                [0.1, 0.7, 0.1, 0.1],
                [0.1, 0.7, 0.1, 0.1],
            ]
        )
    )
    before = scores.copy()
    tree = fastdecode.greedy_tree(scores)
    assert tree is not None and tree.tolist() == [0, 0, 1, 1]
    assert (scores == before).all()  # the caller's scores are not changed
    two_roots = scores.copy()
    two_roots[2] = np.log([0.7, 0.1, 0.1, 0.1])
    assert fastdecode.greedy_tree(two_roots) is None
    cycle = scores.copy()
    cycle[1] = np.log([0.1, 0.1, 0.7, 0.1])  # 1 -> 2 -> 1, and no word on the root
    assert fastdecode.greedy_tree(cycle) is None
    assert fastdecode.greedy_tree(np.zeros((1, 1))) is None


def test_the_fast_path_decodes_exactly_as_stanza() -> None:
    stock = _stock_one_root()
    decode = fastdecode.one_root_decoder(stock)
    rng = np.random.default_rng(11)
    hits = 0
    for trial in range(1500):
        n = int(rng.integers(2, 40))
        raw = rng.normal(size=(n, n))
        if trial % 2:  # parser-like: a confident random tree under noise, so the fast path is taken
            for word in range(1, n):
                raw[word, int(rng.integers(1, word)) if word > 1 else 0] += 6.0
        scores = _log_softmax_rows(raw)
        hits += fastdecode.greedy_tree(scores) is not None
        assert decode(scores).tolist() == stock(scores).tolist()
    assert 300 < hits < 1200  # both paths were exercised
