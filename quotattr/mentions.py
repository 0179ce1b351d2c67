"""Noun-phrase finding for speaker mentions and addressees.

Compact parsers misattach long appositive subjects (“…,” Maj. Gen. Tahsin Khafaji, spokesman for
Iraq’s Joint Operation Command, told reporters → "Command" as the subject of "told"), so mentions
are found on the surface first — a left or right scan over POS tags that knows appositive commas and
"of/for/at" attachments — and the parse is used to confirm or, where the surface finds nothing, to
supply the phrase. All functions return inclusive word ranges ``(first, last)`` or None.
"""

from __future__ import annotations

from quotattr.document import DocView
from quotattr.lexicons import Lexicons
from quotattr.quotes import is_quote_char

__all__ = [
    "PERSONAL_PRONOUNS",
    "is_abbreviation_period",
    "mention_for_cue",
    "np_left",
    "np_right",
    "subject_of",
]

NP_POS = frozenset({"NOUN", "PROPN", "ADJ", "DET", "NUM"})
PERSONAL_PRONOUNS = frozenset({"he", "she", "they", "it", "i", "we", "you", "who"})
#: words that may stand between a subject and its verb ("Khafaji also explained")
SKIP_BEFORE_CUE = frozenset(
    {
        "also",
        "later",
        "then",
        "again",
        "further",
        "previously",
        "recently",
        "earlier",
        "repeatedly",
        "similarly",
        "once",
        "still",
        "even",
        "now",
        "reportedly",
        "publicly",
        "privately",
        "separately",
        "has",
        "had",
        "have",
        "was",
        "is",
        "would",
        "will",
        "did",
        "does",
        "do",
        "may",
        "might",
        "could",
        "often",
        "first",
        "last",
        "flatly",
        "simply",
        "just",
        "been",
        "not",
        "n't",
        "never",
        "already",
        "subsequently",
        "finally",
        "ultimately",
        "openly",
        "frequently",
        "quickly",
        "angrily",
        "bluntly",
        "clearly",
        "explicitly",
        "specifically",
        "directly",
        "immediately",
    }
)
SPEAKER_ADPS = frozenset({"of", "for", "at", "from", "to", "on", "with", "by"})
ADDRESSEE_ADPS = frozenset({"of"})
GLUE = frozenset({"-", "‐", "/"})  #: joins words written without spaces into one name
RELATIVE_WORDS = frozenset({"who", "which", "whose", "whom", "where"})


def _is_possessive(view: DocView, i: int) -> bool:
    w = view.words[i]
    return w.upos == "PART" and w.text.lower() in ("'s", "’s", "'", "’")


def is_abbreviation_period(view: DocView, i: int) -> bool:
    """A "." the tokenizer split off an abbreviation ("Brig" + "." in "Brig. Gen. Helen Okafor")."""
    if view.words[i].text != "." or i == 0:
        return False
    prev = view.words[i - 1]
    return (
        prev.end == view.words[i].start
        and prev.text[:1].isupper()
        and prev.text.isalpha()
        and len(prev.text) <= 5
        and i + 1 < len(view.words)
        and view.words[i + 1].text[:1].isupper()
        and view.words[i + 1].sent == view.words[i].sent  # "… of Iraqi Commander-in-Chief." ends one
    )


def _is_npish(view: DocView, i: int) -> bool:
    w = view.words[i]
    if is_quote_char(w.text):
        return False
    if is_abbreviation_period(view, i):
        return True
    if w.upos in NP_POS or _is_possessive(view, i):
        return True
    if w.xpos in ("NNP", "NNPS") and w.text[:1].isupper():
        return True  # the tagger's UPOS and XPOS disagree ("United" VERB / NNP in "United Nations")
    if w.upos == "VERB" and w.xpos in ("VBN", "VBD", "VBG") and 0 < i < len(view.words) - 1:
        nxt, prev = view.words[i + 1], view.words[i - 1]
        if w.deprel == "amod" or (nxt.upos in ("NOUN", "PROPN", "ADJ") and prev.upos in ("DET", "ADJ")):
            return True  # a participle used as an adjective: "a retired teacher"
    if w.upos == "PRON" and w.xpos in ("PRP$", "WP$"):
        return True
    if w.upos == "PUNCT" and w.text in ("-", "‐", "/", "&"):
        return True
    # abbreviations the tagger may call X or SYM ("Lie." in "Lie. Gen.")
    return w.upos in ("X", "SYM", "VERB") and w.text[:1].isupper() and w.text.endswith(".") and len(w.text) <= 5


