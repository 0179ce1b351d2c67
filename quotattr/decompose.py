"""Decomposition: one mention phrase → name, rank, title, organization, kind.

``parse_mention`` takes apart a phrase such as "Maj. Gen. Tahsin Khafaji, spokesman for Iraq’s Joint
Operation Command" using the NER spans, the rank/title/organisation lexicons, appositive commas and
"of/for/at ORG" attachments. The conventions it follows (what is a name, a rank, a title, an
organisation) are written down with examples in docs/speakers.md. Pure functions of the document
view and the lexicons; used by the entity table (:mod:`quotattr.entities`) and by speaker
resolution (:mod:`quotattr.speakers`).
"""

from __future__ import annotations

import bisect
import functools
from collections.abc import Sequence

import attrs
import regex

from quotattr.document import INSTITUTION_TYPES, PERSON_TYPES, DocView, Entity
from quotattr.lexicons import Lexicons
from quotattr.mentions import time_phrase
from quotattr.model import Span, SpeakerKind

__all__ = [
    "NAME_SUFFIXES",
    "ParsedMention",
    "clean",
    "clean_name",
    "is_name",
    "parse_mention",
    "rank_before",
    "title_and_org",
]

PERSON_PRONOUNS = frozenset({"he", "she", "him", "her", "his"})
GROUP_PRONOUNS = frozenset({"they", "them", "it", "we", "us", "their", "its", "our"})
FIRST_PERSON = frozenset({"i", "me", "we", "us", "you"})
_POSSESSIVE = regex.compile(r"^(?:.*?\s)?[\p{L}\p{N}.-]+['’‘]s\s+")
POSSESSIVE_END = r"['’‘]s$"
#: invisible characters that must never reach a name (zero-width space, soft hyphen, …)
INVISIBLE = regex.compile(r"[\p{Cf}\u00ad]")
_NAME_POSSESSOR = regex.compile(r"^(?:[\p{Lu}][\p{L}\p{N}.&-]*\s+){0,3}[\p{L}\p{N}.&-]+['’‘]s\s+(?=\p{Lu})")
#: party-and-state tags the NER takes for persons ("D-Mich.", "R-Texas")
_PARTY_TAG = regex.compile(r"^[DRI]-[A-Z][\p{L}.]*$")
_EDGE = " ,;:-–—()[]\u00a0"
ORG_ADPS = ("for", "of", "at", "from", "with", "in", "to")
NAME_SUFFIXES = frozenset({"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"})
# compiled once (a phrase is decomposed many times in a long document)
_POSSESSIVE_END_RE = regex.compile(POSSESSIVE_END)
_LEADING_DET = regex.compile(r"(?i)^(?:the|a|an|its|their|his|her)(?:\s+|$)")
_NONSPACE = regex.compile(r"\S+")
_OF_ORG = regex.compile(r"(?i)^(?:of|from|with|at)\s+(?:the\s+)?(\p{Lu}.*)$")
_TITLE_OF = regex.compile(r"^(of\s+(?:[a-z][\w-]*\s+){0,3}[a-z][\w-]*)\s+(?=(?:at|for|with|in)\s+\S)")
_ORG_AFTER = regex.compile(r"(?i)^(?:" + "|".join(ORG_ADPS) + r")\s+(.+)$")
_APOSTROPHE_S = regex.compile(r"['’]s$")
_ROLE_OF = regex.compile(
    r"(?i)^(?:an?|the)\s+((?:[a-z][\w-]*\s+){0,2}?[a-z][\w-]*)(?:\s+(?:" + "|".join(ORG_ADPS) + r")\s+.+)?$"
)
_FROM_TAIL = regex.compile(r"(?i)\b(?:from|by|of)\s+(.+)$")
_DOCUMENT_OF = regex.compile(r"(?i)^(?:(?:an?|the|its|their)\s+)?(?:[\w-]+\s+){0,3}?(\w+)\s+(?:from|by|of)\s+")


