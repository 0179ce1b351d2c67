"""The network: embeddings of categorical word features → BiLSTM → per-word tag scores, and the
constrained BIO decoding of those scores into spans."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import torch
from torch import nn

__all__ = [
    "CRF",
    "CUE_TAGS",
    "ROLE_TAGS",
    "Tagger",
    "Vocab",
    "crf_marginals",
    "decode_bio",
    "ensemble_log_probs",
    "repair_bio",
    "spans_of",
    "valid_bio",
]

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


def _bio_penalties(tags: Sequence[str]) -> tuple[torch.Tensor, torch.Tensor]:
    """Additive scores that forbid what BIO forbids: ``[from, to]`` transitions into ``I-X`` from
    anything but ``B-X`` / ``I-X``, and a sequence that starts with ``I-X``."""
    k = len(tags)
    trans = torch.zeros(k, k)
    for i, a in enumerate(tags):
        for j, b in enumerate(tags):
            if b.startswith("I-") and (a == "O" or a[2:] != b[2:]):
                trans[i, j] = -1e4
    start = torch.tensor([-1e4 if t.startswith("I-") else 0.0 for t in tags])
    return trans, start


class CRF(nn.Module):
    """A linear-chain CRF over BIO tags: learned transition, start and end scores (the transitions
    BIO forbids are fixed at -10⁴). Trained by its negative log-likelihood (:meth:`nll`); read at
    inference through per-word **marginal** log-probabilities (:meth:`log_marginals`, forward-backward),
    so that a CRF tagger and a softmax tagger give the same kind of output and can be averaged in one
    ensemble and decoded by :func:`decode_bio` alike."""

    def __init__(self, tags: Sequence[str]) -> None:
        super().__init__()
        k = len(tags)
        self.trans = nn.Parameter(torch.zeros(k, k))
        self.start = nn.Parameter(torch.zeros(k))
        self.end = nn.Parameter(torch.zeros(k))
        # constants, not state: never in a checkpoint
        self.trans_penalty, self.start_penalty = _bio_penalties(tags)

    def _scores(self) -> tuple[torch.Tensor, torch.Tensor]:
        return self.trans + self.trans_penalty, self.start + self.start_penalty

    def nll(self, em: torch.Tensor, tags: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        """Negative log-likelihood of ``tags`` [batch, time] under emissions ``em`` [batch, time, tags],
        summed over the batch and divided by its words; ``mask`` [batch, time] marks the real words
        (each row starts with one)."""
        trans, start = self._scores()
        tags = tags.clamp(min=0)
        b, t_len, _ = em.shape
        rows = torch.arange(b)
        gold = start[tags[:, 0]] + em[rows, 0, tags[:, 0]]
        alpha = start[None, :] + em[:, 0]
        for t in range(1, t_len):
            m = mask[:, t]
            step = trans[tags[:, t - 1], tags[:, t]] + em[rows, t, tags[:, t]]
            gold = gold + step * m
            nxt = torch.logsumexp(alpha[:, :, None] + trans[None], dim=1) + em[:, t]
            alpha = torch.where(m[:, None], nxt, alpha)
        last = tags[rows, mask.sum(dim=1) - 1]
        gold = gold + self.end[last]
        log_z = torch.logsumexp(alpha + self.end[None, :], dim=1)
        return (log_z - gold).sum() / mask.sum()  # per word, the scale of a softmax tagger's loss

    def log_marginals(self, em: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        """Per word, the log marginal probability of each tag (forward-backward); [batch, time, tags]."""
        trans, start = self._scores()
        return crf_marginals(em, mask, trans, start, self.end)


def crf_marginals(
    em: torch.Tensor, mask: torch.Tensor, trans: torch.Tensor, start: torch.Tensor, end: torch.Tensor
) -> torch.Tensor:
    """Forward-backward over emissions ``em`` [batch, time, tags] (``mask`` [batch, time] marks the
    real words) with ``trans`` [from, to], ``start`` and ``end`` scores: per word, the log marginal
    probability of each tag (padding positions hold no meaning).

    It runs in probability space, each step's forward and backward vectors rescaled to sum to one (a
    word's marginals are its two vectors' product, normalised): one small matrix product a step,
    about three times faster than the same recursion in log space."""
    e = torch.exp(trans)
    p = torch.exp(em - em.amax(dim=-1, keepdim=True))
    t_len = em.shape[1]
    a = torch.exp(start)[None, :] * p[:, 0]
    a = a / a.sum(-1, keepdim=True)
    alphas = [a]
    for t in range(1, t_len):
        n = (a @ e) * p[:, t]
        a = torch.where(mask[:, t, None], n / n.sum(-1, keepdim=True), a)
        alphas.append(a)
    b = torch.exp(end)[None, :].expand_as(a)
    b = b / b.sum(-1, keepdim=True)
    betas = [b]
    et = e.t()
    for t in range(t_len - 1, 0, -1):
        n = (p[:, t] * b) @ et
        b = torch.where(mask[:, t, None], n / n.sum(-1, keepdim=True), b)
        betas.append(b)
    betas.reverse()
    m = torch.stack(alphas, dim=1) * torch.stack(betas, dim=1)
    return torch.log((m / m.sum(-1, keepdim=True)).clamp_min(1e-30))


def _word_mask(x: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
    """[batch, time]: True at the real words of each padded sequence of ``x``."""
    return torch.arange(x.shape[1])[None, :] < lengths[:, None]


def ensemble_log_probs(taggers: Sequence[Tagger], x: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
    """Per word, the ensemble's log-probability of each tag. Softmax members alone: the mean of their
    log-probabilities. With CRF members: one chain whose scores are the members' mean — each CRF's
    emissions and transition / start / end scores, each softmax member's log-probabilities as
    emissions with no transition scores (a product of experts) — read through its marginals: one
    forward-backward however many members. (For CRF members the mean of each member's marginals
    gave the same held-out figures at a forward-backward per member; a softmax member mixed into a
    product with CRFs lost 2 points, docs/models.md.)"""
    if all(t.crf is None for t in taggers):
        lp = taggers[0].log_probs(x, lengths)
        for other in taggers[1:]:
            lp = lp + other.log_probs(x, lengths)
        return lp / len(taggers)
    n = len(taggers)
    em = torch.zeros(())
    trans = torch.zeros(())
    start = torch.zeros(())
    end = torch.zeros(())
    for t in taggers:
        scores = t(x, lengths)
        if t.crf is None:
            em = em + torch.log_softmax(scores, dim=-1)
        else:
            em = em + scores
            trans, start, end = trans + t.crf.trans, start + t.crf.start, end + t.crf.end
    crf = next(t.crf for t in taggers if t.crf is not None)
    return crf_marginals(
        em / n, _word_mask(x, lengths), trans / n + crf.trans_penalty, start / n + crf.start_penalty, end / n
    )


class Tagger(nn.Module):
    """One embedding per feature column, concatenated, a 2-layer BiLSTM and a linear tag layer.

    With ``pretrained`` (a frozen [words, dim] matrix, e.g. the bundled stanza pretrain's GloVe
    vectors) the *last* column of the input holds row ids into it, and those vectors join the
    concatenation. The matrix is a plain attribute, not a parameter or buffer: it is never in the
    ``state_dict`` (so never in the checkpoint) and never trained.

    With ``crf_tags`` the tag layer's scores feed a :class:`CRF` over those tags instead of a softmax
    per word."""

    def __init__(
        self,
        sizes: Sequence[int],
        dims: Sequence[int],
        hidden: int,
        n_tags: int,
        dropout: float = 0.3,
        pretrained: torch.Tensor | None = None,
        crf_tags: Sequence[str] = (),
    ):
        super().__init__()
        self.embs = nn.ModuleList(nn.Embedding(n, d, padding_idx=PAD) for n, d in zip(sizes, dims, strict=True))
        self.pretrained = None if pretrained is None else pretrained.detach().float().requires_grad_(False)
        width = sum(dims) + (0 if self.pretrained is None else int(self.pretrained.shape[1]))
        self.drop = nn.Dropout(dropout)
        self.lstm = nn.LSTM(width, hidden, num_layers=2, batch_first=True, bidirectional=True, dropout=dropout)
        self.out = nn.Linear(2 * hidden, n_tags)
        self.crf = CRF(crf_tags) if crf_tags else None

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

    def loss(self, x: torch.Tensor, lengths: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        """Training loss for gold tag ids ``y`` [batch, time] (-1 past each sequence's end)."""
        scores = self(x, lengths)
        if self.crf is not None:
            return self.crf.nll(scores, y, y >= 0)
        return nn.functional.cross_entropy(scores.reshape(-1, scores.shape[-1]), y.reshape(-1), ignore_index=-1)

    def log_probs(self, x: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        """Per word, the log-probability of each tag: the softmax's, or the CRF's marginals."""
        scores = self(x, lengths)
        if self.crf is None:
            return torch.log_softmax(scores, dim=-1)
        return self.crf.log_marginals(scores, _word_mask(x, lengths))


def valid_bio(labels: Sequence[str]) -> bool:
    """True when every ``I-X`` follows ``B-X`` or ``I-X``."""
    prev = "O"
    for lab in labels:
        if lab.startswith("I-") and (prev == "O" or prev[2:] != lab[2:]):
            return False
        prev = lab
    return True


def repair_bio(labels: Sequence[str]) -> list[str]:
    """``labels`` made valid BIO: an ``I-X`` that does not follow ``B-X`` / ``I-X`` opens a span
    (``B-X``)."""
    out: list[str] = []
    for lab in labels:
        if lab.startswith("I-") and (not out or out[-1][2:] != lab[2:]):
            lab = "B-" + lab[2:]
        out.append(lab)
    return out


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
