"""Interview transcripts: a paragraph opening with a speaker label and a colon.

    PENCE: Well, the question really should be why …
    Chris Wallace: Do you really see those two as equivalent?

The label must name a person the document knows (a PER entity there, or a word of one elsewhere in
the text), so "UPDATE:", "Photo:" or a headline "Poll: Voters …" produce nothing. The content is the
rest of the paragraph, reported verbatim (DIRECT); the cue is the colon.
"""

from __future__ import annotations

import regex

from quotattr.document import PERSON_TYPES
from quotattr.model import QuoteKind
from quotattr.sieves import Candidate, Context

__all__ = ["speaker_labels"]

#: "PENCE: …", also inside a transcript quoted paragraph by paragraph ('"PENCE: Well, look, …')
_LABEL = regex.compile(r"^(?:[\"“]\s*)?([\p{Lu}][\p{L}.'’ -]{0,40}?)\s*:\s+(?=\S)")
MAX_LABEL_WORDS = 4


def speaker_labels(ctx: Context) -> list[Candidate]:
    view = ctx.view
    person_words = {
        part.lower().strip(".,’'")
        for ent in view.entities
        if ent.type in PERSON_TYPES
        for part in ent.text.split()
        if part[:1].isupper()
    }
    out: list[Candidate] = []
    for k in range(len(view.paragraph_starts)):
        if not ctx.body[k]:
            continue
        p_start, p_end = view.paragraph_span(k)
        para = view.text[p_start:p_end]
        lead = len(para) - len(para.lstrip())
        m = _LABEL.match(para, lead)
        if m is None:
            continue
        label = m.group(1).strip()
        words = label.split()
        if not words or len(words) > MAX_LABEL_WORDS:
            continue
        if not all(w.lower().strip(".,’'") in person_words for w in words if w[:1].isupper()):
            continue
        label_start = p_start + m.start(1)
        label_words = list(view.words_in(label_start, label_start + len(label)))
        colon = view.first_word_from(p_start + m.end(1))
        content_start = p_start + m.end()
        end = p_end
        while end > content_start and view.text[end - 1].isspace():
            end -= 1
        if not label_words or colon >= len(view.words) or end - content_start < 2:
            continue
        cw = view.words[colon]
        ctx.verbatim.append((label_start, end))
        out.append(
            Candidate(
                content=[(content_start, end)],
                kind=QuoteKind.DIRECT,
                sieve="transcript",
                confidence=0.8,
                sentence=cw.sent,
                cue=(cw.start, cw.end) if cw.text == ":" else None,
                cue_lemma=":",
                cue_word=colon if cw.text == ":" else None,
                mention=(label_words[0], label_words[-1]),
            )
        )
        if cw.text == ":":
            ctx.claimed_cues.add(colon)
    return out
