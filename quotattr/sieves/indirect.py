"""Reported speech from cue verbs: X said (that) …, X told Y that …, adding that …, …, X said.

Evidence, strongest first: a "that" complementizer right after the cue (surface); the cue's clausal
complement in the parse (ccomp, or xcomp for vow/promise/pledge/threaten); the object and its
predicate of a characterizing cue ("described X as Y", "called X “Y”"); a bare clause right after
the cue; a sentence-final "…, X said." frame. The content is the complement clause, without "that"
and edge punctuation; it is MIXED when it contains a quoted fragment.
"""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Iterable, Sequence

from quotattr.document import DocView, Word
from quotattr.mentions import mention_for_cue, np_left, np_right, subject_of
from quotattr.model import QuoteKind
from quotattr.quotes import QuoteSpan, is_quote_char
from quotattr.sieves import Candidate, Context
from quotattr.sieves.direct import ADDRESSEE_CUES, cue_lemma, is_cue_word

__all__ = ["ClaimedSpans", "SpanIndex", "reported"]

MAX_GAP_TO_THAT = 15
#: confidence of a report by the evidence that found its content
CONFIDENCE = {
    "that": 0.85,
    "ccomp": 0.75,
    "bare": 0.65,
    "xcomp": 0.6,
    "frame": 0.65,
    "predicative": 0.6,
    "prep": 0.55,
    "object": 0.55,
    "gerund": 0.6,
}
#: cues whose infinitive complement is the reported request: "urged voters to stay home"
DIRECTIVE_CUES = frozenset({"tell", "urge", "ask", "warn", "advise", "remind", "caution", "instruct", "order"})
EDGE_PUNCT = frozenset({".", ",", ";", ":", "—", "–", "-", "(", ")"})
FRAME_TAIL_MAX = 8
_BUCKET = 2048  #: characters per bucket of :class:`ClaimedSpans`


class ClaimedSpans:
    """The spans claimed so far, growing, in coarse character buckets: an overlap query looks at the
    spans near it, not at every span of the document."""

    __slots__ = ("_by_bucket",)

    def __init__(self, spans: Iterable[tuple[int, int]] = ()) -> None:
        self._by_bucket: dict[int, list[tuple[int, int]]] = {}
        for start, end in spans:
            self.add(start, end)

    def add(self, start: int, end: int) -> None:
        for k in _buckets(start, end):
            self._by_bucket.setdefault(k, []).append((start, end))

    def overlaps(self, start: int, end: int) -> bool:
        """Does a claimed span overlap ``start`` … ``end``?"""
        return any(a < end and start < b for k in _buckets(start, end) for a, b in self._by_bucket.get(k, ()))


class SpanIndex:
    """Quote spans sorted by start, for bisect queries instead of a scan per cue."""

    __slots__ = ("ends", "in_order", "items", "listed", "reach", "starts")

    def __init__(self, spans: Sequence[QuoteSpan]) -> None:
        self.listed = list(spans)
        self.items = sorted(spans, key=lambda q: q.start)  # stable: list order among equal starts
        self.in_order = all(a.start <= b.start for a, b in itertools.pairwise(spans))
        self.starts = [q.start for q in self.items]
        self.ends = sorted(q.end for q in spans)
        self.reach: list[int] = []  # reach[k]: the furthest end of items[0 .. k]
        for q in self.items:
            self.reach.append(q.end if not self.reach else max(self.reach[-1], q.end))

    def overlaps(self, a: int, b: int) -> bool:
        """Does a span overlap the characters ``a`` … ``b``?"""
        k = bisect.bisect_left(self.starts, b)
        return k > 0 and self.reach[k - 1] > a

    def last_end(self, char: int) -> int | None:
        """The latest end at or before ``char``."""
        k = bisect.bisect_right(self.ends, char)
        return self.ends[k - 1] if k else None

    def contains_one(self, a: int, b: int) -> bool:
        """Does a span lie within ``a`` … ``b``?"""
        k = bisect.bisect_left(self.starts, a)
        while k < len(self.items) and self.starts[k] <= b:
            if self.items[k].end <= b:
                return True
            k += 1
        return False

    def grown_end(self, start: int, end: int) -> int:
        """``end`` grown over each span that starts inside ``start`` … ``end`` and runs past it (in
        list order: a grown end takes in the spans that start before it)."""
        if not self.in_order:
            for f in self.listed:
                if start <= f.start < end < f.end:
                    end = f.end
            return end
        spans = self.items
        k = bisect.bisect_left(self.starts, start)
        while k < len(spans) and spans[k].start < end:
            if end < spans[k].end:
                end = spans[k].end
            k += 1
        return end


#: how a finding is reported: "the study found that …", "polls show Clinton leads …", "…, the
#: survey found"; an evidence verb with only an object or an infinitive reports nothing
EVIDENCE_COMPLEMENTS = frozenset({"that", "ccomp", "frame"})


def _sentence(view: DocView, i: int) -> tuple[int, int]:
    return view.clause_bounds(i)


