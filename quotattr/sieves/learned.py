"""The learned sieve: PolNeAR's broad attributions and boundaries, from :mod:`quotattr.learned`.

It is **opt-in**: it does nothing unless the cue class ``learned`` is enabled
(``Lexicons.default().with_cue_classes("learned")``;
``benchmarks/run.py`` enables it for PolNeAR gold). PolNeAR counts beliefs, intentions and the
objects of criticism as attributions and draws span boundaries its own way; quotattr's default output
keeps the seed gold's conventions (speech only, "A Marist poll" as the source of "A Marist poll
released on Friday shows …").

With the class on, after every rule sieve:

0. a reported-speech candidate of the rules whose cue the cue tagger all but rules out (below
   :data:`MIN_RULE_CUE_PROB`) is dropped;
1. the content of each reported-speech candidate of the rules (never a direct quote) becomes the role
   tagger's content for the same cue where the two overlap, and its speaker phrase the tagger's source
   where those overlap (PolNeAR's boundaries: relative clauses and time adverbials in sources,
   trailing clauses out of content, coordinated reports split);
2. the cue tagger's proposals are added where no rule candidate overlaps their content or uses their
   cue — a confident cue and a confident content required, the learned source as the mention.

>>> # "Mayor Lena Ortiz believes the harbour plan will create hundreds of jobs."  → cue "believes",
>>> # source "Mayor Lena Ortiz", content "the harbour plan will create hundreds of jobs"
"""

from __future__ import annotations

from quotattr.learned import LearnedModelError, Proposal, load_model, propose
from quotattr.model import QuoteKind
from quotattr.sieves import Candidate, Context

__all__ = ["LEARNED_CLASS", "MIN_CONTENT_SCORE", "MIN_CUE_SCORE", "learned"]

#: the cue class that turns the sieve on (off by default: PolNeAR's broad notion of attribution —
#: beliefs, intentions, the objects of criticism — is not what most users call a quote)
LEARNED_CLASS = "learned"
#: the least mean tag probability of a proposal's cue and of its content
MIN_CUE_SCORE = 0.6
MIN_CONTENT_SCORE = 0.8
#: rule sieves whose reported-speech content the role tagger may re-bound, and the least content score
REFINE_CONTENT = True
REFINE_SOURCE = True
REFINED_SIEVES = frozenset({"indirect", "nominal", "according_to", "characterize"})
MIN_REFINE_SCORE = 0.5
#: a rule's reported-speech candidate is dropped where each of its cue words is a cue with less than
#: this probability under the cue tagger
MIN_RULE_CUE_PROB = 0.15
#: the confidence of a learned attribution is this times its cue and content scores
CONFIDENCE_SCALE = 0.6
_EDGE = frozenset(".,;:—–-()\"'“”‘’")


def learned(ctx: Context) -> list[Candidate]:
    """Re-bound the rules' reported speech and add what they miss (nothing unless the cue class
    ``learned`` is on, or where the model files are absent)."""
    if LEARNED_CLASS not in ctx.lex.cue_classes:
        return []  # opt-in: the default output keeps quotattr's own (seed gold) span conventions
    try:
        model = load_model()
    except LearnedModelError:
        return []
    view = ctx.view
    quotes = sorted([*ctx.quotes, *ctx.fragments], key=lambda q: q.start)
    body = [
        k
        for k, (a, b) in enumerate(view.sentences)
        if b > a and ctx.in_body(view.words[a].start) and not _quoted(ctx, a, b - 1) and _parsed(ctx, a, b)
    ]
    refine: dict[tuple[int, ...], Candidate] = {}
    if REFINE_CONTENT:
        for c in ctx.found:
            if c.sieve in REFINED_SIEVES and c.kind is not QuoteKind.DIRECT and c.cue is not None:
                cue_words = tuple(view.words_in(*c.cue))
                if cue_words:
                    refine[cue_words] = c
    used_cues = set(ctx.claimed_cues) | {c.cue_word for c in ctx.found if c.cue_word is not None}
    taken = [(a, b) for c in ctx.found for a, b in c.content]
    out: list[Candidate] = []
    cue_probs: dict[int, float] = {}
    proposals = propose(view, ctx.lex, quotes, model, sentences=body, extra_cues=list(refine), cue_probs=cue_probs)
    refine = _veto(ctx, refine, cue_probs)
    for p in proposals:
        rule = refine.get(p.cue)
        if rule is not None:
            _refine(ctx, rule, p)
            continue
        cand = _candidate(ctx, p)
        if cand is None or any(w in used_cues for w in p.cue):
            continue
        if any(a < e and s < b for s, e in cand.content for a, b in taken):
            continue
        out.append(cand)
        taken.extend(cand.content)
        used_cues.update(p.cue)
    return out


