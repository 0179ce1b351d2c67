"""Public value types: frozen, slotted, validated attrs classes with lossless JSON.

Every span satisfies ``text[span.start:span.end] == span.text`` on the caller's original string.
Speakers are shared objects: one :class:`Speaker` per real speaker per document, referenced by every
:class:`Attribution` it made. In JSON the reference is the speaker's ``id``.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

import attrs

__all__ = [
    "Attribution",
    "Cue",
    "Gender",
    "QuoteKind",
    "Resolution",
    "Result",
    "Span",
    "Speaker",
    "SpeakerKind",
]

SCHEMA_VERSION = 2  #: 2: Speaker.gender / gender_evidence, Attribution.speaker_confidence / resolution


class QuoteKind(str, enum.Enum):
    """How the content is reported."""

    DIRECT = "direct"  #: verbatim, inside quote marks
    INDIRECT = "indirect"  #: reported speech, "according to X"
    MIXED = "mixed"  #: reported speech containing a quoted fragment


class SpeakerKind(str, enum.Enum):
    """What kind of source a speaker is."""

    PERSON = "person"
    ORGANIZATION = "organization"
    #: a report, statement, study ... with no named source ("according to a report released
    #: Tuesday"); a document from a named organisation resolves to that organisation
    DOCUMENT = "document"
    UNNAMED = "unnamed"  #: an anonymous or unresolvable source ("officials", "he" with no antecedent)


class Gender(str, enum.Enum):
    """A person's gender as the text itself states it (pronouns resolved to them, honorifics, gendered
    titles); never guessed from a first name."""

    FEMALE = "female"
    MALE = "male"
    UNKNOWN = "unknown"


class Resolution(str, enum.Enum):
    """How an attribution's speaker was found, strongest evidence first."""

    NAME = "name"  #: a full name at the cue ("…," said Jane Doe)
    SURNAME = "surname"  #: a short form of a name introduced elsewhere ("…," Doe said)
    NOMINAL = "nominal"  #: a role linked to a named entity ("the mayor", "the company")
    PRONOUN = "pronoun"  #: a pronoun with one plausible antecedent
    PRONOUN_AMBIGUOUS = "pronoun-ambiguous"  #: a pronoun with competing antecedents
    INHERITED = "inherited"  #: a follow-on quote with no cue of its own
    CONTEXT = "context"  #: a quote with no cue: the person the passage is clearly about
    DESCRIPTION = "description"  #: an unnamed source kept as described ("a source familiar with …")
    UNRESOLVED = "unresolved"  #: a mention that could not be tied to anyone ("he" with no antecedent)


def _non_negative(_inst: object, attribute: attrs.Attribute[int], value: int) -> None:
    if value < 0:
        raise ValueError(f"{attribute.name} must be >= 0, got {value}")


@attrs.frozen(slots=True, order=True)
class Span:
    """A half-open character span ``[start, end)`` of the caller's text, with its text."""

    start: int = attrs.field(validator=[attrs.validators.instance_of(int), _non_negative])
    end: int = attrs.field(validator=[attrs.validators.instance_of(int)])
    text: str = attrs.field(validator=attrs.validators.instance_of(str), order=False)

    @end.validator
    def _check_end(self, _attribute: attrs.Attribute[int], value: int) -> None:
        if value < self.start:
            raise ValueError(f"end ({value}) < start ({self.start})")

    def __attrs_post_init__(self) -> None:
        if len(self.text) != self.end - self.start:
            raise ValueError(f"span text length {len(self.text)} != end - start ({self.end - self.start})")

    @classmethod
    def of(cls, source: str, start: int, end: int) -> Span:
        """The span ``[start, end)`` of ``source``."""
        if not 0 <= start <= end <= len(source):
            raise ValueError(f"span [{start}, {end}) out of bounds for text of length {len(source)}")
        return cls(start, end, source[start:end])

    def __len__(self) -> int:
        return self.end - self.start

    def overlaps(self, other: Span) -> bool:
        return self.start < other.end and other.start < self.end

    def contains(self, other: Span) -> bool:
        return self.start <= other.start and other.end <= self.end

    def to_dict(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "text": self.text}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Span:
        return cls(int(data["start"]), int(data["end"]), str(data["text"]))


def _opt_span(data: Mapping[str, Any] | None) -> Span | None:
    return None if data is None else Span.from_dict(data)


@attrs.frozen(slots=True)
class Cue:
    """The attributing expression: a verb ("told", lemma "tell"), "according to", a colon ..."""

    span: Span = attrs.field(validator=attrs.validators.instance_of(Span))
    lemma: str = attrs.field(validator=attrs.validators.instance_of(str))

    @property
    def text(self) -> str:
        return self.span.text

    def to_dict(self) -> dict[str, Any]:
        return {**self.span.to_dict(), "lemma": self.lemma}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Cue:
        return cls(Span.from_dict(data), str(data["lemma"]))


