"""Stage 4: the document's entity table — every person and organisation it names, before speakers.

text → stanza Document → document view → **entities** → quote candidates → sieves → speakers → Result

Each person the article names (a PER entity, wherever it stands: in a quote's sentence or in a plain
one) becomes one :class:`DocEntity` with every mention of it — the full name, the surname later, a
first name, "Mr. Reed" — and its canonical name, rank, title and organisation, each with the
character span that gave it (the *evidence*): the words before the name ("Health Minister Carolina
Ruiz", "coalition spokesman Col. Myles Caggins III"), an appositive after it ("Sirwan Barzani, a
Peshmerga commander"; "Anna Berg, 41, a nurse at …"), "X of ORG" ("Fire Chief Laura Benson of the
Riverside County Fire Department") and a copular sentence ("Dr. Amina Okafor is the director of the
Thames Resilience Institute"). Organisations (ORG entities) are entities too, with their acronyms
("Assembly of First Nations (AFN)").

Gender comes from the text alone: an honorific ("Mrs.", "Mr."), a gendered role noun
("spokeswoman"), and third-person pronouns resolved to the person (:mod:`quotattr.coref`); each
with its evidence span. Nothing is guessed from a first name.
"""

from __future__ import annotations

import bisect
import functools
from collections.abc import Callable, Sequence

import attrs
import regex

from quotattr.decompose import (
    NAME_SUFFIXES,
    POSSESSIVE_END,
    clean_name,
    is_name,
    parse_mention,
    rank_before,
    title_and_org,
)
from quotattr.document import PERSON_TYPES, DocView
from quotattr.lexicons import Lexicons
from quotattr.mentions import np_left
from quotattr.model import SpeakerKind

__all__ = [
    "DocEntity",
    "Enclosing",
    "EntityMention",
    "EntityTable",
    "MentionStarts",
    "build_entities",
    "gender_of_words",
    "name_tokens",
]

ORG_TYPES = frozenset({"ORG", "ORGANIZATION"})
#: gendered.tsv's codes as Speaker genders
_GENDER_CODES = {"f": "female", "m": "male"}
#: a photo credit in running text: "(Lauren Pelley / CBC News)", "(Muriel Draaisma/CBC)"
#: a photo caption or an embedded post: "( THE CANADIAN PRESS FILE PHOTO )", "The Canadian Press
#: Syrian refugee family …", "— Michelle Rempel (@MichelleRempel) December 18, 2018"
_EMBED = regex.compile(
    r"(?i)\bphoto\b|^\s*the canadian press\s|https?://t\.co/|\(@\w+\)|\bgetty images\b|\(\s*(?:ap|reuters|afp)\s*\)",
    regex.MULTILINE,
)
_CREDIT = regex.compile(r"\((?:[^()\n/]{1,60})/(?:[^()\n]{1,60})\)")


_POSSESSIVE_END = regex.compile(POSSESSIVE_END)
_ARTICLE = regex.compile(r"(?i)^the\s+")


def name_tokens(name: str | None) -> list[str]:
    """Lower-cased words of a name without edge punctuation ("Myles Caggins III" → myles, caggins, iii)."""
    return list(_name_tokens(name or ""))


@functools.lru_cache(maxsize=1 << 16)
def _name_tokens(name: str) -> tuple[str, ...]:
    # cached: the entity table asks for the tokens of every entity's name at every lookup
    words = [_POSSESSIVE_END.sub("", t) for t in name.split()]
    return tuple(t.lower().strip(".,’‘'") for t in words if t.strip(".,’‘'"))


@attrs.define(slots=True, eq=False)
class EntityMention:
    """One place the entity is named: words [first, last] (the name itself), characters [start, end)."""

    first: int
    last: int
    start: int
    end: int
    sent: int
    subject: bool  #: the name heads a clause subject
    in_quote: bool  #: inside quotation marks (a name the speaker says, not the reporter)
    in_body: bool = True  #: in running text, not a headline, byline or photo caption


