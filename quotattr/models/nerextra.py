"""Readers for the extra open NER data in ``../shared/data/ner-extra`` (issue 19).

Each reader turns one source, in its own format, into sentences of ``(word, IOB2 tag)`` pairs with
the news mix's three types PER / ORG / LOC (everything else is ``O``, as MISC is in the news mix).
The label mapping, per source:

==============  ===========================================  =====================================
source          its labels                                   mapped
==============  ===========================================  =====================================
wikigold        IO tags (CoNLL-2003 IOB1 style, no ``B-``)   PER ORG LOC kept, MISC -> O; -> IOB2
SEC-filings     IO tags, ``word POS - tag``                  as wikigold
BTC             IOB2 PER ORG LOC                             as is
WNUT17          person location corporation group           person -> PER, location -> LOC,
                product creative-work                        corporation and group -> ORG, rest O
re3d            Person Organisation Location Nationality     Person / Organisation / Location ->
                Temporal Weapon ... (named *and* nominal)    PER / ORG / LOC *named cores only*
                                                             (:func:`named_core`), the rest O
CrossNER        fine domain types (:data:`CROSSNER_TYPES`)   see :data:`CROSSNER_TYPES`; rest O
Re-DocRED       ``vertexSet`` mentions PER ORG LOC TIME NUM  PER ORG LOC at their token
                MISC with sentence and token positions       positions, the rest O
==============  ===========================================  =====================================

re3d marks nominal mentions too ("the regime", "the Foreign Secretary"), which the other data
leave unmarked; :func:`named_core` keeps a mention's name ("the UK" -> "UK", "Foreign Secretary
Boris Johnson" -> "Boris Johnson"), drops a mention without one ("the regime" -> O), and a
sentence holding a mention that is neither ("U.S. service members": name and common noun) is left
out rather than taught either way.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

__all__ = [
    "CLITICS",
    "CROSSNER_DOMAINS",
    "CROSSNER_TYPES",
    "EXTRA_SOURCES",
    "RE3D_TYPES",
    "WNUT_TYPES",
    "Sentence",
    "curly_apostrophes",
    "drop_misc",
    "entity_counts",
    "merge_clitics",
    "named_core",
    "read_btc",
    "read_columns",
    "read_crossner",
    "read_extra",
    "read_re3d",
    "read_redocred",
    "read_sec",
    "read_wikigold",
    "read_wnut17",
    "sample_extra",
    "to_iob2",
]

Sentence = list[tuple[str, str]]

KEEP = frozenset({"PER", "ORG", "LOC"})

#: clitics that every NER training set here splits off ("Musk 's", "We 're", "do n't") but that
#: quotattr's tokenizer leaves on their word: the NER tagger sees the token "Musk’s" or "We’re"
#: (stanza's NER runs on tokens; the MWT processor splits only the *words*)
CLITICS = frozenset({"'s", "'re", "'ve", "'ll", "'d", "'m", "n't"})

#: CrossNER's fine types -> news-mix types (a type not named here -> O): people of every domain are
#: PER; organisations, parties, universities, bands and magazines (the press counts as an
#: organisation in CoNLL and OntoNotes) ORG; countries and locations LOC. Events, elections, awards,
#: works, genres, journals, conferences, nationalities ("misc") and the science types are no
#: PER/ORG/LOC (in the news mix they would be MISC, which it maps to O).
CROSSNER_TYPES = {
    "person": "PER",
    "writer": "PER",
    "politician": "PER",
    "scientist": "PER",
    "researcher": "PER",
    "musicalartist": "PER",
    "organisation": "ORG",
    "politicalparty": "ORG",
    "university": "ORG",
    "band": "ORG",
    "magazine": "ORG",
    "country": "LOC",
    "location": "LOC",
}
CROSSNER_DOMAINS = ("politics", "science", "music", "literature", "ai")

#: WNUT-17's types -> news-mix types (product and creative-work -> O)
WNUT_TYPES = {"person": "PER", "location": "LOC", "corporation": "ORG", "group": "ORG"}

#: re3d's types -> news-mix types (Nationality, Temporal, Weapon, Money, ... -> O)
RE3D_TYPES = {"Person": "PER", "Organisation": "ORG", "Location": "LOC"}

#: plain CoNLL sources with the news mix's own type names
CONLL_TYPES = {"PER": "PER", "ORG": "ORG", "LOC": "LOC"}

#: words that may sit inside a name between capitalised words ("Bank of England", "al - Hilla")
_NAME_INNER = frozenset({"of", "for", "and", "&", "the", "de", "del", "du", "al", "el", "-", "'s", "on", "in", "at"})
_PRONOUNS = frozenset({"i", "we", "you", "he", "she", "it", "they", "us", "them", "our", "their", "its", "his", "her"})


# --------------------------------------------------------------------------------------------
# formats


def read_columns(lines: Iterable[str]) -> Iterator[Sentence]:
    """(first column, last column) per token of a CoNLL-style file; blank lines end a sentence.

    Columns are tab-separated where a line has a tab, else space-separated; ``-DOCSTART-`` lines
    and comment lines (``#``, only when followed by a space and without a tag column) are skipped.
    """
    sent: Sentence = []
    for raw in lines:
        line = raw.rstrip("\n").rstrip("\r")
        if not line.strip():
            if sent:
                yield sent
                sent = []
            continue
        cols = line.split("\t") if "\t" in line else line.split(" ")
        cols = [c for c in cols if c != ""] or [line]
        if cols[0] == "-DOCSTART-":
            continue
        sent.append((cols[0], cols[-1] if len(cols) > 1 else "O"))
    if sent:
        yield sent


def _read_file(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8-sig").splitlines()


def to_iob2(sent: Sentence, types: dict[str, str]) -> Sentence:
    """Tags (IOB1, IO or IOB2, any type names) mapped through ``types`` to IOB2 PER/ORG/LOC.

    A type ``types`` does not name becomes O; an ``I-`` that does not continue an entity of its type
    opens one (IO and IOB1 -> IOB2).
    """
    out: Sentence = []
    prev = "O"
    for word, tag in sent:
        prefix, _, label = tag.partition("-")
        mapped = types.get(label) if prefix in ("B", "I") and label else None
        if mapped is None:
            new = "O"
        elif prefix == "B" or prev[2:] != mapped:
            new = f"B-{mapped}"
        else:
            new = f"I-{mapped}"
        out.append((word, new))
        prev = new
    return out


def _spans(tags: list[str]) -> list[tuple[int, int, str]]:
    """(start, end exclusive, label) of the entities of an IOB2 tag sequence."""
    out: list[tuple[int, int, str]] = []
    start, label = -1, ""
    for i, tag in enumerate([*tags, "O"]):
        pre, _, lab = tag.partition("-")
        if start >= 0 and (pre != "I" or lab != label):
            out.append((start, i, label))
            start = -1
        if pre == "B" or (pre == "I" and start < 0):
            start, label = i, lab
    return out


def _capital(word: str) -> bool:
    return word[:1].isupper() or (word[:1].isdigit() and any(c.isupper() for c in word))


def named_core(words: list[str], label: str, titles: frozenset[str] = frozenset()) -> tuple[int, int] | bool | None:
    """The name inside a mention that may be nominal (re3d): ``(start, end)`` relative to the
    mention, ``None`` when it holds no name (nominal: O), ``False`` when it mixes a name with common
    words ("U.S. service members": neither tag is right, leave the sentence out).

    Leading lowercase words go ("the UK" -> "UK"); what is left must be capitalised words and the
    function words of names ("Government of Iraq"). A person's ranks and titles (``titles``,
    lowercase) stay outside ("Foreign Secretary Boris Johnson" -> "Boris Johnson"), and a person
    mention that is only a title ("the Iraqi Foreign Minister") is nominal.
    """
    a, b = 0, len(words)
    while a < b and not _capital(words[a]):
        a += 1
    if a == b:
        return None
    while b > a and words[b - 1] in ("'s", ",", "."):
        b -= 1
    if not all(_capital(w) or w.lower() in _NAME_INNER for w in words[a:b]) or not _capital(words[b - 1]):
        return False
    if b - a == 1 and words[a].lower() in _PRONOUNS:  # "We", "It" opening a sentence
        return None
    if label == "PER":
        if words[b - 1].lower() in titles:
            return None
        titled = [k for k in range(a, b) if words[k].lower() in titles]
        if titled:
            a = titled[-1] + 1
        if any(w.lower() in _NAME_INNER and w not in ("-", "al", "el", "de") for w in words[a:b]):
            return False  # "Minister for the Middle East Tobias Ellwood": where does the name start?
    return (a, b)


# --------------------------------------------------------------------------------------------
# sources


def read_wikigold(lines: Iterable[str]) -> Iterator[Sentence]:
    """wikigold: ``word tag`` with IO tags (PER ORG LOC MISC)."""
    for sent in read_columns(lines):
        yield to_iob2(sent, CONLL_TYPES)


def read_sec(lines: Iterable[str]) -> Iterator[Sentence]:
    """SEC filings: ``word POS - tag`` with IO tags, ``-DOCSTART-`` between documents."""
    for sent in read_columns(lines):
        yield to_iob2(sent, CONLL_TYPES)


def read_btc(lines: Iterable[str]) -> Iterator[Sentence]:
    """Broad Twitter Corpus: ``word<TAB>tag``, IOB2 PER ORG LOC, one tweet per block.

    BTC tags a user handle as an entity, its ``@`` as one more ("@ BBCBreaking": B-ORG B-ORG);
    handles are no names in running text, so both become O.
    """
    for sent in read_columns(lines):
        handle = [w == "@" or (k > 0 and sent[k - 1][0] == "@") for k, (w, _) in enumerate(sent)]
        yield to_iob2([(w, "O" if h else t) for (w, t), h in zip(sent, handle, strict=True)], CONLL_TYPES)


def read_wnut17(lines: Iterable[str]) -> Iterator[Sentence]:
    """WNUT-17: ``word<TAB>tag``, IOB2 person / location / corporation / group / product / creative-work."""
    for sent in read_columns(lines):
        yield to_iob2(sent, WNUT_TYPES)


def read_crossner(lines: Iterable[str]) -> Iterator[Sentence]:
    """CrossNER: ``word<TAB>tag``, IOB2 with the domain's fine types (:data:`CROSSNER_TYPES`)."""
    for sent in read_columns(lines):
        yield to_iob2(sent, CROSSNER_TYPES)


