"""The guard stage: makes any ``str`` safe for stanza without moving a single character offset.

stanza is given a *sanitised copy* of the caller's text, never a shorter or longer one, so every
``start_char``/``end_char`` it reports is valid on the caller's original string. Five hazards are
handled here, before and around the stanza pipeline:

control characters
    NUL, C0/C1 controls (except ``\\n``, ``\\t``, ``\\r``), lone surrogates and the non-characters
    U+FFFE/U+FFFF are replaced by one space each (:func:`sanitize`). Same length, same offsets.
very long documents
    Texts over ``max_chunk_chars`` (default 50,000) are cut into chunks at paragraph breaks (else a
    line break, a sentence end, any whitespace, or — for a wall of unbroken characters — anywhere).
    Each chunk is annotated on its own and its offsets are shifted back before the chunks are merged
    into one ``stanza.Document`` for the whole text. Memory per stanza call is bounded by the chunk.
very long sentences
    stanza's dependency parser is quadratic in sentence length (a 2,000-word "sentence" takes ~20 GB
    and 90 s on CPU). After tokenisation, any sentence longer than ``max_sentence_words`` (default
    100) is cut into pieces of at most that many words — at a comma, semicolon or dash where one is
    near the limit — before POS tagging, parsing and NER.
unbroken runs
    A run of 1,000+ characters without whitespace (a base64 blob, a URL gone wrong) gets a paragraph
    break every 500 characters in stanza's copy (:func:`break_long_runs`): stanza's tokenizer is
    quadratic on such runs and would rename the token ``<UNK>`` anyway.
punctuation floods
    A "sentence" of punctuation and symbols only (10,000 quote marks, a row of asterisks) is not
    sent to the models at all: its tokens are annotated PUNCT, attached to its first token.

The result is one ``stanza.Document`` per input whose ``.text`` is the caller's *original* string and
whose token and word offsets refer to it. (Token texts are stanza's: a token over 1,000 characters is
renamed ``<UNK>`` by stanza itself, so consumers must slice the text by offsets, not trust
``token.text``.)

>>> from quotattr.guard import sanitize
>>> sanitize("a\\x00b\\tc")
'a b\\tc'
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from typing import Any

import attrs

from quotattr.model import Result, Span

__all__ = [
    "DEFAULT_MAX_CHUNK_CHARS",
    "DEFAULT_MAX_SENTENCE_WORDS",
    "GuardSettings",
    "all_spans",
    "annotate",
    "annotate_many",
    "check_text",
    "chunk_spans",
    "sanitize",
    "violations",
]

DEFAULT_MAX_CHUNK_CHARS = 50_000
DEFAULT_MAX_SENTENCE_WORDS = 100

_TOKENIZE = "tokenize"
_ANALYSE = "pos,lemma,depparse,ner"


def _unsafe_table() -> dict[int, str]:
    table: dict[int, str] = {}
    for cp in [*range(0x00, 0x20), 0x7F, *range(0x80, 0xA0)]:
        if chr(cp) not in "\n\t\r":
            table[cp] = " "
    for cp in range(0xD800, 0xE000):  # lone surrogates: cannot even be encoded to UTF-8
        table[cp] = " "
    table[0xFFFE] = " "
    table[0xFFFF] = " "
    return table


_UNSAFE = _unsafe_table()
_UNSAFE_RE = re.compile("[" + "".join(re.escape(chr(c)) for c in sorted(_UNSAFE)) + "]")


@attrs.frozen(slots=True)
class GuardSettings:
    """Limits the guard enforces; see the module docstring."""

    max_chunk_chars: int = attrs.field(default=DEFAULT_MAX_CHUNK_CHARS, validator=attrs.validators.ge(1000))
    max_sentence_words: int = attrs.field(default=DEFAULT_MAX_SENTENCE_WORDS, validator=attrs.validators.ge(10))
    #: abbreviations the tokenizer must not cut in two ("Maj" + "." -> "Maj."); default: the lexicon's
    #: ranks and honorifics
    abbreviations: frozenset[str] = attrs.field(converter=frozenset, factory=lambda: _default_abbreviations())


def _default_abbreviations() -> frozenset[str]:
    from quotattr.lexicons import Lexicons

    return Lexicons.default().abbreviations()


def check_text(text: object) -> str:
    """``text`` if it is a ``str``; a clear TypeError otherwise."""
    if not isinstance(text, str):
        raise TypeError(f"quotattr extracts from str (or a stanza Document), not {type(text).__name__}")
    return text


def sanitize(text: str) -> str:
    """``text`` with every character stanza cannot safely handle replaced by a space (same length)."""
    if _UNSAFE_RE.search(text) is None:
        return text
    return text.translate(_UNSAFE)


_LONG_RUN = re.compile(r"\S{1000,}")
_RUN_PIECE = 500


def break_long_runs(text: str) -> str:
    """``text`` with every run of 1,000+ non-space characters broken by a paragraph break every 500.

    stanza's tokenizer slows down quadratically on a long unbroken run (120,000 ``x`` take minutes)
    and would name any token over 1,000 characters ``<UNK>`` anyway; two characters of such a run
    every 500 become ``"\\n\\n"`` in the copy stanza sees (same length, same offsets).
    """
    if _LONG_RUN.search(text) is None:
        return text
    chars = list(text)
    for m in _LONG_RUN.finditer(text):
        for p in range(m.start() + _RUN_PIECE - 2, m.end() - 2, _RUN_PIECE):
            chars[p] = chars[p + 1] = "\n"
    return "".join(chars)


_BREAKS = (
    re.compile(r"\n[ \t\r]*\n"),  # paragraph break
    re.compile(r"\n"),  # line break
    re.compile(r"[.!?][\"'”’)\]]*\s"),  # sentence end
    re.compile(r"\s"),  # any whitespace
)


def chunk_spans(text: str, max_chars: int = DEFAULT_MAX_CHUNK_CHARS) -> list[tuple[int, int]]:
    """Contiguous ``(start, end)`` pieces covering ``text``, each at most ``max_chars`` long.

    Cuts fall after the last paragraph break in the window, else the last line break, sentence end or
    whitespace in its second half; a window without any is cut at ``max_chars``.
    """
    spans: list[tuple[int, int]] = []
    start, n = 0, len(text)
    while n - start > max_chars:
        limit = start + max_chars
        cut = limit
        for pattern in _BREAKS:
            floor = start + (1 if pattern is _BREAKS[0] else max_chars // 2)
            last = None
            for m in pattern.finditer(text, floor, limit):
                last = m
            if last is not None and last.end() > start:
                cut = last.end()
                break
        spans.append((start, cut))
        start = cut
    spans.append((start, n))
    return spans


# -- stanza document surgery (through stanza's public dict form) -------------------------------------

_SPLIT_AFTER = frozenset({",", ";", ":", "—", "–", "-", "--", "...", "…"})


def _word_ids(entry: dict[str, Any]) -> tuple[int, int]:
    ident = entry["id"]
    if isinstance(ident, (tuple, list)):
        return int(ident[0]), int(ident[-1])
    return int(ident), int(ident)


def _renumber(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    first = _word_ids(entries[0])[0] - 1
    out = []
    for entry in entries:
        lo, hi = _word_ids(entry)
        new = dict(entry)
        new["id"] = (lo - first, hi - first) if isinstance(entry["id"], (tuple, list)) else lo - first
        out.append(new)
    return out


def _token_groups(sentence: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """The sentence's entries grouped by token (an MWT token with its words stays together)."""
    groups: list[list[dict[str, Any]]] = []
    i = 0
    while i < len(sentence):
        entry = sentence[i]
        lo, hi = _word_ids(entry)
        size = 1 + (hi - lo + 1 if hi > lo else 0)
        groups.append(sentence[i : i + size])
        i += size
    return groups