def _glued(view: DocView, k: int) -> bool:
    """Is word ``k`` written against word ``k + 1`` with a hyphen or slash between or around them
    ("al-Naba", "Reuters/Ipsos")?"""
    if k < 0 or k + 1 >= len(view.words):
        return False
    a, b = view.words[k], view.words[k + 1]
    if a.end != b.start or a.sent != b.sent:
        return False
    return a.text in GLUE or b.text in GLUE


def _starts_appositive(view: DocView, first: int, last: int, lex: Lexicons) -> bool:
    """Does words[first..last] look like an appositive ("a Peshmerga commander", "spokesman for X")?"""
    w = view.words[first]
    if w.upos == "DET" or (w.upos == "PRON" and w.xpos == "PRP$"):
        return True
    text = " ".join(view.words[k].text.lower() for k in range(first, min(last, first + 6) + 1))
    for title in lex.titles:
        if text == title or text.startswith(title + " "):
            return True
    # "former", "senior", "deputy" + title
    for k in range(first, min(last, first + 3) + 1):
        if view.words[k].text.lower() in lex.titles:
            return all(view.words[j].upos in ("ADJ", "NOUN", "PROPN") for j in range(first, k))
    return False


def _ends_with_name(view: DocView, i: int) -> bool:
    w = view.words[i]
    return w.upos == "PROPN" or w.is_person or (w.text[:1].isupper() and w.upos in ("NOUN", "X"))


def np_left(view: DocView, end: int, lex: Lexicons, floor: int) -> tuple[int, int] | None:
    """The noun phrase ending at word ``end`` (inclusive) scanning left, not before word ``floor``."""
    if end < floor:
        return None
    w = view.words[end]
    if w.upos == "PRON" and w.text.lower() in PERSONAL_PRONOUNS:
        return (end, end)
    if not _is_npish(view, end) or w.upos in ("DET",):
        return None
    first = end
    crossed = False  # one appositive comma may be crossed
    k = end - 1
    while k >= floor:
        t = view.words[k]
        if _glued(view, k):  # "Commander-in-Chief", "al-Naba": written without spaces
            first = k
            k -= 1
            continue
        prev_first = view.words[first]
        if prev_first.upos == "DET" and not _is_possessive(view, k) and t.upos not in ("ADP", "PUNCT", "CCONJ"):
            break  # a determiner opens the phrase
        if _is_npish(view, k):
            if t.upos == "DET" and k - 1 >= floor and view.words[k - 1].upos in ("NOUN", "PROPN", "ADJ", "NUM"):
                first = k
                break
            first = k
            k -= 1
            continue
        if t.upos == "ADP" and t.text.lower() in SPEAKER_ADPS and k - 1 >= floor:
            before = view.words[k - 1]
            if before.upos in ("NOUN", "PROPN") and not is_quote_char(before.text):
                first = k
                k -= 1
                continue
            break
        if t.upos == "CCONJ" and t.text.lower() == "and" and k - 1 >= floor and view.words[k - 1].upos == "PROPN":
            if view.words[first].upos == "PROPN":
                first = k
                k -= 1
                continue
            break
        if t.text == "," and k - 1 >= floor and _ends_with_name(view, k - 1):
            has_person = any(view.words[j].is_person for j in range(first, end + 1))
            if _starts_appositive(view, first, end, lex) and not crossed and not has_person:
                first = k
                crossed = True
                k -= 1
                continue
            break
        break
    # trim leading connectives and punctuation
    while first <= end and (view.words[first].upos in ("ADP", "CCONJ", "PUNCT") and not _is_npish(view, first)):
        first += 1
    while first <= end and view.words[first].text == ",":
        first += 1
    if first > end:
        return None
    return _before_reduced_relative(view, first, end, lex, floor) or (first, end)


def time_phrase(view: DocView, first: int, last: int, lex: Lexicons) -> bool:
    """Are words[first..last] all words of a time expression or numbers ("late August", "this month")?"""
    return all(
        view.words[k].text.lower().rstrip(".") in lex.time_words or view.words[k].upos == "NUM"
        for k in range(first, last + 1)
    )


REDUCED_RELATIVE_ADPS = frozenset({"in", "on", "at", "during", "over", "since", "this", "last"})


