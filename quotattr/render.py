"""A result as a self-contained HTML page: the article with every quote highlighted (displaCy-like).

Each quote's content is highlighted in its speaker's colour; its cue ("told", "according to") is
underlined and the speaker's mention as written is boxed. Hovering a mark shows the speaker's name,
rank, title, organization, kind and gender and the attribution's kind and confidence; a legend above
the article lists every speaker with the same fields. The page needs no network (inline CSS, no
script, no external font) and opens in any browser.

    >>> from quotattr.model import Result, Attribution, Span, Speaker, QuoteKind
    >>> text = "Ann said that it works."
    >>> ann = Speaker(id="S1", name="Ann", mentions=(Span.of(text, 0, 3),))
    >>> result = Result(text, attributions=[Attribution((Span.of(text, 14, 22),), QuoteKind.INDIRECT, speaker=ann)],
    ...                 speakers=[ann])
    >>> html = render(result)
    >>> html.startswith("<!DOCTYPE html>") and 'data-attributions="0"' in html
    True
    >>> 'it works' in render(result, page=False)
    True

The article's text is kept exactly: the text content of the ``.qa-text`` element of the page is the
result's ``text`` (carriage returns are written as ``&#13;`` so the HTML parser keeps them), so the
character offsets of the result hold in the page too. Overlapping and nested annotations (a
speaker's mention inside a quote, one cue shared by two quotes) are split at every boundary and
nested properly.
"""

from __future__ import annotations

import colorsys
import html
import itertools
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import attrs

from quotattr.model import Attribution, Result, Span, Speaker

__all__ = ["render", "speaker_colors"]

#: Light, distinguishable background colours for the first speakers of a document (dark text stays
#: readable on each); further speakers get colours spaced around the hue circle.
PALETTE: tuple[str, ...] = (
    "#ffd166",
    "#8ecae6",
    "#b5e48c",
    "#f4a6c6",
    "#cdb4db",
    "#ffb4a2",
    "#90e0c0",
    "#f7e07f",
    "#a0c4ff",
    "#e9c46a",
    "#c9ada7",
    "#bde0fe",
)
#: The colour of quotes that have no speaker.
NO_SPEAKER_COLOR = "#d9d9d9"

# roles, outermost first when two annotations cover exactly the same characters
_ROLE_ORDER = {"quote": 0, "mention": 1, "addressee": 2, "cue": 3}

_CSS = """
.qa-doc { font-family: Georgia, 'Times New Roman', serif; max-width: 52em; margin: 1.5em auto; color: #222; }
.qa-doc h2 { font-family: sans-serif; font-size: 1.1em; margin: 1.5em 0 .5em; }
.qa-error { color: #a00; font-family: sans-serif; }
.qa-legend { border-collapse: collapse; font-family: sans-serif; font-size: .85em; margin-bottom: 1em; }
.qa-legend th, .qa-legend td { border-bottom: 1px solid #ddd; padding: .2em .5em; text-align: left; }
.qa-swatch { display: inline-block; width: 1em; height: 1em; border-radius: .2em; vertical-align: middle; }
.qa-text { white-space: pre-wrap; line-height: 1.9; font-size: 1.05em; }
.qa-quote { padding: .1em 0; border-radius: .25em; }
.qa-quote.qa-low {
  background-image: repeating-linear-gradient(135deg, transparent 0 4px, rgba(255,255,255,.55) 4px 8px);
}
.qa-cue { text-decoration: underline 2px; text-underline-offset: .2em; font-weight: bold; }
.qa-mention { border: 2px solid; border-radius: .25em; padding: 0 .1em; }
.qa-addressee { border-bottom: 2px dotted #555; }
.qa-note { font-family: sans-serif; font-size: .8em; color: #555; }
"""


@attrs.frozen
class _Annotation:
    start: int
    end: int
    role: str  # quote | cue | mention | addressee
    attributions: tuple[int, ...]
    classes: tuple[str, ...]
    style: str
    tooltip: str
    speaker_ids: tuple[str, ...]
    quote_part: int = -1  # the index of the content span within its attribution (quotes only)


