"""Direct quotes: which quotes stand as speech, and the cue + speaker around them.

``classify_quotes`` splits the quote spans of stage 3 into sentence-level quotes (speech reported
verbatim) and embedded fragments (“safety”, scare quotes, titles), which only matter inside reported
speech (MIXED). ``trailing`` and ``leading`` attribute the sentence-level quotes.
"""

from __future__ import annotations

import bisect

from quotattr.document import DocView
from quotattr.lexicons import Lexicons
from quotattr.mentions import is_abbreviation_period, mention_for_cue, np_right
from quotattr.model import QuoteKind
from quotattr.quotes import QuoteSpan, is_quote_char
from quotattr.sieves import Candidate, Context

__all__ = ["ADDRESSEE_CUES", "classify_quotes", "leading", "trailing"]

#: cues whose object is the person addressed ("told reporters")
ADDRESSEE_CUES = frozenset(
    {
        "tell",
        "inform",
        "assure",
        "notify",
        "brief",
        "remind",
        "advise",
        "warn",
        "ask",
        "promise",
        "urge",
        "caution",
        "email",
        "write",
        "text",
        "answer",
        "reply",
        "respond",
        "testify",
    }
)
DASHES = frozenset({"—", "–", "--", "―"})
SENTENCE_END = frozenset({".", "?", "!", "…"})
MAX_TRAILING_WORDS = 40
LOOKBACK_CHARS = 20


def _prev_char(text: str, pos: int, floor: int) -> str | None:
    k = pos - 1
    while k >= floor and text[k].isspace():
        k -= 1
    return text[k] if k >= floor else None


def _word_count(view: DocView, start: int, end: int) -> int:
    return sum(1 for i in view.words_in(start, end) if view.words[i].upos != "PUNCT")


def phrasal_cue(view: DocView, i: int, lex: Lexicons) -> str | None:
    """ "pointed out", "called for": the two-word lexicon entry of a verb and the word after it."""
    w = view.words[i]
    if i + 1 >= len(view.words) or not (w.upos == "VERB" or w.xpos.startswith("VB")):
        return None
    nxt = view.words[i + 1]
    if nxt.upos not in ("ADP", "PART", "ADV", "SCONJ") or nxt.sent != w.sent:
        return None
    return lex.phrasal_cue(w.lemma, w.text, nxt.text)


def is_cue_word(view: DocView, i: int, lex: Lexicons) -> bool:
    """A cue verb of the lexicon; also one the tagger took for a plural noun ("The Post reports that")."""
    w = view.words[i]
    if phrasal_cue(view, i, lex) is not None:
        return True
    if not lex.is_cue(w.lemma, w.text):
        return False
    if w.upos == "VERB" or w.xpos.startswith("VB"):
        return True
    words = view.words
    return (
        w.upos == "NOUN"
        and w.text.lower().endswith("s")
        and 0 < i < len(words) - 1
        and words[i + 1].text.lower() == "that"
        and (words[i - 1].upos in ("PROPN", "NOUN") or words[i - 1].text == ",")
    )  # (", a GOP consultant, notes that …": after an appositive's comma)


def cue_lemma(ctx: Context, i: int) -> str:
    w = ctx.view.words[i]
    return phrasal_cue(ctx.view, i, ctx.lex) or ctx.lex.cue_lemma(w.lemma, w.text) or w.lemma.lower()


def classify_quotes(view: DocView, lex: Lexicons, quotes: list[QuoteSpan]) -> tuple[list[QuoteSpan], list[QuoteSpan]]:
    """Split quotes into (sentence-level quotes, embedded fragments)."""
    direct: list[QuoteSpan] = []
    fragments: list[QuoteSpan] = []
    text = view.text
    for q in quotes:
        p_start, _ = view.paragraph_span(view.paragraph_of(q.start))
        prev = _prev_char(text, q.start, p_start)
        if prev is None or prev in ".!?:…" or (is_quote_char(prev) and _ends_sentence_before(text, q.start, p_start)):
            direct.append(q)
            continue
        before = view.first_word_from(q.start) - 1
        while before >= 0 and view.words[before].text in (",", "—", "–") and view.words[before].start >= p_start:
            before -= 1
        if before >= 0 and view.words[before].text.lower() == "that":
            fragments.append(q)  # "said that, “Of course …” against …": reported speech quoting
            continue
        if prev in ",—–" and before >= 0 and _cue_within(view, lex, before, 6, p_start):
            direct.append(q)
            continue
        if (
            before >= 0
            and view.words[before].start >= p_start
            and is_cue_word(view, before, lex)
            and not _clause_goes_on(text, q)
            and lex.cues.get(lex.cue_lemma(view.words[before].lemma, view.words[before].text) or "") != "characterize"
        ):
            direct.append(q)  # "said “…”"; but "what he called “a disaster”" is a fragment
            continue
        fragments.append(q)
    return direct, fragments


