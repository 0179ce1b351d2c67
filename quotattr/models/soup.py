"""Average the weights of stanza models fine-tuned from the same start (a "model soup").

Runs that continue one model on different data end near each other; the mean of their weights is
often better than any one of them, at no cost at inference (Wortsman et al. 2022, "Model soups").
The models must share their vocabularies and parameter names (each was warm-started from the same
file with the same pretrain): anything else is refused. Floating-point tensors are averaged in
float32 and stored in the first model's dtype; the rest (configuration, vocabularies, integer
tensors) is the first model's.

usage: python -m quotattr.models.soup OUT.pt IN1.pt IN2.pt [IN3.pt ...]
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

__all__ = ["SoupError", "average_models", "main"]


class SoupError(ValueError):
    """The models cannot be averaged: different vocabularies, parameters or shapes."""


def average_models(models: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """The first model's file contents with ``model`` (its state dict) replaced by the mean of all."""
    import torch

    if len(models) < 2:
        raise SoupError(f"a soup needs at least two models, got {len(models)}")
    first = models[0]
    for k, other in enumerate(models[1:], 2):
        if other.get("vocab") != first.get("vocab"):
            raise SoupError(f"model {k} has another vocabulary than model 1")
        if other["model"].keys() != first["model"].keys():
            raise SoupError(f"model {k} has other parameters than model 1")
        for name, value in first["model"].items():
            if other["model"][name].shape != value.shape:
                raise SoupError(f"model {k}: {name} is {tuple(other['model'][name].shape)}, not {tuple(value.shape)}")
    state: dict[str, Any] = {}
    for name, value in first["model"].items():
        if torch.is_floating_point(value):
            total = sum((m["model"][name].float() for m in models), torch.zeros_like(value, dtype=torch.float32))
            state[name] = (total / len(models)).to(value.dtype)
        else:
            state[name] = value
    return {**first, "model": state}


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m quotattr.models.soup", description=__doc__.split("\n\n")[0])
    ap.add_argument("out", type=Path, help="the averaged model file")
    ap.add_argument("models", nargs="+", type=Path, help="model files fine-tuned from the same start")
    args = ap.parse_args(argv)
    import torch

    # our own training outputs (stanza stores vocabularies as plain objects, so not weights_only)
    models = [torch.load(p, map_location="cpu", weights_only=False) for p in args.models]
    try:
        soup = average_models(models)
    except SoupError as exc:
        print(f"soup: {exc}", file=sys.stderr)
        return 2
    args.out.parent.mkdir(parents=True, exist_ok=True)
    torch.save(soup, args.out)
    print(f"soup of {len(models)} models -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
