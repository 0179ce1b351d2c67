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
                   adding that … / …, X said.  (MIXED when the content holds a quoted fragment)
according_to       … according to X (front, middle or end of the sentence)
continuation       “…,” X said. “…” (same paragraph) / a following quote paragraph with no cue
unattributed       sentence-level direct quotes no rule could attribute (speaker None)
=================  ===============================================================================
"""

from __future__ import annotations

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

    def in_direct_quote(self, char: int) -> QuoteSpan | None:
        for q in self.quotes:
            for a, b in q.parts:
                if a <= char < b:
                    return q
        return None

    def in_verbatim(self, char: int) -> bool:
        """Inside quote marks (a quote or a quoted fragment) or a transcript turn: no cue there
        attributes anything — reported speech inside a quote belongs to the quote's speaker."""
        return (
            self.in_direct_quote(char) is not None
            or any(a <= char < b for a, b in self.verbatim)
            or any(f.start <= char < f.end for f in self.fragments)
        )

    def in_body(self, char: int) -> bool:
        return self.body[self.view.paragraph_of(char)]


Sieve = Callable[[Context], list[Candidate]]


def _order() -> list[tuple[str, Sieve]]:
    import quotattr.sieves.according as according
    import quotattr.sieves.continuation as continuation
    import quotattr.sieves.direct as direct
    import quotattr.sieves.indirect as indirect
    import quotattr.sieves.transcript as transcript

    return [
        ("transcript", transcript.speaker_labels),
        ("direct_trailing", direct.trailing),
        ("direct_leading", direct.leading),
        ("indirect", indirect.reported),
        ("according_to", according.according_to),
        ("continuation", continuation.continuation),
        ("unattributed", continuation.unattributed),
    ]


ORDER: list[tuple[str, Sieve]] = []


def ordered() -> list[tuple[str, Sieve]]:
    """The sieves in the order they run."""
    if not ORDER:
        ORDER.extend(_order())
    return ORDER