def _that_after(view: DocView, cue: int, end: int) -> int | None:
    """A complementizer "that" shortly after the cue with no other verb between them."""
    for k in range(cue + 1, min(end, cue + 1 + MAX_GAP_TO_THAT)):
        w = view.words[k]
        if w.text.lower() in ("so", "such"):
            return None  # "add so many layers that it would …": a result clause
        if w.text.lower() == "that" and w.upos in ("SCONJ", "PRON", "DET") and k + 1 < end:
            nxt = view.words[k + 1]
            if w.upos != "SCONJ" and nxt.upos in ("NOUN", "VERB", "AUX") and nxt.upos != "PROPN":
                return None  # "said that plan ..." (a determiner)
            return k
        if w.text == "," and k == cue + 1:
            # a parenthetical between commas: "cautioned, as did the campaign itself, that …"
            close = next((m for m in range(k + 1, min(end, k + 12)) if view.words[m].text == ","), None)
            if close is not None and close + 1 < end and view.words[close + 1].text.lower() == "that":
                return close + 1
        participle = w.deprel in ("amod", "compound") or (w.deprel == "acl" and w.xpos == "VBN")
        if (w.upos in ("VERB", "AUX") and not participle) or w.text in ("“", '"', ".", ";"):
            return None  # a participle does not end the scan: "told an invited crowd … that", "a crowd gathered at …"
    return None


def _trim(view: DocView, first: int, last: int) -> tuple[int, int] | None:
    """Drop edge punctuation, a leading dateline ("NAIROBI, Kenya –") and complementizer "that"."""
    word = view.words[first].text
    if len(word) > 1 and word.isupper() and word.isalpha():
        dash = next((k for k in range(first + 1, min(last, first + 6)) if view.words[k].text in ("–", "—", "-")), None)
        if dash is not None:
            first = dash + 1
    while first <= last and view.words[first].text in EDGE_PUNCT:
        first += 1
    if first <= last and view.words[first].text.lower() == "that" and view.words[first].upos == "SCONJ":
        first += 1
    while first <= last and view.words[first].text in EDGE_PUNCT:
        first += 1
    while last >= first and view.words[last].text in EDGE_PUNCT:
        last -= 1
    return (first, last) if first <= last else None


def _content_from_ccomp(view: DocView, cue: int, sent: tuple[int, int]) -> tuple[int, int] | None:
    comps = view.deps(cue, "ccomp")
    if not comps:
        return None
    head = min(comps, key=lambda c: abs(c - cue))
    sub = [k for k in view.subtree(head) if sent[0] <= k < sent[1]]
    if not sub:
        return None
    if head < cue and any(view.words[k].text.lower() in RELATIVE_PRONOUNS for k in sub):
        return None  # "Mr. Obama, who understood that …, told his advisers to …": a relative clause
    first, last = sub[0], sub[-1]
    if head > cue:
        first = max(first, cue + 1)
    else:
        last = min(last, cue - 1)
    return first, last


def _clip_end(view: DocView, cue: int, first: int, last: int, ctx: Context) -> int:
    """Where reported content that starts at ``first`` ends, at most ``last``.

    It stops before ", adding that …" and other verbs hanging off the same cue, before ", according
    to", and before a sentence-level quote that follows in the same sentence.
    """
    for k in range(first + 1, last + 1):
        w = view.words[k]
        hangs_off_cue = w.head == cue and w.deprel.split(":")[0] in ("advcl", "conj", "parataxis")
        stop = (
            (hangs_off_cue and w.upos == "VERB" and _opens_new_clause(view, k, first))
            or (w.xpos == "VBG" and view.words[k - 1].text == "," and is_cue_word(view, k, ctx.lex))
            or (w.text.lower() == "according" and k + 1 <= last and view.words[k + 1].text.lower() == "to")
            or ctx.in_direct_quote(w.start) is not None
        )
        if stop:
            j = k - 1
            while j > first and (
                view.words[j].text in (",", ";", "—", "–")
                or view.words[j].upos in ("CCONJ", "AUX", "PART")
                or (view.words[j].upos == "ADV" and view.words[j].head == k)
            ):
                j -= 1  # the stopped verb's own "and would not" stays out
            return j
    return _before_closing_frame(view, first, last, ctx)


FRAME_SUBJECT_UPOS = frozenset({"DET", "ADJ", "NOUN", "PROPN", "PRON", "NUM"})


def _before_closing_frame(view: DocView, first: int, last: int, ctx: Context) -> int:
    """ "… told Post reporters that A, but B, the source added.": a ", SUBJ CUE" frame closing the
    sentence reports the whole sentence; it is not part of this cue's content."""
    end = last
    while end > first and view.words[end].upos == "PUNCT":
        end -= 1
    if end - first < 3 or not is_cue_word(view, end, ctx.lex) or view.words[end].xpos == "VBG":
        return last
    k = end - 1
    while k > first and view.words[k].upos in FRAME_SUBJECT_UPOS and end - k <= 6:
        k -= 1
    if k <= first or k == end - 1 or view.words[k].text != ",":
        return last
    return k - 1


SKIPPED_CUE_DEPS = frozenset({"obl", "advmod", "obj", "iobj", "nmod", "compound"})


def _after_cue_modifiers(
    view: DocView, cue: int, comp_start: int, end: int, ctx: Context, *, objects: bool = True
) -> int:
    """First word of a bare complement: after the cue's addressee and adverbials ("told reporters on
    Monday the talks …" → "the talks"), and never after the parse's own complement start."""
    skip: set[int] = set()
    for child in view.children[cue]:
        rel = view.words[child].deprel.split(":")[0]
        if child > cue and rel in SKIPPED_CUE_DEPS and (objects or rel in ("obl", "advmod")):
            skip.update(view.subtree(child))
    k = cue + 1
    while k < min(end, comp_start) and (k in skip or view.words[k].text == ","):
        k += 1
    if k == cue + 1 and view.words[cue].text.lower() != "said" and cue_lemma(ctx, cue) in ADDRESSEE_CUES:
        addr = np_right(view, cue + 1, ctx.lex, end, addressee=True)
        if addr is not None and addr[1] + 1 < end:
            k = addr[1] + 1
    return min(k, comp_start) if comp_start > cue else k