def _before_reduced_relative(view: DocView, first: int, end: int, lex: Lexicons, floor: int) -> tuple[int, int] | None:
    """ "A Quinnipiac poll released in late August found …": a time phrase right after a participle
    is not the subject; the noun phrase before the participle is."""
    words = view.words
    if not time_phrase(view, first, end, lex):
        return None
    k = first - 1
    while k >= floor and words[k].upos == "ADP" and words[k].text.lower() in REDUCED_RELATIVE_ADPS:
        k -= 1
    if k - 1 < floor or words[k].xpos not in ("VBN", "VBD") or words[k - 1].upos not in ("NOUN", "PROPN"):
        return None
    return np_left(view, k - 1, lex, floor)


def np_right(
    view: DocView, start: int, lex: Lexicons, ceiling: int, *, addressee: bool = False
) -> tuple[int, int] | None:
    """The noun phrase starting at word ``start`` scanning right, before word ``ceiling``."""
    if start >= ceiling:
        return None
    w = view.words[start]
    if w.upos == "PRON" and w.text.lower() in PERSONAL_PRONOUNS | {"me", "him", "her", "us", "them"}:
        return (start, start)
    if not _is_npish(view, start):
        return None
    adps = ADDRESSEE_ADPS if addressee else SPEAKER_ADPS
    last = start
    k = start + 1
    seen_name = _ends_with_name(view, start)
    while k < ceiling:
        t = view.words[k]
        if _glued(view, k - 1) and not is_quote_char(t.text):
            last = k
            k += 1
            continue
        if _is_npish(view, k):
            if t.upos == "DET" and view.words[last].upos in ("NOUN", "PROPN") and view.words[k - 1].upos != "ADP":
                break
            last = k
            seen_name = seen_name or _ends_with_name(view, k)
            k += 1
            continue
        if t.upos == "ADP" and t.text.lower() in adps and k + 1 < ceiling:
            before = view.words[last]
            if before.upos == "NOUN" or (before.upos == "PROPN" and before.text.lower() in lex.org_heads):
                if _is_npish(view, k + 1):
                    last = k
                    k += 1
                    continue
            break
        if t.text == "," and not addressee and seen_name and k + 1 < ceiling:
            nxt_last = _segment_end(view, k + 1, ceiling)
            if nxt_last is not None and _starts_appositive(view, k + 1, nxt_last, lex):
                last = k
                k += 1
                continue
            break
        break
    while last > start and (view.words[last].upos in ("ADP", "PUNCT", "CCONJ") and not _is_npish(view, last)):
        last -= 1
    return (start, last)


def _segment_end(view: DocView, start: int, ceiling: int) -> int | None:
    k = start
    while k < ceiling and view.words[k].text != "," and view.words[k].upos not in ("VERB", "AUX"):
        k += 1
    return k - 1 if k - 1 >= start else None


def subject_of(view: DocView, verb: int, depth: int = 0) -> int | None:
    """The parse's subject of ``verb``, following conj/xcomp/advcl chains up to the verb that has one."""
    subject = _own_subject(view, verb)
    if subject is not None:
        return subject
    w = view.words[verb]
    if depth < 3 and w.head >= 0 and w.deprel.split(":")[0] in ("conj", "xcomp", "advcl"):
        return subject_of(view, w.head, depth + 1)
    return None


def _own_subject(view: DocView, verb: int) -> int | None:
    """The verb's own nsubj. Two subjects in one noun phrase is a split name ("The campaign manager |
    Robby Tanner said"): the last of the run, so the scan left from there takes the phrase whole;
    "Wells Fargo just this month announced" keeps the first (an adverb stands between)."""
    subjects = [s for s in view.deps(verb, "nsubj") if not _oblique(view, s)]
    if not subjects:
        return None
    first = subjects[0]
    for k in sorted(subjects)[1:]:
        if k < verb and all(_is_npish(view, j) for j in range(first + 1, k)):
            first = k
    return first


def _oblique(view: DocView, head: int, before: int | None = None) -> bool:
    """Is the noun at ``head`` the object of a preposition (before word ``before``, when given) that
    the parse took for a subject ("… and in a carefully worded response said")?"""
    limit = head if before is None else before
    return view.words[head].upos == "NOUN" and any(
        c < limit and view.words[c].upos == "ADP" for c in view.deps(head, "case")
    )


def _phrase_head(view: DocView, phrase: tuple[int, int]) -> int:
    """The word of ``phrase`` whose parse head lies outside it (its last word when there are several)."""
    a, b = phrase
    outside = [j for j in range(a, b + 1) if not a <= view.words[j].head <= b]
    return outside[-1] if outside else b


