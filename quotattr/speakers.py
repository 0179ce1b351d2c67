"""Stage 5: speaker resolution — mention → name / rank / title / organization, then coreference.

``parse_mention`` decomposes one mention phrase ("Maj. Gen. Tahsin Khafaji, spokesman for Iraq’s
Joint Operation Command") using the NER spans, the rank/title/organisation lexicons, appositive
commas and "of/for/at ORG" attachments. ``resolve`` links mentions inside the document: a surname
to the earlier full name, a pronoun to the most recent person it may stand for ("she" does not go
to a "Mr." or a "spokesman", nor to someone already called "he"), "the spokesman" to the earlier person
with that title; each cluster becomes one :class:`~quotattr.model.Speaker`.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

import attrs
import regex

from quotattr.document import INSTITUTION_TYPES, PERSON_TYPES, DocView
from quotattr.lexicons import Lexicons
from quotattr.model import Span, Speaker, SpeakerKind

__all__ = ["ParsedMention", "SpeakerCluster", "build_speakers", "parse_mention", "resolve"]

PERSON_PRONOUNS = frozenset({"he", "she", "him", "her", "his"})
GROUP_PRONOUNS = frozenset({"they", "them", "it", "we", "us", "their", "its", "our"})
FIRST_PERSON = frozenset({"i", "me", "we", "us", "you"})
_POSSESSIVE = regex.compile(r"^(?:.*?\s)?[\p{L}\p{N}.-]+['’]s\s+")
_EDGE = " ,;:-–—()[]\u00a0"
ORG_ADPS = ("for", "of", "at", "from", "with", "in", "to")
NAME_SUFFIXES = frozenset({"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"})


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
    gender: str | None = None  #: "f" / "m" where the phrase says so ("Mrs.", "spokeswoman", "she")

    @property
    def name_tokens(self) -> list[str]:
        return [t.lower().strip(".,") for t in (self.name or "").split()]


@attrs.define(slots=True, eq=False)
class SpeakerCluster:
    """Mentions that refer to one speaker, and the best fields seen so far."""

    kind: SpeakerKind
    name: str | None = None
    rank: str | None = None
    title: str | None = None
    organization: str | None = None
    resolved: bool = True
    mentions: list[ParsedMention] = attrs.field(factory=list)
    gender: str | None = None

    def absorb(self, m: ParsedMention) -> None:
        self.mentions.append(m)
        self.gender = self.gender or m.gender
        if m.name and (self.name is None or len(m.name.split()) > len(self.name.split())):
            self.name = m.name
            self.resolved = True
        self.rank = self.rank or m.rank
        self.title = self.title or m.title
        self.organization = self.organization or m.organization

    @property
    def tokens(self) -> list[str]:
        return [t.lower().strip(".,") for t in (self.name or "").split()]


def _clean(text: str) -> str:
    return " ".join(text.replace("\u00a0", " ").split()).strip(_EDGE)


def _strip_det(text: str) -> str:
    return regex.sub(r"(?i)^(?:the|a|an|its|their|his|her)(?:\s+|$)", "", text).strip()


def _strip_possessor(text: str) -> str:
    """ "Iraq’s Joint Operation Command" → "Joint Operation Command"."""
    m = _POSSESSIVE.match(text)
    return text[m.end() :] if m and text[m.end() :].strip() else text


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


def _rank_before(text: str, lex: Lexicons) -> tuple[str, int] | None:
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
    parts = list(regex.finditer(r"\S+", stripped))
    start = parts[-n_words].start() if len(parts) >= n_words else 0
    return lex.ranks[surface], start


def _person_entity(view: DocView, first: int, last: int) -> tuple[int, int] | None:
    """The first PER entity inside [first, last], merged with PER entities right after it (a
    tokenizer split can cut "Jessica Lane" into two entities)."""
    found: tuple[int, int] | None = None
    for ent in view.entities:
        if ent.type not in PERSON_TYPES or ent.last < first or ent.first > last:
            continue
        a, b = max(first, ent.first), min(last, ent.last)
        if found is None:
            found = (a, b)
        elif a == found[1] + 1:
            found = (found[0], b)
        else:
            break
    return found


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
    return any(ent.type in INSTITUTION_TYPES and ent.first <= last and first <= ent.last for ent in view.entities)


PRONOUN_GENDER = {"he": "m", "him": "m", "his": "m", "she": "f", "her": "f"}


def parse_mention(view: DocView, first: int, last: int, lex: Lexicons) -> ParsedMention:
    """Decompose the mention words[first..last]; its gender where a word of it says so."""
    m = _parse_mention(view, first, last, lex)
    if m.pronoun is not None:
        m.gender = PRONOUN_GENDER.get(m.pronoun)
    else:
        marks = {lex.gendered.get(view.words[k].text.lower().rstrip(".")) for k in range(first, last + 1)} - {None}
        m.gender = marks.pop() if len(marks) == 1 else None
    return m


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
    main = segments[0]
    appositives = segments[1:]

    person = _person_entity(view, main[0], main[1])
    if person is None and not _is_org_like(_seg_text(view, *main), view, *main, lex):
        run = _proper_run(view, main[0], main[1])
        if (run is not None and run[1] == main[1]) or (
            run is not None and _seg_text(view, run[1] + 1, main[1]).lower() in NAME_SUFFIXES
        ):
            person = run
    if person is not None:
        return _parse_person(view, span, (first, last), main, appositives, person, lex)
    return _parse_other(view, span, (first, last), main, appositives, lex)


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
        found = _rank_before(prefix, lex)
        if found is not None and found[1] == 0:
            rank = found[0]
            name_text = _seg_text(view, k + 1, p_last)
    pre = before
    if rank is None and before:
        found = _rank_before(before, lex)
        if found is not None:
            rank, cut = found
            pre = before[:cut]
    title, org = _title_and_org(pre, lex)
    for a, b in appositives:
        if title is not None and org is not None:
            break
        t2, o2 = _title_and_org(_seg_text(view, a, b), lex)
        if title is None and t2 is not None:
            title, org = t2, org or o2
        elif org is None and o2 is not None and t2 is not None:
            org = o2
    name = _clean(name_text)
    name = regex.sub(r"['’]s$", "", name)
    return ParsedMention(span, words, SpeakerKind.PERSON, name=name or None, rank=rank, title=title, organization=org)


def _title_and_org(segment: str, lex: Lexicons) -> tuple[str | None, str | None]:
    """Title and organisation from a pre-name or appositive segment."""
    seg = _clean(segment)
    if not seg:
        return None, None
    found = _find_title(seg, lex)
    if found is None:
        found = _appositive_head(seg, lex)
    if found is None:
        bare = _strip_possessor(_strip_det(seg))
        return None, (bare if bare and bare[:1].isupper() and len(bare.split()) <= 8 else None)
    t_start, t_end = found
    title = seg[t_start:t_end]
    after = seg[t_end:].strip()
    before = seg[:t_start].strip()
    org: str | None = None
    # "director of public health at Eastshire County Council": the lower-case "of" phrase is the role's
    ext = regex.match(r"^(of\s+(?:[a-z][\w-]*\s+){0,3}[a-z][\w-]*)\s+(?=(?:at|for|with|in)\s+\S)", after)
    if ext is not None:
        title = f"{title} {ext.group(1)}"
        after = after[ext.end() :]
    m = regex.match(r"(?i)^(?:" + "|".join(ORG_ADPS) + r")\s+(.+)$", after)
    if m:
        org = _strip_possessor(_strip_det(_clean(m.group(1))))
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
        if regex.search(r"['’]s$", word):
            possessor = _strip_det(" ".join([*org_words, *prefix, regex.sub(r"['’]s$", "", word)]))
            org_words, prefix = [], []
        elif word[:1].isupper() or word.lower() in lex.org_heads:
            org_words.append(word)
            prefix = []
        elif word.lower() in TITLE_QUALIFIERS:
            continue
        else:
            prefix.append(word)
    org = " ".join(org_words) or possessor
    return " ".join(prefix), (org or None)


def _appositive_head(seg: str, lex: Lexicons) -> tuple[int, int] | None:
    """An unlisted role in an appositive: "a nurse at the county hospital" → "nurse"."""
    m = regex.match(
        r"(?i)^(?:an?|the)\s+((?:[a-z][\w-]*\s+){0,2}?[a-z][\w-]*)(?:\s+(?:" + "|".join(ORG_ADPS) + r")\s+.+)?$",
        seg,
    )
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
    seg = _clean(_seg_text(view, *main))
    head = view.words[main[1]]
    head_low = head.text.lower()
    # "an official statement from the coalition": the organisation speaks through the document, so
    # the resolved source is the organisation (a person's document was parsed as a person already)
    m = regex.search(r"(?i)\b(?:from|by|of)\s+(.+)$", seg)
    head_word = seg.split()[-1].lower() if seg else ""
    doc_head = _document_head(seg, lex)
    if doc_head is not None and m is not None:
        source = _strip_det(_clean(m.group(1)))
        return ParsedMention(span, words, SpeakerKind.ORGANIZATION, name=source, organization=source)
    if head_low in lex.document_heads or head_word in lex.document_heads:
        # "ISIS weekly propaganda al-Naba newspaper": the outlet's own name, and who runs it
        names = _proper_runs(view, main[0], main[1] - 1)
        if names:
            parent = names[0] if len(names) > 1 else None
            return ParsedMention(span, words, SpeakerKind.ORGANIZATION, name=names[-1], organization=parent)
        return ParsedMention(span, words, SpeakerKind.DOCUMENT, name=_strip_det(seg), nominal=True)
    title_found = _find_title(seg, lex)
    if title_found is not None and head_low not in lex.org_heads:
        title, org = _title_and_org(seg, lex)
        if not any(w[:1].isupper() for w in seg.split()[1:]) or title is not None:
            return ParsedMention(span, words, SpeakerKind.UNNAMED, title=title, organization=org, nominal=True)
    sentence_initial = main[0] == main[1] and view.sentences[head.sent][0] == main[0]
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
    return ParsedMention(span, words, SpeakerKind.ORGANIZATION, name=name, organization=None)


def _document_head(seg: str, lex: Lexicons) -> str | None:
    m = regex.match(r"(?i)^(?:(?:an?|the|its|their)\s+)?(?:[\w-]+\s+){0,3}?(\w+)\s+(?:from|by|of)\s+", seg)
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
            runs.append(_clean(_seg_text(view, k, j)))
            k = j + 1
        else:
            k += 1
    return runs


# -- coreference -------------------------------------------------------------------------------


def _same_person(cluster: SpeakerCluster, m: ParsedMention) -> bool:
    ct, mt = cluster.tokens, m.name_tokens
    if not ct or not mt:
        return False
    if ct == mt:
        return True
    if len(mt) == 1:
        return mt[0] in ct[1:] or (len(ct) == 1 and mt[0] == ct[0])
    if len(ct) == 1:
        return ct[0] in mt[1:]
    core_c = [t for t in ct if t not in NAME_SUFFIXES]
    core_m = [t for t in mt if t not in NAME_SUFFIXES]
    return core_c[-1] == core_m[-1] and (core_c[0] == core_m[0] or core_c[0][:1] == core_m[0][:1])


def resolve(mentions: Sequence[ParsedMention], view: DocView, lex: Lexicons) -> list[SpeakerCluster | None]:
    """Cluster mentions (in text order); returns each mention's cluster (None: nothing to resolve)."""
    clusters: list[SpeakerCluster] = []
    persons: list[SpeakerCluster] = []  #: named persons, most recently mentioned last (for he/she)
    last_group: SpeakerCluster | None = None  #: the most recent named organisation (for they/it)
    order = sorted(range(len(mentions)), key=lambda k: mentions[k].span.start)
    assigned: dict[int, SpeakerCluster | None] = {}
    for idx in order:
        m = mentions[idx]
        cluster: SpeakerCluster | None = None
        if m.pronoun is None and not m.nominal and m.kind is not SpeakerKind.PERSON and len(m.name_tokens) == 1:
            if _earlier_full_name(view, m) is not None:  # "BYRNE:" after "Senator Alice Byrne", tagged ORG
                m = attrs.evolve(m, kind=SpeakerKind.PERSON, organization=None)
        if m.pronoun is not None:
            if m.pronoun in PERSON_PRONOUNS:
                # the most recent named person the pronoun may stand for ("she" skips a "Mr.")
                cluster = next((c for c in reversed(persons) if c.gender in (None, m.gender)), None)
                if cluster is not None and cluster.gender is None:
                    cluster.gender = m.gender
            elif m.pronoun in ("they", "it", "their", "its") and last_group is not None:
                cluster = last_group
            if cluster is None:
                cluster = SpeakerCluster(kind=m.kind, resolved=False)
                clusters.append(cluster)
            cluster.mentions.append(m)
        elif m.kind is SpeakerKind.PERSON and m.name:
            cluster = next((c for c in reversed(clusters) if c.kind is SpeakerKind.PERSON and _same_person(c, m)), None)
            if cluster is None and len(m.name_tokens) == 1:
                full = _earlier_full_name(view, m)
                if full is not None:
                    seeded = ParsedMention(m.span, m.words, SpeakerKind.PERSON, name=full)
                    cluster = SpeakerCluster(kind=SpeakerKind.PERSON)
                    cluster.absorb(seeded)
                    cluster.mentions.pop()
                    clusters.append(cluster)
            if cluster is None:
                cluster = SpeakerCluster(kind=SpeakerKind.PERSON)
                clusters.append(cluster)
            cluster.absorb(m)
        elif m.nominal:
            wanted = (m.title or "").lower()
            if wanted:
                cluster = next(
                    (c for c in reversed(clusters) if c.title and c.title.lower() == wanted and c.name), None
                )
            if cluster is None:
                cluster = SpeakerCluster(kind=m.kind, title=m.title, organization=m.organization, resolved=False)
                clusters.append(cluster)
            cluster.mentions.append(m)
        else:
            key = (m.name or "").lower()
            cluster = next((c for c in clusters if c.kind is m.kind and (c.name or "").lower() == key and key), None)
            if cluster is None:
                cluster = SpeakerCluster(kind=m.kind)
                clusters.append(cluster)
            cluster.absorb(m)
        if cluster is not None:
            if cluster.kind is SpeakerKind.PERSON and cluster.name:
                if cluster in persons:
                    persons.remove(cluster)
                persons.append(cluster)
            elif cluster.kind in (SpeakerKind.ORGANIZATION, SpeakerKind.DOCUMENT) and cluster.name:
                last_group = cluster
        assigned[idx] = cluster
    return [assigned.get(k) for k in range(len(mentions))]