def _words_inside(text: str, q: QuoteSpan) -> str:
    """The quote's text without its closing marks (doubled '' and nested ones included)."""
    inner = text[q.start : q.end].rstrip()
    while inner and is_quote_char(inner[-1]):
        inner = inner[:-1].rstrip()
    return inner


def _clause_goes_on(text: str, q: QuoteSpan) -> bool:
    """ "said “budget reforms” and the collection of taxes would …": the sentence runs on past the
    quote in lower case, so the quote is a fragment of the report, not the report."""
    inner = _words_inside(text, q)
    if not inner or inner[-1] in ".,!?;:…—–-":
        return False
    after = text[q.end : q.end + 40].lstrip(" \t\u00a0")
    return bool(after) and after[0].isalpha() and after[0].islower()


def _ends_sentence_before(text: str, pos: int, floor: int) -> bool:
    k = pos - 1
    floor = max(floor, pos - LOOKBACK_CHARS)  # bounded: a flood of marks must not make this quadratic
    while k >= floor and (text[k].isspace() or is_quote_char(text[k])):
        k -= 1
    return k < floor or text[k] in ".!?…"


def _cue_within(view: DocView, lex: Lexicons, last: int, n: int, floor: int) -> bool:
    for k in range(last, max(-1, last - n), -1):
        if view.words[k].start < floor:
            return False
        if is_cue_word(view, k, lex):
            return True
    return False


def _region_after(ctx: Context, q: QuoteSpan) -> tuple[int, int]:
    """Words after a quote up to the sentence end, the next quote or the paragraph's end."""
    view = ctx.view
    _, p_end = view.paragraph_span(view.paragraph_of(q.end - 1))
    limit = p_end
    nxt = bisect.bisect_left(ctx.quote_starts, q.end)  # quotes are sorted and do not overlap
    if nxt < len(ctx.quotes):
        limit = min(limit, ctx.quotes[nxt].start)
    first = view.first_word_from(q.end)
    k = first
    while k < len(view.words) and view.words[k].start < limit and k - first < MAX_TRAILING_WORDS:
        if view.words[k].text in SENTENCE_END and k > first and not is_abbreviation_period(view, k):
            k += 1
            break
        k += 1
    return first, k


def _cue_candidate(
    ctx: Context,
    q: QuoteSpan,
    cue: int,
    lemma: str,
    floor: int,
    ceiling: int,
    sieve: str,
    conf: float,
    *,
    postposed_ok: bool,
) -> Candidate:
    view = ctx.view
    w = view.words[cue]
    mention, how = mention_for_cue(view, cue, ctx.lex, floor, ceiling, postposed_ok=postposed_ok)
    if mention is None and cue <= floor and cue + 1 < ceiling:
        mention = np_right(view, cue + 1, ctx.lex, ceiling)  # "Said Ellis: “…”"
        how = "postposed" if mention is not None else how
    addressee = None
    if lemma in ADDRESSEE_CUES and how != "postposed":
        addressee = np_right(view, cue + 1, ctx.lex, ceiling, addressee=True)
    if mention is None:
        conf *= 0.6
    return Candidate(
        content=list(q.parts),
        kind=QuoteKind.DIRECT,
        sieve=sieve,
        confidence=conf,
        sentence=view.words[cue].sent,
        cue=(w.start, w.end),
        cue_lemma=lemma,
        cue_word=cue,
        mention=mention,
        addressee=addressee,
        quote=q,
    )