def _main_subject(view: DocView, word: int) -> int | None:
    """The subject of the first verb with one above ``word`` in the tree (its sentence's speaker)."""
    seen = 0
    node = view.words[word].head
    while node >= 0 and seen < 12:
        if view.words[node].upos in ("VERB", "AUX"):
            subject = _own_subject(view, node)
            if subject is not None:
                return subject
        node = view.words[node].head
        seen += 1
    return None


def _name_end(view: DocView, head: int) -> int:
    """The last word of the name a subject head starts: UD hangs "Barack Obama" off "President" (flat)."""
    end = head
    for c in sorted(view.deps(head, "flat", "compound", "appos")):
        if c == end + 1 and (view.words[c].deprel != "appos" or view.words[c].upos == "PROPN"):
            end = max([c, *[f for f in view.deps(c, "flat") if f > c]])  # "manager Robby Mook"
    while view.words[end].upos == "PROPN" and end + 1 < len(view.words) and view.words[end + 1].upos == "PROPN":
        end += 1  # a name the parse split ("President Barack | Obama", both subjects)
    return end


def mention_for_cue(
    view: DocView, cue: int, lex: Lexicons, floor: int, ceiling: int, *, postposed_ok: bool = False
) -> tuple[tuple[int, int] | None, str]:
    """Find the speaker phrase of a cue verb: (range, how) with how in surface/parse/postposed/''.

    The surface subject (left of the cue, skipping adverbs and auxiliaries) wins when the parse agrees
    or is silent; a parse subject that lies elsewhere (after the verb: "said Smith") is used when the
    surface finds nothing. A relative pronoun ("Trump, who pledged to …") stands for the phrase
    its clause modifies.
    """
    found, how = _mention_for_cue(view, cue, lex, floor, ceiling, postposed_ok=postposed_ok)
    if found is not None and found[0] == found[1] and view.words[found[0]].text.lower() in ("who", "which", "that"):
        clause = cue
        while view.words[clause].deprel.split(":")[0] in ("xcomp", "conj") and view.words[clause].head >= 0:
            clause = view.words[clause].head
        head = view.words[clause].head
        if not (view.words[clause].deprel == "acl:relcl" and floor <= head < found[0]):
            head = found[0] - 1  # the parse missed the relative clause: the phrase before ", who"
            while head >= floor and view.words[head].text == ",":
                head -= 1
        antecedent = np_left(view, _name_end(view, head), lex, floor) if head >= floor else None
        return (antecedent, "relative") if antecedent is not None else (None, "")
    return found, how


def _name_word(view: DocView, k: int) -> bool:
    """Is word ``k`` part of a name ("Theresa May said", "Brian May said"), not the modal or adverb
    that a word of ``SKIP_BEFORE_CUE`` is elsewhere?"""
    w = view.words[k]
    return w.upos == "PROPN" or w.is_person


def _not_a_subject(view: DocView, cue: int, phrase: tuple[int, int], lex: Lexicons) -> bool:
    """Is the phrase right before the cue a time adverbial ("Wells Fargo just this month announced")
    or the end of a participle clause of the cue's ("Trump, speaking to a group in Virginia, said")?"""
    if time_phrase(view, phrase[0], phrase[1], lex):
        return True
    return any(d < cue and phrase[1] in view.subtree(d) for d in view.deps(cue, "advcl"))