def _opens_new_clause(view: DocView, k: int, first: int) -> bool:
    """Is the verb at ``k`` introduced as a clause of its own (", and left", "; then")?

    A verb the parser hung off the cue in the middle of the complement ("that it means …") is not.
    """
    j = k - 1
    while j > first and view.words[j].upos in ("ADV", "AUX", "PART"):
        j -= 1
    return view.words[j].text in (",", ";", "—", "–") or view.words[j].upos == "CCONJ"


FINITE_XPOS = frozenset({"VBD", "VBZ", "VBP", "MD"})
OBJECT_UPOS = frozenset({"DET", "NOUN", "ADJ", "PROPN", "PRON", "NUM", "SYM"})
BARE_MAX_SUBJECT_WORDS = 20


def _bare_clause_after(view: DocView, cue: int, end: int, ctx: Context) -> int | None:
    """ "It says the campaign violated the law": a subject phrase then a finite verb right after the
    cue, which the parse missed. Returns the first word of that clause."""
    start = _after_cue_modifiers(view, cue, end, end, ctx, objects=False)
    if any(view.words[c].upos in ("PROPN", "NOUN") and c >= start for c in view.deps(cue, "nsubj")):
        return None  # "…, said Jeffrey Trimble, a senior official …": the cue's own (postposed) subject
    head = start
    while head < end and _is_quote_mark(view, head):
        head += 1  # said “budget reforms” and … would: the subject opens with a quoted fragment
    if head >= end or view.words[head].upos not in ("DET", "PROPN", "NOUN", "PRON", "NUM", "ADJ"):
        return None
    for k in range(head + 1, min(end, head + BARE_MAX_SUBJECT_WORDS)):
        w = view.words[k]
        if w.xpos in FINITE_XPOS or w.upos == "AUX":
            return start
        if w.upos == "PUNCT" and (_is_quote_mark(view, k) or w.text in (",", "-", "–", "—")):
            continue  # "saying he “has offended …”", "said families - gay, straight - would qualify"
        if w.upos in ("VERB", "SCONJ", "PUNCT") and w.text not in ("’s", "'s", "-"):
            nxt = view.words[k + 1] if k + 1 < end else None
            if w.xpos == "VBN" and nxt is not None and nxt.upos in OBJECT_UPOS:
                return start  # a past tense the tagger took for a participle: "the campaign violated the law"
            if w.upos == "VERB" and w.xpos in ("VBN", "VBG"):
                continue  # "tweets accusing …", "the plan approved by …"
            if w.upos == "VERB" and w.xpos == "VB" and view.words[k - 1].text.lower() == "to":
                continue  # "his refusal to use the words … was"
            if (
                w.upos == "VERB"
                and w.xpos == "VB"
                and view.words[k - 1].upos == "CCONJ"
                and any(view.words[j].text.lower() == "to" for j in range(head, k))
            ):
                continue  # "her plans to raise taxes and give tax breaks … would"
            if w.upos == "SCONJ" and nxt is not None and nxt.xpos == "VBG":
                continue  # "tweets accusing her of having …"
            return None
    return None


CHARACTERIZED_MAX_GAP = 12
RELATIVE_PRONOUNS = frozenset({"who", "which", "whom", "whose"})
PREPOSITION_CUE_ENDS = frozenset({"for", "on", "of", "about", "against"})
SUBORDINATORS = frozenset(
    {"when", "if", "after", "before", "because", "while", "although", "though", "since", "unless", "once", "until"}
)


def _characterized(ctx: Context, cue: int, end: int) -> tuple[int, int] | None:
    """ "described the incident as a “terrible situation”", "called him “a liar”": the cue's object
    and what it is called. With "as" after the object any such clause counts; without it, a second
    complement in the parse ("called the charges false") or a quoted fragment close after the
    object ("called the police" alone says nothing)."""
    view = ctx.view
    objects = [c for c in view.deps(cue, "obj") if c > cue]
    if objects:
        first = min(k for k in view.subtree(objects[0]) if k > cue)
    elif cue + 1 < end and view.words[cue + 1].upos in ("DET", "PRON", "PROPN", "NOUN", "ADJ", "NUM"):
        first = cue + 1  # an object the parse missed ("described the flooding as …", "flooding" a VERB)
    else:
        return None
    limit = min(end, first + CHARACTERIZED_MAX_GAP)
    if not any(view.words[k].text.lower() == "as" for k in range(first + 1, limit)):
        near = view.words[limit - 1].end
        if not objects:
            return None
        named = [c for c in view.deps(cue, "xcomp", "obj") if c > objects[0]] + [
            c for c in view.deps(objects[0], "acl") if c > objects[0] and view.words[c].xpos in ("VBN", "JJ")
        ]  # "called the charges false", "called the charges unsubstantiated" (acl in the parse)
        if not named and not any(view.words[objects[0]].end <= f.start <= near for f in ctx.fragments):
            return None
    return first, end - 1


def _quoted_object(ctx: Context, cue: int, end: int) -> tuple[int, int] | None:
    """ "proclaimed a goal of “Peace Through Strength”": a direct object that holds a quoted fragment
    (an object alone, "announced their support", is not reported speech here)."""
    view = ctx.view
    objects = [c for c in view.deps(cue, "obj") if c > cue]
    if not objects:
        return None
    sub = [k for k in view.subtree(objects[0]) if cue < k < end]
    if not sub:
        return None
    first, last = sub[0], sub[-1]
    a, b = view.words[first].start, view.words[last].end
    if not any(a <= f.start < b for f in ctx.fragments):
        return None
    return first, last