@attrs.define(slots=True)
class ParsedMention:
    """One mention phrase taken apart."""

    span: Span
    words: tuple[int, int]
    kind: SpeakerKind
    name: str | None = None
    rank: str | None = None
    title: str | None = None
    organization: str | None = None
    pronoun: str | None = None
    nominal: bool = False  #: "the spokesman", "officials": no name

    @property
    def name_tokens(self) -> list[str]:
        return [t.lower().strip(".,") for t in (self.name or "").split()]


def clean(text: str) -> str:
    return " ".join(text.replace("\u00a0", " ").split()).strip(_EDGE)


def _strip_det(text: str) -> str:
    return _LEADING_DET.sub("", text).strip()


def _strip_possessor(text: str) -> str:
    """ "Iraq’s Joint Operation Command" → "Joint Operation Command"; "St. Mary's Hospital" stays
    whole (a lone head noun is no name of its own)."""
    m = _POSSESSIVE.match(text)
    rest = text[m.end() :].strip() if m else ""
    return rest if m and len(rest.split()) > 1 else text


@functools.lru_cache(maxsize=8)
def _title_regex(titles: frozenset[str]) -> regex.Pattern[str]:
    alternation = "|".join(regex.escape(t) for t in sorted(titles, key=len, reverse=True))
    return regex.compile(r"(?<![\p{L}\p{N}])(?:" + alternation + r")(?![\p{L}\p{N}])", regex.IGNORECASE)


def _find_title(text: str, lex: Lexicons) -> tuple[int, int] | None:
    """The leftmost (then longest) lexicon title in ``text``, word-bounded, case-insensitive."""
    best: tuple[int, int] | None = None
    for m in _title_regex(frozenset(lex.titles)).finditer(text, overlapped=True):
        if best is None or m.start() < best[0] or (m.start() == best[0] and m.end() > best[1]):
            best = (m.start(), m.end())
    return best


def rank_before(text: str, lex: Lexicons) -> tuple[str, int] | None:
    """A rank that ``text`` ends with: (normalised rank, start offset in text)."""
    stripped = text.rstrip()
    norm = " ".join(stripped.replace("\u00a0", " ").split())
    matches = [
        surface
        for surface in lex.ranks
        if norm.endswith(surface) and (len(norm) == len(surface) or not norm[-len(surface) - 1].isalnum())
    ]
    if not matches:
        return None
    surface = max(matches, key=len)  # the longest rank wins ("Maj. Gen." over "Gen.")
    # map back to an offset in the original text (count the rank's words from the end)
    n_words = len(surface.split())
    parts = list(_NONSPACE.finditer(stripped))
    start = parts[-n_words].start() if len(parts) >= n_words else 0
    return lex.ranks[surface], start


class _EntityIndex:
    """The entities of a document by first word, with a running maximum of their last words."""

    __slots__ = ("entities", "firsts", "order", "reach", "size")

    def __init__(self, entities: list[Entity]) -> None:
        self.entities = entities
        self.size = len(entities)
        self.order = sorted(range(len(entities)), key=lambda k: entities[k].first)
        self.firsts = [entities[k].first for k in self.order]
        self.reach: list[int] = []  # reach[j]: the furthest last word of entities order[0 .. j]
        for k in self.order:
            last = entities[k].last
            self.reach.append(last if not self.reach else max(self.reach[-1], last))

    def overlapping(self, first: int, last: int) -> list[Entity]:
        stop = bisect.bisect_right(self.firsts, last)  # order[:stop] start at or before ``last``
        lo = bisect.bisect_left(self.reach, first, 0, stop)  # before lo all end before ``first``
        hits = sorted(k for k in self.order[lo:stop] if self.entities[k].last >= first)
        return [self.entities[k] for k in hits]


_ENTITY_INDEX: list[_EntityIndex] = []  # the last document's (one entry)


