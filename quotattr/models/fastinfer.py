"""Inference speed-ups for one stanza pipeline: the same operations, fewer copies and no autograd.

Measured on ggt-dev (issue 20, docs/benchmarks.md "Speed (issue 20)"): the parses, tags and
entities of a whole corpus came out identical to stanza's own code. Every change is made on the
objects of one pipeline (instance attributes), never on stanza's classes, so other pipelines in the
process keep stanza's behaviour; :func:`remove` undoes them.

- **inference mode**: ``Pipeline.process`` (which ``__call__`` and ``bulk_process`` go through) runs
  under ``torch.inference_mode`` instead of the processors' ``no_grad`` alone.
- **pairwise biaffine scorers** (the parser's arc and label scorers, ``PairwiseBilinear``): stanza
  computes ``einsum("NLI,IJO->NLJO")`` then ``einsum("NLJO,NMJ->NLMO")``, and the second einsum
  copies the large ``N×L×J×O`` intermediate into a batched-matmul layout (the label scorer's is
  ``words × 201 × 55`` floats). Here the weight is stored once as ``I×O×J``, so the intermediate
  comes out of one matrix multiply already in that layout and one ``bmm`` finishes; the result is a
  permuted view with the same shape ``N×L×M×O``.
- **POS feature scorers** (``BiaffineScorer`` over ``nn.Bilinear``, :func:`grouped_forward`): the
  XPOS and feature scorers are bilinear in a word's hidden state and its *UPOS tag's embedding*,
  which takes one of at most 18 values in a batch. For each distinct parent row the weight is
  contracted with it once (``out × in1``), and each word needs only a matrix-vector product with
  its group's matrix: about 50× fewer multiplications for the XPOS scorer than the full bilinear
  (15× faster measured on a 2,000-word batch). Where the second input has more than
  :data:`MAX_GROUPS` distinct rows, the one-matmul form of
  :func:`quotattr.models.fastbilinear._fast_forward` is used.
- **memoised vocabularies** (:func:`memoize_vocabs`): stanza turns every character, word and tag
  into an id and every predicted feature bundle back into text one Python call at a time (about
  800,000 look-ups for 15 news articles, and a 21-way string join per word for the features). The
  pipeline's vocabularies get a bounded cache (:data:`MEMO_SIZE` entries each) in front of those
  two methods; a vocabulary does not change during inference, so the answers are the same.
"""

from __future__ import annotations

import functools
import types
from typing import Any

__all__ = [
    "MAX_GROUPS",
    "MEMO_SIZE",
    "apply",
    "grouped_forward",
    "int8",
    "memoize_vocabs",
    "pairwise_forward",
    "remove",
]

#: entries of each vocabulary cache (:func:`memoize_vocabs`)
MEMO_SIZE = 1 << 15  # ~3 MB per vocabulary at most: characters, tags and the frequent words

#: above this many distinct rows of a biaffine scorer's second input, :func:`grouped_forward`
#: falls back to the plain matrix form (UPOS, the POS scorers' parent, has 17 tags + padding)
MAX_GROUPS = 64

_MARK = "quotattr_fastinfer"


def pairwise_forward(self: Any, input1: Any, input2: Any) -> Any:
    """``PairwiseBilinear.forward`` (``N×L×I``, ``N×M×J`` → ``N×L×M×O``) as one matmul and one bmm."""
    import torch

    weight = self.weight
    cached = self.__dict__.get("_quotattr_w_ioj")
    if cached is None or cached[0] is not weight or cached[1] != weight._version:
        cached = (weight, weight._version, weight.detach().permute(0, 2, 1).contiguous())
        self.__dict__["_quotattr_w_ioj"] = cached
    w_ioj = cached[2]
    n, length, i = input1.shape
    _, o, j = w_ioj.shape
    inter = (input1.reshape(n * length, i) @ w_ioj.reshape(i, o * j)).view(n, length * o, j)
    out = torch.bmm(inter, input2.transpose(1, 2)).view(n, length, o, input2.shape[1]).permute(0, 1, 3, 2)
    return out + self.bias