def reported(ctx: Context) -> list[Candidate]:
    """Reported speech at each unclaimed cue verb: its content, the content's spans, the speaker and
    the addressee. Each report is claimed at once, so a later participle or conjunct can inherit it."""
    view = ctx.view
    out: list[Candidate] = []
    by_cue = _Reports()
    for c in ctx.found:
        if c.cue_word is not None:
            by_cue.put(c.cue_word, c)
    quotes, fragments = SpanIndex(ctx.quotes), SpanIndex(ctx.fragments)
    for i, w in enumerate(view.words):
        if not _open_cue(ctx, i, w):
            continue
        sent = _sentence(view, i)
        lemma = cue_lemma(ctx, i)
        found = _content_for_cue(ctx, i, sent, lemma)
        if found is None:
            continue
        content, how, extra = found
        words = _content_words(ctx, i, content, lemma)
        if words is None:
            continue
        spans = _content_spans(ctx, words, extra, quotes, fragments)
        if spans is None:
            continue
        first = words[0]
        floor = _speaker_floor(ctx, i, sent, quotes)
        mention, inherited = _speaker_for_cue(ctx, i, sent, how, first, floor, by_cue)
        addressee = _addressee_for_cue(ctx, i, lemma, first, floor)
        cand = _candidate(ctx, i, lemma, how, spans, mention, addressee, inherited, fragments)
        out.append(cand)
        by_cue.put(i, cand)
        ctx.claimed_cues.add(i)
    return out


def _open_cue(ctx: Context, i: int, w: Word) -> bool:
    """Is word ``i`` a cue verb no sieve has claimed, in the body text and outside quote marks?"""
    if i in ctx.claimed_cues or not is_cue_word(ctx.view, i, ctx.lex):
        return False
    if ctx.lex.cues.get(cue_lemma(ctx, i)) == "direct":
        return False  # "She continued, “…”" cues only the quote; "prices continued to rise" reports nothing
    if w.deprel == "amod" and w.xpos == "VBN":
        return False  # an adjectival participle: "the proposed budget", "the alleged drop", "added sugar"
    nxt = ctx.view.words[i + 1] if i + 1 < len(ctx.view.words) else None
    if w.lemma == "add" and nxt is not None and (nxt.upos == "NUM" or nxt.text in ("$", "€", "£")):
        return False  # "the FTSE 100 index added 0.2 per cent": arithmetic, not speech
    return not (ctx.in_verbatim(w.start) or not ctx.in_body(w.start))


def _is_phrasal(lemma: str) -> bool:
    """ "pointed out", "called for": a two-word cue lemma, whose second word belongs to the cue."""
    return " " in lemma


def _is_quote_mark(view: DocView, k: int) -> bool:
    """Is word ``k`` a quote mark (” or a typewriter '')?"""
    return all(is_quote_char(c) for c in view.words[k].text)


def _after_comma(view: DocView, i: int, sent: tuple[int, int]) -> bool:
    """Does a comma right before the cue put it after its content ("…, said Carla Diaz, a …"), also
    where a quoted fragment closes the content ("… tax ''is a misguided approach,'' said Mr. Burman")?"""
    k = i - 1
    while k >= sent[0] and _is_quote_mark(view, k):
        k -= 1
    return k >= sent[0] and view.words[k].text == ","


# -- content --------------------------------------------------------------------------------------


_Complement = tuple[tuple[int, int], str]  #: a word range and the evidence that found it (CONFIDENCE key)


def _content_for_cue(
    ctx: Context, i: int, sent: tuple[int, int], lemma: str
) -> tuple[tuple[int, int], str, tuple[int, int] | None] | None:
    """The cue's content words, the evidence that found them and a split frame's second part: the
    complement after the cue (surface "that", parse, bare clause), else a ", SUBJ CUE" frame."""
    view = ctx.view
    that = _that_after(view, i, sent[1])
    ccomp = _content_from_ccomp(view, i, sent)
    found = _parsed_complement(ctx, i, sent, lemma, that, ccomp)
    if found is None:
        found = _surface_complement(ctx, i, sent, lemma)
    framed = _reframed(ctx, i, sent, found, ccomp)
    if framed is None or not _fits_cue_class(view, i, sent, ctx.lex.cues.get(lemma), framed[1]):
        return None
    return framed


def _fits_cue_class(view: DocView, i: int, sent: tuple[int, int], cls: str | None, how: str) -> bool:
    """May a cue of class ``cls`` report content found by ``how``? Accusations only by their object
    and charge; findings only by a clause or a frame the cue stands alone after."""
    if cls == "accuse":
        return how == "object"  # "peacekeepers have been blamed for …" frames nothing
    if cls != "evidence":
        return True
    if how not in EVIDENCE_COMPLEMENTS:
        return False  # "find themselves in …", "ruled out", "show them the video": not a finding
    if i - 1 >= sent[0] and view.words[i - 1].text.lower() == "to":
        return False  # "an audit to determine whether …": a purpose, not a finding
    # "…, the survey found." frames; "…, finds Clinton with …", "difficult to find, …" do not
    return how != "frame" or _frames_alone(view, i, sent)