def entities_overlapping(view: DocView, first: int, last: int) -> list[Entity]:
    """The entities of ``view`` that share a word with [first, last], in ``view.entities`` order (an
    index kept for the document at hand, instead of a scan of all its entities per phrase)."""
    index = _ENTITY_INDEX[0] if _ENTITY_INDEX else None
    if index is None or index.entities is not view.entities or index.size != len(view.entities):
        index = _EntityIndex(view.entities)
        _ENTITY_INDEX[:] = [index]
    return index.overlapping(first, last)


def _person_entity(view: DocView, first: int, last: int) -> tuple[int, int] | None:
    """The last PER entity inside [first, last], merged with PER entities right next to it (a
    tokenizer split can cut "Jessica Lane" into two entities). A possessor is not the person
    ("Obama's former campaign strategist"), nor a place the NER took for one ("St. Charles Police
    Lt. Tom Wilkison" → Tom Wilkison)."""
    groups: list[tuple[int, int]] = []
    for ent in entities_overlapping(view, first, last):
        if ent.type not in PERSON_TYPES:
            continue
        a, b = max(first, ent.first), min(last, ent.last)
        if groups and a == groups[-1][1] + 1:
            groups[-1] = (groups[-1][0], b)
        else:
            groups.append((a, b))
    groups = [
        g
        for g in groups
        if not _possessor_at(view, g[1])
        and not _affiliation_at(view, g[0], first)
        and not _modifier_at(view, g[1], last)
    ]
    return groups[-1] if groups else None


def _modifier_at(view: DocView, k: int, last: int) -> bool:
    """Does the name ending at word k only modify a common noun after it in the phrase ("many Green
    supporters", "the Smith family")? That noun heads the phrase; the name is not the person."""
    if k + 1 > last:
        return False
    nxt = view.words[k + 1]
    return nxt.upos == "NOUN" and nxt.text[:1].islower() and view.words[k].head > k


def _affiliation_at(view: DocView, k: int, floor: int) -> bool:
    """Is the name at word k what a role is *for* ("a spokeswoman for Trudeau", "lawyer of Smith")?"""
    if k - 2 < floor:
        return False
    adp, role = view.words[k - 1], view.words[k - 2]
    return adp.text.lower() in ("for", "of", "to") and role.upos == "NOUN" and role.text[:1].islower()


def _possessor_at(view: DocView, k: int) -> bool:
    """Does the name ending at word k own what follows ("Obama's", "Schumer‘s")?"""
    w = view.words[k]
    if _POSSESSIVE_END_RE.search(w.text):
        return True
    return k + 1 < len(view.words) and view.words[k + 1].text in ("'s", "’s", "‘s", "'", "’")


def _proper_run(view: DocView, first: int, last: int) -> tuple[int, int] | None:
    """The last run of capitalised PROPN words in [first, last] (a name without NER)."""
    end = None
    k = last
    while k >= first:
        w = view.words[k]
        if w.upos == "PROPN" and w.text[:1].isupper():
            end = k if end is None else end
        elif end is not None:
            return k + 1, end
        elif w.text == "," or w.upos in ("VERB", "ADP"):
            pass
        k -= 1
    return (first, end) if end is not None else None


def _is_org_like(text: str, view: DocView, first: int, last: int, lex: Lexicons) -> bool:
    words = [w.lower().strip(".,’'") for w in text.split()]
    if any(w in lex.org_heads for w in words):
        return True
    return any(ent.type in INSTITUTION_TYPES for ent in entities_overlapping(view, first, last))


def parse_mention(view: DocView, first: int, last: int, lex: Lexicons) -> ParsedMention:
    """Decompose the mention words[first..last]."""
    return _parse_mention(view, first, last, lex)