def _earlier_full_name(view: DocView, m: ParsedMention) -> str | None:
    """A multi-word PER entity before the mention whose last word is the mention's name."""
    token = m.name_tokens[0]
    best = None
    for ent in view.entities:
        if ent.start >= m.span.start:
            break
        if ent.type not in PERSON_TYPES:
            continue
        parts = [p.lower().strip(".,’'") for p in ent.text.split()]
        if len(parts) > 1 and token in parts[1:]:
            best = ent.text
    return _clean(best) if best else None


def build_speakers(clusters: Sequence[SpeakerCluster]) -> dict[int, Speaker]:
    """One frozen Speaker per cluster (keyed by ``id(cluster)``), ids S1, S2, … in text order."""
    out: dict[int, Speaker] = {}
    ordered = sorted((c for c in clusters if c.mentions), key=lambda c: min(m.span.start for m in c.mentions))
    for n, c in enumerate(ordered, 1):
        mentions = sorted({m.span for m in c.mentions}, key=lambda s: (s.start, s.end))
        out[id(c)] = Speaker(
            id=f"S{n}",
            name=c.name,
            kind=c.kind if c.name or c.kind is not SpeakerKind.PERSON else SpeakerKind.UNNAMED,
            rank=c.rank,
            title=c.title,
            organization=c.organization,
            mentions=tuple(mentions),
            resolved=bool(c.resolved and c.name),
        )
    return out
