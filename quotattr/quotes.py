"""Stage 3a: direct-quote spans from the raw text (regex + a small paragraph-aware matcher).

Handles “…” "…" ‘…’ '…' «…» „…“ ‹…›, nested quotes, quotes running over several paragraphs (the
opening mark repeated at the start of each paragraph and no closing mark until the end), and
apostrophes that are not quote marks (farmers’ fields, ’90s, rock ’n’ roll, don't). Unbalanced marks
are contained to their paragraph: a stray mark never derails the rest of the document.

>>> [q.text for q in find_quotes('He said “yes” and ‘no’, then left.')]
['“yes”', '‘no’']
"""

from __future__ import annotations

import bisect

import attrs
import regex

__all__ = ["QuoteSpan", "find_quotes", "is_quote_char"]

OPEN_DOUBLE = "“„‟«"
CLOSE_DOUBLE = "”»"
AMBIG_DOUBLE = '"'
OPEN_SINGLE = "‘‚‹"
CLOSE_SINGLE = "’›"
AMBIG_SINGLE = "'"
ALL_MARKS = OPEN_DOUBLE + CLOSE_DOUBLE + AMBIG_DOUBLE + OPEN_SINGLE + CLOSE_SINGLE + AMBIG_SINGLE

_MARK_RE = regex.compile("[" + regex.escape(ALL_MARKS) + "]")
_PARA_RE = regex.compile(r"[^\n]+")
# apostrophes: rock ’n’ roll, ’90s, 'em, 'til, 'tis, 'cause
_APOS_WORDS = regex.compile(r"(?i)['’](?:n['’]|\d\d?s?\b|em\b|til\b|tis\b|twas\b|cause\b|bout\b|round\b)")

_OPENING_CONTEXT = set(" \t\u00a0\u2009\u202f([{<—–-/:;") | set(OPEN_DOUBLE + OPEN_SINGLE)
_CLOSING_CONTEXT = set(" \t\u00a0\u2009\u202f)]}>—–-/.,;:!?…") | set(CLOSE_DOUBLE + CLOSE_SINGLE)


def is_quote_char(ch: str) -> bool:
    return len(ch) == 1 and ch in ALL_MARKS


@attrs.frozen(slots=True)
class QuoteSpan:
    """A top-level quotation: one part per paragraph it runs over, each part with its marks.

    ``closed`` is False when the quote had no closing mark in its last paragraph (it then runs to the
    end of that paragraph).
    """

    parts: tuple[tuple[int, int], ...]
    closed: bool
    text: str

    @property
    def start(self) -> int:
        return self.parts[0][0]

    @property
    def end(self) -> int:
        return self.parts[-1][1]

    @property
    def inner_start(self) -> int:
        return self.start + 1

    @property
    def inner_end(self) -> int:
        return self.end - 1 if self.closed else self.end


def _classify(text: str, i: int, apostrophes: set[int]) -> str | None:
    """'open', 'close', 'either' or None (not a quote mark here)."""
    ch = text[i]
    if i in apostrophes:
        return None
    prev = text[i - 1] if i > 0 else " "
    nxt = text[i + 1] if i + 1 < len(text) else " "
    if ch in OPEN_DOUBLE or ch in OPEN_SINGLE:
        if ch == "‘" and prev.isalnum() and nxt.isalnum():
            return None
        return "open"
    if ch in CLOSE_DOUBLE:
        if (i == 0 or prev == "\n" or prev.isspace() or prev in _OPENING_CONTEXT) and nxt.isalnum():
            return "open"  # a closing mark typed where the quote opens: '”Mr. Trump embodies …”'
        return "close"
    if ch in CLOSE_SINGLE:
        if prev.isalnum() and nxt.isalnum():  # don’t, I’m
            return None
        if prev.isalnum() or prev in ".,!?;:…" or prev in CLOSE_DOUBLE:
            return "close?" if prev in "sS" else "close"
        if prev in _OPENING_CONTEXT and nxt.isalnum():  # ’90s handled above; a curly open written wrong
            return "open?"
        return None
    # straight marks
    at_open = prev in _OPENING_CONTEXT or i == 0 or prev == "\n"
    at_close = nxt in _CLOSING_CONTEXT or nxt == "\n" or i + 1 == len(text)
    if ch == AMBIG_SINGLE:
        if prev.isalnum() and nxt.isalnum():
            return None
        if prev.isalnum() and prev in "sS" and at_close:
            return "close?"  # the Smiths' house, or the end of a 'quote'
    if at_open and not at_close:
        return "open?" if ch == AMBIG_SINGLE else "open"
    if at_close and not at_open:
        return "close"
    if not at_open and not at_close:
        return "either" if ch == AMBIG_DOUBLE else None
    return "either" if ch == AMBIG_DOUBLE else None