def _parse_mention(view: DocView, first: int, last: int, lex: Lexicons) -> ParsedMention:
    """Decompose the mention words[first..last]."""
    text = view.text
    start, end = view.words[first].start, view.words[last].end
    span = Span.of(text, start, end)
    low = span.text.lower().strip()
    if first == last and view.words[first].upos == "PRON":
        kind = SpeakerKind.PERSON if low in PERSON_PRONOUNS | FIRST_PERSON else SpeakerKind.ORGANIZATION
        return ParsedMention(span, (first, last), kind, pronoun=low)

    # split off appositives at top-level commas
    segments: list[tuple[int, int]] = []
    seg_start = first
    for k in range(first, last + 1):
        if view.words[k].text == ",":
            if k > seg_start:
                segments.append((seg_start, k - 1))
            seg_start = k + 1
    if seg_start <= last:
        segments.append((seg_start, last))
    if len(segments) > 1 and time_phrase(view, *segments[0], lex):
        # "In November, the province proposed": the time is no part of the speaker
        return _parse_mention(view, segments[1][0], last, lex)
    if (
        first < last
        and time_phrase(view, first, first, lex)
        and view.words[first + 1].upos == "PROPN"
        and first > 0
        and view.words[first - 1].upos == "ADP"
    ):
        return _parse_mention(view, first + 1, last, lex)  # "On Wednesday Suncor disclosed" (not "May Jones")
    main = segments[0]
    appositives = segments[1:]

    person = _person_entity(view, main[0], main[1])
    if person is None and appositives and view.words[main[0]].upos == "DET":
        # "A resident, Tom Whitfield, 64": the name is in the appositive, the role before it
        for k, seg in enumerate(appositives):
            named = _person_entity(view, seg[0], seg[1])
            if named is not None and named[0] == seg[0]:
                role = main
                main = seg
                appositives = [role, *appositives[:k], *appositives[k + 1 :]]
                person = named
                break
    if person is None and not _is_org_like(_seg_text(view, *main), view, *main, lex):
        run = _proper_run(view, main[0], main[1])
        if run is not None and _affiliation_at(view, run[0], main[0]):
            run = None  # "a spokeswoman for Trudeau" with no PER entity: still not Trudeau
        if (run is not None and run[1] == main[1]) or (
            run is not None and _seg_text(view, run[1] + 1, main[1]).lower() in NAME_SUFFIXES
        ):
            person = run
    if person is not None:
        return _parse_person(view, span, (first, last), main, appositives, person, lex)
    return _parse_other(view, span, (first, last), main, appositives, lex)


def _time_words(text: str, lex: Lexicons) -> bool:
    words = [w.lower().strip(".,") for w in text.split()]
    return bool(words) and all(w in lex.time_words or w.isdigit() for w in words)


def _seg_text(view: DocView, first: int, last: int) -> str:
    if first > last:
        return ""
    return view.text[view.words[first].start : view.words[last].end]


def _parse_person(
    view: DocView,
    span: Span,
    words: tuple[int, int],
    main: tuple[int, int],
    appositives: Sequence[tuple[int, int]],
    person: tuple[int, int],
    lex: Lexicons,
) -> ParsedMention:
    p_first, p_last = person
    # a name suffix right after the entity ("Caggins III")
    while p_last + 1 <= main[1] and view.words[p_last + 1].text.lower().strip(".") in NAME_SUFFIXES:
        p_last += 1
    name_text = _seg_text(view, p_first, p_last)
    before = _seg_text(view, main[0], p_first - 1) if p_first > main[0] else ""
    # a rank written inside the entity ("Maj. Gen. Tahsin Khafaji" tagged whole)
    rank = None
    for k in range(p_first, p_last):
        prefix = _seg_text(view, p_first, k)
        found = rank_before(prefix, lex)
        if found is not None and (found[1] == 0 or view.words[k + 1].text[:1].isupper()):
            rank = found[0]
            name_text = _seg_text(view, k + 1, p_last)
            if found[1] > 0:  # "Montana Sen. Jon Tester" tagged whole: the place goes before the rank
                before = f"{before} {prefix[: found[1]]}".strip()
    pre = before
    modified_rank: str | None = None
    if rank is None and before:
        found = rank_before(before, lex)
        if found is not None:
            rank, cut = found
            pre = before[:cut]
            words_before = pre.split()
            if words_before and words_before[-1].lower() in lex.title_modifiers and rank.lower() in lex.titles:
                # "Police Chief Ramon Ortiz", "Fire Chief Laura Benson": a title, not a rank
                modified_rank = f"{words_before[-1]} {before[cut:].strip()}"
                pre = pre[: pre.rstrip().rfind(words_before[-1])]
                rank = None
    title, org = title_and_org(pre, lex)
    if modified_rank is not None:
        title = modified_rank
    after = _seg_text(view, p_last + 1, main[1])
    tail = _OF_ORG.match(clean(after)) if after else None
    if tail is not None and org is None:
        org = clean(tail.group(1))  # "Fire Chief Laura Benson of the Riverside County Fire Department"
    for a, b in appositives:
        if title is not None and org is not None:
            break
        t2, o2 = title_and_org(_seg_text(view, a, b), lex)
        if title is None and t2 is not None:
            title, org = t2, org or o2
        elif org is None and o2 is not None and t2 is not None:
            org = o2
    name = clean_name(name_text)
    return ParsedMention(span, words, SpeakerKind.PERSON, name=name or None, rank=rank, title=title, organization=org)