def _distinct_rows(rows: Any) -> tuple[Any, Any] | None:
    """(the distinct rows of the matrix ``rows``, each row's index among them), or None when there
    are more than :data:`MAX_GROUPS`. Rows are told apart by one random projection (a 1-D sort
    instead of ``torch.unique(dim=0)``'s row sort, which cost as much as the scorers it served); the
    grouping is then checked row by row, so a collision can only send the caller to the plain form."""
    import torch

    if rows.shape[0] == 0:
        return None
    generator = torch.Generator().manual_seed(20)
    probe = torch.randn(rows.shape[1], generator=generator, dtype=torch.float64)
    keys, group = torch.unique(rows.double() @ probe, return_inverse=True)
    if keys.shape[0] > MAX_GROUPS:
        return None
    first = torch.full((keys.shape[0],), rows.shape[0], dtype=torch.long)
    first.scatter_reduce_(0, group, torch.arange(rows.shape[0]), reduce="amin")
    parents = rows[first]
    if not torch.equal(parents[group], rows):
        return None
    return parents, group


def grouped_forward(self: Any, input1: Any, input2: Any) -> Any:
    """``BiaffineScorer.forward`` (``[x1; 1]ᵀ W [x2; 1] + b``) computed per distinct row of
    ``input2``: the scorer's weight is contracted with each distinct parent once, then every word
    takes one matrix-vector product. Same values up to float rounding."""
    import torch

    from quotattr.models.fastbilinear import _fast_forward

    lead = input1.shape[:-1]
    x1 = input1.reshape(-1, input1.shape[-1])
    x2 = input2.reshape(-1, input2.shape[-1])
    groups = _distinct_rows(x2)
    if groups is None:
        return _fast_forward(self, input1, input2)
    parents, group = groups
    weight = self.W_bilin.weight  # out, in1 + 1, in2 + 1
    out = weight.shape[0]
    parents = torch.cat([parents, parents.new_ones(parents.shape[0], 1)], 1)
    per_parent = torch.einsum("oij,kj->koi", weight, parents)  # distinct parents, out, in1 + 1
    x1 = torch.cat([x1, x1.new_ones(x1.shape[0], 1)], 1)
    order = torch.argsort(group)
    y = x1.new_empty(x1.shape[0], out)
    start = 0
    for k, count in enumerate(torch.bincount(group, minlength=parents.shape[0]).tolist()):
        if count:
            rows = order[start : start + count]
            y[rows] = x1[rows] @ per_parent[k].T
            start += count
    return (y + self.W_bilin.bias).view(*lead, out)


def _vocabularies(pipeline: Any) -> list[Any]:
    """Every stanza vocabulary the pipeline's processors, trainers and models hold (once each)."""
    from stanza.models.common.vocab import BaseMultiVocab, BaseVocab

    found: dict[int, Any] = {}
    for processor in getattr(pipeline, "processors", {}).values():
        trainer = getattr(processor, "trainer", None)
        for owner in (processor, trainer, getattr(trainer, "model", None)):
            for value in vars(owner).values() if owner is not None else ():
                if isinstance(value, BaseMultiVocab):
                    candidates = list(value._vocabs.values())
                elif isinstance(value, BaseVocab):
                    candidates = [value]
                elif isinstance(getattr(type(value), "vocab", None), property):  # a Pretrain
                    candidates = [value.vocab]
                else:
                    continue
                for vocab in candidates:
                    if isinstance(vocab, BaseVocab):
                        found.setdefault(id(vocab), vocab)
    return list(found.values())


def _cached(function: Any, key: Any = None, wrap: Any = None) -> Any:
    """``function`` behind a bounded cache: a value is looked up by ``key(value)`` (the value
    itself by default) and the cached result handed out as ``wrap(result)``; a value that cannot be
    a key goes straight to ``function``."""
    cache = functools.lru_cache(maxsize=MEMO_SIZE)(function if wrap is None else lambda k: tuple(function(k)))

    def lookup(value: Any) -> Any:
        try:
            found = cache(value if key is None else key(value))
        except TypeError:  # unhashable
            return function(value)
        return found if wrap is None else wrap(found)

    return lookup