def _frames_alone(view: DocView, i: int, sent: tuple[int, int]) -> bool:
    """Does the cue stand alone after its frame: punctuation next (", the poll shows, among …", "…
    found.")?"""
    return i + 1 >= sent[1] or view.words[i + 1].upos == "PUNCT"


def _parsed_complement(
    ctx: Context, i: int, sent: tuple[int, int], lemma: str, that: int | None, ccomp: tuple[int, int] | None
) -> _Complement | None:
    """A complement by its marker or the parse: a "that" after the cue, the cue's ccomp, an
    infinitive of an intend/directive cue, or what a characterizing cue calls its object."""
    view = ctx.view
    if that is not None:
        return (that + 1, sent[1] - 1), "that"
    if ccomp is not None:
        if ccomp[0] > i:
            # a bare complement starts right after the cue (or its addressee): "says Trump's … was"
            # an object of "say" before its complement is a misparsed subject; of "tell", the addressee
            start = _after_cue_modifiers(view, i, ccomp[0], sent[1], ctx, objects=lemma in ADDRESSEE_CUES)
            return (start, sent[1] - 1), "ccomp"
        return ccomp, "ccomp"
    if ctx.lex.cues.get(lemma) == "intend" or lemma in DIRECTIVE_CUES:
        infinitive = _infinitive_complement(view, i, sent)
        return (infinitive, "xcomp") if infinitive is not None else None
    if ctx.lex.cues.get(lemma) == "characterize":
        named = _characterized(ctx, i, sent[1])
        return (named, "predicative") if named is not None else None
    if ctx.lex.cues.get(lemma) == "accuse":
        charge = _accusation(view, i, sent)
        return (charge, "object") if charge is not None else None
    return None


def _accusation(view: DocView, i: int, sent: tuple[int, int]) -> tuple[int, int] | None:
    """ "accused her of making racist remarks", "blamed the council for the delays": the accused and
    the charge, from the object to the end of the cue's phrase — only when "of" / "for" follows it."""
    objects = [o for o in view.deps(i, "obj") if o > i]
    if not objects or objects[0] + 1 >= sent[1] or view.words[objects[0] + 1].text.lower() not in ("of", "for"):
        return None
    # up to the end of the cue's own phrase: "tweets accusing Machado of having a record are “lies”"
    end = max(k for k in view.subtree(i) if i < k < sent[1] and view.words[k].upos != "PUNCT")
    return min(k for k in view.subtree(objects[0]) if k > i), end


def _infinitive_complement(view: DocView, i: int, sent: tuple[int, int]) -> tuple[int, int] | None:
    """The cue's xcomp, or a "to"-marked advcl, after it: "vowed to repeal", "urged voters to stay home"."""
    xcomps = [
        c
        for c in view.deps(i, "xcomp", "advcl")
        if c > i
        and (
            view.words[c].deprel.startswith("xcomp")
            or any(view.words[m].text.lower() == "to" for m in view.deps(c, "mark"))
        )
    ]
    if not xcomps:
        return None
    sub = [k for k in view.subtree(xcomps[0]) if sent[0] <= k < sent[1]]
    return sub[0], sub[-1]


def _surface_complement(ctx: Context, i: int, sent: tuple[int, int], lemma: str) -> _Complement | None:
    """A complement the parse did not mark: the object of a phrasal cue's preposition, a bare
    clause right after the cue, or a direct object holding a quoted fragment."""
    if _is_phrasal(lemma) and lemma.split()[-1] in PREPOSITION_CUE_ENDS and i + 2 < sent[1]:
        return (i + 2, sent[1] - 1), "prep"  # "called for an independent inquiry"
    if ctx.lex.cues.get(lemma) != "characterize":
        bare = _bare_clause_after(ctx.view, i, sent[1], ctx)
        if bare is not None:
            return (bare, sent[1] - 1), "bare"
    if lemma not in ADDRESSEE_CUES:
        quoted_object = _quoted_object(ctx, i, sent[1])
        if quoted_object is not None:
            return quoted_object, "object"
    gerund = _gerund_after(ctx.view, i, sent)
    return (gerund, "gerund") if gerund is not None else None


def _gerund_after(view: DocView, i: int, sent: tuple[int, int]) -> tuple[int, int] | None:
    """ "proposes allowing parents to deduct …", "suggested raising the tax": a gerund right after the
    cue is a proposition of its own."""
    if i + 1 >= sent[1] or view.words[i + 1].xpos != "VBG" or view.words[i + 1].head != i:
        return None
    words = [k for k in view.subtree(i + 1) if i < k < sent[1]]
    return (words[0], words[-1]) if len(words) > 1 else None


def _reframed(
    ctx: Context, i: int, sent: tuple[int, int], found: _Complement | None, ccomp: tuple[int, int] | None
) -> tuple[tuple[int, int], str, tuple[int, int] | None] | None:
    """The complement, or the ", SUBJ CUE" frame where the commas around the cue show the content
    is before it (or split by it); the frame alone where no complement was found."""
    view = ctx.view
    after_comma = _after_comma(view, i, sent)
    if found is None:
        framed = _frame(ctx, i, sent)
        return (framed[0], "frame", framed[1]) if framed is not None else None
    content, how = found
    if how == "ccomp" and ccomp is not None and ccomp[0] < i and not after_comma:
        # "A could embrace B, but only if C, Sen. X (R-S.C.) told The Post": the parse's complement
        # before the cue is a fragment of the framed clause
        framed = _frame(ctx, i, sent)
        if framed is not None and framed[1] is None:
            return framed[0], "frame", framed[1]
    if how in ("ccomp", "bare") and after_comma:
        framed = _frame(ctx, i, sent)
        if framed is not None and framed[1] is None:
            return framed[0], "frame", framed[1]
    if how in ("ccomp", "bare") and i + 1 < sent[1] and view.words[i + 1].text == ",":
        # "Acts of protest, Mr. Obama said, are acts of patriotism": the complement is split;
        # "It would take weeks, he said, and wrangling could …": the report is before the cue
        framed = _frame(ctx, i, sent)
        coordinated = i + 2 < sent[1] and view.words[i + 2].upos == "CCONJ"
        if framed is not None and (framed[1] is not None or coordinated):
            return framed[0], "frame", framed[1]
    return content, how, None