def clean_name(text: str) -> str:
    """A name as written, without invisible characters, a possessor ("Vancouver's"), a trailing
    "'s" or edge punctuation."""
    text = clean(INVISIBLE.sub("", text))
    m = _NAME_POSSESSOR.match(text)
    if m is not None and text[m.end() :].strip():
        text = text[m.end() :]
    return _POSSESSIVE_END_RE.sub("", text).strip()


def is_name(text: str | None, lex: Lexicons) -> bool:
    """Could this be a person's name (capitalised, not a party tag like "D-Mich." or "Democrat")?"""
    if not text or not text[:1].isupper() or not any(c.isalpha() for c in text):
        return False
    if " " not in text.strip() and text.isupper() and len(text.strip()) <= 4:
        return False  # an acronym ("GO" of "e.GO’s", "NDP"), not a name
    return _PARTY_TAG.match(text) is None and text.lower() not in lex.not_names


def title_and_org(segment: str, lex: Lexicons) -> tuple[str | None, str | None]:
    """Title and organisation from a pre-name or appositive segment."""
    seg = clean(segment)
    if not seg:
        return None, None
    found = _find_title(seg, lex)
    if found is None:
        found = _appositive_head(seg, lex)
    if found is None:
        bare = _strip_possessor(_strip_det(seg))
        if _POSSESSIVE_END_RE.search(bare):
            return None, None  # a possessor alone ("Vancouver's Bo Horvat") is a place or team, no employer
        return None, (bare if bare and bare[:1].isupper() and len(bare.split()) <= 8 else None)
    t_start, t_end = found
    title = seg[t_start:t_end]
    after = seg[t_end:].strip()
    before = seg[:t_start].strip()
    org: str | None = None
    # "director of public health at Eastshire County Council": the lower-case "of" phrase is the role's
    ext = _TITLE_OF.match(after)
    if ext is not None:
        title = f"{title} {ext.group(1)}"
        after = after[ext.end() :]
    m = _ORG_AFTER.match(after)
    if m:
        org = _strip_possessor(_strip_det(clean(m.group(1))))
    if before:
        prefix, pre_org = _split_premodifiers(_strip_det(before), lex)
        if prefix:
            title = f"{prefix} {title}"
        org = org or pre_org
    return title, org or None


#: premodifiers that qualify a role without being part of it
TITLE_QUALIFIERS = frozenset(
    {
        "former",
        "senior",
        "top",
        "acting",
        "interim",
        "longtime",
        "veteran",
        "then",
        "new",
        "current",
        "retired",
        "outgoing",
        "incoming",
        "chief",
        "high-ranking",
        "local",
        "other",
        "another",
    }
)


