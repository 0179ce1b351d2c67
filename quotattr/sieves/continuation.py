"""Quotes with no cue of their own.

- ``continuation``: “…,” X said. “…” — a quote later in the same paragraph as an attributed quote,
  with no cue of its own, continues the same speaker (and shares the cue); a paragraph that opens
  with a quote and has no cue inherits the speaker of the previous paragraph's last attribution.
- ``unattributed``: a sentence-level quote of some length that nothing claimed is still reported,
  with no speaker and a low confidence.
"""

from __future__ import annotations

import bisect
import heapq
import itertools

from quotattr.model import QuoteKind
from quotattr.quotes import QuoteSpan
from quotattr.sieves import Candidate, Context
from quotattr.sieves.direct import _words_inside, is_cue_word

__all__ = ["continuation", "resumed_fragments", "unattributed"]

MIN_UNATTRIBUTED_WORDS = 6


def _attributed_quotes(ctx: Context) -> set[int]:
    return {id(c.quote) for c in ctx.found if c.quote is not None}


def continuation(ctx: Context) -> list[Candidate]:
    resumed_fragments(ctx)
    done = _attributed_quotes(ctx)
    out: list[Candidate] = []
    if any(a.start > b.start for a, b in itertools.pairwise(ctx.quotes)):
        return _continuation_unsorted(ctx, done)
    # the attributed candidates by start, made eligible as the quotes advance; the latest-ending
    # eligible one (the first in ``ctx.found + out`` order among equals) is tracked as they come
    pending = [(c.start, n, c) for n, c in enumerate(ctx.found) if c.mention is not None or c.inherit_from is not None]
    heapq.heapify(pending)
    best: tuple[int, Candidate] | None = None
    for q in ctx.quotes:
        while pending and pending[0][0] < q.start:
            _, n, c = heapq.heappop(pending)
            if best is None or c.end > best[1].end or (c.end == best[1].end and n < best[0]):
                best = (n, c)
        if id(q) in done or not ctx.in_body(q.start):
            continue
        if best is None:
            continue
        cand = _continue(ctx, q, best[1], done)
        if cand is not None:
            heapq.heappush(pending, (cand.start, len(ctx.found) + len(out), cand))
            out.append(cand)
            done.add(id(q))
    return out


def _continuation_unsorted(ctx: Context, done: set[int]) -> list[Candidate]:
    """:func:`continuation` over quotes not sorted by start: a plain scan per quote."""
    out: list[Candidate] = []
    for q in ctx.quotes:
        if id(q) in done or not ctx.in_body(q.start):
            continue
        earlier = [
            c for c in ctx.found + out if c.start < q.start and (c.mention is not None or c.inherit_from is not None)
        ]
        if not earlier:
            continue
        cand = _continue(ctx, q, max(earlier, key=lambda c: c.end), done)
        if cand is not None:
            out.append(cand)
            done.add(id(q))
    return out


def _continue(ctx: Context, q: QuoteSpan, prev: Candidate, done: set[int]) -> Candidate | None:
    """The continuation of ``prev`` by ``q`` (None when ``q`` only resumes ``prev``'s own quote,
    which then takes ``q``'s parts, or does not continue it)."""
    view = ctx.view
    para = view.paragraph_of(q.start)
    prev_para = view.paragraph_of(prev.end - 1)
    p_start, _ = view.paragraph_span(para)
    opens_paragraph = not view.text[p_start : q.start].strip()
    if prev_para == para and prev.kind is QuoteKind.DIRECT and prev.quote is not None and _interrupted(ctx, prev, q):
        # “By locking in China,” he said, “we …” — one quote interrupted by its attribution
        prev.content.extend(q.parts)
        done.add(id(q))
        return None
    if prev_para == para and prev.kind is QuoteKind.DIRECT:
        return Candidate(
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
    if prev_para == para - 1 and opens_paragraph:
        return Candidate(
            list(q.parts),
            QuoteKind.DIRECT,
            "continuation",
            prev.confidence * 0.8,
            view.words[view.first_word_from(q.start)].sent,
            inherit_from=prev,
            quote=q,
        )
    return None


def resumed_fragments(ctx: Context) -> None:
    """“Every time you say that,” Tester said, referring to the excuse, “you give ammunition …”: a
    quoted stretch that resumes an interrupted direct quote mid-sentence (so stage 3 filed it as a
    fragment) and ends the sentence joins that quote's attribution."""
    view = ctx.view
    by_para: dict[int, list[Candidate]] = {}  # direct quotes by the paragraph they start in
    for c in ctx.found:
        if c.kind is QuoteKind.DIRECT and c.quote is not None:
            by_para.setdefault(view.paragraph_of(c.start), []).append(c)
    for f in ctx.fragments:
        if not ctx.in_body(f.start) or not _ends_sentence(view.text, f):
            continue
        para = view.paragraph_of(f.start)
        before = [c for c in by_para.get(para, ()) if c.end <= f.start]
        if before:
            prev = max(before, key=lambda c: c.end)
            if _interrupted(ctx, prev, f) and not _reports_again(ctx, prev, f):
                prev.content.extend(f.parts)


def _reports_again(ctx: Context, prev: Candidate, f: QuoteSpan) -> bool:
    """Does a new report start between the cue and the fragment ("'', she said, but added that …
    ''They weren't living large.''")?"""
    if prev.cue is None:
        return True
    between = ctx.view.words_in(prev.cue[1], f.start)
    return any(
        ctx.view.words[k].text.lower() in ("that", "but", "and") or is_cue_word(ctx.view, k, ctx.lex) for k in between
    )


def _ends_sentence(text: str, q: QuoteSpan) -> bool:
    """Does the quote end its sentence (“… big banks.” / “… banks”.)?"""
    inner = _words_inside(text, q)
    after = text[q.end : q.end + 3].lstrip(" ")
    return inner.endswith((".", "!", "?", "…")) or after[:1] in ("", "\n", ".", "!", "?")


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
    turns = sorted(a for a, _ in ctx.verbatim)
    out: list[Candidate] = []
    for q in ctx.quotes:
        if id(q) in done or not ctx.in_body(q.start):
            continue
        k = bisect.bisect_left(turns, q.start)
        if k < len(turns) and turns[k] < q.end:
            continue  # a transcript quoted paragraph by paragraph: its turns are attributed already
        n = sum(1 for k in view.words_in(q.start, q.end) if view.words[k].upos != "PUNCT")
        if n < MIN_UNATTRIBUTED_WORDS:
            continue
        first = view.first_word_from(q.start)
        sent = view.words[first].sent if first < len(view.words) else 0
        out.append(Candidate(list(q.parts), QuoteKind.DIRECT, "unattributed", 0.3, sent, quote=q))
    return out