def _mention_for_cue(
    view: DocView, cue: int, lex: Lexicons, floor: int, ceiling: int, *, postposed_ok: bool = False
) -> tuple[tuple[int, int] | None, str]:
    k = cue - 1
    while k >= floor and (
        (view.words[k].text.lower() in SKIP_BEFORE_CUE and not _name_word(view, k))
        or (view.words[k].upos in ("ADV", "AUX") and view.words[k].text.lower() not in RELATIVE_WORDS)
        or view.words[k].text == ","
    ):
        k -= 1
    if k > floor and view.words[k].text == ")":
        # "Sen. Claire McCaskill (D-Mo.) said": the party/state tag sits between name and cue
        opening = next((j for j in range(k - 1, max(floor - 1, k - 8), -1) if view.words[j].text == "("), None)
        if opening is not None and opening > floor:
            k = opening - 1
    surface = np_left(view, k, lex, floor) if k >= floor else None
    if surface is not None and _oblique(view, _phrase_head(view, surface), surface[0]):
        surface = None
    parse_subj = subject_of(view, cue)
    after_comma = any(view.words[j].text == "," for j in range(k + 1, cue))
    if view.words[cue].xpos == "VBG" and parse_subj is None and after_comma and not view.deps(cue, "nsubj"):
        parse_subj = _main_subject(view, cue)  # ", arguing that …" hung off a noun by the parse
    if (
        view.words[cue].xpos == "VBG"
        and parse_subj is not None
        and floor <= parse_subj < k
        and not view.deps(cue, "nsubj")
        and after_comma
    ):
        # "Peabody filed for bankruptcy on Wednesday, adding that …": the participle's speaker is the
        # subject of the clause it hangs from, not the phrase before its comma
        left = np_left(view, _name_end(view, parse_subj), lex, floor)
        if left is not None:
            return left, "parse"
    if surface is not None and k + 1 < cue and view.words[k + 1].text == ",":
        # "Trump, who pledged to ban all Muslims, said …": the phrase before the comma ends a
        # relative clause; the speaker is what the clause modifies
        r = surface[0] - 1
        while r > floor and view.words[r].text not in (",", ";") and view.words[r].text.lower() not in ("who", "which"):
            r -= 1
        if r > floor and view.words[r].text.lower() in ("who", "which") and view.words[r - 1].text == ",":
            antecedent = np_left(view, r - 2, lex, floor)
            if antecedent is not None:
                return antecedent, "surface"
    if surface is not None:
        if (
            parse_subj is not None
            and floor <= parse_subj < surface[0]
            and any(view.words[j].text.lower() in ("who", "which") for j in range(parse_subj + 1, surface[0]))
        ):
            # "Trump, who pledged to ban all Muslims, said …": the surface phrase ends a relative clause
            left = np_left(view, _name_end(view, parse_subj), lex, floor)
            if left is not None:
                return left, "parse"
        if parse_subj is not None and floor <= parse_subj < surface[0]:
            # "Megan Hester, senior associate for … at the Annenberg Institute, said": the surface scan
            # stopped inside a long appositive that the parse hangs off the subject (or at its first
            # word, when the scan takes "education organizing at …" whole but not the comma before it;
            # only for a person's role: "The company's chief executive, Laura Chen" stays the name)
            role_whole = view.words[parse_subj].is_person and not any(
                view.words[j].is_person for j in range(surface[0], surface[1] + 1)
            )
            for appos in view.deps(parse_subj, "appos"):
                tail = [x for x in view.subtree(appos) if x < cue and view.words[x].upos != "PUNCT"]
                name = np_left(view, _name_end(view, parse_subj), lex, floor)
                inside = parse_subj < tail[0] < surface[0] or (role_whole and tail[0] == surface[0]) if tail else False
                if name is not None and inside and tail[-1] >= surface[1]:
                    return (name[0], tail[-1]), "parse"
        if parse_subj is not None and floor <= parse_subj < surface[0] and _not_a_subject(view, cue, surface, lex):
            left = np_left(view, _name_end(view, parse_subj), lex, floor)
            if left is not None:
                return left, "parse"
        if (
            parse_subj is not None
            and floor <= parse_subj < surface[0]
            and surface[1] in view.subtree(parse_subj)
            and view.words[parse_subj].upos in ("NOUN", "PROPN")
            and all(view.words[j].upos not in ("VERB", "AUX", "PUNCT") for j in range(parse_subj, surface[0]))
        ):
            # "A source familiar with the negotiations said": the scan stopped at the adjective's
            # object; the parse's subject heads the whole phrase
            left = np_left(view, parse_subj, lex, floor)
            return ((left[0] if left is not None else parse_subj), surface[1]), "parse"
        if parse_subj is None or surface[0] <= parse_subj <= surface[1] or parse_subj < floor or parse_subj >= ceiling:
            return surface, "surface"
        if parse_subj > cue:
            post = np_right(view, parse_subj, lex, ceiling)
            if post is not None and post[0] == cue + 1:
                return post, "postposed"
        return surface, "surface"
    if parse_subj is not None and floor <= parse_subj < ceiling:
        if parse_subj > cue:
            start = parse_subj
            while start - 1 > cue and _is_npish(view, start - 1):
                start -= 1  # "said Mr. Tom Reed": the honorific the parse hung off the name
            if not postposed_ok and start != cue + 1:
                return None, ""
            post = np_right(view, start, lex, ceiling)
            return post, "postposed"
        left = np_left(view, _name_end(view, parse_subj), lex, floor)
        return left, "parse"
    # "…,” said Barzani." — a postposed subject the parser did not mark
    if postposed_ok and cue + 1 < ceiling:
        post = np_right(view, cue + 1, lex, ceiling)
        if post is not None and view.words[post[0]].upos in ("PROPN", "DET", "PRON", "NOUN", "ADJ"):
            return post, "postposed"
    return None, ""
