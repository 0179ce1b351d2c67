"""Per-word features for the learned attribution tagger, computed from quotattr's own document view.

Everything here is a pure function over a :class:`~quotattr.document.DocView` (stanza's words, lemmas,
UPOS, dependency relations, entity tags) and the quote spans of :func:`quotattr.quotes.find_quotes`,
so training (over PolNeAR, :mod:`quotattr.models.attrtrain`) and inference see the same inputs.

Two sequence views are built:

- the *cue* view: one sentence, one row of categorical features per word (:data:`WORD_FEATURES`);
- the *role* view: the sentences around one cue (the one before, the cue's, the one after, within the
  cue's paragraph) with the word features plus where each word stands relative to the cue in the
  dependency tree (:data:`ROLE_FEATURES`).
"""

from __future__ import annotations

from collections.abc import Sequence

from quotattr.document import DocView
from quotattr.lexicons import Lexicons
from quotattr.quotes import QuoteSpan

__all__ = [
    "ROLE_FEATURES",
    "WORD_FEATURES",
    "cue_anchor",
    "cue_relations",
    "quote_states",
    "role_features",
    "role_window",
    "word_features",
]

#: the categorical features of every word, in column order
WORD_FEATURES = ("lemma", "upos", "deprel", "head", "ner", "cue", "quote", "shape", "position", "children")
#: the features the role view adds (relative to one cue)
ROLE_FEATURES = ("relation", "distance", "in_cue")

_CLAUSAL = frozenset({"ccomp", "xcomp", "parataxis"})


def _shape(text: str) -> str:
    if not text:
        return "-"
    if text[0].isdigit():
        return "d"
    if not text[0].isalnum():
        return "p"
    if text.isupper() and len(text) > 1:
        return "X"
    return "Xx" if text[0].isupper() else "x"


def _cue_class(lex: Lexicons, lemma: str, text: str, upos: str) -> str:
    """The cue-lexicon class of a verb, ``nominal`` for a reporting noun, ``lex:<UPOS>`` for another
    part of speech of a lexicon word, ``-`` otherwise."""
    cue_lemma = lex.cue_lemma(lemma, text) if upos in ("VERB", "AUX") else None
    low = lemma.lower()
    if cue_lemma is not None:
        return lex.cues.get(cue_lemma, "-")
    if low in lex.nominal_cues and upos == "NOUN":
        return "nominal"
    if low in lex.cues:
        return "lex:" + upos
    return "-"


def quote_states(view: DocView, quotes: Sequence[QuoteSpan]) -> list[str]:
    """Per word: ``M`` a quote mark, ``Q`` inside quote marks, ``O`` outside."""
    out = ["O"] * len(view.words)
    for q in quotes:
        for a, b in q.parts:
            for i in view.words_in(a, b):
                w = view.words[i]
                out[i] = "M" if (w.start <= a < w.end or w.start < b <= w.end) and len(w.text) == 1 else "Q"
    return out


def word_features(view: DocView, lex: Lexicons, quotes: Sequence[QuoteSpan]) -> list[tuple[str, ...]]:
    """One tuple of :data:`WORD_FEATURES` values per word of ``view``."""
    states = quote_states(view, quotes)
    para_first: set[int] = set()
    for start in view.paragraph_starts:
        k = view.first_word_from(start)
        if k < len(view.words):
            para_first.add(k)
    sent_first = {a for a, _ in view.sentences}
    cue_classes: dict[tuple[str, str, str], str] = {}
    rows: list[tuple[str, ...]] = []
    for w in view.words:
        lemma = w.lemma.lower()
        head = view.words[w.head] if 0 <= w.head < len(view.words) else None
        head_feat = "ROOT" if head is None else f"{head.upos}{'<' if head.i < w.i else '>'}"
        ner = w.ner.split("-", 1)[-1] if w.ner != "O" else "O"
        key = (w.lemma, w.text, w.upos)
        cue = cue_classes.get(key)
        if cue is None:
            cue = cue_classes[key] = _cue_class(lex, w.lemma, w.text, w.upos)
        kids = view.children[w.i]
        flags = "".join(
            (
                "c" if any(view.words[k].deprel in _CLAUSAL for k in kids) else "",
                "s" if any(view.words[k].deprel.startswith("nsubj") for k in kids) else "",
                "m"
                if any(view.words[k].deprel == "mark" and view.words[k].lemma.lower() == "that" for k in kids)
                else "",
            )
        )
        position = "P" if w.i in para_first else ("S" if w.i in sent_first else "-")
        rows.append((lemma, w.upos, w.deprel, head_feat, ner, cue, states[w.i], _shape(w.text), position, flags or "-"))
    return rows