def _speaker_fields(speaker: Speaker) -> dict[str, Any]:
    # to_dict() so that fields added to Speaker (gender) show without changes here
    fields = speaker.to_dict()
    fields.pop("mentions", None)
    return fields


def speaker_colors(result: Result) -> dict[str, str]:
    """The background colour (``#rrggbb``) of each speaker, by id, in the order of ``result.speakers``."""
    colors: dict[str, str] = {}
    for index, speaker in enumerate(result.speakers):
        if index < len(PALETTE):
            colors[speaker.id] = PALETTE[index]
        else:
            hue = (index * 0.381966) % 1.0  # golden angle: far from the previous hues
            red, green, blue = colorsys.hls_to_rgb(hue, 0.8, 0.7)
            colors[speaker.id] = f"#{round(red * 255):02x}{round(green * 255):02x}{round(blue * 255):02x}"
    return colors


def _speaker_line(speaker: Speaker | None) -> str:
    if speaker is None:
        return "no speaker found"
    fields = _speaker_fields(speaker)
    parts = [f"speaker: {fields.get('name') or '(unnamed)'}"]
    for key in ("rank", "title", "organization", "kind", "gender"):
        value = fields.get(key)
        if value is not None:
            parts.append(f"{key}: {value}")
    if not fields.get("resolved", True):
        parts.append("unresolved")
    return "\n".join(parts)


def _quote_tooltip(attribution: Attribution) -> str:
    lines = [
        _speaker_line(attribution.speaker),
        f"quote: {attribution.kind.value}, confidence {attribution.confidence:.2f}",
    ]
    extra = attribution.to_dict()  # fields the model may gain (speaker_confidence, resolution)
    if extra.get("speaker_confidence") is not None:
        how = f" ({extra['resolution']})" if extra.get("resolution") else ""
        lines.append(f"speaker confidence {float(extra['speaker_confidence']):.2f}{how}")
    if attribution.cue is not None:
        lines.append(f"cue: {attribution.cue.text} ({attribution.cue.lemma})")
    if attribution.sieve:
        lines.append(f"rule: {attribution.sieve}")
    return "\n".join(lines)


def _annotations(result: Result, colors: Mapping[str, str]) -> list[_Annotation]:
    """Every span to mark; one cue or mention shared by several attributions is marked once."""
    out: list[_Annotation] = []
    shared: dict[tuple[str, int, int], list[int]] = {}  # (role, start, end) -> attribution indexes
    owners: dict[tuple[str, int, int], Attribution] = {}
    for index, a in enumerate(result.attributions):
        color = colors.get(a.speaker.id, NO_SPEAKER_COLOR) if a.speaker is not None else NO_SPEAKER_COLOR
        speaker_ids: tuple[str, ...] = () if a.speaker is None else (a.speaker.id,)
        classes = ["qa-quote", f"qa-{a.kind.value}"]
        if a.confidence < 0.5:
            classes.append("qa-low")
        for part, span in enumerate(a.content):
            out.append(
                _Annotation(
                    span.start,
                    span.end,
                    "quote",
                    (index,),
                    tuple(classes),
                    f"background-color: {color}",
                    _quote_tooltip(a),
                    speaker_ids,
                    part,
                )
            )
        marks: tuple[tuple[str, Span | None], ...] = (
            ("cue", None if a.cue is None else a.cue.span),
            ("mention", a.mention),
            ("addressee", a.addressee),
        )
        for role, mark in marks:
            if mark is None or mark.start == mark.end:
                continue
            key = (role, mark.start, mark.end)
            shared.setdefault(key, []).append(index)
            owners.setdefault(key, a)
    for (role, start, end), indexes in shared.items():
        a = owners[(role, start, end)]
        found = (result.attributions[i].speaker for i in indexes)
        speakers = tuple(dict.fromkeys(s for s in found if s is not None))
        speaker_ids = tuple(s.id for s in speakers)
        if role == "cue":
            tooltip = f"cue: {a.cue.lemma if a.cue else ''}"
            style = ""
        elif role == "mention":
            tooltip = "\n\n".join(_speaker_line(s) for s in speakers) if speakers else "no speaker found"
            color = colors.get(speaker_ids[0], NO_SPEAKER_COLOR) if speaker_ids else NO_SPEAKER_COLOR
            style = f"border-color: {color}; background-color: {color}40"
        else:
            tooltip = "addressee"
            style = ""
        out.append(_Annotation(start, end, role, tuple(indexes), (f"qa-{role}",), style, tooltip, speaker_ids))
    return out


