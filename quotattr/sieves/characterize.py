"""Characterizations by any verb: "Reid has been pounding Trump as a “con artist”".

A quoted fragment right after "as" (and a determiner or adjectives) that follows a verb's object
is words put in the subject's mouth, whatever the verb ("admires Putin as a “strong leader”",
"dismissed Estonia as being in the “suburbs of St. Petersburg”"). Verbs of the cue lexicon are
handled by the indirect sieve; this one takes the others, and only with the quoted fragment.
"""

from __future__ import annotations

from quotattr.mentions import mention_for_cue
from quotattr.model import QuoteKind
from quotattr.sieves import Candidate, Context
from quotattr.sieves.indirect import ClaimedSpans

__all__ = ["labelled_as"]

MAX_OBJECT_WORDS = 10
BEFORE_FRAGMENT = frozenset({"DET", "ADJ", "ADV", "AUX"})  # "as a “…”", "as being in the “…”"


def labelled_as(ctx: Context) -> list[Candidate]:
    view = ctx.view
    out: list[Candidate] = []
    taken = ClaimedSpans((c.start, c.end) for c in ctx.found)
    for f in ctx.fragments:
        if not ctx.in_body(f.start) or taken.overlaps(f.start, f.end):
            continue
        k = view.first_word_from(f.start) - 1
        hops = 0
        while k >= 0 and hops < 4 and (view.words[k].upos in BEFORE_FRAGMENT or view.words[k].text.lower() == "in"):
            k -= 1
            hops += 1
        if k < 1 or view.words[k].text.lower() != "as":
            continue
        sent = view.words[k].sent
        verb = next(
            (
                v
                for v in range(k - 2, max(-1, k - 2 - MAX_OBJECT_WORDS), -1)
                if view.words[v].sent == sent and view.words[v].upos == "VERB"
            ),
            None,
        )
        if verb is None or verb in ctx.claimed_cues:
            continue
        if not any(view.words[x].upos in ("NOUN", "PROPN", "PRON") for x in range(verb + 1, k)):
            continue  # no object between the verb and "as"
        start = view.words[verb + 1].start
        floor = next((x for x in range(verb, -1, -1) if view.words[x].sent != sent), -1) + 1
        mention, _ = mention_for_cue(view, verb, ctx.lex, floor, verb + 1)
        w = view.words[verb]
        cand = Candidate(
            content=[(start, f.end)],
            kind=QuoteKind.MIXED,
            sieve="characterize",
            confidence=0.55 if mention is not None else 0.35,
            sentence=w.sent,
            cue=(w.start, w.end),
            cue_lemma=w.lemma.lower(),
            cue_word=verb,
            mention=mention,
        )
        out.append(cand)
        taken.add(start, f.end)
        ctx.claimed_cues.add(verb)
    return out