def cue_anchor(view: DocView, cue_words: Sequence[int]) -> int:
    """The word of a cue span whose head lies outside the span (the first such word)."""
    inside = set(cue_words)
    for i in cue_words:
        if view.words[i].head not in inside:
            return i
    return cue_words[0]


def _path_child(view: DocView, word: int, ancestor: int, limit: int = 60) -> int | None:
    """The child of ``ancestor`` on the path up from ``word``; None where ``ancestor`` is not above it."""
    prev = word
    cur = view.words[word].head
    steps = 0
    while cur >= 0 and steps < limit:
        if cur == ancestor:
            return prev
        prev, cur = cur, view.words[cur].head
        steps += 1
    return None


def cue_relations(view: DocView, anchor: int, words: range) -> list[str]:
    """Per word of ``words``: where it stands relative to the cue ``anchor`` in the dependency tree.

    ``CUE`` the anchor; ``D:<rel>`` in the anchor's subtree below a child attached as ``rel``; ``A`` an
    ancestor of the anchor; ``S:<rel>`` under the anchor's head below a sibling attached as ``rel``
    (the clause of "according to X", "X, who said"); ``O`` elsewhere.
    """
    head = view.words[anchor].head
    ancestors: set[int] = set()
    cur = head
    while cur >= 0 and len(ancestors) < 60:
        ancestors.add(cur)
        cur = view.words[cur].head
    out: list[str] = []
    for i in words:
        if i == anchor:
            out.append("CUE")
            continue
        if i in ancestors:
            out.append("A")
            continue
        child = _path_child(view, i, anchor)
        if child is not None:
            out.append("D:" + view.words[child].deprel)
            continue
        if head >= 0:
            sib = _path_child(view, i, head)
            if sib is not None:
                out.append("S:" + view.words[sib].deprel)
                continue
        out.append("O")
    return out


def _bucket(d: int) -> str:
    a = abs(d)
    b = a if a <= 3 else (4 if a <= 6 else (7 if a <= 12 else (13 if a <= 25 else 26)))
    return f"{'-' if d < 0 else '+'}{b}"


def role_window(view: DocView, anchor: int) -> range:
    """The words the role tagger reads for a cue: the sentence before, the cue's and the one after,
    within the cue's paragraph."""
    s = view.words[anchor].sent
    para = view.paragraph_of(view.words[anchor].start)
    lo = s
    if s > 0 and view.paragraph_of(view.words[view.sentences[s - 1][0]].start) == para:
        lo = s - 1
    hi = s
    if s + 1 < len(view.sentences) and view.paragraph_of(view.words[view.sentences[s + 1][0]].start) == para:
        hi = s + 1
    return range(view.sentences[lo][0], view.sentences[hi][1])


def role_features(view: DocView, anchor: int, cue_words: Sequence[int], window: range) -> list[tuple[str, ...]]:
    """The :data:`ROLE_FEATURES` of each word of ``window`` for the cue ``cue_words``."""
    rel = cue_relations(view, anchor, window)
    inside = set(cue_words)
    return [
        (r, _bucket(i - anchor), "H" if i == anchor else ("C" if i in inside else "-"))
        for r, i in zip(rel, window, strict=True)
    ]
