"""Stage 6: speakers — each attribution's speaker phrase resolved against the document's entities.

entity table (:mod:`quotattr.entities`) + candidates' speaker phrases → one :class:`SpeakerCluster`
per real source → one frozen :class:`~quotattr.model.Speaker` each.

- A name ("Khafaji", "Tahsin Khafaji", "Mr. Reed") is the person of the entity table it names —
  introduced anywhere in the article, quoted or not — with that person's fullest name and the rank,
  title and organisation the article gives them anywhere.
- A pronoun is the most salient person before it (:mod:`quotattr.coref`); "I"/"we" inside a quote
  are never the speaker; "they"/"it" go to the most recent organisation.
- A role ("the mayor", "the spokeswoman", "the company", "the union") is the entity with that title
  or that kind of name; an unnamed source stays unnamed, with its description as written ("a source
  familiar with the negotiations", "two officials").
- Each speaker carries a confidence that follows the evidence: a full name at the cue > a surname > a
  role > a pronoun with one candidate > a pronoun with competitors > a quote that inherits its speaker.
"""

from __future__ import annotations

import bisect
from collections.abc import Mapping, Sequence

import attrs
import regex

from quotattr.coref import (
    AMBIGUITY_RATIO,
    PRONOUN_GENDER,
    Antecedent,
    MentionIndex,
    place_names,
    resolve_pronouns,
    salience,
)
from quotattr.decompose import FIRST_PERSON, INVISIBLE, ParsedMention, clean, is_name, parse_mention
from quotattr.document import PERSON_TYPES, DocView
from quotattr.entities import (
    DocEntity,
    Enclosing,
    EntityMention,
    EntityTable,
    MentionStarts,
    gender_of_words,
    name_tokens,
)
from quotattr.lexicons import Lexicons
from quotattr.mentions import _phrase_head
from quotattr.model import Gender, Resolution, Span, Speaker, SpeakerKind
from quotattr.quotes import is_quote_char

__all__ = [
    "CONFIDENCE",
    "MentionResolution",
    "SpeakerCluster",
    "SpeakerResolver",
    "build_speakers",
    "resolve_mentions",
]

#: the speaker confidence each kind of evidence earns (see the module docstring)
CONFIDENCE: dict[Resolution, float] = {
    Resolution.NAME: 0.97,
    Resolution.SURNAME: 0.93,
    Resolution.NOMINAL: 0.8,
    Resolution.PRONOUN: 0.85,
    Resolution.PRONOUN_AMBIGUOUS: 0.55,
    Resolution.INHERITED: 0.8,
    Resolution.CONTEXT: 0.45,
    Resolution.DESCRIPTION: 0.75,
    Resolution.UNRESOLVED: 0.2,
}
#: a single word no earlier or later full name explains ("Khafaji" alone)
LONE_NAME_CONFIDENCE = 0.75
GROUP_PRONOUNS = frozenset({"they", "them", "it", "their", "its"})
_DETERMINERS = frozenset({"the", "a", "an"})


@attrs.define(slots=True, eq=False)
class SpeakerCluster:
    """The mentions of one speaker and the fields gathered for it."""

    kind: SpeakerKind
    name: str | None = None
    rank: str | None = None
    title: str | None = None
    organization: str | None = None
    resolved: bool = True
    entity: DocEntity | None = None
    mentions: list[Span] = attrs.field(factory=list)

    def absorb(self, m: ParsedMention) -> None:
        """Take the fields a mention phrase states (the phrase at the cue wins over the entity table)."""
        if m.name and (self.name is None or len(m.name.split()) > len(self.name.split())):
            self.name = m.name
        self.rank = self.rank or m.rank
        self.title = self.title or m.title
        self.organization = self.organization or m.organization

    def fill_from_entity(self) -> None:
        e = self.entity
        if e is None:
            return
        if self.name is None or len(e.name.split()) > len(self.name.split()):
            self.name = e.name
        self.rank = self.rank or e.rank
        self.title = self.title or e.title
        self.organization = self.organization or e.organization
        self.resolved = True


