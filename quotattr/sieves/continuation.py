"""Quotes with no cue of their own.

- ``continuation``: “…,” X said. “…” — a quote later in the same paragraph as an attributed quote,
  with no cue of its own, continues the same speaker (and shares the cue); a paragraph that opens
  with a quote and has no cue inherits the speaker of the previous paragraph's last attribution.
- ``unattributed``: a sentence-level quote of some length that nothing claimed is still reported,
  with no speaker and a low confidence.
"""

from __future__ import annotations

from quotattr.model import QuoteKind
from quotattr.quotes import QuoteSpan
from quotattr.sieves import Candidate, Context

__all__ = ["continuation", "unattributed"]

MIN_UNATTRIBUTED_WORDS = 6


def _attributed_quotes(ctx: Context) -> set[int]:
    return {id(c.quote) for c in ctx.found if c.quote is not None}


def continuation(ctx: Context) -> list[Candidate]:
    view = ctx.view
    done = _attributed_quotes(ctx)
    out: list[Candidate] = []
    for q in ctx.quotes:
        if id(q) in done or not ctx.in_body(q.start):
            continue
        para = view.paragraph_of(q.start)
        earlier = [
            c for c in ctx.found + out if c.start < q.start and (c.mention is not None or c.inherit_from is not None)
        ]
        if not earlier:
            continue
        prev = max(earlier, key=lambda c: c.end)
        prev_para = view.paragraph_of(prev.end - 1)
        p_start, _ = view.paragraph_span(para)
        opens_paragraph = not view.text[p_start : q.start].strip()
        if (
            prev_para == para
            and prev.kind is QuoteKind.DIRECT
            and prev.quote is not None
            and _interrupted(ctx, prev, q)
        ):
            # “By locking in China,” he said, “we …” — one quote interrupted by its attribution
            prev.content.extend(q.parts)
            done.add(id(q))
            continue
        if prev_para == para and prev.kind is QuoteKind.DIRECT:
            cand = Candidate(
                list(q.parts),
                QuoteKind.DIRECT,
                "continuation",
                prev.confidence * 0.95,
                view.words[view.first_word_from(q.start)].sent,
                cue=prev.cue,
                cue_lemma=prev.cue_lemma,
                cue_word=prev.cue_word,
                mention=prev.mention,
                inherit_from=prev,
                quote=q,
            )
        elif prev_para == para - 1 and opens_paragraph:
            cand = Candidate(
                list(q.parts),
                QuoteKind.DIRECT,
                "continuation",
                prev.confidence * 0.8,
                view.words[view.first_word_from(q.start)].sent,
                inherit_from=prev,
                quote=q,
            )
        else:
            continue
        out.append(cand)
        done.add(id(q))
    return out


def _interrupted(ctx: Context, prev: Candidate, q: QuoteSpan) -> bool:
    """Is ``q`` the second half of ``prev``'s quote, after “…,” X said, (a comma, not a full stop)?"""
    text = ctx.view.text
    gap = text[prev.end : q.start]
    if prev.cue is None or not (prev.end <= prev.cue[0] < q.start):
        return False
    tail = gap.rstrip()
    return len(gap) <= 120 and tail.endswith((",", ":", "—", "–")) and "\n" not in gap


def unattributed(ctx: Context) -> list[Candidate]:
    view = ctx.view
    done = _attributed_quotes(ctx)
    out: list[Candidate] = []
    for q in ctx.quotes:
        if id(q) in done or not ctx.in_body(q.start):
            continue
        if any(q.start <= a < q.end for a, _ in ctx.verbatim):
            continue  # a transcript quoted paragraph by paragraph: its turns are attributed already
        n = sum(1 for k in view.words_in(q.start, q.end) if view.words[k].upos != "PUNCT")
        if n < MIN_UNATTRIBUTED_WORDS:
            continue
        first = view.first_word_from(q.start)
        sent = view.words[first].sent if first < len(view.words) else 0
        out.append(Candidate(list(q.parts), QuoteKind.DIRECT, "unattributed", 0.3, sent, quote=q))
    return out
