"""Stage 2: a flat, read-only view of a ``stanza.Document`` that the later stages work on.

Words are numbered across the whole document; heads and children use those global indices.
Character offsets refer to the caller's original text (stanza reports offsets on the string it was
given; multi-word tokens such as "don't" give each word the offsets of the whole token).
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from typing import Any

import attrs
import regex

__all__ = ["DocView", "Entity", "Word", "build_view"]

_FINAL = frozenset(".!?…:;")
_CLOSERS = frozenset("”’\"'»)")
_PARAGRAPH_BREAK = regex.compile(r"\n[^\S\n]*\n|\r\n[^\S\r\n]*\r\n|\n")


@attrs.frozen(slots=True)
class Word:
    """One syntactic word with its annotations and global indices."""

    i: int
    text: str
    lemma: str
    upos: str
    xpos: str
    head: int  #: global index of the head, -1 for the root
    deprel: str
    start: int
    end: int
    sent: int
    ner: str  #: BIOES tag of the word's token ("O", "B-PER", ...)

    @property
    def is_person(self) -> bool:
        """Inside a person entity, whichever tag set the NER model uses ("S-PER", "B-PERSON")."""
        return self.ner.rsplit("-", 1)[-1] in PERSON_TYPES


#: person entity types: "PER" (the bundled models, CoNLL/UNER style) and "PERSON" (stanza's
#: official English NER, OntoNotes style)
PERSON_TYPES = frozenset({"PER", "PERSON"})
#: organisations and places, which speak as institutions ("Iraq said", "the Pentagon said")
INSTITUTION_TYPES = frozenset({"ORG", "GPE", "LOC", "NORP", "FAC"})


@attrs.frozen(slots=True)
class Entity:
    """A named entity: type, character span, and the global word range [first, last]."""

    type: str
    start: int
    end: int
    first: int
    last: int
    text: str


@attrs.define(slots=True)
class DocView:
    """Words, sentences, paragraphs and entities of one document."""

    text: str
    words: list[Word]
    children: list[list[int]]
    sentences: list[tuple[int, int]]  #: (first word, last word + 1) per sentence
    entities: list[Entity]
    paragraph_starts: list[int]  #: character offset where each paragraph begins
    _word_starts: list[int] = attrs.field(factory=list)

    def __attrs_post_init__(self) -> None:
        self._word_starts = [w.start for w in self.words]

    # -- positions -------------------------------------------------------------------------------
    def paragraph_of(self, char: int) -> int:
        """Index of the paragraph holding character ``char``."""
        return max(0, bisect.bisect_right(self.paragraph_starts, char) - 1)

    def paragraph_span(self, index: int) -> tuple[int, int]:
        start = self.paragraph_starts[index]
        end = self.paragraph_starts[index + 1] if index + 1 < len(self.paragraph_starts) else len(self.text)
        return start, end

    def words_in(self, start: int, end: int) -> range:
        """Global indices of the words lying inside characters [start, end)."""
        lo = bisect.bisect_left(self._word_starts, start)
        hi = lo
        while hi < len(self.words) and self.words[hi].end <= end:
            hi += 1
        return range(lo, hi)

    def first_word_from(self, char: int) -> int:
        """Index of the first word starting at or after ``char`` (len(words) if none)."""
        return bisect.bisect_left(self._word_starts, char)

    def _ends_sentence(self, last: int) -> bool:
        text = self.words[last].text
        if text in _FINAL or (text and text[-1] in _FINAL):
            return True
        # closing quote mark after final punctuation: ‘… end.”’
        return last > 0 and text in _CLOSERS and self.words[last - 1].text[-1:] in _FINAL

    def clause_bounds(self, word: int) -> tuple[int, int]:
        """The sentence of ``word`` cut to its paragraph: (first word, last word + 1).

        stanza sometimes runs a sentence over a paragraph break; a paragraph is a hard boundary.
        """
        sent = self.words[word].sent
        first, stop = self.sentences[sent]
        # a split the tokenizer made without sentence-final punctuation is no boundary ("Jessica | Lane said")
        p_start, p_end = self.paragraph_span(self.paragraph_of(self.words[word].start))
        k = sent
        while (
            k > 0
            and self.words[self.sentences[k][0]].start > p_start
            and not self._ends_sentence(self.sentences[k - 1][1] - 1)
        ):
            k -= 1
        first = self.sentences[k][0]
        k = sent
        while (
            k + 1 < len(self.sentences)
            and self.words[self.sentences[k][1] - 1].end < p_end
            and not self._ends_sentence(self.sentences[k][1] - 1)
        ):
            k += 1
        stop = self.sentences[k][1]
        while first < word and self.words[first].start < p_start:
            first += 1
        while stop - 1 > word and self.words[stop - 1].start >= p_end:
            stop -= 1
        return first, stop

    def subtree(self, root: int, *, exclude_rels: frozenset[str] = frozenset()) -> list[int]:
        """Sorted indices of ``root``'s subtree; children whose deprel is excluded are cut off."""
        out: list[int] = []
        stack = [root]
        seen: set[int] = set()
        while stack:
            node = stack.pop()
            if node in seen:  # malformed trees must not loop
                continue
            seen.add(node)
            out.append(node)
            for child in self.children[node]:
                if self.words[child].deprel.split(":")[0] not in exclude_rels:
                    stack.append(child)
        return sorted(out)

    def deps(self, head: int, *rels: str) -> list[int]:
        """Children of ``head`` whose deprel (or its base before ':') is one of ``rels``."""
        wanted = set(rels)
        return [
            c
            for c in self.children[head]
            if self.words[c].deprel in wanted or self.words[c].deprel.split(":")[0] in wanted
        ]


def _paragraph_starts(text: str) -> list[int]:
    starts = [0]
    for m in _PARAGRAPH_BREAK.finditer(text):
        if m.end() < len(text):
            starts.append(m.end())
    return starts


def build_view(doc: Any, text: str | None = None) -> DocView:
    """Flatten a stanza Document. ``text`` is the caller's string (defaults to ``doc.text``)."""
    source = doc.text if text is None else text
    words: list[Word] = []
    sentences: list[tuple[int, int]] = []
    for s_idx, sentence in enumerate(doc.sentences):
        base = len(words)
        for token in sentence.tokens:
            t_start, t_end = token.start_char, token.end_char
            for word in token.words:
                head = int(word.head) if word.head is not None else 0
                words.append(
                    Word(
                        i=len(words),
                        text=word.text,
                        lemma=(word.lemma or word.text),
                        upos=word.upos or "X",
                        xpos=word.xpos or "",
                        head=base + head - 1 if head > 0 else -1,
                        deprel=word.deprel or "dep",
                        start=int(t_start),
                        end=int(t_end),
                        sent=s_idx,
                        ner=getattr(token, "ner", None) or "O",
                    )
                )
        sentences.append((base, len(words)))
    children: list[list[int]] = [[] for _ in words]
    for w in words:
        if 0 <= w.head < len(words) and w.head != w.i:
            children[w.head].append(w.i)
    entities = _entities(doc, words)
    return DocView(source, words, children, sentences, entities, _paragraph_starts(source))


def _entities(doc: Any, words: Sequence[Word]) -> list[Entity]:
    starts = [w.start for w in words]
    out: list[Entity] = []
    for ent in getattr(doc, "ents", None) or ():
        first = bisect.bisect_left(starts, ent.start_char)
        last = first
        while last + 1 < len(words) and words[last + 1].end <= ent.end_char:
            last += 1
        if first >= len(words):
            continue
        out.append(Entity(ent.type, int(ent.start_char), int(ent.end_char), first, last, ent.text))
    return out
