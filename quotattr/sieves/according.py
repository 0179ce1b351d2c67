""" "according to X" sources, at the front, in the middle or at the end of a sentence.

>>> # "The rooms will be in Kirkuk, according to Gen. Yehia Rasool."  → content "The rooms will be in Kirkuk"
"""

from __future__ import annotations

from quotattr.mentions import np_right
from quotattr.model import QuoteKind
from quotattr.quotes import QuoteSpan
from quotattr.sieves import Candidate, Context
from quotattr.sieves.indirect import SpanIndex

__all__ = ["according_to"]

EDGE = frozenset({".", ",", ";", ":", "—", "–", "(", ")"})


def according_to(ctx: Context) -> list[Candidate]:
    view = ctx.view
    out: list[Candidate] = []
    words = view.words
    quotes, fragments = SpanIndex(ctx.quotes), SpanIndex(ctx.fragments)
    openings: dict[int, QuoteSpan] = {}  # the first quote (sentence-level, then embedded) opening at each character
    for q in (*ctx.quotes, *ctx.fragments):
        openings.setdefault(q.start, q)
    for i, w in enumerate(words[:-1]):
        if w.text.lower() != "according" or words[i + 1].text.lower() != "to" or i in ctx.claimed_cues:
            continue
        if ctx.in_verbatim(w.start) or not ctx.in_body(w.start):
            continue
        s_first, s_stop = view.clause_bounds(i)
        s_last = s_stop - 1
        # a quote ending just before the sentence splits it: start after it (the latest such end
        # decides, as a scan from the first quote on moves the start to each in turn)
        closed = quotes.last_end(w.start)
        if closed is not None and closed > words[s_first].start:
            s_first = view.first_word_from(closed)
        source = np_right(view, i + 2, ctx.lex, s_last + 1) or _up_to_comma(view, i + 2, s_last)
        if source is None:
            continue
        parts: list[tuple[int, int]] = []
        before = _trimmed(view, s_first, i - 1)
        after = _trimmed(view, source[1] + 1, s_last)
        if before is not None:
            parts.append(before)
        if after is not None:
            parts.append(after)
        if not parts:
            continue
        spans = [(words[a].start, words[b].end) for a, b in parts]
        if quotes.overlaps(spans[0][0], spans[-1][1]):
            continue  # a direct quote: the direct sieves own it
        content: list[tuple[int, int]] = spans
        quote: QuoteSpan | None = None
        opened = openings.get(words[after[0]].start) if before is None and after is not None else None
        if opened is not None and after is not None and opened.end >= words[after[1]].end:
            # "According to Limbaugh, “[I]f it was left up to Hillary … in it.'”": the quote is the content
            content, quote, kind = list(opened.parts), opened, QuoteKind.DIRECT
        elif any(fragments.contains_one(a, b) for a, b in spans):
            kind = QuoteKind.MIXED
        else:
            kind = QuoteKind.INDIRECT
        out.append(
            Candidate(
                content=content,
                kind=kind,
                sieve="according_to",
                confidence=0.9,
                sentence=w.sent,
                cue=(w.start, words[i + 1].end),
                cue_lemma="according to",
                cue_word=i,
                mention=source,
                quote=quote,
            )
        )
        ctx.claimed_cues.add(i)
    return out


def _trimmed(view, first: int, last: int) -> tuple[int, int] | None:  # type: ignore[no-untyped-def]
    while first <= last and view.words[first].text in EDGE:
        first += 1
    while last >= first and view.words[last].text in EDGE:
        last -= 1
    if last - first < 1:
        return None
    return first, last


def _up_to_comma(view, first: int, last: int) -> tuple[int, int] | None:  # type: ignore[no-untyped-def]
    """The words after "according to" up to a comma or the sentence end (when POS tags misfire)."""
    k = first
    while k <= last and view.words[k].text not in (",", ".", ";", ":") and k - first < 12:
        k += 1
    return (first, k - 1) if k > first else None