@attrs.define(slots=True, eq=False)
class DocEntity:
    """A person or organisation of the document with its fields and the evidence for each."""

    kind: SpeakerKind
    name: str
    rank: str | None = None
    title: str | None = None
    organization: str | None = None
    gender: str | None = None  #: "female" / "male"
    gender_evidence: list[tuple[int, int]] = attrs.field(factory=list)
    evidence: dict[str, tuple[int, int]] = attrs.field(factory=dict)  #: field → span that gave it
    mentions: list[EntityMention] = attrs.field(factory=list)
    acronym: str | None = None
    roles: set[str] = attrs.field(factory=set)  #: every role word the article gives them ("mayoral", "mayor")
    _gender_seen: set[tuple[int, int]] = attrs.field(factory=set, init=False, repr=False, eq=False)

    def add_role(self, title: str | None) -> None:
        for word in (title or "").lower().replace("-", " ").split():
            if word.isalpha():
                self.roles.add(word)

    @property
    def tokens(self) -> list[str]:
        return name_tokens(self.name)

    @property
    def first_start(self) -> int:
        return min(m.start for m in self.mentions) if self.mentions else 0

    def set_field(self, field: str, value: str | None, span: tuple[int, int]) -> None:
        """Fill ``field`` if it is still empty (the first evidence in the text wins)."""
        if value and getattr(self, field) is None:
            setattr(self, field, value)
            self.evidence[field] = span

    def set_gender(self, gender: str | None, span: tuple[int, int]) -> None:
        if gender is None:
            return
        if self.gender is None:
            self.gender = gender
        if gender == self.gender and span not in self._evidence_set():
            self.gender_evidence.append(span)
            self._gender_seen.add(span)

    def _evidence_set(self) -> set[tuple[int, int]]:
        """``gender_evidence`` as a set (a membership test per resolved pronoun scanned the list)."""
        if len(self._gender_seen) != len(self.gender_evidence):
            self._gender_seen = set(self.gender_evidence)
        return self._gender_seen


class MentionStarts:
    """Per entity, the sorted starts of its mentions that pass ``keep``: the latest one before a
    position is a bisect, not a scan of every mention (a long document names a person thousands of
    times). Kept up to date as mentions are appended; rebuilt when the list is replaced. ``keep``
    must look only at what does not change once a mention is in the list."""

    __slots__ = ("_cache", "_keep")

    def __init__(self, keep: Callable[[EntityMention], bool] | None = None) -> None:
        self._keep = keep
        self._cache: dict[
            int, tuple[DocEntity, list[EntityMention], list[int], list[int], dict[int, EntityMention]]
        ] = {}

    def latest_before(self, e: DocEntity, before: int) -> int | None:
        """The latest start of ``e``'s kept mentions that is below ``before`` (None when none is)."""
        starts = self._entry(e)[3]
        k = bisect.bisect_left(starts, before)
        return starts[k - 1] if k else None

    def latest_mention_before(self, e: DocEntity, before: int) -> EntityMention | None:
        """The kept mention of ``e`` with the latest start below ``before`` (of several starting
        there, the first in ``e.mentions``, as ``max`` over the list would pick)."""
        latest = self.latest_before(e, before)
        return None if latest is None else self._entry(e)[4][latest]

    def _entry(
        self, e: DocEntity
    ) -> tuple[DocEntity, list[EntityMention], list[int], list[int], dict[int, EntityMention]]:
        entry = self._cache.get(id(e))
        keep = self._keep
        if entry is None or entry[0] is not e or entry[1] is not e.mentions or entry[2][0] > len(e.mentions):
            kept = [m for m in e.mentions if keep is None or keep(m)]
            first_at: dict[int, EntityMention] = {}
            for m in kept:
                first_at.setdefault(m.start, m)
            entry = (e, e.mentions, [len(e.mentions)], sorted(m.start for m in kept), first_at)
            self._cache[id(e)] = entry
            return entry
        seen, starts, first_at = entry[2], entry[3], entry[4]
        if seen[0] < len(e.mentions):
            for m in e.mentions[seen[0] :]:
                if keep is None or keep(m):
                    bisect.insort(starts, m.start)
                    first_at.setdefault(m.start, m)
            seen[0] = len(e.mentions)
        return entry