def _span_tuple(value: Iterable[Span]) -> tuple[Span, ...]:
    return tuple(value)


def _attribution_tuple(value: Iterable[Attribution]) -> tuple[Attribution, ...]:
    return tuple(value)


def _speaker_tuple(value: Iterable[Speaker]) -> tuple[Speaker, ...]:
    return tuple(value)


def _opt_str(value: object) -> str | None:
    if value is None:
        return None
    return str(value)


def _gender(value: object) -> Gender:
    if value is None:
        return Gender.UNKNOWN
    return Gender(value)


@attrs.frozen(slots=True)
class Speaker:
    """One real source in a document, with every mention of it.

    ``name`` is the canonical (fullest) name; ``rank`` a military/police rank or honorific that precedes
    it ("Maj. Gen.", normalised); ``title`` the role ("spokesman"); ``organization`` the body it speaks
    for. ``resolved`` is False where the source could not be tied to a named entity (a lone "he", "the
    official"); such speakers keep their mention as ``name`` only if nothing better exists.
    ``gender`` is what the text says about the person (``gender_evidence``: the words that say it —
    "she" resolved to them, "Mrs.", "spokeswoman"), ``unknown`` where it says nothing.

    Speakers are values: two speakers are equal when every field is (ids are per document, so two
    documents' ``S1`` differ by their mentions), and ``Result.from_dict(r.to_dict()) == r``.
    """

    id: str = attrs.field(validator=attrs.validators.instance_of(str))
    name: str | None = attrs.field(converter=_opt_str, default=None)
    kind: SpeakerKind = attrs.field(converter=SpeakerKind, default=SpeakerKind.PERSON)
    rank: str | None = attrs.field(converter=_opt_str, default=None)
    title: str | None = attrs.field(converter=_opt_str, default=None)
    organization: str | None = attrs.field(converter=_opt_str, default=None)
    mentions: tuple[Span, ...] = attrs.field(converter=_span_tuple, factory=tuple)
    resolved: bool = attrs.field(default=True, validator=attrs.validators.instance_of(bool))
    gender: Gender = attrs.field(converter=_gender, default=Gender.UNKNOWN)
    gender_evidence: tuple[Span, ...] = attrs.field(converter=_span_tuple, factory=tuple)

    @mentions.validator
    def _check_mentions(self, _attribute: attrs.Attribute[tuple[Span, ...]], value: tuple[Span, ...]) -> None:
        for m in value:
            if not isinstance(m, Span):
                raise TypeError(f"mentions must be Span objects, got {type(m).__name__}")

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "kind": self.kind.value,
            "rank": self.rank,
            "title": self.title,
            "organization": self.organization,
            "resolved": self.resolved,
            "gender": self.gender.value,
            "gender_evidence": [m.to_dict() for m in self.gender_evidence],
            "mentions": [m.to_dict() for m in self.mentions],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Speaker:
        return cls(
            id=str(data["id"]),
            name=data.get("name"),
            kind=SpeakerKind(data.get("kind", "person")),
            rank=data.get("rank"),
            title=data.get("title"),
            organization=data.get("organization"),
            mentions=tuple(Span.from_dict(m) for m in data.get("mentions", ())),
            resolved=bool(data.get("resolved", True)),
            gender=data.get("gender"),
            gender_evidence=tuple(Span.from_dict(m) for m in data.get("gender_evidence", ())),
        )


def _confidence(_inst: object, _attribute: attrs.Attribute[float], value: float) -> None:
    if not 0.0 <= value <= 1.0:
        raise ValueError(f"confidence must be in [0, 1], got {value}")


def _content_spans(value: Sequence[Span]) -> tuple[Span, ...]:
    spans = tuple(value)
    if not spans:
        raise ValueError("an attribution needs at least one content span")
    return tuple(sorted(spans))


