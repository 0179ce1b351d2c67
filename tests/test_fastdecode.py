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