@attrs.define(slots=True)
class EntityTable:
    """All entities of a document, persons and organisations, in order of first mention."""

    entities: list[DocEntity] = attrs.field(factory=list)
    _starts: MentionStarts = attrs.field(factory=MentionStarts, init=False, repr=False, eq=False)

    @property
    def persons(self) -> list[DocEntity]:
        return [e for e in self.entities if e.kind is SpeakerKind.PERSON]

    @property
    def organizations(self) -> list[DocEntity]:
        return [e for e in self.entities if e.kind is SpeakerKind.ORGANIZATION]

    def person_named(self, tokens: Sequence[str], before: int | None = None) -> DocEntity | None:
        """The person a name (full or short) refers to: an exact full name first, then the most recent
        person whose surname (or, failing that, first name) it is; one named later when none earlier."""
        if not tokens:
            return None
        persons = self.persons
        exact = [e for e in persons if e.tokens == list(tokens)]
        if exact:
            return exact[0]
        if len(tokens) > 1:
            same = [e for e in persons if _same_full_name(e.tokens, list(tokens))]
            if not same:
                # "Al Mnajer" after "Mohammad Al Mnajer", "Paz Akin" after "Lorena Paz Akin"
                n = len(tokens)
                same = [e for e in persons if len(e.tokens) > n and e.tokens[-n:] == list(tokens)]
            return same[0] if same else None
        tok = tokens[0]
        ordered = sorted(persons, key=lambda e: self._last_mention_before(e, before), reverse=True)
        for pick in (_surname_of, _first_name_of):
            hits = [e for e in ordered if len(e.tokens) > 1 and pick(e.tokens) == tok]
            earlier = [e for e in hits if before is None or e.first_start < before]
            if earlier:
                return earlier[0]
            if hits:
                return min(hits, key=lambda e: e.first_start)
        return None

    def _last_mention_before(self, e: DocEntity, before: int | None) -> int:
        """The latest start of ``e``'s mentions below ``before`` (any when None), -1 when none."""
        if before is None:
            return max((m.start for m in e.mentions), default=-1)
        latest = self._starts.latest_before(e, before)
        return -1 if latest is None else latest

    def organization_named(self, text: str) -> DocEntity | None:
        low = text.lower().strip()
        for e in self.organizations:
            if e.name.lower() == low or (e.acronym and e.acronym.lower() == low):
                return e
        return None


def _surname_of(tokens: Sequence[str]) -> str:
    core = [t for t in tokens if t not in NAME_SUFFIXES]
    return core[-1] if core else tokens[-1]


def _first_name_of(tokens: Sequence[str]) -> str:
    return tokens[0]


def _same_full_name(a: list[str], b: list[str]) -> bool:
    ca = [t for t in a if t not in NAME_SUFFIXES]
    cb = [t for t in b if t not in NAME_SUFFIXES]
    if not ca or not cb:
        return False
    return ca[-1] == cb[-1] and (ca[0] == cb[0] or (ca[0][:1] == cb[0][:1] and (len(ca[0]) <= 2 or len(cb[0]) <= 2)))


# -- building ------------------------------------------------------------------------------------


def _person_spans(view: DocView) -> list[tuple[int, int]]:
    """Word ranges of PER entities, adjacent ones merged (a tokenizer split inside one name)."""
    spans: list[tuple[int, int]] = []
    for ent in view.entities:
        if ent.type not in PERSON_TYPES:
            continue
        if spans and ent.first == spans[-1][1] + 1 and view.words[ent.first].sent == view.words[spans[-1][1]].sent:
            spans[-1] = (spans[-1][0], ent.last)
        else:
            spans.append((ent.first, ent.last))
    return spans


def core_name(view: DocView, first: int, last: int, lex: Lexicons) -> tuple[int, int, str | None, str | None]:
    """The name inside a PER span: (first, last, rank, honorific gender), without a leading rank,
    title or honorific ("Maj. Gen.", "CEO", "Mr."), a possessor ("Vancouver's") or a trailing "'s"."""
    rank: str | None = None
    gender: str | None = None
    words = view.words
    # a possessor inside the span: "Vancouver's Bo Horvat"
    for k in range(first, last):
        if words[k].text in ("'s", "’s", "‘s") and k + 1 <= last:
            first = k + 1
    while last > first and words[last].text in ("'s", "’s", "‘s", "'", "’"):
        last -= 1
    changed = True
    while changed and first < last:
        changed = False
        w = words[first].text.lower().rstrip(".")
        if _honorific(lex, w) is not None:
            gender = _honorific(lex, w)
            first += 1
            changed = True
            while first < last and words[first].text == ".":
                first += 1
            continue
        for k in range(min(last - 1, first + 4), first - 1, -1):
            prefix = view.text[words[first].start : words[k].end]
            found = rank_before(prefix, lex)
            if found is not None and (found[1] == 0 or words[k + 1].text[:1].isupper()):
                rank = found[0]  # "Maj. Gen. Tahsin Khafaji", "Montana Sen. Jon Tester" tagged whole
                first = k + 1
                changed = True
                break
        if changed:
            continue
        if words[first].text.lower() in lex.titles and words[first + 1].text[:1].isupper():
            first += 1  # "CEO Jane Roe", "President Emmanuel Macron" tagged whole
            changed = True
    return first, last, rank, gender