# -- spans ----------------------------------------------------------------------------------------


def _content_words(ctx: Context, i: int, content: tuple[int, int], lemma: str) -> tuple[int, int] | None:
    """The content's word range without the phrasal cue's particle, clipped where the cue's next
    clause starts and trimmed of edge punctuation."""
    view = ctx.view
    first, last = content
    if _is_phrasal(lemma) and first == i + 1:
        first += 1
    if first > i:
        last = _clip_end(view, i, first, last, ctx)
    return _trim(view, first, last)


def _content_spans(
    ctx: Context, words: tuple[int, int], extra: tuple[int, int] | None, quotes: SpanIndex, fragments: SpanIndex
) -> list[tuple[int, int]] | None:
    """Character spans of the content words (and a split frame's second part), grown over a quoted
    fragment they run into; none when too short or overlapping a sentence-level quote."""
    view = ctx.view
    first, last = words
    c_start, c_end = view.words[first].start, view.words[last].end
    c_end = fragments.grown_end(c_start, c_end)  # a quoted fragment the clause runs into belongs to it whole
    if c_end - c_start < 3:
        return None
    spans = [(c_start, c_end)]
    if extra is not None and (second := _trim(view, *extra)) is not None:
        spans.append((view.words[second[0]].start, view.words[second[1]].end))
    if any(quotes.overlaps(a, b) for a, b in spans):
        return None  # overlaps a sentence-level quote: the direct sieves own it
    return spans


# -- speaker and addressee ------------------------------------------------------------------------


def _speaker_floor(ctx: Context, i: int, sent: tuple[int, int], quotes: SpanIndex) -> int:
    """The first word a speaker may be: the clause start, or after the last sentence-level quote
    that closes before the cue."""
    view = ctx.view
    last = quotes.last_end(view.words[i].start)
    if last is not None and last > view.words[sent[0]].start:
        return view.first_word_from(last)
    return sent[0]


class _Reports:
    """The reports by cue word (a later one on the same cue replaces the earlier), and by sentence."""

    __slots__ = ("by_cue", "by_sentence")

    def __init__(self) -> None:
        self.by_cue: dict[int, Candidate] = {}
        self.by_sentence: dict[int, dict[int, Candidate]] = {}

    def put(self, cue: int, c: Candidate) -> None:
        old = self.by_cue.get(cue)
        if old is not None:
            del self.by_sentence[old.sentence][cue]
        self.by_cue[cue] = c
        self.by_sentence.setdefault(c.sentence, {})[cue] = c

    def get(self, cue: int) -> Candidate | None:
        return self.by_cue.get(cue)

    def latest_in_sentence(self, sentence: int, before: int) -> Candidate | None:
        """The report of sentence ``sentence`` with the latest cue word below ``before``."""
        earlier = [(cue, c) for cue, c in self.by_sentence.get(sentence, {}).items() if cue < before]
        return max(earlier, key=lambda kc: kc[0])[1] if earlier else None


def _inherited_report(ctx: Context, i: int, sent: tuple[int, int], by_cue: _Reports) -> Candidate | None:
    """The report whose speaker this cue may share: its governing cue's (advcl, conj, xcomp), or for
    a participle after a comma, the sentence's latest report."""
    view = ctx.view
    w = view.words[i]
    inherited = by_cue.get(w.head) if w.deprel.split(":")[0] in ("advcl", "conj", "xcomp") else None
    j = i - 1
    while j > sent[0] and view.words[j].upos == "ADV":
        j -= 1
    if inherited is None and w.xpos == "VBG" and not view.deps(i, "nsubj") and view.words[j].text == ",":
        # "…, Barzani said, adding that …": the participle shares the sentence's last speaker
        inherited = by_cue.latest_in_sentence(w.sent, i)
    return inherited


def _is_passive(view: DocView, i: int) -> bool:
    """Is the cue passive ("It was announced that …", "The mayor was told that …")?"""
    return bool(view.deps(i, "aux:pass", "nsubj:pass"))


def _speaker_for_cue(
    ctx: Context,
    i: int,
    sent: tuple[int, int],
    how: str,
    first: int,
    floor: int,
    by_cue: _Reports,
) -> tuple[tuple[int, int] | None, Candidate | None]:
    """The speaker mention, and the report to inherit one from: a passive's by-agent, a governing
    cue's speaker, a participle's noun, a postposed subject, else the cue's subject."""
    view = ctx.view
    w = view.words[i]
    ceiling = first if first > i else sent[1]
    inherited = _inherited_report(ctx, i, sent, by_cue)
    mention: tuple[int, int] | None
    if _is_passive(view, i):
        # "It was announced that …", "The mayor was told that …": the subject is not the source;
        # the agent is ("… was called a charlatan by fellow physicians"), where there is one
        by = next((m for m in range(i + 1, sent[1]) if view.words[m].text.lower() == "by" and m + 1 < sent[1]), None)
        mention = np_right(view, by + 1, ctx.lex, sent[1]) if by is not None else None
        inherited = None
    elif inherited is not None and not view.deps(i, "nsubj"):
        mention = inherited.mention
    elif w.xpos == "VBG" and w.deprel.startswith("acl") and floor <= w.head < i and view.words[i - 1].text != ",":
        mention = np_left(view, w.head, ctx.lex, floor)  # "Trump's tweets accusing her of …"
    elif how == "frame" and _after_comma(view, i, sent):
        mention = np_right(view, i + 1, ctx.lex, sent[1])  # "…, said the spokesman."
    else:
        mention, _ = mention_for_cue(view, i, ctx.lex, floor, max(ceiling, i + 1), postposed_ok=how == "frame")
    return mention, inherited