def _escape_text(text: str) -> str:
    # \r would be normalised away by the HTML parser; a character reference keeps it
    return html.escape(text, quote=False).replace("\r", "&#13;")


def _open_tag(annotation: _Annotation) -> str:
    attributes = [
        f'class="{" ".join(annotation.classes)}"',
        f'data-role="{annotation.role}"',
        f'data-attributions="{" ".join(map(str, annotation.attributions))}"',
        f'data-start="{annotation.start}"',
        f'data-end="{annotation.end}"',
    ]
    if annotation.speaker_ids:
        attributes.append(f'data-speakers="{html.escape(" ".join(annotation.speaker_ids))}"')
    if annotation.quote_part >= 0:
        attributes.append(f'data-part="{annotation.quote_part}"')
    if annotation.style:
        attributes.append(f'style="{html.escape(annotation.style)}"')
    attributes.append(f'title="{html.escape(annotation.tooltip).replace(chr(10), "&#10;")}"')
    tag = "mark" if annotation.role == "quote" else "span"
    return f"<{tag} {' '.join(attributes)}>"


def _close_tag(annotation: _Annotation) -> str:
    return "</mark>" if annotation.role == "quote" else "</span>"


def _nesting_key(annotation: _Annotation) -> tuple[int, int, int]:
    # longer (ending later, starting earlier) annotations outside; ties by role
    return (-annotation.end, annotation.start, _ROLE_ORDER[annotation.role])


def _marked_text(text: str, annotations: Sequence[_Annotation]) -> str:
    """``text`` with the annotations as properly nested elements, split where they cross.

    One sweep over the boundaries (linear in the number of annotations and boundaries, so a long
    article with many quotes renders fast): at each boundary the elements that end, and those opened
    inside them, are closed; then every annotation covering the next piece that is not open is opened,
    the longest outermost.
    """
    spans = [a for a in annotations if 0 <= a.start < a.end <= len(text)]
    starting: dict[int, list[int]] = {}
    ending: dict[int, list[int]] = {}
    for index, annotation in enumerate(spans):
        starting.setdefault(annotation.start, []).append(index)
        ending.setdefault(annotation.end, []).append(index)
    bounds = sorted({0, len(text), *starting, *ending})
    active: set[int] = set()
    stack: list[int] = []
    pieces: list[str] = []
    for left, right in itertools.pairwise(bounds):
        active.difference_update(ending.get(left, ()))
        active.update(starting.get(left, ()))
        keep = 0  # the open elements that are all still active, from the outside in
        while keep < len(stack) and stack[keep] in active:
            keep += 1
        for index in reversed(stack[keep:]):
            pieces.append(_close_tag(spans[index]))
        del stack[keep:]
        opened = set(stack)
        for index in sorted((i for i in active if i not in opened), key=lambda i: _nesting_key(spans[i])):
            pieces.append(_open_tag(spans[index]))
            stack.append(index)
        pieces.append(_escape_text(text[left:right]))
    for index in reversed(stack):
        pieces.append(_close_tag(spans[index]))
    return "".join(pieces)


def _cell(value: object) -> str:
    return "" if value is None else html.escape(str(value))


