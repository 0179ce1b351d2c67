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
- **POS feature scorers** (``BiaffineScorer`` over ``nn.Bilinear``): one matrix multiply and a
  ``bmm`` over the same parameters (:func:`quotattr.models.fastbilinear._fast_forward`, the
  training-time patch) instead of ``torch.bilinear``.
"""

from __future__ import annotations

import types
from typing import Any

__all__ = ["apply", "int8", "pairwise_forward", "remove"]

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


def _modules(pipeline: Any) -> list[tuple[str, Any]]:
    out: list[tuple[str, Any]] = []
    for name in ("depparse", "pos"):
        processor = getattr(pipeline, "processors", {}).get(name)
        model = getattr(getattr(processor, "trainer", None), "model", None)
        if model is not None:
            out.extend((type(m).__name__, m) for m in model.modules())
    return out


def apply(pipeline: Any) -> None:
    """Install the three speed-ups on ``pipeline`` (idempotent)."""
    import torch

    from quotattr.models.fastbilinear import _fast_forward

    for kind, module in _modules(pipeline):
        if kind == "PairwiseBilinear":
            module.forward = types.MethodType(pairwise_forward, module)
        elif kind == "BiaffineScorer":
            module.forward = types.MethodType(_fast_forward, module)
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
