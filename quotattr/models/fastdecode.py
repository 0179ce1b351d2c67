"""Faster cycle search in stanza's tree decoder (same trees, a fraction of the time).

stanza's parser decodes every sentence with Chu-Liu-Edmonds
(``stanza.models.common.chuliu_edmonds``), which looks for cycles in the greedy head choice with a
general-purpose Tarjan search written over numpy scalars: on a news article about a quarter of the
whole parser's time. A head array is a *functional* graph (each word has exactly one head), so
its cycles are found by walking each word's head chain once. :func:`find_cycles` returns exactly
what stanza's ``tarjan`` returns — the same boolean masks, in the same order (by the smallest word
index of each cycle, the order in which Tarjan's search from word 0, 1, 2 … completes them), one-word
loops left out — so the decoder contracts the same cycles and builds the same trees.
:func:`install` puts it in place of ``tarjan`` for this process (idempotent); the bundled pipeline
installs it (:func:`quotattr.nlp.build_pipeline`).
"""

from __future__ import annotations

from typing import Any

__all__ = ["STOCK_TARJAN", "find_cycles", "install"]

_UNSEEN, _ON_PATH, _DONE = 0, 1, 2


def find_cycles(tree: Any) -> list[Any]:
    """The cycles of the head array ``tree`` (``tree[i]`` is the head of word ``i``; ``tree[0] == 0``)
    as boolean masks, ordered by their smallest member; one-word loops are not cycles."""
    import numpy as np

    heads = [int(h) for h in tree]
    n = len(heads)
    state = [_UNSEEN] * n
    found: list[tuple[int, Any]] = []
    for start in range(n):
        if state[start] != _UNSEEN:
            continue
        path: list[int] = []
        i = start
        while state[i] == _UNSEEN:
            state[i] = _ON_PATH
            path.append(i)
            i = heads[i]
        if state[i] == _ON_PATH:  # the walk closed on itself: path[from i] is a cycle
            members = path[path.index(i) :]
            if len(members) > 1:
                mask = np.zeros(n, dtype=bool)
                mask[members] = True
                found.append((min(members), mask))
        for j in path:
            state[j] = _DONE
    found.sort(key=lambda item: item[0])
    return [mask for _, mask in found]


#: stanza's own ``tarjan``, kept by :func:`install` (for comparison; None until installed)
STOCK_TARJAN: Any = None


def install() -> None:
    """Use :func:`find_cycles` in stanza's Chu-Liu-Edmonds decoder (this process)."""
    global STOCK_TARJAN
    from stanza.models.common import chuliu_edmonds

    if chuliu_edmonds.tarjan is not find_cycles:
        STOCK_TARJAN = chuliu_edmonds.tarjan
        chuliu_edmonds.tarjan = find_cycles