def _split_sentence(sentence: list[dict[str, Any]], max_words: int) -> list[list[dict[str, Any]]]:
    groups = _token_groups(sentence)
    pieces: list[list[dict[str, Any]]] = []
    current: list[list[dict[str, Any]]] = []
    words = 0
    for group in groups:
        n = max(1, len(group) - 1) if len(group) > 1 else 1
        if current and words + n > max_words:
            cut = len(current)
            for k in range(len(current) - 1, len(current) // 2, -1):
                if str(current[k][0].get("text", "")) in _SPLIT_AFTER:
                    cut = k + 1
                    break
            pieces.append([e for g in current[:cut] for e in g])
            current = current[cut:]
            words = sum(max(1, len(g) - 1) if len(g) > 1 else 1 for g in current)
        current.append(group)
        words += n
    if current:
        pieces.append([e for g in current for e in g])
    return [_renumber(p) for p in pieces if p]


def _sentence_words(sentence: list[dict[str, Any]]) -> int:
    return sum(1 for e in sentence if not isinstance(e["id"], (tuple, list)))


def _shift(sentence: list[dict[str, Any]], offset: int) -> list[dict[str, Any]]:
    if offset == 0:
        return sentence
    out = []
    for entry in sentence:
        new = dict(entry)
        for key in ("start_char", "end_char"):
            if key in new:
                new[key] = int(new[key]) + offset
        out.append(new)
    return out


def _too_long(doc: Any, max_words: int) -> bool:
    return any(len(s.words) > max_words for s in doc.sentences)


_WORDISH = re.compile(r"\w")


def _trivial(sentence: list[dict[str, Any]]) -> bool:
    """A sentence of punctuation and symbols only (no letter or digit, no multi-word token)."""
    return not any(isinstance(e["id"], (tuple, list)) or _WORDISH.search(str(e.get("text", ""))) for e in sentence)


def _fill_trivial(sentence: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The annotation a punctuation-only sentence gets without running the models."""
    out = []
    for entry in sentence:
        new = dict(entry)
        first = int(new["id"]) == 1
        new.update(
            lemma=new.get("text"),
            upos="PUNCT",
            xpos=".",
            head=0 if first else 1,
            deprel="root" if first else "punct",
            ner="O",
        )
        out.append(new)
    return out


@attrs.define(slots=True)
class _Plan:
    """One tokenised text: what the models still have to annotate, and what the guard filled in."""

    doc: Any  # the stanza Document the models annotate (None: nothing left for them)
    sentences: list[list[dict[str, Any]]] | None = None  # all sentences, None where ``doc`` is whole
    todo: list[int] = attrs.field(factory=list)  # indices in ``sentences`` that ``doc`` holds

    def finish(self, analysed: Any, text: str) -> Any:
        import stanza

        if self.sentences is None:
            analysed.text = text
            return analysed
        if analysed is not None:
            for index, sentence in zip(self.todo, analysed.to_dict(), strict=True):
                self.sentences[index] = sentence
        return stanza.Document(self.sentences, text=text)


def _split_abbreviation(sentence: Any, abbreviations: frozenset[str]) -> bool:
    tokens = sentence.tokens
    return any(
        tokens[k + 1].text == "."
        and tokens[k].text + "." in abbreviations
        and tokens[k].end_char == tokens[k + 1].start_char
        for k in range(len(tokens) - 1)
    )


def _join_abbreviations(sentence: list[dict[str, Any]], abbreviations: frozenset[str]) -> list[dict[str, Any]]:
    """Rejoin "Maj" + "." (written "Maj.") into one token, renumbering the sentence's words."""
    out: list[dict[str, Any]] = []
    for entry in sentence:
        prev = out[-1] if out else None
        if (
            prev is not None
            and entry.get("text") == "."
            and not isinstance(entry["id"], (tuple, list))
            and not isinstance(prev["id"], (tuple, list))
            and "start_char" in prev  # a token of its own, not a word inside a multi-word token
            and "start_char" in entry
            and str(prev.get("text")) + "." in abbreviations
            and prev.get("end_char") == entry.get("start_char")
        ):
            joined = dict(prev)
            joined["text"] = str(prev["text"]) + "."
            joined["end_char"] = entry["end_char"]
            if "misc" in entry:
                joined["misc"] = entry["misc"]
            else:
                joined.pop("misc", None)
            out[-1] = joined
            continue
        out.append(dict(entry))
    word = 0
    for entry in out:
        if isinstance(entry["id"], (tuple, list)):
            lo, hi = _word_ids(entry)
            entry["id"] = (word + 1, word + 1 + hi - lo)
        else:
            word += 1
            entry["id"] = word
    return out


def _plan(doc: Any, max_words: int, abbreviations: frozenset[str] = frozenset()) -> _Plan:
    """Cut over-long sentences of a tokenised ``doc``; set punctuation-only sentences aside; rejoin
    abbreviations the tokenizer cut in two ("Maj" + "." -> "Maj.", so "Maj. Gen." stays a rank)."""
    import stanza

    split = bool(abbreviations) and any(_split_abbreviation(s, abbreviations) for s in doc.sentences)
    if not split and not _too_long(doc, max_words) and not any(_trivial_sentence(s) for s in doc.sentences):
        return _Plan(doc)
    sentences: list[list[dict[str, Any]]] = []
    for sentence in doc.to_dict():
        if split:
            sentence = _join_abbreviations(sentence, abbreviations)
        if _sentence_words(sentence) > max_words:
            sentences.extend(_split_sentence(sentence, max_words))
        else:
            sentences.append(sentence)
    todo = [i for i, sentence in enumerate(sentences) if not _trivial(sentence)]
    for i, sentence in enumerate(sentences):
        if _trivial(sentence):
            sentences[i] = _fill_trivial(sentence)
    work = stanza.Document([sentences[i] for i in todo], text=doc.text) if todo else None
    return _Plan(work, sentences, todo)


def _trivial_sentence(sentence: Any) -> bool:
    return all(len(t.words) == 1 and _WORDISH.search(t.text) is None for t in sentence.tokens)


# -- the annotation entry points --------------------------------------------------------------------


def _tokenize(nlp: Any, docs: list[Any]) -> list[Any]:
    """Bulk tokenisation; on failure, one by one (a failure is returned in place of the document)."""
    try:
        return list(nlp.process(docs, processors=_TOKENIZE))
    except Exception:
        if len(docs) == 1:
            raise
    out: list[Any] = []
    for doc in docs:
        try:
            out.append(nlp.process([doc], processors=_TOKENIZE)[0])
        except Exception as exc:
            out.append(exc)
    return out


def _analyse(nlp: Any, docs: list[Any]) -> list[Any]:
    """Bulk POS, lemma, parse and NER on tokenised documents; isolates a failing one."""
    ready = [d for d in docs if not isinstance(d, BaseException)]
    if ready:
        try:
            done = iter(nlp.process(ready, processors=_ANALYSE))
            return [d if isinstance(d, BaseException) else next(done) for d in docs]
        except Exception:
            pass
    out: list[Any] = []
    for doc in docs:
        if isinstance(doc, BaseException):
            out.append(doc)
            continue
        try:
            out.append(nlp.process([doc], processors=_ANALYSE)[0])
        except Exception as exc:
            out.append(exc)
    return out


def annotate_many(nlp: Any, texts: Sequence[str], settings: GuardSettings | None = None) -> list[Any]:
    """Annotate ``texts`` with stanza's bulk processing, safely; one entry per text, in order.

    Each entry is a ``stanza.Document`` whose ``.text`` is the original text, or the exception that
    stopped that text alone (other texts are unaffected: a failing bulk call is retried text by text).
    Texts longer than ``max_chunk_chars`` are annotated on their own, chunk by chunk (:func:`annotate`).
    """
    import stanza

    cfg = settings or GuardSettings()
    texts = [check_text(t) for t in texts]
    short = [i for i, t in enumerate(texts) if len(t) <= cfg.max_chunk_chars]
    out: list[Any] = [None] * len(texts)
    if short:
        copies = [break_long_runs(sanitize(texts[i])) for i in short]
        tokenized = _tokenize(nlp, [stanza.Document([], text=copy) for copy in copies])
        plans: list[_Plan | BaseException] = []
        for doc in tokenized:
            if isinstance(doc, BaseException):
                plans.append(doc)
                continue
            try:
                plans.append(_plan(doc, cfg.max_sentence_words, cfg.abbreviations))
            except Exception as exc:
                plans.append(exc)
        work = [p if isinstance(p, BaseException) else p.doc for p in plans]
        busy = [k for k, w in enumerate(work) if w is not None]
        analysed: list[Any] = [None] * len(work)
        for k, done in zip(busy, _analyse(nlp, [work[k] for k in busy]), strict=True):
            analysed[k] = done
        for i, plan, done in zip(short, plans, analysed, strict=True):
            if isinstance(plan, BaseException) or isinstance(done, BaseException):
                out[i] = plan if isinstance(plan, BaseException) else done
                continue
            try:
                out[i] = plan.finish(done, texts[i])
            except Exception as exc:
                out[i] = exc
    for i, text in enumerate(texts):
        if out[i] is None:
            try:
                out[i] = annotate(nlp, text, cfg)
            except Exception as exc:
                out[i] = exc
    return out


def annotate(nlp: Any, text: str, settings: GuardSettings | None = None) -> Any:
    """Annotate one text safely; returns the ``stanza.Document`` (raises what stopped it).

    A long text is annotated one chunk at a time, so no stanza call sees more than ``max_chunk_chars``.
    """
    import stanza

    cfg = settings or GuardSettings()
    text = check_text(text)
    if len(text) <= cfg.max_chunk_chars:
        (doc,) = annotate_many(nlp, [text], cfg)
        if isinstance(doc, BaseException):
            raise doc
        return doc
    safe = sanitize(text)
    sentences: list[list[dict[str, Any]]] = []
    for start, end in chunk_spans(safe, cfg.max_chunk_chars):
        (doc,) = annotate_many(nlp, [safe[start:end]], cfg)
        if isinstance(doc, BaseException):
            raise doc
        sentences.extend(_shift(s, start) for s in doc.to_dict())
        del doc
    return stanza.Document(sentences, text=text)


# -- the output contract -------------------------------------------------------------------------------


def all_spans(result: Result) -> Iterator[tuple[str, Span]]:
    """Every span of ``result``: content, cue, mention, addressee, speaker mentions."""
    for i, a in enumerate(result.attributions):
        for span in a.content:
            yield f"attribution[{i}].content", span
        if a.cue is not None:
            yield f"attribution[{i}].cue", a.cue.span
        if a.mention is not None:
            yield f"attribution[{i}].mention", a.mention
        if a.addressee is not None:
            yield f"attribution[{i}].addressee", a.addressee
    for speaker in result.speakers:
        for span in speaker.mentions:
            yield f"speaker[{speaker.id}].mention", span


def violations(result: Result, text: str) -> list[str]:
    """What is wrong with ``result`` for the input ``text`` (empty: nothing).

    The contract every Result keeps: ``result.text`` is the caller's text; every span is within
    bounds and ``text[start:end] == span.text``; attributions, content parts and speaker mentions are
    in text order; every attribution's speaker is listed in ``result.speakers``.
    """
    problems: list[str] = []
    if result.text != text:
        problems.append("result.text is not the caller's text")
    n = len(text)
    for where, span in all_spans(result):
        if not 0 <= span.start <= span.end <= n:
            problems.append(f"{where} [{span.start}, {span.end}) out of bounds (len {n})")
        elif text[span.start : span.end] != span.text:
            problems.append(f"{where} [{span.start}, {span.end}) text {span.text!r} != original slice")
    starts = [(a.start, a.end) for a in result.attributions]
    if starts != sorted(starts):
        problems.append("attributions not in text order")
    for a in result.attributions:
        if list(a.content) != sorted(a.content):
            problems.append("content spans not sorted")
    for speaker in result.speakers:
        if list(speaker.mentions) != sorted(speaker.mentions):
            problems.append(f"speaker {speaker.id} mentions not sorted")
    known = {id(s) for s in result.speakers}
    for a in result.attributions:
        if a.speaker is not None and id(a.speaker) not in known:
            problems.append("attribution speaker missing from result.speakers")
    return problems