@attrs.frozen(slots=True)
class Attribution:
    """One quote and who it is attributed to.

    ``content`` holds one span, or several where the content is interrupted (discontinuous), in text
    order. ``speaker`` is the resolved :class:`Speaker` (shared with the speaker's other
    attributions) or None where no source was found. ``sieve`` names the rule that produced it.
    """

    content: tuple[Span, ...] = attrs.field(converter=_content_spans)
    kind: QuoteKind = attrs.field(converter=QuoteKind)
    cue: Cue | None = attrs.field(default=None, validator=attrs.validators.optional(attrs.validators.instance_of(Cue)))
    speaker: Speaker | None = attrs.field(
        default=None, validator=attrs.validators.optional(attrs.validators.instance_of(Speaker))
    )
    mention: Span | None = attrs.field(
        default=None, validator=attrs.validators.optional(attrs.validators.instance_of(Span))
    )
    addressee: Span | None = attrs.field(
        default=None, validator=attrs.validators.optional(attrs.validators.instance_of(Span))
    )
    confidence: float = attrs.field(default=1.0, converter=float, validator=_confidence)
    sentence_index: int = attrs.field(default=0, validator=_non_negative)
    paragraph_index: int = attrs.field(default=0, validator=_non_negative)
    sieve: str = attrs.field(default="", validator=attrs.validators.instance_of(str))
    #: how sure quotattr is of the *speaker* (None without one): a full name at the cue scores
    #: highest, then a surname, a role, a pronoun with one candidate, one with competitors, inherited
    speaker_confidence: float | None = attrs.field(
        default=None,
        converter=attrs.converters.optional(float),
        validator=attrs.validators.optional(_confidence),
    )
    resolution: Resolution | None = attrs.field(default=None, converter=attrs.converters.optional(Resolution))

    @property
    def start(self) -> int:
        return self.content[0].start

    @property
    def end(self) -> int:
        return self.content[-1].end

    @property
    def text(self) -> str:
        """The content's text; the parts of a discontinuous content joined by " … "."""
        return " … ".join(s.text for s in self.content)

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind.value,
            "content": [s.to_dict() for s in self.content],
            "cue": None if self.cue is None else self.cue.to_dict(),
            "mention": None if self.mention is None else self.mention.to_dict(),
            "addressee": None if self.addressee is None else self.addressee.to_dict(),
            "speaker": None if self.speaker is None else self.speaker.id,
            "confidence": self.confidence,
            "sentence_index": self.sentence_index,
            "paragraph_index": self.paragraph_index,
            "sieve": self.sieve,
            "speaker_confidence": self.speaker_confidence,
            "resolution": None if self.resolution is None else self.resolution.value,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], speakers: Mapping[str, Speaker]) -> Attribution:
        speaker_id = data.get("speaker")
        if speaker_id is not None and speaker_id not in speakers:
            raise ValueError(f"attribution refers to unknown speaker {speaker_id!r}")
        cue = data.get("cue")
        return cls(
            content=tuple(Span.from_dict(s) for s in data["content"]),
            kind=QuoteKind(data["kind"]),
            cue=None if cue is None else Cue.from_dict(cue),
            speaker=None if speaker_id is None else speakers[speaker_id],
            mention=_opt_span(data.get("mention")),
            addressee=_opt_span(data.get("addressee")),
            confidence=float(data.get("confidence", 1.0)),
            sentence_index=int(data.get("sentence_index", 0)),
            paragraph_index=int(data.get("paragraph_index", 0)),
            sieve=str(data.get("sieve", "")),
            speaker_confidence=data.get("speaker_confidence"),
            resolution=data.get("resolution"),
        )


@attrs.frozen(slots=True)
class Result:
    """Everything quotattr found in one document.

    ``error`` is set (and the attributions empty) when the document could not be processed in a
    batch; :meth:`quotattr.Extractor.pipe` never raises for one bad document.
    """

    text: str = attrs.field(validator=attrs.validators.instance_of(str))
    attributions: tuple[Attribution, ...] = attrs.field(converter=_attribution_tuple, factory=tuple)
    speakers: tuple[Speaker, ...] = attrs.field(converter=_speaker_tuple, factory=tuple)
    doc_id: str | None = attrs.field(converter=_opt_str, default=None)
    error: str | None = attrs.field(converter=_opt_str, default=None)

    @property
    def ok(self) -> bool:
        return self.error is None

    def __len__(self) -> int:
        return len(self.attributions)

    def __iter__(self) -> Iterator[Attribution]:
        return iter(self.attributions)

    def to_dict(self, *, include_text: bool = True) -> dict[str, Any]:
        out: dict[str, Any] = {"schema_version": SCHEMA_VERSION, "doc_id": self.doc_id}
        if include_text:
            out["text"] = self.text
        out["error"] = self.error
        out["speakers"] = [s.to_dict() for s in self.speakers]
        out["attributions"] = [a.to_dict() for a in self.attributions]
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, text: str | None = None) -> Result:
        """Rebuild a result; ``text`` supplies the document when the dict was written without it."""
        doc_text = data.get("text", text)
        if doc_text is None:
            raise ValueError("the dict holds no 'text': pass text=...")
        speakers = [Speaker.from_dict(s) for s in data.get("speakers", ())]
        by_id = {s.id: s for s in speakers}
        if len(by_id) != len(speakers):
            raise ValueError("duplicate speaker ids")
        return cls(
            text=doc_text,
            attributions=tuple(Attribution.from_dict(a, by_id) for a in data.get("attributions", ())),
            speakers=tuple(speakers),
            doc_id=data.get("doc_id"),
            error=data.get("error"),
        )