def _addressee_for_cue(ctx: Context, i: int, lemma: str, first: int, floor: int) -> tuple[int, int] | None:
    """Whom an addressee cue ("told", "warned") speaks to: a passive's subject, or the noun phrase
    between the cue and its content."""
    view = ctx.view
    if lemma in ADDRESSEE_CUES and _is_passive(view, i):
        subjects = view.deps(i, "nsubj:pass")
        return np_left(view, subjects[0], ctx.lex, floor) if subjects and subjects[0] < i else None
    if lemma in ADDRESSEE_CUES and first > i + 1:
        return np_right(view, i + 1, ctx.lex, first, addressee=True)
    return None


def _candidate(
    ctx: Context,
    i: int,
    lemma: str,
    how: str,
    spans: list[tuple[int, int]],
    mention: tuple[int, int] | None,
    addressee: tuple[int, int] | None,
    inherited: Candidate | None,
    fragments: SpanIndex,
) -> Candidate:
    """The report: MIXED when it holds a quoted fragment; less confident without a speaker mention."""
    view = ctx.view
    w = view.words[i]
    mixed = any(fragments.contains_one(a, b) for a, b in spans)
    kind = QuoteKind.MIXED if mixed else QuoteKind.INDIRECT
    conf = CONFIDENCE[how]
    if mention is None:
        conf *= 0.6
    return Candidate(
        content=spans,
        kind=kind,
        sieve="indirect",
        confidence=conf,
        sentence=w.sent,
        cue=(w.start, view.words[i + 1].end if _is_phrasal(lemma) else w.end),
        cue_lemma=lemma,
        cue_word=i,
        mention=mention,
        addressee=addressee,
        inherit_from=inherited if mention is None else None,
    )


def _clause_verb(view: DocView, j: int) -> bool:
    """A verb that heads a clause; not a participle used as an adjective ("retired Air Force general")."""
    w = view.words[j]
    if w.upos != "VERB":
        return False
    nxt = view.words[j + 1] if j + 1 < len(view.words) else None
    return not (w.xpos in ("VBN", "VBD") and nxt is not None and nxt.upos in ("NOUN", "PROPN", "ADJ"))


def _frame(ctx: Context, cue: int, sent: tuple[int, int]) -> tuple[tuple[int, int], tuple[int, int] | None] | None:
    """Reported content framed by ", SUBJ CUE" without a complementizer.

    - sentence-final: "The economy is strong, he said." / "…, said Jeffrey Trimble, a senior official."
    - mid-sentence: "Acts of protest, Mr. Obama said, are acts of patriotism." (two content parts)
    """
    view = ctx.view
    if view.words[cue].xpos == "VBG":
        return None  # "…, saying the mayor …" opens a report; it never frames one
    k = cue - 1
    while k >= sent[0] and (
        view.words[k].upos in ("ADV", "AUX") or view.words[k].text.lower() == "also" or _is_quote_mark(view, k)
    ):
        k -= 1  # (a closing mark: "… tax ''is a misguided approach,'' said Mr. Burman")
    after = cue + 1
    own_subject = True  # the cue's subject is written between the content and the cue, or after it
    if k >= sent[0] and view.words[k].text == ",":
        # postposed subject: "…, said the spokesman, a former diplomat."
        j = k
        subject = np_right(view, cue + 1, ctx.lex, sent[1])
        own_subject = subject is not None
        if subject is not None:
            after = subject[1] + 1
            # (an aside in parentheses is no clause of the subject's: "said Mr. Burman (a view echoed
            # by everyone I interviewed)")
            aside = next((x for x in range(after, sent[1]) if view.words[x].text == "("), sent[1])
            if (
                after < sent[1]
                and view.words[after].text != ","
                and any(
                    view.words[x].upos in ("VERB", "AUX") and view.words[x].xpos not in ("VBG", "VBN")
                    for x in range(after, aside)
                )
            ):
                return None  # "X, a senior associate, said parents still want …": a clause, not a frame
    else:
        j = k
        while j >= sent[0] and view.words[j].text != "," and not _clause_verb(view, j):
            j -= 1
        if j <= sent[0] or view.words[j].text != ",":
            return None
        if any(view.words[x].text.lower() in RELATIVE_PRONOUNS for x in range(j + 1, cue)):
            return None  # "…, which had declared bankruptcy": a relative clause frames nothing
        if not any(view.words[x].upos in ("NOUN", "PROPN", "PRON") for x in range(j + 1, cue)):
            return None  # "X, a spokeswoman, did not respond": no subject between the comma and the cue
    first, last = sent[0], j - 1
    if last - first < 1:
        return None
    parse_subject = subject_of(view, cue)
    if not own_subject and parse_subject is not None and first <= parse_subject <= last:
        return None  # "Hope Hicks, a spokeswoman, did not respond to …": the cue's own subject
    lead = first
    while lead < last and view.words[lead].upos in ("CCONJ", "PUNCT"):
        lead += 1
    subordinate = view.words[lead].upos == "SCONJ" or view.words[lead].text.lower() in SUBORDINATORS
    if subordinate and not _main_clause_follows(view, lead, last):
        return None  # "But when Congress cut funding …, Mexico said enough.": an adverbial clause
    # what follows the cue up to a comma ("…, McConnell said in June 2012, citing …": the participle
    # clause after the comma is the cue's adjunct, not more content)
    stop = next((x for x in range(after + 1, sent[1]) if view.words[x].text == ","), sent[1])
    tail = [x for x in range(after, stop) if view.words[x].upos != "PUNCT"]
    has_verb = any(view.words[x].upos in ("VERB", "AUX") for x in range(first, last + 1))
    if after < sent[1] and view.words[after].text == ";" and has_verb:
        return (first, last), None  # "…, Foster writes; such accusations …": the semicolon ends the frame
    if after < sent[1] and view.words[after].text in (",", ";") and tail:
        rest = (after + 1, sent[1] - 1)
        rest_has_verb = any(view.words[x].upos in ("VERB", "AUX") for x in range(*rest))
        if rest_has_verb and not has_verb:
            return (first, last), rest
        if rest_has_verb and view.words[after + 1].upos == "CCONJ" and own_subject and _frames_alone(view, cue, sent):
            # "The drugs have a limited set of uses, he says, and are mostly meant to be taken short
            # term.": the report goes on after the frame
            return (first, last), rest
    if view.words[lead].xpos in ("VBG", "VBN", "TO") and view.words[lead].head == cue:
        return None  # "Campaigning against X in 2012, he mentioned …": an adverbial phrase
    postposed_appositive = after > cue + 1 and after < sent[1] and view.words[after].text == ","
    if not postposed_appositive and (
        len(tail) > FRAME_TAIL_MAX or any(view.words[x].text.lower() == "that" for x in tail)
    ):
        return None  # (after "said Jeffrey Trimble," the rest is his appositive, however long)
    if not has_verb:
        return None
    return (first, last), None