def _paragraphs(text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in _PARA_RE.finditer(text) if m.group().strip()]


def _straight(ch: str) -> bool:
    """A typewriter mark: a quote opened with one runs on only into paragraphs opened the same way."""
    return ch in AMBIG_DOUBLE


def _family(ch: str) -> str:
    return "d" if ch in OPEN_DOUBLE + CLOSE_DOUBLE + AMBIG_DOUBLE else "s"


def _match_paragraph(
    text: str, p_start: int, p_end: int, family: str, apostrophes: set[int], blocked: list[tuple[int, int]]
) -> tuple[list[tuple[int, int]], int | None]:
    """Match quote pairs of one family inside a paragraph.

    Returns the top-level pairs (open index, close index + 1) and the index of an opening mark left
    unclosed at the paragraph's end (outermost), if any.
    """
    pairs: list[tuple[int, int]] = []
    stack: list[tuple[int, bool]] = []  # (index, tentative)
    blocked = sorted(blocked)
    blocked_starts = [a for a, _ in blocked]
    for m in _MARK_RE.finditer(text, p_start, p_end):
        i = m.start()
        ch = text[i]
        if _family(ch) != family or _inside(blocked_starts, blocked, i):
            continue
        role = _classify(text, i, apostrophes)
        if role is None:
            continue
        if role == "either":
            role = "close" if stack else "open"
        if ch in "“‘" and stack and text[stack[-1][0]] in "„‚":  # German „…“ / ‚…‘
            role = "close"
        if role in ("open", "open?"):
            stack.append((i, role == "open?"))
        elif role in ("close", "close?"):
            if stack:
                o, _ = stack.pop()
                if not stack:
                    pairs.append((o, i + 1))
            # a stray closer with nothing open is ignored
    unclosed = None
    firm = [o for o, tentative in stack if not tentative]
    if firm:
        unclosed = firm[0]
    return pairs, unclosed


def _inside(starts: list[int], spans: list[tuple[int, int]], i: int) -> bool:
    """Is ``i`` inside one of the sorted, non-overlapping ``spans``?"""
    k = bisect.bisect_right(starts, i) - 1
    return k >= 0 and spans[k][0] <= i < spans[k][1]


def find_quotes(text: str, *, include_single: bool = True) -> list[QuoteSpan]:
    """Top-level quotations in ``text`` in text order (nested quotes are part of their outer quote)."""
    if not text or not _MARK_RE.search(text):
        return []
    if "''" in text or "``" in text:
        return _widen_doubled(text, find_quotes(_doubled_to_single_marks(text), include_single=include_single))
    apostrophes: set[int] = set()
    for m in _APOS_WORDS.finditer(text):
        apostrophes.add(m.start())
        if m.group().lower().startswith(("'n", "’n")):
            apostrophes.add(m.end() - 1)
    paragraphs = _paragraphs(text)
    quotes: list[QuoteSpan] = []
    carry: list[tuple[int, int]] | None = None  # parts of a quote running over paragraphs
    live: list[QuoteSpan] = []  # the quotes that may still reach into this paragraph or a later one
    listed = 0  # quotes[:listed] have been through ``live``
    for k, (p_start, p_end) in enumerate(paragraphs):
        pairs, unclosed = _match_paragraph(text, p_start, p_end, "d", apostrophes, [])
        if carry is not None:
            first_mark = _first_nonspace(text, p_start, p_end)
            if (
                first_mark is not None
                and text[first_mark] in OPEN_DOUBLE + AMBIG_DOUBLE
                and _straight(text[first_mark]) == _straight(text[carry[0][0]])
            ):
                # the continuation paragraph: its first mark re-opens the running quote
                close = _first_closer_at_depth0(text, first_mark + 1, p_end, apostrophes)
                if close is not None:
                    carry.append((first_mark, close + 1))
                    quotes.append(_make(text, carry, True))
                    carry = None
                    pairs, unclosed = _match_paragraph(text, close + 1, p_end, "d", apostrophes, [])
                else:
                    carry.append((first_mark, _rstrip(text, p_start, p_end)))
                    continue
            else:
                quotes.append(_make(text, carry, False))
                carry = None
        for o, c in pairs:
            quotes.append(_make(text, [(o, c)], True))
        if unclosed is not None:
            part = (unclosed, _rstrip(text, p_start, p_end))
            nxt = paragraphs[k + 1] if k + 1 < len(paragraphs) else None
            first_next = _first_nonspace(text, *nxt) if nxt else None
            if (
                first_next is not None
                and text[first_next] in OPEN_DOUBLE + AMBIG_DOUBLE
                and _straight(text[first_next]) == _straight(text[unclosed])  # "… then “…” is a new quote
                and _starts_speech(text, unclosed, p_start)
            ):
                carry = [part]
            elif part[1] - part[0] > 1:
                quotes.append(_make(text, [part], False))
        if include_single:
            # paragraphs come in text order, so a quote that ends before this one never blocks again
            live = [q for q in (*live, *quotes[listed:]) if q.parts[-1][1] > p_start]
            listed = len(quotes)
            blocked = [(q.start, q.end) for q in live]
            s_pairs, _ = _match_paragraph(text, p_start, p_end, "s", apostrophes, blocked)
            for o, c in s_pairs:
                if text[o + 1 : c - 1].strip():
                    quotes.append(_make(text, [(o, c)], True))
    if carry is not None:
        quotes.append(_make(text, carry, False))
    quotes.sort(key=lambda q: q.start)
    return _drop_nested(quotes)