def _memoize(vocab: Any) -> None:
    from stanza.models.common.vocab import CompositeVocab

    if _MARK in vars(vocab):
        return
    if isinstance(vocab, CompositeVocab):  # ids are lists: cached as tuples, handed out as new lists
        vocab.unit2id = _cached(vocab.unit2id, wrap=list)
        vocab.id2unit = _cached(vocab.id2unit, key=lambda ids: tuple(ids) if isinstance(ids, list) else ids)
    else:  # ids are ints; id2unit is already a list index
        vocab.unit2id = _cached(vocab.unit2id)
    setattr(vocab, _MARK, True)


def memoize_vocabs(pipeline: Any) -> int:
    """Put a bounded cache in front of the ``unit2id`` (and, for feature bundles, ``id2unit``) of
    every vocabulary of ``pipeline`` (idempotent); returns how many vocabularies it covers."""
    vocabs = _vocabularies(pipeline)
    for vocab in vocabs:
        _memoize(vocab)
    return len(vocabs)


def _forget(pipeline: Any) -> None:
    for vocab in _vocabularies(pipeline):
        if vars(vocab).pop(_MARK, None):
            vars(vocab).pop("unit2id", None)
            vars(vocab).pop("id2unit", None)


def _modules(pipeline: Any) -> list[tuple[str, Any]]:
    out: list[tuple[str, Any]] = []
    for name in ("depparse", "pos"):
        processor = getattr(pipeline, "processors", {}).get(name)
        model = getattr(getattr(processor, "trainer", None), "model", None)
        if model is not None:
            out.extend((type(m).__name__, m) for m in model.modules())
    return out


def apply(pipeline: Any) -> None:
    """Install the speed-ups on ``pipeline`` (idempotent)."""
    import torch

    memoize_vocabs(pipeline)
    for kind, module in _modules(pipeline):
        if kind == "PairwiseBilinear":
            module.forward = types.MethodType(pairwise_forward, module)
        elif kind == "BiaffineScorer":
            module.forward = types.MethodType(grouped_forward, module)
    if _MARK in vars(pipeline):
        return
    process = pipeline.process

    def infer(*args: Any, **kwargs: Any) -> Any:
        with torch.inference_mode():
            return process(*args, **kwargs)

    pipeline.process = infer
    setattr(pipeline, _MARK, True)


def remove(pipeline: Any) -> None:
    """Give ``pipeline`` back stanza's own code (for side-by-side measurements)."""
    _forget(pipeline)
    for kind, module in _modules(pipeline):
        if kind in ("PairwiseBilinear", "BiaffineScorer"):
            module.__dict__.pop("forward", None)
            module.__dict__.pop("_quotattr_w_ioj", None)
    if vars(pipeline).pop(_MARK, None):
        vars(pipeline).pop("process", None)


def quantize(pipeline: Any, processors: tuple[str, ...] = ("pos", "depparse", "ner")) -> list[str]:
    """Opt-in, **changes answers slightly**: int8 dynamic quantisation
    (``torch.ao.quantization.quantize_dynamic``) of the LSTMs and linear layers of ``processors``'
    models in ``pipeline``, in place. Weights become int8, activations are quantised on the fly.
    Returns the processors changed. Measured in docs/benchmarks.md, "Speed (issue 20)"; quotattr
    never calls it itself."""

    done: list[str] = []
    for name in processors:
        processor = getattr(pipeline, "processors", {}).get(name)
        trainer: Any = getattr(processor, "trainer", None)
        model = getattr(trainer, "model", None)
        if model is None:
            continue
        trainer.model = int8(model, inplace=True)
        done.append(name)
    return done


def int8(module: Any, *, inplace: bool = False) -> Any:
    """``module`` (a copy, or itself with ``inplace``) with its LSTMs and linear layers int8
    dynamically quantised: weights int8, activations quantised on the fly
    (``torch.ao.quantization.quantize_dynamic``)."""
    import torch
    from torch import nn

    quantize_dynamic: Any = torch.ao.quantization.quantize_dynamic  # untyped in torch
    return quantize_dynamic(module, {nn.LSTM, nn.Linear}, dtype=torch.qint8, inplace=inplace)