@attrs.frozen(slots=True)
class MentionResolution:
    """What one speaker phrase resolved to."""

    cluster: SpeakerCluster | None
    confidence: float | None
    how: Resolution | None


class SpeakerResolver:
    """Resolves the speaker phrases of one document against its entity table (see :func:`resolve_mentions`)."""

    def __init__(self, view: DocView, lex: Lexicons, table: EntityTable, quote_spans: Sequence[tuple[int, int]]):
        self.view = view
        self.lex = lex
        self.table = table
        self.quote_spans = quote_spans
        self._quotes = Enclosing(quote_spans)
        self.by_entity: dict[int, SpeakerCluster] = {}
        self.by_key: dict[tuple[SpeakerKind, str], SpeakerCluster] = {}
        self.clusters: list[SpeakerCluster] = []
        self.pronouns: dict[int, Antecedent] = {}
        self.index: MentionIndex | None = None
        self._all_starts = MentionStarts()
        self._body_starts = MentionStarts(lambda m: m.in_body)
        self._said_ends: dict[int, tuple[DocEntity, int, list[int], list[int]]] = {}

    def cluster_for_entity(self, e: DocEntity) -> SpeakerCluster:
        cl = self.by_entity.get(id(e))
        if cl is None:
            cl = SpeakerCluster(kind=e.kind, entity=e)
            self.by_entity[id(e)] = cl
            self.clusters.append(cl)
        return cl

    def cluster_for_key(self, kind: SpeakerKind, key: str, **fields: object) -> SpeakerCluster:
        k = (kind, key.lower())
        cl = self.by_key.get(k)
        if cl is None:
            cl = SpeakerCluster(kind=kind, **fields)  # type: ignore[arg-type]
            self.by_key[k] = cl
            self.clusters.append(cl)
        return cl

    def in_quote(self, start: int, end: int) -> bool:
        return self._quotes.contains(start, end)

    def full_organizations(self) -> None:
        """An organisation given only by its head word ("Council leader Priya Nandakumar") is the
        organisation of that kind the article named before: "Eastshire County Council". Only a
        capitalised head: a lower-case one ("coalition spokesman") stays as written."""
        for cl in self.clusters:
            org = cl.organization
            if cl.organization is None and cl.entity is not None:
                org = cl.entity.organization
            if not org or " " in org or not org[:1].isupper() or org.lower() not in self.lex.org_heads:
                continue
            before = min((m.start for m in cl.mentions), default=0)
            named = self._organization_with_head(org.lower(), before)
            if named is not None and named.name.lower() != org.lower():
                cl.organization = named.name

    def inherit(self, res: MentionResolution, after: int, start: int) -> MentionResolution:
        """The speaker of a follow-on quote at ``start`` whose source attribution ended at ``after``:
        the source's speaker — unless another person was introduced as a subject in between, outside
        quotes ("“…,” Smith said. ¶ Jones, the mayor, disagreed. ¶ “…”"), who then takes the quote."""
        conf = round(min(res.confidence or 0.0, CONFIDENCE[Resolution.INHERITED]) * 0.95, 3)
        switched = self.introduced_between(res, after, start)
        return switched or MentionResolution(res.cluster, conf, Resolution.INHERITED)

    def introduced_between(self, res: MentionResolution, after: int, start: int) -> MentionResolution | None:
        """The person introduced as a clause subject between characters ``after`` and ``start``,
        outside quotes, who is not ``res``'s speaker ("“…,” says House. Durning needed no coaxing.
        “…”": the second quote is Durning's); None when nobody was."""
        own = res.cluster.entity if res.cluster is not None else None
        latest = self._latest_subject(own, after, start)
        if latest is None:
            return None
        cl = self.cluster_for_entity(latest[1])
        cl.mentions.append(Span.of(self.view.text, latest[0].start, latest[0].end))
        return MentionResolution(cl, CONFIDENCE[Resolution.PRONOUN_AMBIGUOUS], Resolution.INHERITED)

    def _latest_subject(self, own: DocEntity | None, after: int, start: int) -> tuple[EntityMention, DocEntity] | None:
        """The latest mention starting in ``after`` … ``start`` of a person other than ``own`` that is
        a clause subject in the body, outside quotes (among mentions starting together, the first
        in table order, as a scan of the persons would find)."""

        def fits(e: DocEntity, m: EntityMention) -> bool:
            return e is not own and m.in_body and not m.in_quote and m.subject

        if self.index is None:
            latest: tuple[EntityMention, DocEntity] | None = None
            for e in self.table.persons:
                for m in e.mentions:
                    if after <= m.start < start and fits(e, m) and (latest is None or m.start > latest[0].start):
                        latest = (m, e)
            return latest
        window = self.index.window(after, start)
        k = len(window) - 1
        while k >= 0 and not fits(*window[k]):
            k -= 1
        if k < 0:
            return None
        top = window[k][1].start
        tied = [(e, m) for e, m in window if m.start == top and fits(e, m)]
        if len(tied) > 1:
            order = {id(e): n for n, e in enumerate(self.table.persons)}
            tied.sort(key=lambda em: (order[id(em[0])], em[0].mentions.index(em[1])))
        return tied[0][1], tied[0][0]

    def context_speaker(self, start: int) -> MentionResolution:
        """The speaker of a quote with no cue and nothing to inherit from: the most salient person at
        ``start`` when no other comes close (a feature's quote paragraph after a paragraph about its
        subject), at a low confidence; none otherwise."""
        word = self.view.first_word_from(start)
        if word >= len(self.view.words):
            return MentionResolution(None, None, None)
        scored = salience(self.view, self.table.persons, word, None, index=self.index)
        if not scored or (len(scored) > 1 and scored[1][0] >= AMBIGUITY_RATIO * scored[0][0]):
            return MentionResolution(None, None, None)
        entity = scored[0][1]
        cl = self.cluster_for_entity(entity)
        latest = self._all_starts.latest_mention_before(entity, start) or max(
            (m for m in entity.mentions if m.start < start), key=lambda m: m.start
        )
        cl.mentions.append(Span.of(self.view.text, latest.start, latest.end))
        return MentionResolution(cl, CONFIDENCE[Resolution.CONTEXT], Resolution.CONTEXT)

    # -- one phrase ------------------------------------------------------------------------------

    def resolve(self, words: tuple[int, int], pm: ParsedMention) -> MentionResolution:
        span = pm.span
        described = None if pm.pronoun is not None else self._appositive_of(pm)
        if described is None and pm.pronoun is None and pm.kind is not SpeakerKind.PERSON and pm.name:
            # "Martell said", tagged ORG or untagged: the surname of a person the article names
            named = self.table.person_named(name_tokens(pm.name), before=pm.span.start)
            if named is not None and len(name_tokens(pm.name)) <= 2 and pm.name[:1].isupper():
                pm = attrs.evolve(pm, kind=SpeakerKind.PERSON, organization=None)
        if described is not None:
            # "Nadia Jamil, principal researcher at Dixon Hall, says": the phrase the cue found is the
            # appositive of the person named right before (or after) it
            cl = self.cluster_for_entity(described)
            if pm.kind is not SpeakerKind.PERSON:
                cl.title = cl.title or pm.title
                cl.organization = cl.organization or pm.organization
            res = MentionResolution(cl, CONFIDENCE[Resolution.SURNAME], Resolution.NOMINAL)
        elif pm.pronoun is not None:
            res = self._pronoun(words[0], pm)
        elif pm.kind is SpeakerKind.PERSON and pm.name:
            res = self._person(pm)
        elif pm.nominal:
            res = self._nominal(pm)
        else:
            res = self._named_group(pm)
        if res.cluster is not None:
            res.cluster.mentions.append(span)
        return res

    def _pronoun(self, word: int, pm: ParsedMention) -> MentionResolution:
        low = pm.pronoun or ""
        w = self.view.words[word]
        if low in FIRST_PERSON and self.in_quote(w.start, w.end):
            return MentionResolution(None, None, None)  # "I" / "we" inside a quote is never the speaker
        if low in PRONOUN_GENDER:
            ante = self.pronouns.get(word)
            if ante is not None and ante.entity is not None:
                cl = self.cluster_for_entity(ante.entity)
                how = Resolution.PRONOUN_AMBIGUOUS if ante.ambiguous else Resolution.PRONOUN
                return MentionResolution(cl, CONFIDENCE[how], how)
        elif low in GROUP_PRONOUNS:
            org = self._recent_organization(w.start)
            if org is not None:
                return MentionResolution(
                    self.cluster_for_entity(org), CONFIDENCE[Resolution.PRONOUN_AMBIGUOUS], Resolution.PRONOUN_AMBIGUOUS
                )
        cl = SpeakerCluster(kind=pm.kind, resolved=False)
        self.clusters.append(cl)
        return MentionResolution(cl, CONFIDENCE[Resolution.UNRESOLVED], Resolution.UNRESOLVED)

    def _recent_organization(self, before: int) -> DocEntity | None:
        best: tuple[int, DocEntity] | None = None
        for e in self.table.organizations:
            latest = self._latest_outside_quotes(e, before)
            if latest is not None and (best is None or latest > best[0]):
                best = (latest, e)
        if best is None:
            return None
        sent_back = (
            self.view.words[self.view.first_word_from(before)].sent
            - self.view.words[self.view.first_word_from(best[0])].sent
        )
        return best[1] if sent_back <= 3 else None

    def _latest_outside_quotes(self, e: DocEntity, before: int) -> int | None:
        """The latest start of ``e``'s mentions outside quotes that end by ``before``: the mentions
        by end, with a running maximum of their starts (rebuilt when ``e`` gains a mention)."""
        entry = self._said_ends.get(id(e))
        if entry is None or entry[0] is not e or entry[1] != len(e.mentions):
            pairs = sorted((m.end, m.start) for m in e.mentions if not m.in_quote)
            reach: list[int] = []
            for _, a in pairs:
                reach.append(a if not reach else max(reach[-1], a))
            entry = (e, len(e.mentions), [b for b, _ in pairs], reach)
            self._said_ends[id(e)] = entry
        k = bisect.bisect_right(entry[2], before)
        return entry[3][k - 1] if k else None

    def _person(self, pm: ParsedMention) -> MentionResolution:
        tokens = name_tokens(pm.name)
        entity = self.table.person_named(tokens, before=pm.span.start)
        if entity is None:
            entity = self._new_entity(pm)
        cl = self.cluster_for_entity(entity)
        cl.absorb(pm)
        entity.add_role(pm.title)
        if len(tokens) > 1:
            how, conf = Resolution.NAME, CONFIDENCE[Resolution.NAME]
        elif len(entity.tokens) > 1:
            how, conf = Resolution.SURNAME, CONFIDENCE[Resolution.SURNAME]
        else:
            how, conf = Resolution.SURNAME, LONE_NAME_CONFIDENCE
        return MentionResolution(cl, conf, how)

    def _nominal(self, pm: ParsedMention) -> MentionResolution:
        text = clean(pm.span.text)
        words = text.split()
        definite = bool(words) and (words[0].lower() in ("the", "this", "that") or self._determiner_before(pm.words[0]))
        head = words[-1].lower().strip(".,") if words else ""
        if definite and len(words) <= 6 and not _plural(self.view, pm.words):
            wanted = (pm.title or head).lower()
            person = self._person_with_title(wanted, pm.span.start)
            if person is None and self._denotes_person(pm):
                # "the 26-year-old right wing", "the mayor" with no title on record: the most salient
                # person, as for a pronoun
                gender = gender_of_words(self.lex, words)
                scored = salience(self.view, self.table.persons, pm.words[0], gender, index=self.index)
                if scored:
                    person = scored[0][1]
                    if len(scored) > 1 and scored[1][0] >= AMBIGUITY_RATIO * scored[0][0]:
                        cl = self.cluster_for_entity(person)
                        how = Resolution.PRONOUN_AMBIGUOUS
                        return MentionResolution(cl, CONFIDENCE[how], Resolution.NOMINAL)
            if person is not None:
                cl = self.cluster_for_entity(person)
                return MentionResolution(cl, CONFIDENCE[Resolution.NOMINAL], Resolution.NOMINAL)
        description = text
        kind = SpeakerKind.DOCUMENT if pm.kind is SpeakerKind.DOCUMENT else SpeakerKind.UNNAMED
        cl = self.cluster_for_key(
            kind,
            description,
            name=description or None,
            title=pm.title,
            organization=pm.organization,
            resolved=False,
        )
        return MentionResolution(cl, CONFIDENCE[Resolution.DESCRIPTION], Resolution.DESCRIPTION)

    def _determiner_before(self, first: int) -> bool:
        """Does a definite determiner open the noun phrase before the words the cue found, across
        adjectives and their commas: "the lanky, bespectacled professor said"?"""
        k = first - 1
        floor = self.view.sentences[self.view.words[first].sent][0]
        while k >= floor and (self.view.words[k].upos in ("ADJ", "ADV") or self.view.words[k].text == ","):
            k -= 1
        return k >= floor and k < first - 1 and self.view.words[k].text.lower() in ("the", "this", "that")

    def _appositive_of(self, pm: ParsedMention) -> DocEntity | None:
        """The person a descriptive phrase stands beside: "Jane Roe, a nurse at …, said" (the cue
        found only the description, or only its last name-like words: "Amanda Nash, health promotion
        manager with Heart and Stroke in Manitoba, said" → not Manitoba), or "A spokeswoman for
        Trudeau, Eleanore Catenaro, said"."""
        view = self.view
        first, last = pm.words
        w0 = view.words[first]
        descriptive = (
            w0.upos == "DET"
            or w0.text[:1].islower()
            or w0.text.lower() in self.lex.titles
            or (first + 1 <= last and view.words[first + 1].text in ("'s", "’s"))
            or pm.kind is not SpeakerKind.PERSON
            or not is_name(pm.name, self.lex)
        )
        if not descriptive:
            return None
        before = self._person_before_appositive(first)
        if before is not None:
            return before
        k = last + 1
        if pm.kind is not SpeakerKind.PERSON and k + 1 < len(view.words) and view.words[k].text == ",":
            return self._person_opening_at(k + 1)
        return None

    def _person_opening_at(self, first: int) -> DocEntity | None:
        """The person a mention of which starts at word ``first`` and is followed by a comma or the
        end (of several, the first in table order, as a scan of the persons would find)."""
        view = self.view

        def fits(m: EntityMention) -> bool:
            return m.first == first and (m.last + 1 >= len(view.words) or view.words[m.last + 1].text == ",")

        if self.index is None:
            return next((e for e in self.table.persons for m in e.mentions if fits(m)), None)
        # a mention's characters start where its first word does
        at = view.words[first].start
        hits = [(e, m) for e, m in self.index.window(at, at + 1) if fits(m)]
        if len(hits) > 1:
            order = {id(e): n for n, e in enumerate(self.table.persons)}
            hits.sort(key=lambda em: (order[id(em[0])], em[0].mentions.index(em[1])))
        return hits[0][0] if hits else None

    def _person_before_appositive(self, first: int) -> DocEntity | None:
        """A person named earlier in the sentence and followed by a comma, with nothing but appositive
        material (no finite verb, no quote mark, no other person but a possessor or the object of a
        preposition: "e.GO’s founder", "manager with Heart and Stroke") between them and word ``first``."""
        view = self.view
        sent = view.words[first].sent
        floor = view.sentences[sent][0]
        ends = self._persons_ending_before(sent, first)
        k = first - 1
        while k >= floor:
            w = view.words[k]
            if w.text == "," and (k - 1 in ends or (k - 2 in ends and view.words[k - 1].text in ("'s", "’s"))):
                return ends.get(k - 1) or ends.get(k - 2)
            if w.text == "," and k - 2 >= floor and self._opens_with_name(k - 1):
                # a name the NER missed, opening the clause: "…,” Guenther Schuh, e.GO’s founder …, said"
                run = self._name_run_ending(k - 1)
                pm = parse_mention(view, run[0], run[1], self.lex)
                if pm.kind is SpeakerKind.PERSON and pm.name and is_name(pm.name, self.lex):
                    return self.table.person_named(name_tokens(pm.name)) or self._new_entity(pm)
            possessor = k + 1 < len(view.words) and view.words[k + 1].text in ("'s", "’s")
            if k in ends and not possessor and not _prepositional(view, k):
                return None  # (a possessor inside the appositive is not another person: "e.GO’s founder",
                # nor is the object of a preposition in it: "manager with Heart and Stroke")
            if is_quote_char(w.text) or w.text in (".", ";", ":", "?", "!"):
                return None
            if w.upos == "AUX" or (w.upos == "VERB" and w.xpos not in ("VBN", "VBG")):
                return None
            k -= 1
        return None

    def _persons_ending_before(self, sent: int, first: int) -> dict[int, DocEntity]:
        """The last word of each body mention outside quotes that ends in sentence ``sent`` before
        word ``first`` → its person (of two on one word, the later in table order, as a scan of the
        persons would leave it)."""
        view = self.view

        def fits(m: EntityMention) -> bool:
            return m.in_body and not m.in_quote and view.words[m.last].sent == sent and m.last < first

        ends: dict[int, DocEntity] = {}
        if self.index is None:
            for e in self.table.persons:
                for m in e.mentions:
                    if fits(m):
                        ends[m.last] = e
            return ends
        # a mention ends in the sentence and starts before word ``first``: it starts at most one
        # sentence back (a name never runs over a sentence boundary by more)
        lo = view.words[view.sentences[max(0, sent - 1)][0]].start
        hits = [(e, m) for e, m in self.index.window(lo, view.words[first].start) if fits(m)]
        by_last: dict[int, list[tuple[DocEntity, EntityMention]]] = {}
        for e, m in hits:
            by_last.setdefault(m.last, []).append((e, m))
        order: dict[int, int] | None = None
        for last, found in by_last.items():
            if len(found) > 1:
                order = order or {id(e): n for n, e in enumerate(self.table.persons)}
                found.sort(key=lambda em: (order[id(em[0])], em[0].mentions.index(em[1])))
            ends[last] = found[-1][0]
        return ends

    def _name_run_ending(self, last: int) -> tuple[int, int]:
        k = last
        while k - 1 >= 0 and self.view.words[k - 1].upos == "PROPN" and self.view.words[k - 1].text[:1].isupper():
            k -= 1
        return k, last

    def _opens_with_name(self, last: int) -> bool:
        """Is there a run of two to four capitalised proper nouns ending at ``last`` that opens its clause
        (sentence start, or right after a closing quote mark and comma) and no entity calls a place or
        an organisation?"""
        view = self.view
        if view.words[last].upos != "PROPN":
            return False
        a, b = self._name_run_ending(last)
        if not 2 <= b - a + 1 <= 4 or not all(view.words[j].text[:1].isupper() for j in range(a, b + 1)):
            return False
        if any(ent.type not in PERSON_TYPES and ent.first <= b and a <= ent.last for ent in view.entities):
            return False
        prev = a - 1
        return prev < view.sentences[view.words[a].sent][0] or is_quote_char(view.words[prev].text)

    def _new_entity(self, pm: ParsedMention) -> DocEntity:
        entity = _add_entity(self.table, self.view, pm)
        if self.index is not None:
            self.index.add(entity, entity.mentions[-1])
        return entity

    def _denotes_person(self, pm: ParsedMention) -> bool:
        """Does a role phrase name one person ("the mayor", "the 34-year-old", "the spokeswoman")?"""
        words = [self.view.words[k] for k in range(pm.words[0], pm.words[1] + 1)]
        if regex.search(r"\d+\s*-?\s*year\s*-?\s*old\b", pm.span.text):
            return True
        low = [w.text.lower() for w in words]
        if any(w in self.lex.org_heads for w in low):
            return False
        return pm.title is not None or any(w in self.lex.titles or w in self.lex.gendered for w in low)

    def _person_with_title(self, wanted: str, before: int) -> DocEntity | None:
        """The person most recently named before ``before`` whom the article gives that role ("the
        mayor" → "then-Surrey mayoral candidate Doug McCallum"), however far back."""
        head = wanted.split()[-1] if wanted else ""
        if not head:
            return None
        best: tuple[int, DocEntity] | None = None
        for e in self.table.persons:
            roles = e.roles | set((e.title or "").lower().split())
            if not any(r == head or (len(head) >= 4 and r.startswith(head)) for r in roles):
                continue
            latest = self._body_starts.latest_before(e, before)
            if latest is not None and (best is None or latest > best[0]):
                best = (latest, e)
        return best[1] if best is not None else None

    def _named_group(self, pm: ParsedMention) -> MentionResolution:
        name = pm.name or clean(pm.span.text)
        head = name.split()[-1].lower() if name else ""
        text_words = clean(pm.span.text).split()
        definite_short = len(text_words) <= 3 and text_words[:1] and text_words[0].lower() == "the"
        org = self.table.organization_named(name)
        if org is None and definite_short and head in self.lex.org_heads:
            # "the union", "the ministry": the most recent organisation whose name has that head
            org = self._organization_with_head(head, pm.span.start)
        if org is None and definite_short and head in self.lex.company_nouns:
            # "Acme Corp. reported a loss. The company said …": the organisation last named
            org = self._recent_organization(pm.span.start)
        if org is not None and pm.kind is SpeakerKind.ORGANIZATION:
            cl = self.cluster_for_entity(org)
            cl.absorb(attrs.evolve(pm, name=None))
            cl.name = cl.name or org.name
            same = org.name.lower() == name.lower() or (org.acronym or "").lower() == name.lower()
            how = Resolution.NAME if same else Resolution.NOMINAL
            return MentionResolution(cl, CONFIDENCE[how] if how is Resolution.NOMINAL else 0.93, how)
        cl = self.cluster_for_key(pm.kind, name)
        cl.absorb(pm)
        if pm.kind is SpeakerKind.DOCUMENT:
            return MentionResolution(cl, CONFIDENCE[Resolution.DESCRIPTION], Resolution.DESCRIPTION)
        return MentionResolution(cl, 0.9, Resolution.NAME)

    def _organization_with_head(self, head: str, before: int) -> DocEntity | None:
        best: tuple[int, DocEntity] | None = None
        for e in self.table.organizations:
            if head not in name_tokens(e.name):
                continue
            latest = self._all_starts.latest_before(e, before)
            if latest is not None and (best is None or latest > best[0]):
                best = (latest, e)
        return best[1] if best is not None else None


