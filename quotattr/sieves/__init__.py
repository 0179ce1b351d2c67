"""Stage 4: attribution sieves — small, ordered rules that link content ↔ cue ↔ source.

Each sieve is a pure function ``sieve(ctx) -> list[Candidate]`` over a :class:`Context` (the document
view, the lexicons, the direct quotes found in stage 3 and what earlier sieves claimed). They run in
:data:`ORDER`; :func:`quotattr.attribute.attribute` resolves conflicts between their candidates.

=================  ===============================================================================
sieve              finds
=================  ===============================================================================
transcript         PENCE: Well, the question really is … (speaker label + colon)
direct_trailing    “…,” X said / “…,” said X / “…,” X told Y / “…” — X / “…,” according to X
direct_leading     X said: “…” / X told Y: “…” / X said, “…”
indirect           X said (that) … / X told Y that … / X said in an interview with Y that … /
                   adding that … / …, X said. / described X as … / called for … / proposed
                   raising … / accused X of … / the poll shows that …  (MIXED when the content
                   holds a quoted fragment)
characterize       X pounded Trump as a “con artist” (any verb: object + as + quoted fragment)
nominal            Trump's claim that … / his warning that … (a reporting noun with its owner)
according_to       … according to X (front, middle or end of the sentence) / According to X, “…”
continuation       “…,” X said. “…” (same paragraph) / a following quote paragraph with no cue
unattributed       sentence-level direct quotes no rule could attribute (speaker None)
pull_quote         a paragraph of first-person speech signed with a name, no quote marks: "I had no
                   language and no family here. Fouzia Al Hashish"
learned            only with the cue class "learned" on (PolNeAR's conventions): re-bounds the
                   reported speech found above with the learned role tagger (quotattr.learned) and
                   adds what the rules miss (beliefs, intentions, nominal cues, polls) where no
                   rule candidate overlaps the content or uses the cue
=================  ===============================================================================
"""

from __future__ import annotations

import bisect
from collections.abc import Callable

import attrs

from quotattr.document import DocView
from quotattr.lexicons import Lexicons
from quotattr.model import QuoteKind
from quotattr.quotes import QuoteSpan

__all__ = ["ORDER", "Candidate", "Context", "Sieve"]


@attrs.define(slots=True, eq=False)
class Candidate:
    """A proposed attribution, in word/char coordinates, before speakers are resolved."""

    content: list[tuple[int, int]]  #: character spans
    kind: QuoteKind
    sieve: str
    confidence: float
    sentence: int
    cue: tuple[int, int] | None = None  #: character span of the cue
    cue_lemma: str = ""
    cue_word: int | None = None
    mention: tuple[int, int] | None = None  #: inclusive word range of the speaker mention
    addressee: tuple[int, int] | None = None  #: inclusive word range
    inherit_from: Candidate | None = None  #: speaker comes from this earlier candidate
    quote: QuoteSpan | None = None

    @property
    def start(self) -> int:
        return self.content[0][0]

    @property
    def end(self) -> int:
        return self.content[-1][1]


@attrs.define(slots=True)
class Context:
    """What the sieves read: the document, lexicons, direct quotes and the body paragraphs."""

    view: DocView
    lex: Lexicons
    quotes: list[QuoteSpan]  #: sentence-level (direct) quotes
    fragments: list[QuoteSpan]  #: quoted fragments embedded in a sentence (scare quotes, mixed)
    body: list[bool]  #: per paragraph: False for headlines, captions, bylines
    claimed_cues: set[int] = attrs.field(factory=set)  #: cue words already used by a sieve
    verbatim: list[tuple[int, int]] = attrs.field(factory=list)  #: transcript turns (label + speech)
    found: list[Candidate] = attrs.field(factory=list)  #: candidates of the sieves run so far

    _quote_starts: list[int] | None = None
    _quote_index: tuple[list[int], list[tuple[int, int, QuoteSpan]]] | None = None
    _fragment_index: tuple[list[int], list[tuple[int, int, QuoteSpan]]] | None = None

    @property
    def quote_starts(self) -> list[int]:
        """Start offsets of ``quotes`` (sorted, as the quotes are)."""
        if self._quote_starts is None:
            self._quote_starts = [q.start for q in self.quotes]
        return self._quote_starts

    def in_direct_quote(self, char: int) -> QuoteSpan | None:
        """The sentence-level quote whose parts cover ``char`` (a bisect over sorted parts)."""
        if self._quote_index is None:
            self._quote_index = _index(self.quotes)
        return _lookup(self._quote_index, char)

    def in_verbatim(self, char: int) -> bool:
        """Inside quote marks (a quote or a quoted fragment) or a transcript turn: no cue there
        attributes anything — reported speech inside a quote belongs to the quote's speaker."""
        if self._fragment_index is None:
            self._fragment_index = _index(self.fragments)
        return (
            self.in_direct_quote(char) is not None
            or _lookup(self._fragment_index, char) is not None
            or any(a <= char < b for a, b in self.verbatim)
        )

    def in_body(self, char: int) -> bool:
        return self.body[self.view.paragraph_of(char)]


def _index(quotes: list[QuoteSpan]) -> tuple[list[int], list[tuple[int, int, QuoteSpan]]]:
    parts = sorted(((a, b, q) for q in quotes for a, b in q.parts), key=lambda t: (t[0], t[1]))
    return [a for a, _, _ in parts], parts


def _lookup(index: tuple[list[int], list[tuple[int, int, QuoteSpan]]], char: int) -> QuoteSpan | None:
    starts, parts = index
    k = bisect.bisect_right(starts, char) - 1
    if k >= 0 and parts[k][0] <= char < parts[k][1]:
        return parts[k][2]
    return None


Sieve = Callable[[Context], list[Candidate]]


def _order() -> list[tuple[str, Sieve]]:
    import quotattr.sieves.according as according
    import quotattr.sieves.characterize as characterize
    import quotattr.sieves.continuation as continuation
    import quotattr.sieves.direct as direct
    import quotattr.sieves.indirect as indirect
    import quotattr.sieves.learned as learned
    import quotattr.sieves.pullquote as pullquote
    import quotattr.sieves.transcript as transcript

    return [
        ("transcript", transcript.speaker_labels),
        ("direct_trailing", direct.trailing),
        ("direct_leading", direct.leading),
        ("indirect", indirect.reported),
        ("characterize", characterize.labelled_as),
        ("nominal", indirect.nominal),
        ("according_to", according.according_to),
        ("continuation", continuation.continuation),
        ("unattributed", continuation.unattributed),
        ("pull_quote", pullquote.pull_quotes),
        ("learned", learned.learned),
    ]


ORDER: list[tuple[str, Sieve]] = []


def ordered() -> list[tuple[str, Sieve]]:
    """The sieves in the order they run."""
    if not ORDER:
        ORDER.extend(_order())
    return ORDER