_DOUBLED = regex.compile(r"''|``")


def _doubled_to_single_marks(text: str) -> str:
    """Typewriter doubles (''quote'', ``quote'') become one straight double mark plus a space, in a
    same-length copy: the opening pair as ' "', the closing pair as '" '."""
    chars = list(text)
    for m in _DOUBLED.finditer(text):
        i = m.start()
        prev = text[i - 1] if i > 0 else " "
        opening = m.group() == "``" or prev.isspace() or prev in '([{—–-"“'
        chars[i], chars[i + 1] = (" ", '"') if opening else ('"', " ")
    return "".join(chars)


def _widen_doubled(text: str, quotes: list[QuoteSpan]) -> list[QuoteSpan]:
    """Map quotes found on the same-length copy back onto the original text, doubled marks whole."""
    out: list[QuoteSpan] = []
    for q in quotes:
        parts = []
        for a, b in q.parts:
            if a > 0 and text[a - 1 : a + 1] in ("''", "``"):
                a -= 1
            if text[b - 1 : b + 1] == "''":
                b += 1
            parts.append((a, b))
        out.append(_make(text, parts, q.closed))
    return out


def _first_closer_at_depth0(text: str, start: int, end: int, apostrophes: set[int]) -> int | None:
    depth = 0
    for m in _MARK_RE.finditer(text, start, end):
        i = m.start()
        if _family(text[i]) != "d":
            continue
        role = _classify(text, i, apostrophes)
        if role == "either":
            role = "close"
        if role in ("open", "open?"):
            depth += 1
        elif role in ("close", "close?"):
            if depth == 0:
                return i
            depth -= 1
    return None


def _starts_speech(text: str, i: int, p_start: int) -> bool:
    """Does the mark at ``i`` open a paragraph or a sentence (where a quote running over paragraphs
    begins), rather than sit mid-sentence like a stray mark?"""
    k = i - 1
    while k >= p_start and text[k].isspace():
        k -= 1
    return k < p_start or text[k] in ".!?:…"


def _first_nonspace(text: str, start: int, end: int) -> int | None:
    for i in range(start, end):
        if not text[i].isspace():
            return i
    return None


def _rstrip(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1].isspace():
        end -= 1
    return end


def _make(text: str, parts: list[tuple[int, int]], closed: bool) -> QuoteSpan:
    return QuoteSpan(tuple(parts), closed, "".join(text[a:b] for a, b in parts))


def _drop_nested(quotes: list[QuoteSpan]) -> list[QuoteSpan]:
    out: list[QuoteSpan] = []
    for q in quotes:
        if out and q.start < out[-1].end and q.end <= out[-1].end:
            continue
        out.append(q)
    return out
