"""Runs the stages after stanza and assembles the :class:`~quotattr.model.Result`.

stanza Document ─► document view ─► entity table ─► quote spans ─► sieves ─► conflict resolution
─► speakers (resolved against the entity table) ─► Result
"""

from __future__ import annotations

import bisect
from typing import Any

import regex

from quotattr.document import DocView, build_view
from quotattr.entities import build_entities
from quotattr.lexicons import Lexicons
from quotattr.model import Attribution, Cue, Result, Span, Speaker
from quotattr.quotes import QuoteSpan, find_quotes, is_quote_char
from quotattr.sieves import Candidate, Context, ordered
from quotattr.sieves.direct import classify_quotes
from quotattr.speakers import MentionResolution, build_speakers, resolve_mentions

__all__ = ["attribute", "body_paragraphs", "resolve_conflicts"]

_CAPTION = regex.compile(
    r"(?i)(?:^|\s)(?:photo|photograph|image|picture|credit|illustration|video)s?\s*(?:by)?\s*:|"
    r"\((?:AP|Reuters|AFP|Getty)[^)]*(?:photo|images?)[^)]*\)|getty images|^\s*◄|^\s*back to\b"
)
# a news site's pointer to a video or another story, in capitals: "WATCH: Scheer says …", "READ MORE: …"
_POINTER = regex.compile(r"^\s*(?:WATCH|LISTEN|READ MORE|RELATED|MORE)(?:\s+(?:BELOW|ABOVE|LIVE|HERE))?\s*:")
_BODY_END = tuple(".?!\"”’»)…:;'")
HEADLINE_MAX_WORDS = 40
MIN_QUOTE_WORDS_FOR_BODY = 6
_TITLE_SMALL_WORDS = frozenset(
    {"a", "an", "the", "in", "of", "on", "at", "to", "for", "and", "or", "but", "is", "with"}
)  # lower case inside a Title Case subhead


def body_paragraphs(view: DocView, quotes: list[QuoteSpan] | None = None) -> list[bool]:
    """Per paragraph: True for running text; False for headlines, captions, bylines, navigation.

    A paragraph is running text when it ends like prose or is long, or when it opens with a quote
    of some length (“…” — Fire Chief Ana Silva).
    """
    opening = {view.paragraph_of(q.start) for q in quotes or () if _opens_paragraph(view, q)}
    out: list[bool] = []
    for k in range(len(view.paragraph_starts)):
        start, end = view.paragraph_span(k)
        para = view.text[start:end].strip()
        if not para:
            out.append(False)
            continue
        if _CAPTION.search(para) or _POINTER.match(para):
            out.append(False)
            continue
        if _quoted_title(para):
            out.append(False)  # a quoted subhead: 'Legend in the Coal Fields.'
            continue
        ends_like_prose = para.rstrip("\"”’»'").endswith(_BODY_END)
        # (a closing mark alone does not: 'Farmers say drought “worst in decades”' is a headline)
        out.append(ends_like_prose or len(para.split()) >= HEADLINE_MAX_WORDS or k in opening)
    return out


def _quoted_title(para: str) -> bool:
    """A short paragraph that is one quote in Title Case: a subhead, not speech."""
    if len(para) < 3 or not is_quote_char(para[0]) or not is_quote_char(para[-1]):
        return False
    words = [w for w in para[1:-1].split() if w[:1].isalpha()]
    if not words or len(words) >= MIN_QUOTE_WORDS_FOR_BODY:
        return False
    content = [w for w in words if w.lower() not in _TITLE_SMALL_WORDS]
    return len(content) >= 2 and all(w[0].isupper() for w in content)


def _opens_paragraph(view: DocView, q: QuoteSpan) -> bool:
    p_start, _ = view.paragraph_span(view.paragraph_of(q.start))
    return not view.text[p_start : q.start].strip() and len(q.text.split()) >= MIN_QUOTE_WORDS_FOR_BODY