def _split_premodifiers(text: str, lex: Lexicons) -> tuple[str, str | None]:
    """Words before a title: lower-case role words join the title, names and organisation heads are the
    organisation, a possessor ("the county's") is the organisation when nothing else is.

    "Iraqi Army" → ("", "Iraqi Army"); "the county's emergency" → ("emergency", "county").
    """
    org_words: list[str] = []
    prefix: list[str] = []
    possessor: str | None = None
    for word in text.split():
        if _APOSTROPHE_S.search(word):
            possessor = _strip_det(" ".join([*org_words, *prefix, _APOSTROPHE_S.sub("", word)]))
            org_words, prefix = [], []
        elif word.lower() in TITLE_QUALIFIERS:
            continue
        elif word[:1].isupper() or word.lower() in lex.org_heads:
            org_words.append(word)
            prefix = []
        else:
            prefix.append(word)
    # "Health Minister", "Fire Chief": a portfolio word right before the title is part of it
    while not prefix and org_words and org_words[-1].lower() in lex.title_modifiers:
        prefix.insert(0, org_words.pop())
    org = " ".join(org_words) or possessor
    return " ".join(prefix), (org or None)


def _appositive_head(seg: str, lex: Lexicons) -> tuple[int, int] | None:
    """An unlisted role in an appositive: "a nurse at the county hospital" → "nurse"."""
    m = _ROLE_OF.match(seg)
    if m is None:
        return None
    return m.start(1), m.end(1)


def _parse_other(
    view: DocView,
    span: Span,
    words: tuple[int, int],
    main: tuple[int, int],
    appositives: Sequence[tuple[int, int]],
    lex: Lexicons,
) -> ParsedMention:
    seg = clean(_seg_text(view, *main))
    head = view.words[main[1]]
    head_low = head.text.lower()
    # "an official statement from the coalition": the organisation speaks through the document, so
    # the resolved source is the organisation (a person's document was parsed as a person already)
    m = _FROM_TAIL.search(seg)
    if m is not None and _time_words(m.group(1), lex):
        seg, m = seg[: m.start()].strip(), None  # "City financial records from December 2017"
        head_low = seg.split()[-1].lower() if seg else head_low
    head_word = seg.split()[-1].lower() if seg else ""
    doc_head = _document_head(seg, lex)
    if doc_head is not None and m is not None:
        source = _strip_det(clean(m.group(1)))
        return ParsedMention(span, words, SpeakerKind.ORGANIZATION, name=source, organization=source)
    owner = _document_owner(view, main, lex)
    if owner is not None:
        return owner if owner.span == span else attrs.evolve(owner, span=span, words=words)
    if (head_low in lex.document_heads or head_word in lex.document_heads) and head.text[:1].isupper() and m is None:
        # "Canada’s Food Price Report forecasts": the document's title, capitalised to its head
        return ParsedMention(span, words, SpeakerKind.DOCUMENT, name=_strip_det(seg), nominal=True)
    if head_low in lex.document_heads or head_word in lex.document_heads:
        # "ISIS weekly propaganda al-Naba newspaper": the outlet's own name, and who runs it
        hk = next((k for k in range(main[1], main[0] - 1, -1) if view.words[k].text.lower() == head_low), main[1])
        names = _proper_runs(view, main[0], hk - 1)
        if names:
            parent = names[0] if len(names) > 1 else None
            return ParsedMention(span, words, SpeakerKind.ORGANIZATION, name=names[-1], organization=parent)
        return ParsedMention(span, words, SpeakerKind.DOCUMENT, name=_strip_det(seg), nominal=True)
    title_found = _find_title(seg, lex)
    if title_found is not None and head_low not in lex.org_heads:
        title, org = title_and_org(seg, lex)
        if not any(w[:1].isupper() for w in seg.split()[1:]) or title is not None:
            return ParsedMention(span, words, SpeakerKind.UNNAMED, title=title, organization=org, nominal=True)
    sentence_initial = main[0] == main[1] and view.sentences[head.sent][0] == main[0]
    inner = _head_noun(view, main, lex)
    if inner is not None and inner != head.text and inner.lower() in lex.nominal_sources and inner[:1].islower():
        return ParsedMention(
            span, words, SpeakerKind.UNNAMED, nominal=True, title=inner if inner.lower() in lex.titles else None
        )
    if head_low in lex.nominal_sources and (not head.text[:1].isupper() or sentence_initial):
        return ParsedMention(
            span,
            words,
            SpeakerKind.UNNAMED,
            name=None,
            nominal=True,
            title=head.text if head_low in lex.titles else None,
        )
    name = _strip_possessor(_strip_det(seg))
    if not name:
        return ParsedMention(span, words, SpeakerKind.UNNAMED, nominal=True)
    if not _names_something(view, main, name, lex):
        # "the 26-year-old right wing", "a source familiar with the negotiations", "two people
        # close to the talks": a description of an unnamed source, not an organisation's name
        noun = _head_noun(view, main, lex)
        return ParsedMention(
            span,
            words,
            SpeakerKind.UNNAMED,
            nominal=True,
            title=noun if noun is not None and noun.lower() in lex.titles else None,
        )
    return ParsedMention(span, words, SpeakerKind.ORGANIZATION, name=name, organization=None)