def _is_subject(view: DocView, first: int, last: int) -> bool:
    """Does the name head a clause subject, or stand in apposition to one ("A resident, Tom
    Whitfield, 64, said")?"""
    for k in range(first, last + 1):
        w = view.words[k]
        if first <= w.head <= last:
            continue
        rel = w.deprel.split(":")[0]
        if rel == "nsubj":
            return True
        if rel == "appos" and w.head >= 0 and view.words[w.head].deprel.split(":")[0] == "nsubj":
            return True
    return False


class Enclosing:
    """Character spans (quotes, photo credits) indexed by start with a running maximum of their
    ends: does one of them contain a given span? (one bisect, not a scan of them all)"""

    __slots__ = ("reach", "starts")

    def __init__(self, spans: Sequence[tuple[int, int]]) -> None:
        ordered = sorted(spans)
        self.starts = [a for a, _ in ordered]
        self.reach: list[int] = []  # reach[k]: the furthest end of ordered[0 .. k]
        for _, b in ordered:
            self.reach.append(b if not self.reach else max(self.reach[-1], b))

    def contains(self, start: int, end: int) -> bool:
        """Is ``start`` … ``end`` inside one of the spans?"""
        k = bisect.bisect_right(self.starts, start)
        return k > 0 and self.reach[k - 1] >= end


def _right_context(view: DocView, last: int, lex: Lexicons) -> int:
    """The last word of the appositives and "of ORG" after a name: ", 41, a nurse at the clinic,"."""
    words = view.words
    sent_end = view.sentences[words[last].sent][1] - 1
    end = last
    k = last + 1
    if k <= sent_end and words[k].text.lower() in ("of", "from", "with", "at") and k + 1 <= sent_end:
        # "Laura Benson of the Riverside County Fire Department"
        j = k + 1
        while j <= sent_end and words[j].text.lower() == "the":
            j += 1
        run_end = j - 1
        while j <= sent_end and (words[j].upos == "PROPN" or words[j].text in ("&", "-") or words[j].ner != "O"):
            run_end = j
            j += 1
        if run_end > k and words[run_end].upos == "PROPN":
            end = run_end
            k = run_end + 1
    segments = 0
    while k <= sent_end and words[k].text == "," and segments < 3:
        j = k + 1
        while j <= sent_end and words[j].text != "," and words[j].upos not in ("VERB", "AUX") and words[j].text != ".":
            if words[j].text.lower() in ("who", "which", "said", "says"):
                break
            j += 1
        seg = (k + 1, j - 1)
        if seg[0] > seg[1]:
            break
        seg_words = [words[x] for x in range(seg[0], seg[1] + 1)]
        if all(w.upos == "NUM" for w in seg_words):
            end, k, segments = seg[1], j, segments + 1  # an age: ", 41,"
            continue
        first_word = seg_words[0]
        if first_word.upos == "DET" or first_word.text.lower() in lex.titles or first_word.upos in ("ADJ", "NOUN"):
            if j <= sent_end and words[j].upos in ("VERB", "AUX") and words[j].text != ",":
                break  # "Smith, the mayor said" is not an appositive
            end, k, segments = seg[1], j, segments + 1
            continue
        break
    return end


def _copular_role(view: DocView, first: int, last: int) -> tuple[int, int] | None:
    """ "Okafor is the director of the Thames Resilience Institute": the predicate's words."""
    words = view.words
    for k in range(first, last + 1):
        w = words[k]
        if w.deprel.split(":")[0] != "nsubj" or first <= w.head <= last or w.head < 0:
            continue
        pred = words[w.head]
        if pred.upos != "NOUN" or not view.deps(pred.i, "cop"):
            return None
        sub = [x for x in view.subtree(pred.i, exclude_rels=frozenset({"nsubj", "cop", "punct", "acl:relcl", "conj"}))]
        sub = [x for x in sub if x > last]
        if not sub:
            return None
        return min(sub), max(sub)
    return None