def resolve_conflicts(cands: list[Candidate]) -> list[Candidate]:
    """Keep the strongest candidate per content; drop attributions nested inside a direct quote.

    Indexed (near-linear): the direct spans by start with a running maximum of their ends, the kept
    contents in a set, the kept candidates per cue word in coarse character buckets.
    """
    inside = _inside_direct(cands)
    kept: list[Candidate] = []
    contents: set[tuple[tuple[int, int], ...]] = set()
    by_cue: dict[int | None, dict[int, list[Candidate]]] = {}
    for i in sorted(range(len(cands)), key=lambda i: -cands[i].confidence):
        c = cands[i]
        if inside[i]:
            continue
        content = tuple(c.content)
        if content in contents:
            continue
        buckets = by_cue.setdefault(c.cue_word, {})
        if any(
            k.start < c.end and c.start < k.end and not _nested(k, c)
            for b in _buckets(c.start, c.end)
            for k in buckets.get(b, ())
        ):
            continue
        kept.append(c)
        contents.add(content)
        for b in _buckets(c.start, c.end):
            buckets.setdefault(b, []).append(c)
    kept.sort(key=lambda c: (c.start, c.end))
    return kept


_BUCKET = 2048  # characters per bucket of the overlap index


def _buckets(start: int, end: int) -> range:
    """The buckets of the characters ``start`` … ``end - 1`` (of ``start`` for an empty span)."""
    return range(start // _BUCKET, max(start, end - 1) // _BUCKET + 1)


def _inside_direct(cands: list[Candidate]) -> list[bool]:
    """Per candidate: some other direct quote or transcript turn strictly contains its span.

    A span ``d`` containing ``c`` is longer exactly when it starts before ``c`` or ends after it.
    """
    spans = sorted((c.start, c.end) for c in cands if c.quote is not None or c.sieve == "transcript")
    starts = [a for a, _ in spans]
    reach: list[int] = []  # reach[j]: the furthest end of spans[0 .. j]
    for _, b in spans:
        reach.append(b if not reach else max(reach[-1], b))
    out: list[bool] = []
    for c in cands:
        lo = bisect.bisect_left(starts, c.start)  # spans[:lo] start before c
        hi = bisect.bisect_right(starts, c.start)  # spans[lo:hi] start with c
        out.append((lo > 0 and reach[lo - 1] >= c.end) or (hi > lo and reach[hi - 1] > c.end))
    return out


def join_same_paragraph_continuations(cands: list[Candidate], view: DocView) -> list[Candidate]:
    """Fold a continuation quote into the attribution it continues when both share a paragraph."""
    out: list[Candidate] = []
    kept: set[int] = set()  # ids of ``out`` (candidates compare by identity)
    for c in cands:
        prev = c.inherit_from
        if (
            c.sieve == "continuation"
            and prev is not None
            and id(prev) in kept
            and c.cue == prev.cue
            and view.paragraph_of(prev.start) == view.paragraph_of(c.start)
        ):
            prev.content.extend(c.content)
            continue
        out.append(c)
        kept.add(id(c))
    return out


def _nested(a: Candidate, b: Candidate) -> bool:
    return (a.start <= b.start and b.end <= a.end) or (b.start <= a.start and a.end <= b.end)


def _root(c: Candidate) -> Candidate:
    seen = 0
    while c.inherit_from is not None and c.mention is None and seen < 50:
        c = c.inherit_from
        seen += 1
    return c


def attribute(
    doc: Any,
    lexicons: Lexicons,
    *,
    doc_id: str | None = None,
    text: str | None = None,
    join_continuations: bool = False,
) -> Result:
    """Attributions of an annotated stanza Document (``text``: the caller's original string).

    ``join_continuations``: report “A,” X said. “B.” as one attribution with two content spans (the
    PolNeAR convention) instead of two attributions sharing speaker and cue (the default, and the
    seed gold's convention).
    """
    source = doc.text if text is None else text
    if source is None:
        raise ValueError("the stanza Document carries no text")
    _check_annotations(doc)
    view = build_view(doc, source)
    direct, fragments = classify_quotes(view, lexicons, find_quotes(source))
    ctx = Context(view, lexicons, direct, fragments, body_paragraphs(view, direct))
    for _name, sieve in ordered():
        ctx.found.extend(sieve(ctx))
    cands = resolve_conflicts(ctx.found)
    if join_continuations:
        cands = join_same_paragraph_continuations(cands, view)

    # entities and speakers: the document's people and organisations first, then each speaker
    # phrase resolved against them (one Speaker per real source)
    quote_spans = [(q.start, q.end) for q in direct]
    table = build_entities(view, lexicons, quote_spans, ctx.body)
    phrases = [c.mention for c in cands if c.mention is not None]
    said = {c.mention: c.content for c in cands if c.mention is not None}
    resolved, resolver = resolve_mentions(phrases, view, lexicons, table, quote_spans, said)
    per_cand: list[MentionResolution] = []
    for c in cands:
        root = _root(c)
        res = resolved.get(root.mention) if root.mention is not None else None
        if res is None and root.mention is None and c.quote is not None and c.sieve == "unattributed":
            # a quote with no cue at all: the person the passage is about, when one clearly is
            per_cand.append(resolver.context_speaker(c.start))
        elif res is None or res.cluster is None:
            per_cand.append(MentionResolution(None, None, None))
        elif root is not c:
            per_cand.append(resolver.inherit(res, root.end, c.start))
        elif c.sieve == "continuation" and c.inherit_from is not None:
            # a later quote of the paragraph shares its cue — unless someone else was introduced first
            per_cand.append(resolver.introduced_between(res, c.inherit_from.end, c.start) or res)
        else:
            per_cand.append(res)
    used = {id(r.cluster): r.cluster for r in per_cand if r.cluster is not None}
    resolver.full_organizations()
    speakers = build_speakers(list(used.values()), source)

    attributions: list[Attribution] = []
    for c, res in zip(cands, per_cand, strict=True):
        speaker: Speaker | None = speakers.get(id(res.cluster)) if res.cluster is not None else None
        conf = c.confidence
        if speaker is not None and not speaker.resolved:
            conf *= 0.7
        attributions.append(
            Attribution(
                content=tuple(Span.of(source, a, b) for a, b in c.content),
                kind=c.kind,
                cue=None if c.cue is None else Cue(Span.of(source, *c.cue), c.cue_lemma),
                speaker=speaker,
                mention=None if c.mention is None else _words_span(view, c.mention),
                addressee=None if c.addressee is None else _words_span(view, c.addressee),
                confidence=round(min(1.0, max(0.0, conf)), 3),
                sentence_index=c.sentence,
                paragraph_index=view.paragraph_of(c.start),
                sieve=c.sieve,
                speaker_confidence=None if speaker is None else res.confidence,
                resolution=None if speaker is None else res.how,
            )
        )
    ordered_speakers = sorted(speakers.values(), key=lambda s: int(s.id[1:]))
    return Result(text=source, attributions=tuple(attributions), speakers=tuple(ordered_speakers), doc_id=doc_id)


def _words_span(view: DocView, words: tuple[int, int]) -> Span:
    return Span.of(view.text, view.words[words[0]].start, view.words[words[1]].end)


def _check_annotations(doc: Any) -> None:
    """A user-supplied Document must carry what the sieves read; say which processor is missing."""
    sentences = getattr(doc, "sentences", None)
    if sentences is None:
        raise TypeError(f"expected a stanza Document, got {type(doc).__name__}")
    words = [w for s in sentences[:5] for w in s.words]
    tokens = [t for s in sentences[:5] for t in s.tokens]
    if not words:
        return
    missing = []
    if all(w.upos is None for w in words):
        missing.append("pos")
    if all(w.lemma is None for w in words):
        missing.append("lemma")
    if all(w.deprel is None for w in words):
        missing.append("depparse")
    if all(getattr(t, "ner", None) is None for t in tokens):
        missing.append("ner")
    if missing:
        raise ValueError(
            f"the stanza Document lacks {', '.join(missing)} annotations: quotattr needs the processors "
            "tokenize, mwt, pos, lemma, depparse and ner"
        )