def read_re3d(lines: Iterable[str], titles: frozenset[str] = frozenset()) -> Iterator[Sentence]:
    """re3d: ``word<TAB>tag``, IOB2 with its own types; named cores only (:func:`named_core`)."""
    for sent in read_columns(lines):
        raw = [(w, t if t[2:] in RE3D_TYPES else "O") for w, t in sent]
        words = [w for w, _ in raw]
        tags = ["O"] * len(raw)
        keep = True
        for start, end, label in _spans([t for _, t in raw]):
            mapped = RE3D_TYPES[label]
            core = named_core(words[start:end], mapped, titles)
            if core is False:
                keep = False
                break
            if isinstance(core, tuple):
                a, b = start + core[0], start + core[1]
                tags[a:b] = [f"B-{mapped}"] + [f"I-{mapped}"] * (b - a - 1)
        if keep:
            yield list(zip(words, tags, strict=True))


def read_redocred(text: str) -> Iterator[Sentence]:
    """Re-DocRED: a JSON list of documents, ``sents`` (token lists) and ``vertexSet`` (entities,
    each a list of mentions with ``type``, ``sent_id`` and ``pos`` = [start, end) in the sentence).

    PER / ORG / LOC mentions are tagged; TIME / NUM / MISC stay O. Where mentions overlap the
    longer wins.
    """
    for doc in json.loads(text):
        sents: list[list[str]] = doc["sents"]
        mentions: list[tuple[int, int, int, str]] = [
            (m["sent_id"], m["pos"][0], m["pos"][1], m["type"])
            for entity in doc["vertexSet"]
            for m in entity
            if m.get("type") in KEEP
        ]
        tags = [["O"] * len(s) for s in sents]
        for sid, start, end, label in sorted(mentions, key=lambda m: (m[1] - m[2], m[0], m[1])):
            if not (0 <= sid < len(sents) and 0 <= start < end <= len(sents[sid])):
                continue
            if all(t == "O" for t in tags[sid][start:end]):
                tags[sid][start:end] = [f"B-{label}"] + [f"I-{label}"] * (end - start - 1)
        for words, sent_tags in zip(sents, tags, strict=True):
            yield list(zip(words, sent_tags, strict=True))