def build_entities(
    view: DocView,
    lex: Lexicons,
    quote_spans: Sequence[tuple[int, int]] = (),
    body: Sequence[bool] | None = None,
) -> EntityTable:
    """The entity table of ``view``: persons from the PER entities (with their fields) and
    organisations from the ORG entities; ``quote_spans`` mark mentions inside quotation marks,
    ``body`` (per paragraph) the running text, so that a byline or photo credit introduces no one."""
    table = EntityTable()
    quotes = Enclosing(quote_spans)
    for first, last in _person_spans(view):
        _add_person(table, view, lex, first, last, quotes)
    _add_organizations(table, view, quotes)
    _persons_tagged_org(table, lex)
    credits = Enclosing([(m.start(), m.end()) for m in _CREDIT.finditer(view.text)])
    embeds: dict[int, bool] = {}
    for e in table.entities:
        for m in e.mentions:
            para = view.paragraph_of(m.start)
            if para not in embeds:
                a, b = view.paragraph_span(para)
                embeds[para] = _EMBED.search(view.text, a, b) is not None
            in_body = body is None or (para < len(body) and body[para])
            m.in_body = in_body and not embeds[para] and not credits.contains(m.start, m.end)
    table.entities.sort(key=lambda e: e.first_start)
    return table


def _add_person(
    table: EntityTable,
    view: DocView,
    lex: Lexicons,
    first: int,
    last: int,
    quotes: Enclosing,
) -> None:
    words = view.words
    n_first, n_last, rank, hon_gender = core_name(view, first, last, lex)
    name = clean_name(view.text[words[n_first].start : words[n_last].end])
    tokens = name_tokens(name)
    if not tokens or not is_name(name, lex):
        return
    start, end = words[n_first].start, words[n_last].end
    mention = EntityMention(
        n_first,
        n_last,
        start,
        end,
        words[n_first].sent,
        _is_subject(view, n_first, n_last),
        quotes.contains(start, end),
    )
    entity = table.person_named(tokens, before=start)
    if entity is None and len(tokens) > 1:
        # "Trump said …" before "Donald Trump" is named in full: one person
        entity = next((e for e in table.persons if e.tokens == [_surname_of(tokens)]), None)
    if entity is None:
        entity = DocEntity(SpeakerKind.PERSON, name)
        table.entities.append(entity)
    elif len(tokens) > len(entity.tokens):
        entity.name = name  # the fuller form: "Jessica Lane" after an earlier "Lane"
    entity.mentions.append(mention)
    if hon_gender is not None:
        entity.set_gender(hon_gender, (words[first].start, words[n_first - 1].end))
    if mention.in_quote:
        return
    # fields from the phrase around the name: words before it, appositives and "of ORG" after it
    floor = view.sentences[words[first].sent][0]
    left = np_left(view, n_last, lex, floor)
    left_first = left[0] if left is not None and left[0] <= first else first
    for k in range(n_first - 1, left_first - 1, -1):
        w = words[k]
        if w.upos in ("ADP", "VERB", "CCONJ", "SCONJ") and not (k > 0 and words[k - 1].text[:1].isupper()):
            left_first = k + 1
            break
    right_last = _right_context(view, n_last, lex)
    parsed = parse_mention(view, left_first, right_last, lex)
    phrase = (words[left_first].start, words[right_last].end)
    if parsed.kind is SpeakerKind.PERSON and name_tokens(parsed.name) and name_tokens(parsed.name)[-1] == tokens[-1]:
        entity.set_field("rank", parsed.rank or rank, phrase)
        entity.set_field("title", parsed.title, phrase)
        entity.add_role(parsed.title)
        entity.set_field("organization", parsed.organization, phrase)
        entity.set_gender(_gender_word(lex, parsed.title), phrase)
        for k in range(left_first, n_first):
            g = _honorific(lex, words[k].text.lower().rstrip("."))
            if g is None and words[k].text[:1].islower():
                # a gendered noun right before the name: "husband Mohammad Al Mnajer", "wife Fouzia"
                g = _GENDER_CODES.get(lex.gendered.get(words[k].text.lower(), ""))
            if g is not None:
                entity.set_gender(g, (words[k].start, words[k].end))
    else:
        entity.set_field("rank", rank, phrase)
    role = _copular_role(view, n_first, n_last)
    if role is not None:
        seg_text = view.text[words[role[0]].start : words[role[1]].end]
        title, org = title_and_org(seg_text, lex)
        span = (words[role[0]].start, words[role[1]].end)
        entity.set_field("title", title, span)
        entity.add_role(title)
        entity.set_field("organization", org, span)
        entity.set_gender(_gender_word(lex, title), span)