def _veto(
    ctx: Context, refine: dict[tuple[int, ...], Candidate], cue_probs: dict[int, float]
) -> dict[tuple[int, ...], Candidate]:
    """Drop the rules' reported-speech candidates whose cue the cue tagger all but rules out (every
    cue word's probability of being a cue below :data:`MIN_RULE_CUE_PROB`): a lexicon verb used in a
    way PolNeAR does not count as a report. Words the tagger did not read (an unparsed or quoted
    sentence) keep their candidate."""
    drop = {id(c) for words, c in refine.items() if all(cue_probs.get(w, 1.0) < MIN_RULE_CUE_PROB for w in words)}
    if not drop:
        return refine
    ctx.found[:] = [c for c in ctx.found if id(c) not in drop]
    return {k: c for k, c in refine.items() if id(c) not in drop}


def _refine(ctx: Context, rule: Candidate, p: Proposal) -> None:
    """Give ``rule`` the tagger's content for its cue where that overlaps the rule's own."""
    if p.role_score < MIN_REFINE_SCORE:
        return
    parts = _parts(ctx, p)
    if not parts or not any(a < e and s < b for s, e in parts for a, b in rule.content):
        return
    if any(ctx.in_direct_quote(a) is not None for a, _ in parts):
        return
    rule.content[:] = parts
    if REFINE_SOURCE and p.source is not None and rule.mention is not None:
        a, b = rule.mention
        if a <= p.source[1] and p.source[0] <= b:
            rule.mention = p.source


def _parsed(ctx: Context, first: int, end: int) -> bool:
    """Did the parser see the sentence (a two-pass pipeline leaves the rest without a root, and the
    tagger reads dependency relations: on an unparsed sentence it guesses)? An Extractor with this
    sieve on parses every sentence (``parse="auto"``)."""
    return any(ctx.view.words[k].deprel == "root" for k in range(first, end))


def _quoted(ctx: Context, first: int, last: int) -> bool:
    """The whole sentence lies inside one direct quote (the rules own it)."""
    q = ctx.in_direct_quote(ctx.view.words[first].start)
    return q is not None and q is ctx.in_direct_quote(ctx.view.words[last].end - 1)


def _trim(ctx: Context, first: int, last: int) -> tuple[int, int] | None:
    words = ctx.view.words
    while first <= last and (
        words[first].text in _EDGE or (words[first].text.lower() == "that" and words[first].deprel == "mark")
    ):
        first += 1  # edge punctuation and a leading "that" are not content (quotattr's convention)
    while last >= first and words[last].text in _EDGE:
        last -= 1
    return (first, last) if first <= last else None


def _parts(ctx: Context, p: Proposal) -> list[tuple[int, int]]:
    words = ctx.view.words
    parts: list[tuple[int, int]] = []
    for a, b in p.content:
        r = _trim(ctx, a, b)
        if r is not None:
            parts.append((words[r[0]].start, words[r[1]].end))
    return parts


def _candidate(ctx: Context, p: Proposal) -> Candidate | None:
    if p.cue_score < MIN_CUE_SCORE or p.role_score < MIN_CONTENT_SCORE:
        return None
    view = ctx.view
    words = view.words
    cue_start, cue_end = words[p.cue[0]].start, words[p.cue[-1]].end
    if ctx.in_verbatim(cue_start) or not ctx.in_body(cue_start):
        return None
    parts = _parts(ctx, p)
    if not parts:
        return None
    direct = ctx.in_direct_quote(parts[0][0])
    if direct is not None:
        return None  # a direct quote: the direct sieves own it
    mixed = any(a <= f.start and f.end <= b for f in ctx.fragments for a, b in parts)
    return Candidate(
        content=parts,
        kind=QuoteKind.MIXED if mixed else QuoteKind.INDIRECT,
        sieve="learned",
        confidence=round(CONFIDENCE_SCALE * p.cue_score * p.role_score, 3),
        sentence=words[p.anchor].sent,
        cue=(cue_start, cue_end),
        cue_lemma=words[p.anchor].lemma.lower(),
        cue_word=p.anchor,
        mention=p.source,
    )
