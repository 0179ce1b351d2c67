"""Pull quotes: a paragraph of first-person speech signed with the speaker's name and no quote marks.

Web news sets a highlighted quote apart as its own paragraph, written without quotation marks and
signed with the speaker's name at the end:

    I'd heard people say, life is easy here. But when I came, it was difficult. Fouzia Al Hashish

The paragraph is a direct quote of that person when all of these hold: it has no quotation marks; it
ends with a name of two to five capitalised words — a person the NER found in the article — that
stands as its own sentence (after ".", "!", "?" or ")"); and what comes before the name is at least
:data:`MIN_WORDS` words, either of speech in the first person ("I", "we", "my", "our", "me", "us")
or signed by a person the article names elsewhere; a caption or photo credit is never one.
"""

from __future__ import annotations

import regex

from quotattr.document import PERSON_TYPES
from quotattr.model import QuoteKind
from quotattr.sieves import Candidate, Context

__all__ = ["MIN_WORDS", "pull_quotes"]

MIN_WORDS = 6
#: "Niagara County District Attorney Caroline Wojtaszek": a role may precede the name
MAX_SIGNATURE_WORDS = 7
CONFIDENCE = 0.8
_FIRST_PERSON = regex.compile(r"(?i)\b(?:I|I'm|I've|I'd|I'll|we|we're|we've|my|our|me|us)\b")
_SENTENCE_END = frozenset(".!?)…")
#: a photo caption or credit is no pull quote
_CAPTION = regex.compile(r"(?i)\bphoto|\bgetty\b|\bpress\b|\bfile\b|/|\bpictured\b")
#: double quotation marks (an apostrophe in "I'd" is no quote mark)
_DOUBLE_MARKS = frozenset('"“”„«»‹›')


def pull_quotes(ctx: Context) -> list[Candidate]:
    view = ctx.view
    out: list[Candidate] = []
    person_words = {
        w.lower() for ent in view.entities if ent.type in PERSON_TYPES for w in ent.text.split() if w[:1].isupper()
    }
    for k in range(len(view.paragraph_starts)):
        start, end = view.paragraph_span(k)
        para = view.text[start:end]
        if not para.strip() or any(c in _DOUBLE_MARKS for c in para):
            continue
        name = _signature(ctx, start + len(para.rstrip()), person_words)
        if name is None:
            continue
        body = view.text[start : view.words[name[0]].start].rstrip()
        if not body or body[-1] not in _SENTENCE_END:
            continue
        lead = len(body) - len(body.lstrip())
        c_start, c_end = start + lead, start + len(body)
        if len(view.text[c_start:c_end].split()) < MIN_WORDS or _CAPTION.search(para):
            continue
        signature = view.text[view.words[name[0]].start : view.words[name[1]].end]
        if not _FIRST_PERSON.search(view.text, c_start, c_end) and not _named_elsewhere(ctx, signature, name):
            continue
        if any(c.start < c_end and c_start < c.end for c in ctx.found):
            continue
        first = view.first_word_from(c_start)
        out.append(
            Candidate(
                [(c_start, c_end)], QuoteKind.DIRECT, "pull_quote", CONFIDENCE, view.words[first].sent, mention=name
            )
        )
    return out


def _named_elsewhere(ctx: Context, signature: str, name: tuple[int, int]) -> bool:
    """Is the signature's person (its last two words) named as a person elsewhere in the article?"""
    tail = " ".join(signature.split()[-2:])
    return any(
        ent.type in PERSON_TYPES and ent.text.endswith(tail) and not (name[0] <= ent.first <= name[1])
        for ent in ctx.view.entities
    )


def _signature(ctx: Context, end: int, person_words: set[str]) -> tuple[int, int] | None:
    """The words of a name of two to five capitalised words ending at character ``end``, whose last
    word is part of a person the NER found somewhere in the article (it may tag the signature itself
    as a place)."""
    view = ctx.view
    last = view.first_word_from(end) - 1
    if last < 0 or view.words[last].end != end:
        return None
    first = last
    while first - 1 >= 0 and last - first < MAX_SIGNATURE_WORDS - 1:
        w = view.words[first - 1]
        if not (w.text[:1].isupper() and w.upos in ("PROPN", "NOUN", "X", "ADJ")) or w.text in _SENTENCE_END:
            break
        first -= 1
    words = [view.words[j].text for j in range(first, last + 1)]
    if len(words) < 2 or not all(x[:1].isupper() and x.isalpha() for x in words):
        return None
    if words[-1].lower() not in person_words:
        return None
    return first, last