def _honorific(lex: Lexicons, word: str) -> str | None:
    """The gender an honorific states ("mrs" → female): a rank of ``ranks.tsv`` that
    ``gendered.tsv`` marks."""
    if not any(r.lower().rstrip(".") == word for r in lex.ranks):
        return None
    return _GENDER_CODES.get(lex.gendered.get(word, ""))


def gender_of_words(lex: Lexicons, words: Sequence[str]) -> str | None:
    """The gender the gendered words among ``words`` state ("spokeswoman" → female), when they agree."""
    marks = {lex.gendered.get(w.lower().strip(".,")) for w in words} - {None}
    if len(marks) != 1:
        return None
    return _GENDER_CODES.get(marks.pop() or "")


def _gender_word(lex: Lexicons, title: str | None) -> str | None:
    return gender_of_words(lex, (title or "").split())


def _add_organizations(table: EntityTable, view: DocView, quotes: Enclosing) -> None:
    words = view.words
    for ent in view.entities:
        if ent.type not in ORG_TYPES:
            continue
        name = clean_name(_ARTICLE.sub("", ent.text))
        if not name:
            continue
        existing = table.organization_named(name)
        acronym = None
        nxt = ent.last + 1
        if (
            nxt + 2 < len(words)
            and words[nxt].text == "("
            and words[nxt + 2].text == ")"
            and words[nxt + 1].text.isupper()
        ):
            acronym = words[nxt + 1].text  # "Assembly of First Nations (AFN)"
        if existing is None:
            existing = next(
                (e for e in table.organizations if e.acronym and e.acronym == name),
                None,
            ) or next(
                (e for e in table.organizations if _initials(e.name) == name and len(name) >= 2),
                None,
            )
        if existing is None:
            existing = DocEntity(SpeakerKind.ORGANIZATION, name, acronym=acronym)
            table.entities.append(existing)
        elif acronym and existing.acronym is None:
            existing.acronym = acronym
        existing.mentions.append(
            EntityMention(
                ent.first,
                ent.last,
                ent.start,
                ent.end,
                words[ent.first].sent,
                _is_subject(view, ent.first, ent.last),
                quotes.contains(ent.start, ent.end),
            )
        )


def _persons_tagged_org(table: EntityTable, lex: Lexicons) -> None:
    """A person's name the NER tagged ORG in some sentences and PER in others ("Fouzia Al Hashish" as
    ORG, "Al Hashish" as PER) is the person: an ORG entity whose capitalised name ends with the full
    name of a person (two words at least, or the surname of a two-word name that is a clause subject
    elsewhere) and has no organisation word ("Council", "company")."""
    for org in list(table.organizations):
        tokens = org.tokens
        if len(tokens) < 2 or not all(t[:1].isupper() for t in org.name.split()):
            continue
        if any(t.lower() in lex.org_heads or t.lower() in lex.company_nouns for t in tokens):
            continue
        person = next(
            (p for p in table.persons if len(p.tokens) >= 2 and tokens[-len(p.tokens) :] == p.tokens),
            None,
        ) or next(
            # "Elon Musk" (ORG) and "Musk said" (PER, a clause subject): a first name and a surname
            (
                p
                for p in table.persons
                if len(tokens) == 2
                and p.tokens == tokens[-1:]
                and any(m.subject and not m.in_quote for m in p.mentions)
            ),
            None,
        )
        if person is None:
            continue
        person.mentions = sorted([*person.mentions, *org.mentions], key=lambda m: m.start)
        if len(tokens) > len(person.tokens):
            person.name = org.name
        table.entities.remove(org)


def _initials(name: str) -> str:
    return "".join(w[0] for w in name.split() if w[:1].isupper())