# --------------------------------------------------------------------------------------------
# the folder


def _lines_of(paths: Iterable[Path]) -> Callable[[Callable[[Iterable[str]], Iterator[Sentence]]], list[Sentence]]:
    def read(reader: Callable[[Iterable[str]], Iterator[Sentence]]) -> list[Sentence]:
        out: list[Sentence] = []
        for path in paths:
            out.extend(reader(_read_file(path)))
        return out

    return read


#: source name -> (path globs under ner-extra/, licence)
EXTRA_SOURCES: dict[str, tuple[tuple[str, ...], str]] = {
    "wikigold": (("wikigold/CONLL-format/data/wikigold.conll.txt",), "CC BY 4.0"),
    "sec": (("SEC-filings/CONLL-format/data/*/*.txt",), "CC BY 3.0"),
    "btc": (("BTC/CONLL-format/data/*.conll",), "CC BY 4.0"),
    "wnut17": (
        (
            "WNUT17/CONLL-format/data/train/wnut17train.conll",
            "WNUT17/CONLL-format/data/dev/emerging.dev.conll",
            "WNUT17/CONLL-format/data/test/emerging.test.annotated",
        ),
        "CC BY 4.0",
    ),
    "re3d": (
        ("re3d/CONLL-format/data-by-source/conll/*/*.conll",),
        "CC BY 3.0 AU / public domain / OGL v3 / CC BY-SA 3.0",
    ),
    "crossner": (tuple(f"CrossNER/{d}/*.txt" for d in CROSSNER_DOMAINS), "MIT (Wikipedia text)"),
    "redocred": (("Re-DocRED/dev_revised.json", "Re-DocRED/test_revised.json"), "MIT (Wikipedia text)"),
}


