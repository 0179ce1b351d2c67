"""The network: embeddings of categorical word features → BiLSTM → per-word tag scores, and the
constrained BIO decoding of those scores into spans."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import torch
from torch import nn

__all__ = ["CUE_TAGS", "ROLE_TAGS", "Tagger", "Vocab", "decode_bio", "spans_of", "valid_bio"]

CUE_TAGS = ("O", "B-CUE", "I-CUE")
ROLE_TAGS = ("O", "B-SRC", "I-SRC", "B-CON", "I-CON")
PAD, UNK = 0, 1


class Vocab:
    """Strings ↔ ids for one feature; 0 is padding, 1 unknown."""

    def __init__(self, items: Sequence[str]) -> None:
        self.items = list(items)
        self.index = {s: k + 2 for k, s in enumerate(self.items)}

    def __len__(self) -> int:
        return len(self.items) + 2

    def id(self, s: str) -> int:
        return self.index.get(s, UNK)


class Tagger(nn.Module):
    """One embedding per feature column, concatenated, a 2-layer BiLSTM and a linear tag layer.

    With ``pretrained`` (a frozen [words, dim] matrix, e.g. the bundled stanza pretrain's GloVe
    vectors) the *last* column of the input holds row ids into it, and those vectors join the
    concatenation. The matrix is a plain attribute, not a parameter or buffer: it is never in the
    ``state_dict`` (so never in the checkpoint) and never trained."""

    def __init__(
        self,
        sizes: Sequence[int],
        dims: Sequence[int],
        hidden: int,
        n_tags: int,
        dropout: float = 0.3,
        pretrained: torch.Tensor | None = None,
    ):
        super().__init__()
        self.embs = nn.ModuleList(nn.Embedding(n, d, padding_idx=PAD) for n, d in zip(sizes, dims, strict=True))
        self.pretrained = None if pretrained is None else pretrained.detach().float().requires_grad_(False)
        width = sum(dims) + (0 if self.pretrained is None else int(self.pretrained.shape[1]))
        self.drop = nn.Dropout(dropout)
        self.lstm = nn.LSTM(width, hidden, num_layers=2, batch_first=True, bidirectional=True, dropout=dropout)
        self.out = nn.Linear(2 * hidden, n_tags)

    def forward(self, x: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        """``x``: [batch, time, features] ids; ``lengths``: [batch]; returns [batch, time, tags] logits."""
        parts = [e(x[:, :, k]) for k, e in enumerate(self.embs)]
        if self.pretrained is not None:
            parts.append(nn.functional.embedding(x[:, :, -1], self.pretrained))
        emb = torch.cat(parts, dim=-1)
        emb = self.drop(emb)
        packed = nn.utils.rnn.pack_padded_sequence(emb, lengths.cpu(), batch_first=True, enforce_sorted=False)
        out, _ = self.lstm(packed)
        h, _ = nn.utils.rnn.pad_packed_sequence(out, batch_first=True, total_length=x.shape[1])
        return self.out(self.drop(h))  # type: ignore[no-any-return]


def valid_bio(labels: Sequence[str]) -> bool:
    """True when every ``I-X`` follows ``B-X`` or ``I-X``."""
    prev = "O"
    for lab in labels:
        if lab.startswith("I-") and (prev == "O" or prev[2:] != lab[2:]):
            return False
        prev = lab
    return True


def decode_bio(logp: Sequence[Sequence[float]], tags: Sequence[str]) -> list[str]:
    """The best tag sequence under BIO constraints (an ``I-X`` follows ``B-X`` or ``I-X``)."""
    n, k = len(logp), len(tags)
    if n == 0:
        return []
    greedy = [tags[max(range(k), key=row.__getitem__)] for row in logp]
    if valid_bio(greedy):
        return greedy  # the best unconstrained sequence is allowed, so it is the best allowed one
    allowed: list[list[bool]] = []
    for a in tags:
        row = []
        for b in tags:
            row.append(not b.startswith("I-") or (a != "O" and a[2:] == b[2:]))
        allowed.append(row)
    neg = float("-inf")
    score = [lp if not tags[j].startswith("I-") else neg for j, lp in enumerate(logp[0])]
    back: list[list[int]] = []
    for t in range(1, n):
        new = [neg] * k
        ptr = [0] * k
        for j in range(k):
            best, arg = neg, 0
            for i in range(k):
                if allowed[i][j] and score[i] > best:
                    best, arg = score[i], i
            new[j] = best + logp[t][j]
            ptr[j] = arg
        score = new
        back.append(ptr)
    j = max(range(k), key=lambda i: score[i])
    path = [j]
    for ptr in reversed(back):
        j = ptr[j]
        path.append(j)
    path.reverse()
    return [tags[j] for j in path]


def spans_of(labels: Sequence[str]) -> Mapping[str, list[tuple[int, int]]]:
    """Inclusive (first, last) position ranges of each span type in a BIO sequence."""
    out: dict[str, list[tuple[int, int]]] = {}
    start, kind = -1, ""
    for t, lab in enumerate([*labels, "O"]):
        if lab.startswith("I-") and kind == lab[2:]:
            continue
        if kind:
            out.setdefault(kind, []).append((start, t - 1))
            kind = ""
        if lab.startswith("B-") or lab.startswith("I-"):
            start, kind = t, lab[2:]
    return out