def _names_something(view: DocView, main: tuple[int, int], name: str, lex: Lexicons) -> bool:
    """Is the phrase an organisation's name: capitalised words, an entity, or an organisation head
    ("the ministry")?"""
    if any(w[:1].isupper() for w in name.split()):
        return True
    if any(w.lower().strip(".,") in lex.org_heads for w in name.split()):
        return True
    return bool(entities_overlapping(view, main[0], main[1]))


_POSTMODIFIER_STARTS = frozenset({"familiar", "close", "with", "who", "that", "of", "in", "at", "for", "from", "on"})


def _head_noun(view: DocView, main: tuple[int, int], lex: Lexicons) -> str | None:
    """The head noun of a description: the last noun before a post-modifier ("source" in "a source
    familiar with the negotiations")."""
    head: str | None = None
    for k in range(main[0], main[1] + 1):
        w = view.words[k]
        if w.text.lower() in _POSTMODIFIER_STARTS and head is not None:
            break
        if w.upos in ("NOUN", "PROPN"):
            head = w.text
    return head


def _document_owner(view: DocView, main: tuple[int, int], lex: Lexicons) -> ParsedMention | None:
    """ "Foster’s book", "her statement": a person's document speaks for that person."""
    first, last = main
    if view.words[last].text.lower() not in lex.document_heads or last - first > 3:
        return None
    w = view.words[first]
    if w.upos == "PRON" and w.text.lower() in ("his", "her"):
        span = Span.of(view.text, w.start, w.end)
        return ParsedMention(span, (first, first), SpeakerKind.PERSON, pronoun=w.text.lower())
    for k in range(first, last):
        if view.words[k + 1].text in ("'s", "’s", "‘s") or _POSSESSIVE_END_RE.search(view.words[k].text):
            person = _person_entity(view, first, k)
            if person is None and not (view.words[k].upos == "PROPN" and view.words[k].text[:1].isupper()):
                return None
            a, b = person if person is not None else (first, k)
            name = clean_name(_seg_text(view, a, b))
            span = Span.of(view.text, view.words[first].start, view.words[last].end)
            return ParsedMention(span, (first, last), SpeakerKind.PERSON, name=name or None)
    return None


def _document_head(seg: str, lex: Lexicons) -> str | None:
    m = _DOCUMENT_OF.match(seg)
    if m and m.group(1).lower() in lex.document_heads:
        return m.group(1).lower()
    return None


def _proper_runs(view: DocView, first: int, last: int) -> list[str]:
    runs: list[str] = []
    k = first
    while k <= last:
        if view.words[k].upos == "PROPN" or (view.words[k].text[:1].isupper() and view.words[k].upos in ("NOUN", "X")):
            while k > first and view.words[k - 1].end == view.words[k].start:  # "al-Naba"
                k -= 1
            j = k
            while j + 1 <= last and (view.words[j + 1].upos == "PROPN" or view.words[j + 1].start == view.words[j].end):
                j += 1
            runs.append(clean(_seg_text(view, k, j)))
            k = j + 1
        else:
            k += 1
    return runs