def _plural(view: DocView, words: tuple[int, int]) -> bool:
    return view.words[words[1]].xpos in ("NNS", "NNPS")


def _add_entity(table: EntityTable, view: DocView, pm: ParsedMention) -> DocEntity:
    """A person the NER missed, known only from a speaker phrase: into the table, so that later
    pronouns and surnames find them."""
    name = pm.name or ""
    first, last = pm.words
    entity = DocEntity(SpeakerKind.PERSON, name)
    entity.mentions.append(EntityMention(first, last, pm.span.start, pm.span.end, view.words[first].sent, True, False))
    table.entities.append(entity)
    return entity


def resolve_mentions(
    phrases: Sequence[tuple[int, int]],
    view: DocView,
    lex: Lexicons,
    table: EntityTable,
    quote_spans: Sequence[tuple[int, int]],
    said: Mapping[tuple[int, int], Sequence[tuple[int, int]]] | None = None,
) -> tuple[dict[tuple[int, int], MentionResolution], SpeakerResolver]:
    """Resolve every speaker phrase (inclusive word ranges) of the document; returns each phrase's
    resolution and the resolver (its clusters are the speakers; :meth:`SpeakerResolver.inherit`
    gives a follow-on quote its speaker). ``said``: each phrase's content spans (characters), so that
    a pronoun speaker is never a person named in what it said ("Schumer, he said, “knows …”")."""
    resolver = SpeakerResolver(view, lex, table, quote_spans)
    parsed = {p: parse_mention(view, p[0], p[1], lex) for p in sorted(set(phrases))}
    # named speakers the NER missed join the table first, so that pronouns can find them
    for pm in parsed.values():
        if pm.pronoun is None and pm.kind is SpeakerKind.PERSON and pm.name:
            if table.person_named(name_tokens(pm.name), before=pm.span.start) is None:
                _add_entity(table, view, pm)
    phrase_words = Enclosing(list(parsed))  # word ranges: a person mention inside a speaker phrase
    speaker_mentions = frozenset(
        id(m)
        for e in table.persons
        for m in e.mentions
        if phrase_words.contains(m.first, m.last) and not _possessor(view, m.first, m.last)
    )
    resolver.index = MentionIndex(table.persons, place_names(view))
    not_in: dict[int, Sequence[tuple[int, int]]] = {}
    for p, spans in (said or {}).items():
        if p[0] == p[1] and parsed[p].pronoun is not None:
            not_in[p[0]] = spans
    resolver.pronouns = resolve_pronouns(view, table, quote_spans, speaker_mentions, resolver.index, not_in)
    out = {p: resolver.resolve(p, parsed[p]) for p in sorted(parsed, key=lambda r: view.words[r[0]].start)}
    return out, resolver