def trailing(ctx: Context) -> list[Candidate]:
    """“…,” X said. / “…,” said X. / “…,” X told Y. / “…” — X / “…,” according to X."""
    view = ctx.view
    out: list[Candidate] = []
    for q in ctx.quotes:
        if not ctx.in_body(q.start):
            continue
        first, stop = _region_after(ctx, q)
        if first >= stop:
            continue
        head = view.words[first]
        if head.text in DASHES and first + 1 < stop:
            mention = np_right(view, first + 1, ctx.lex, stop)
            if mention is not None and view.words[mention[0]].upos in ("PROPN", "DET", "NOUN", "ADJ"):
                out.append(
                    Candidate(
                        list(q.parts),
                        QuoteKind.DIRECT,
                        "direct_trailing",
                        0.7,
                        head.sent,
                        cue=(head.start, head.end),
                        cue_lemma=head.text,
                        cue_word=first,
                        mention=mention,
                        quote=q,
                    )
                )
                continue
        for k in range(first, stop):
            w = view.words[k]
            if w.text.lower() == "according" and k + 1 < stop and view.words[k + 1].text.lower() == "to":
                mention = np_right(view, k + 2, ctx.lex, stop)
                if k - first <= 1:
                    out.append(
                        Candidate(
                            list(q.parts),
                            QuoteKind.DIRECT,
                            "direct_trailing",
                            0.85,
                            w.sent,
                            cue=(w.start, view.words[k + 1].end),
                            cue_lemma="according to",
                            cue_word=k,
                            mention=mention,
                            quote=q,
                        )
                    )
                    ctx.claimed_cues.add(k)
                break
            if is_cue_word(view, k, ctx.lex) and k not in ctx.claimed_cues:
                if _closed_sentence(ctx.view.text, q) and _reports_its_own(view, k, stop):
                    break  # “… timing.” Gov. X said it would be …: the next sentence's own report
                if k > first and _closed_sentence(ctx.view.text, q) and _opens_next_quote(ctx, q, k):
                    break  # “… kidding.” To which she said, “Thank God …”: the cue opens the next quote
                if w.xpos == "VBG" and (k == first or view.words[k - 1].text == ","):
                    break  # Peabody said: “…,” adding that …: a report of its own, not this quote's cue
                conf = 0.95 if k - first <= 4 else 0.85
                out.append(
                    _cue_candidate(
                        ctx, q, k, cue_lemma(ctx, k), first, stop, "direct_trailing", conf, postposed_ok=True
                    )
                )
                ctx.claimed_cues.add(k)
                break
            if w.upos == "VERB" and w.xpos not in ("VBG", "VBN") and not _in_relative_clause(view, first, k):
                break  # (participles inside an appositive do not end the search: "…, one of the states suing …, said")
    return out


def _closed_sentence(text: str, q: QuoteSpan) -> bool:
    """Does the quote end its sentence with a full stop inside the marks (“… timing.”)?"""
    return _words_inside(text, q).endswith(".")


def _reports_its_own(view: DocView, cue: int, stop: int) -> bool:
    """Has the cue a complement of its own after it ("said it would be …", "said that …")?"""
    return any(c > cue for c in view.deps(cue, "ccomp")) or any(
        view.words[k].text.lower() == "that" and view.words[k].upos == "SCONJ" for k in range(cue + 1, stop)
    )


def _opens_next_quote(ctx: Context, q: QuoteSpan, cue: int) -> bool:
    """Is the cue followed by nothing but a comma or colon and then the next quote?"""
    nxt = bisect.bisect_left(ctx.quote_starts, q.end)
    if nxt >= len(ctx.quotes):
        return False
    return ctx.view.text[ctx.view.words[cue].end : ctx.quotes[nxt].start].strip() in (",", ":")


def _in_relative_clause(view: DocView, first: int, k: int) -> bool:
    return any(view.words[j].text.lower() in ("who", "which", "whose") for j in range(first, k))


def leading(ctx: Context) -> list[Candidate]:
    """X said: “…” / X told Y: “…” / X said, “…” / X said “…”."""
    view = ctx.view
    done = {id(c.quote) for c in ctx.found if c.quote is not None}
    out: list[Candidate] = []
    for n, q in enumerate(ctx.quotes):
        if id(q) in done or not ctx.in_body(q.start):
            continue
        p_start, _ = view.paragraph_span(view.paragraph_of(q.start))
        last = view.first_word_from(q.start) - 1
        if last < 0 or view.words[last].start < p_start:
            continue
        sent_first = view.clause_bounds(last)[0]
        floor_word = max(sent_first, view.first_word_from(p_start))
        before = ctx.quotes[n - 1] if n > 0 else None  # the quote just before ends latest
        if before is not None and view.words[floor_word].start < before.end <= q.start:
            floor_word = view.first_word_from(before.end)
        prev = _prev_char(view.text, q.start, p_start)
        for k in range(last, max(floor_word - 1, last - 25), -1):
            if is_cue_word(view, k, ctx.lex) and k not in ctx.claimed_cues:
                between = [view.words[j] for j in range(k + 1, last + 1)]
                if prev not in (":", ",") and between and not all(b.upos == "PUNCT" for b in between):
                    break
                out.append(
                    _cue_candidate(
                        ctx,
                        q,
                        k,
                        cue_lemma(ctx, k),
                        floor_word,
                        last + 1,
                        "direct_leading",
                        0.9,
                        postposed_ok=False,
                    )
                )
                ctx.claimed_cues.add(k)
                break
    return out