FINITE_TAGS = frozenset({"VBD", "VBZ", "VBP", "MD"})


def _main_clause_follows(view: DocView, lead: int, last: int) -> bool:
    """Does a main clause follow the adverbial clause opened at ``lead`` inside [lead, last] ("But when
    he sought shelter …, an employee contacted police, Lohmar said": the report is the whole
    sentence)? A comma, then a subject and a finite verb (the parse attaches such clauses either way)."""
    for comma in range(lead + 1, last):
        if view.words[comma].text != ",":
            continue
        nominal = False
        for x in range(comma + 1, last + 1):
            w = view.words[x]
            if w.upos in ("NOUN", "PROPN", "PRON"):
                nominal = True
            elif w.xpos in FINITE_TAGS and w.upos in ("VERB", "AUX"):
                if nominal:
                    return True
                break
    return False


def nominal(ctx: Context) -> list[Candidate]:
    """ "Trump's claim that …", "his warning that …": a reporting noun with its owner and a
    that-clause. Without an owner ("the claim that …") nothing is reported."""
    view = ctx.view
    out: list[Candidate] = []
    taken = ClaimedSpans((c.start, c.end) for c in ctx.found)
    quotes, fragments = SpanIndex(ctx.quotes), SpanIndex(ctx.fragments)
    for i, w in enumerate(view.words):
        lemma = ctx.lex.nominal_cues.get(w.lemma.lower()) or ctx.lex.nominal_cues.get(w.text.lower())
        if lemma is None or w.upos != "NOUN" or i + 1 >= len(view.words):
            continue
        that = i + 1
        if view.words[that].text.lower() != "that" or view.words[that].sent != w.sent:
            continue
        if ctx.in_verbatim(w.start) or not ctx.in_body(w.start):
            continue
        sent = _sentence(view, i)
        owners = [c for c in view.deps(i, "nmod:poss") if c < i]
        if not owners:
            continue  # "the claim that …": whose claim is not said
        owner = owners[0]
        mention = (owner, owner) if view.words[owner].upos == "PRON" else np_left(view, owner, ctx.lex, sent[0])
        if mention is None:
            continue
        trimmed = _trim(view, that + 1, _clip_end(view, i, that + 1, sent[1] - 1, ctx))
        if trimmed is None:
            continue
        first, last = trimmed
        # a quoted fragment the clause runs into belongs to it whole
        span = (view.words[first].start, fragments.grown_end(view.words[first].start, view.words[last].end))
        if span[1] - span[0] < 3 or taken.overlaps(*span):
            continue
        if quotes.overlaps(*span):
            continue
        mixed = fragments.contains_one(*span)
        out.append(
            Candidate(
                content=[span],
                kind=QuoteKind.MIXED if mixed else QuoteKind.INDIRECT,
                sieve="nominal",
                confidence=0.55,
                sentence=w.sent,
                cue=(w.start, w.end),
                cue_lemma=lemma,
                cue_word=i,
                mention=mention,
            )
        )
        taken.add(*span)
    return out


def _buckets(start: int, end: int) -> range:
    """The buckets of the characters ``start`` … ``end - 1`` (of ``start`` for an empty span)."""
    return range(start // _BUCKET, max(start, end - 1) // _BUCKET + 1)