def _prepositional(view: DocView, last: int) -> bool:
    """Is the name ending at word ``last`` the object of a preposition (or a conjunct of one): "with
    Heart and Stroke", "at Smith Barney"? Inside an appositive that is where the person works, not a
    second person."""
    k = last
    seen = 0
    while view.words[k].deprel in ("flat", "compound", "conj") and view.words[k].head >= 0 and seen < 8:
        k, seen = view.words[k].head, seen + 1
    return view.words[k].deprel.split(":")[0] in ("nmod", "obl") and bool(view.deps(k, "case"))


def _possessor(view: DocView, first: int, last: int) -> bool:
    """Do words [first, last] modify a noun as its possessor ("Nova Scotia's chief medical officer")?
    A possessor inside a speaker phrase is not who spoke."""
    return view.words[_phrase_head(view, (first, last))].deprel == "nmod:poss"


def _gender_of(cl: SpeakerCluster) -> tuple[Gender, tuple[tuple[int, int], ...]]:
    e = cl.entity
    if e is None or e.gender is None:
        return Gender.UNKNOWN, ()
    return Gender(e.gender), tuple(sorted(e.gender_evidence))


def build_speakers(clusters: Sequence[SpeakerCluster], text: str) -> dict[int, Speaker]:
    """One frozen Speaker per cluster that has mentions (keyed by ``id(cluster)``), ids S1, S2, … in
    text order."""
    out: dict[int, Speaker] = {}
    ordered = sorted((c for c in clusters if c.mentions), key=lambda c: min(m.start for m in c.mentions))
    for n, c in enumerate(ordered, 1):
        c.fill_from_entity()
        mentions = sorted(set(c.mentions), key=lambda s: (s.start, s.end))
        gender, evidence = _gender_of(c)
        kind = c.kind
        if kind is SpeakerKind.PERSON and not c.name:
            kind = SpeakerKind.UNNAMED
        out[id(c)] = Speaker(
            id=f"S{n}",
            name=_strip_invisible(c.name),
            kind=kind,
            rank=c.rank,
            title=c.title,
            organization=c.organization,
            mentions=tuple(mentions),
            resolved=bool(c.resolved and c.name and kind is not SpeakerKind.UNNAMED),
            gender=gender if kind is SpeakerKind.PERSON else Gender.UNKNOWN,
            gender_evidence=tuple(Span.of(text, a, b) for a, b in evidence) if kind is SpeakerKind.PERSON else (),
        )
    return out


def _strip_invisible(name: str | None) -> str | None:
    if name is None:
        return None
    return INVISIBLE.sub("", name) or None