def _paths(root: Path, patterns: tuple[str, ...]) -> list[Path]:
    found: list[Path] = []
    for pattern in patterns:
        found.extend(sorted(root.glob(pattern)))
    return found


def drop_misc(sent: Sentence, misc: frozenset[str]) -> Sentence:
    """The entities whose whole text is in ``misc`` set to O.

    The news mix tags "American", "Catholic" or "Republican" MISC (and trains them as O); Re-DocRED
    calls them LOC or ORG, BTC some of them LOC. ``misc`` holds the names the newswire training data
    tags MISC and never PER/ORG/LOC, so the extra data follows the newswire convention."""
    if not misc:
        return sent
    tags = [t for _, t in sent]
    for start, end, _ in _spans(tags):
        if " ".join(w for w, _ in sent[start:end]) in misc:
            tags[start:end] = ["O"] * (end - start)
    return [(w, t) for (w, _), t in zip(sent, tags, strict=True)]


def read_extra(
    root: Path, source: str, titles: frozenset[str] = frozenset(), misc: frozenset[str] = frozenset()
) -> list[Sentence]:
    """Every sentence of one source under ``root`` (= ``../shared/data/ner-extra``), mapped to IOB2
    PER/ORG/LOC (``titles``: see :func:`named_core`; ``misc``: see :func:`drop_misc`); sentences
    without any word are dropped."""
    patterns, _ = EXTRA_SOURCES[source]
    paths = _paths(root, patterns)
    if not paths:
        raise FileNotFoundError(f"ner-extra: no files for {source} under {root} ({', '.join(patterns)})")
    if source == "redocred":
        sents = [s for p in paths for s in read_redocred(p.read_text(encoding="utf-8"))]
    else:
        readers: dict[str, Callable[[Iterable[str]], Iterator[Sentence]]] = {
            "wikigold": read_wikigold,
            "sec": read_sec,
            "btc": read_btc,
            "wnut17": read_wnut17,
            "crossner": read_crossner,
            "re3d": lambda lines: read_re3d(lines, titles),
        }
        sents = _lines_of(paths)(readers[source])
    return [drop_misc(s, misc) for s in sents if s]


def sample_extra(sents: list[Sentence], cap: int, seed: int = 1234) -> list[Sentence]:
    """At most ``cap`` sentences, drawn at random (fixed seed); all of them when there are fewer."""
    if cap <= 0 or len(sents) <= cap:
        return list(sents)
    return random.Random(seed).sample(sents, cap)


def merge_clitics(sent: Sentence) -> Sentence:
    """``sent`` with each clitic of :data:`CLITICS` (either apostrophe) joined to the word before
    it, as quotattr's tokenizer writes it ("Musk 's" → "Musk's"); the joined token keeps the word's
    tag, so "Musk 's" tagged B-PER O becomes "Musk's" B-PER. A clitic that opens an entity, or has no
    word before it, stays apart."""
    out: Sentence = []
    for word, tag in sent:
        if out and not tag.startswith("B-") and word.replace("’", "'").lower() in CLITICS:
            previous, previous_tag = out[-1]
            if previous[-1:].isalnum():
                out[-1] = (previous + word, previous_tag)
                continue
        out.append((word, tag))
    return out


def curly_apostrophes(sent: Sentence) -> Sentence:
    """``sent`` with every straight apostrophe written as a curly one (as many news sites do)."""
    return [(word.replace("'", "’"), tag) for word, tag in sent]


def entity_counts(sents: Iterable[Sentence]) -> dict[str, int]:
    """Number of PER / ORG / LOC entities in IOB2 sentences."""
    counts = dict.fromkeys(sorted(KEEP), 0)
    for sent in sents:
        for _, _, label in _spans([t for _, t in sent]):
            counts[label] = counts.get(label, 0) + 1
    return counts