def _legend(result: Result, colors: Mapping[str, str]) -> str:
    counts: dict[str | None, list[float]] = {}
    for a in result.attributions:
        counts.setdefault(None if a.speaker is None else a.speaker.id, []).append(a.confidence)
    header = (
        "<tr><th></th><th>speaker</th><th>rank</th><th>title</th><th>organization</th><th>kind</th>"
        "<th>gender</th><th>quotes</th><th>confidence</th></tr>"
    )
    rows = [header]

    def confidence(values: list[float]) -> str:
        if not values:
            return ""
        low, high = min(values), max(values)
        return f"{low:.2f}" if low == high else f"{low:.2f}–{high:.2f}"

    for speaker in result.speakers:
        fields = _speaker_fields(speaker)
        values = counts.get(speaker.id, [])
        name = fields.get("name") or "(unnamed)"
        if not fields.get("resolved", True):
            name = f"{name} (unresolved)"
        rows.append(
            f'<tr class="qa-speaker" data-speaker="{html.escape(speaker.id)}">'
            f'<td><span class="qa-swatch" style="background-color: {colors[speaker.id]}"></span></td>'
            f'<td class="qa-name">{_cell(name)}</td><td>{_cell(fields.get("rank"))}</td>'
            f"<td>{_cell(fields.get('title'))}</td><td>{_cell(fields.get('organization'))}</td>"
            f"<td>{_cell(fields.get('kind'))}</td><td>{_cell(fields.get('gender'))}</td>"
            f'<td class="qa-count">{len(values)}</td><td>{confidence(values)}</td></tr>'
        )
    if None in counts:
        values = counts[None]
        rows.append(
            '<tr class="qa-speaker" data-speaker="">'
            f'<td><span class="qa-swatch" style="background-color: {NO_SPEAKER_COLOR}"></span></td>'
            '<td class="qa-name">(no speaker found)</td><td></td><td></td><td></td><td></td><td></td>'
            f'<td class="qa-count">{len(values)}</td><td>{confidence(values)}</td></tr>'
        )
    return f'<table class="qa-legend">{"".join(rows)}</table>'


def _section(result: Result) -> str:
    colors = speaker_colors(result)
    title = html.escape(result.doc_id) if result.doc_id is not None else "Document"
    parts = [f'<section class="qa-doc" data-doc-id="{_cell(result.doc_id)}">', f"<h2>{title}</h2>"]
    if result.error is not None:
        parts.append(f'<p class="qa-error">Not processed: {html.escape(result.error)}</p>')
    n = len(result.attributions)
    parts.append(
        f'<p class="qa-note">{n} quote{"" if n == 1 else "s"}, {len(result.speakers)} '
        f"speaker{'' if len(result.speakers) == 1 else 's'}. Quotes are highlighted in their speaker's colour "
        '(hatched: confidence below 0.5), cues are <span class="qa-cue">underlined</span>, the speaker\'s '
        'mention is <span class="qa-mention" style="border-color: #999">boxed</span>; hover for details.</p>'
    )
    if result.speakers or result.attributions:
        parts.append(_legend(result, colors))
    parts.append(f'<div class="qa-text">{_marked_text(result.text, _annotations(result, colors))}</div>')
    parts.append("</section>")
    return "\n".join(parts)


def render(result: Result | Iterable[Result], *, page: bool = True, title: str | None = None) -> str:
    """The result(s) as HTML: each quote highlighted in its speaker's colour, with a legend.

    ``result``: one :class:`~quotattr.Result` or several (one section each, in order). ``page``:
    a complete, self-contained HTML document (default) or only the markup of the sections, with
    its ``<style>`` element, to embed elsewhere (a notebook: ``IPython.display.HTML(render(r,
    page=False))``). ``title``: the page title (default: the document id).
    """
    results = [result] if isinstance(result, Result) else list(result)
    for item in results:
        if not isinstance(item, Result):
            raise TypeError(f"render() takes quotattr.Result objects, got {type(item).__name__}")
    body = "\n".join(_section(item) for item in results)
    style = f"<style>{_CSS}</style>"
    if not page:
        return f'<div class="qa-render">{style}\n{body}</div>'
    if title is None:
        ids = [item.doc_id for item in results if item.doc_id is not None]
        title = ids[0] if len(ids) == 1 else "quotattr"
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{html.escape(title)}</title>\n{style}\n</head>\n"
        f'<body>\n<div class="qa-render">\n{body}\n</div>\n</body>\n</html>\n'
    )


# ``quotattr.render`` is this function (exported by the package), which shadows the module as an
# attribute of the package: ``import quotattr.render`` then binds the function. Let the old spelling
# ``quotattr.render.render(result)`` keep working too.
render.render = render  # type: ignore[attr-defined]
