"""quotattr.render: the HTML page — its structure offline, and what a real browser (headless Chromium) shows.

The browser test loads the page rendered from real stanza output of tests/data/render_article.txt (an
article written for these tests) in Chromium, lets a script read the highlighted spans and the legend
back from the DOM, and saves a screenshot (to ``$QUOTATTR_ARTIFACTS`` when set, else the test's tmp
dir). It skips with a message where Chromium is not installed (``apt-get install chromium``).
"""

from __future__ import annotations

import html
import json
import os
import random
import re
import shutil
import subprocess
import time
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

import quotattr
from quotattr import Attribution, Cue, QuoteKind, Result, Span, Speaker
from quotattr.render import render, speaker_colors

DATA = Path(__file__).parent / "data"


# -- a small DOM reader (standard library) ---------------------------------------------------------


class _Marks(HTMLParser):
    """Reads the ``.qa-text`` element: its text, and the text under each annotation element."""

    VOID = frozenset({"meta", "br", "hr", "img", "input", "link"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, dict[str, str]]] = []
        self.in_text = 0
        self.text: list[str] = []
        self.open_marks: list[dict[str, Any]] = []
        self.marks: list[dict[str, Any]] = []
        self.errors: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.VOID:
            return
        a = {k: v or "" for k, v in attrs}
        self.stack.append((tag, a))
        if "qa-text" in a.get("class", "").split():
            self.in_text += 1
        elif self.in_text and "data-role" in a:
            mark = {"tag": tag, **a, "text": "", "depth": len(self.open_marks)}
            mark["parents"] = [m["data-role"] for m in self.open_marks]
            self.open_marks.append(mark)
            self.marks.append(mark)

    def handle_endtag(self, tag: str) -> None:
        if tag in self.VOID:
            return
        if not self.stack or self.stack[-1][0] != tag:
            self.errors.append(f"unbalanced </{tag}> (open: {[t for t, _ in self.stack]})")
            return
        _, a = self.stack.pop()
        if "qa-text" in a.get("class", "").split():
            self.in_text -= 1
        elif self.in_text and "data-role" in a:
            self.open_marks.pop()

    def handle_data(self, data: str) -> None:
        if self.in_text:
            self.text.append(data)
            for mark in self.open_marks:
                mark["text"] += data


def _read(page: str) -> _Marks:
    parser = _Marks()
    parser.feed(page)
    parser.close()
    assert not parser.errors, parser.errors
    return parser


def _fragments(marks: list[dict[str, Any]], role: str, index: int) -> list[dict[str, Any]]:
    return [m for m in marks if m["data-role"] == role and str(index) in m["data-attributions"].split()]


def _check_marks(result: Result, marks: list[dict[str, Any]]) -> None:
    """Every quote, cue and mention of ``result`` is marked, exactly over its own characters."""
    for i, a in enumerate(result.attributions):
        for part, span in enumerate(a.content):
            pieces = [m for m in _fragments(marks, "quote", i) if m["data-part"] == str(part)]
            assert "".join(m["text"] for m in pieces) == span.text
            assert all((int(m["data-start"]), int(m["data-end"])) == (span.start, span.end) for m in pieces)
        for role, marked in (("cue", a.cue.span if a.cue else None), ("mention", a.mention)):
            pieces = _fragments(marks, role, i)
            if marked is None:
                assert not pieces
            else:
                assert "".join(m["text"] for m in pieces) == marked.text, (role, i)


# -- offline: structure, nesting, escaping ------------------------------------------------------------


def _nested_result() -> Result:
    """Hand-made annotations that overlap: a mention inside another quote, a cue across a quote's end."""
    text = "“Ann Lee is right, and Bo agrees,” said Bo Chen.\r\nAnn Lee said <b>AT&T</b> would pay."
    ann = Speaker(id="S1", name="Ann Lee", title="CEO", mentions=(Span.of(text, 1, 8), Span.of(text, 50, 57)))
    bo = Speaker(id="S2", name="Bo Chen", mentions=(Span.of(text, 40, 47),))
    quote = Attribution(
        (Span.of(text, 0, 34),), QuoteKind.DIRECT, cue=Cue(Span.of(text, 35, 39), "say"), speaker=bo,
        mention=Span.of(text, 40, 47), confidence=0.9,
    )  # fmt: skip
    # the mention "Ann Lee" lies inside Bo's quote; the cue "Lee is" crosses the mention's end
    inner = Attribution(
        (Span.of(text, 12, 17),), QuoteKind.INDIRECT, cue=Cue(Span.of(text, 5, 11), "be"), speaker=ann,
        mention=Span.of(text, 1, 8), confidence=0.3,
    )  # fmt: skip
    indirect = Attribution(
        (Span.of(text, 63, len(text) - 1),), QuoteKind.INDIRECT, cue=Cue(Span.of(text, 58, 62), "say"),
        speaker=ann, mention=Span.of(text, 50, 57),
    )  # fmt: skip
    orphan = Attribution((Span.of(text, 23, 32),), QuoteKind.INDIRECT)  # no speaker
    return Result(text, attributions=[quote, inner, orphan, indirect], speakers=[ann, bo], doc_id="<x&y>")


def test_nested_and_crossing_spans_nest_properly_and_keep_the_text() -> None:
    result = _nested_result()
    page = render(result)
    parsed = _read(page)
    assert "".join(parsed.text) == result.text  # every character, \r included, in order
    assert "&#13;" in page
    _check_marks(result, parsed.marks)
    # the mention of Ann inside Bo's quote is nested in the quote's mark
    ann_mention = [m for m in parsed.marks if m["data-role"] == "mention" and m["data-start"] == "1"]
    assert ann_mention and all("quote" in m["parents"] for m in ann_mention)
    # "Lee is" crosses the mention's end: it is split in two elements, not mis-nested
    assert len(_fragments(parsed.marks, "cue", 1)) == 2
    # escaped: the article's "<b>" is text, the doc id too
    assert "<b>AT&T</b>" not in page and "&lt;b&gt;AT&amp;T&lt;/b&gt;" in page
    assert "&lt;x&amp;y&gt;" in page
    # the low-confidence quote is hatched, the speakerless one grey, colours follow speakers
    inner = _fragments(parsed.marks, "quote", 1)[0]
    assert "qa-low" in inner["class"].split()
    assert speaker_colors(result)["S1"] in inner["style"]
    assert "#d9d9d9" in _fragments(parsed.marks, "quote", 2)[0]["style"]
    assert "no speaker found" in _fragments(parsed.marks, "quote", 2)[0]["title"]


def test_tooltip_and_legend_carry_the_speaker_fields() -> None:
    result = _nested_result()
    page = render(result)
    parsed = _read(page)
    tooltip = _fragments(parsed.marks, "quote", 3)[0]["title"]
    assert "speaker: Ann Lee" in tooltip and "title: CEO" in tooltip and "confidence 1.00" in tooltip
    assert "kind: person" in tooltip
    gender = result.speakers[0].to_dict().get("gender")
    if gender is not None:
        assert f"gender: {gender}" in tooltip
    legend = page[page.index('<table class="qa-legend">') : page.index("</table>")]
    assert legend.count('class="qa-speaker"') == 3  # two speakers and the "no speaker" row
    assert ">Ann Lee<" in legend and ">CEO<" in legend and "(no speaker found)" in legend


def test_several_results_fragment_and_bad_input() -> None:
    result = _nested_result()
    empty = Result("", doc_id="empty")
    failed = Result("x", doc_id="bad", error="cannot decode")
    page = render([result, empty, failed], title="Batch")
    assert page.count('<section class="qa-doc"') == 3
    assert "<title>Batch</title>" in page and "Not processed: cannot decode" in page
    fragment = render(result, page=False)
    assert not fragment.startswith("<!DOCTYPE") and "<style>" in fragment
    assert quotattr.render is render
    with pytest.raises(TypeError, match="Result"):
        render("some text")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="Result"):
        render([result, 3])  # type: ignore[list-item]


def test_random_overlapping_annotations_keep_text_and_nesting() -> None:
    """Quotes, cues and mentions at random places, crossing each other in every way."""
    rng = random.Random(18)
    for _ in range(60):
        text = "".join(rng.choice("ab <&>\r\n“”") for _ in range(rng.randint(1, 60)))
        speakers = [Speaker(id=f"S{i}", name=f"P{i}") for i in range(3)]

        def span(text: str = text) -> Span:
            start = rng.randrange(len(text))
            return Span.of(text, start, rng.randint(start + 1, len(text)))

        attributions = []
        for _ in range(rng.randint(1, 6)):
            cue = Cue(span(), "say") if rng.random() < 0.7 else None
            parts = [span() for _ in range(rng.randint(1, 2))]
            attributions.append(
                Attribution(
                    parts, QuoteKind.DIRECT, cue=cue, speaker=rng.choice([None, *speakers]),
                    mention=span() if rng.random() < 0.7 else None,
                )
            )  # fmt: skip
        result = Result(text, attributions=attributions, speakers=speakers)
        parsed = _read(render(result))
        assert "".join(parsed.text) == text
        _check_marks(result, parsed.marks)


def test_a_long_article_renders_fast() -> None:
    sentence = "“We are ready,” Ann Lee said. "
    text = sentence * 3000
    ann = Speaker(id="S1", name="Ann Lee")
    attributions = []
    for i in range(3000):
        base = i * len(sentence)
        attributions.append(
            Attribution(
                (Span.of(text, base, base + 15),), QuoteKind.DIRECT, speaker=ann,
                cue=Cue(Span.of(text, base + 24, base + 28), "say"), mention=Span.of(text, base + 16, base + 23),
            )
        )  # fmt: skip
    started = time.perf_counter()
    page = render(Result(text, attributions=attributions, speakers=[ann]))
    assert time.perf_counter() - started < 5
    assert page.count('data-role="quote"') == 3000


def test_many_speakers_get_distinct_colours() -> None:
    text = " ".join(f"P{i} said yes." for i in range(30))
    speakers = [Speaker(id=f"S{i}", name=f"P{i}") for i in range(30)]
    colors = speaker_colors(Result(text, speakers=speakers))
    assert len(set(colors.values())) == 30
    assert all(re.fullmatch(r"#[0-9a-f]{6}", c) for c in colors.values())


# -- the real pipeline ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def article_result(extractor: quotattr.Extractor) -> Result:
    text = (DATA / "render_article.txt").read_text(encoding="utf-8")
    result = extractor(text, doc_id="render_article.txt")
    assert len(result.attributions) >= 5
    return result


@pytest.mark.pipeline
def test_real_result_renders_every_attribution(article_result: Result) -> None:
    page = render(article_result)
    parsed = _read(page)
    assert "".join(parsed.text) == article_result.text
    _check_marks(article_result, parsed.marks)


def _chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(name)
        if found:
            return found
    pytest.skip("Chromium is not installed (Debian: apt-get install chromium); the browser test of render() needs it")


_PROBE = """<script>
(() => {
  const q = (sel) => [...document.querySelectorAll(sel)];
  const mark = (el) => ({
    role: el.dataset.role, attributions: el.dataset.attributions, part: el.dataset.part ?? null,
    speakers: el.dataset.speakers ?? "", text: el.textContent, title: el.title,
    background: getComputedStyle(el).backgroundColor,
    visible: el.getBoundingClientRect().width > 0,
  });
  const out = {
    text: document.querySelector(".qa-text").textContent,
    marks: q(".qa-text [data-role]").map(mark),
    legend: q("tr.qa-speaker").map((tr) => ({
      speaker: tr.dataset.speaker, cells: [...tr.cells].map((c) => c.textContent),
      swatch: getComputedStyle(tr.querySelector(".qa-swatch")).backgroundColor,
    })),
    stray: q(".qa-text *").filter((el) => !el.dataset.role).map((el) => el.tagName),
  };
  const pre = document.createElement("pre");
  pre.id = "qa-probe";
  pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
})();
</script>"""


def _run_chromium(binary: str, profile: Path, *args: str) -> subprocess.CompletedProcess[str]:
    command = [
        binary, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--hide-scrollbars",
        "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
        "--disable-extensions", "--mute-audio", f"--user-data-dir={profile}", *args,
    ]  # fmt: skip
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)


@pytest.mark.pipeline
def test_chromium_shows_the_quotes_speakers_and_legend(article_result: Result, tmp_path: Path) -> None:
    binary = _chromium()
    page = render(article_result)
    probed = tmp_path / "probed.html"
    probed.write_text(page.replace("</body>", _PROBE + "\n</body>"), encoding="utf-8")
    done = _run_chromium(binary, tmp_path / "profile", "--dump-dom", probed.as_uri())
    found = re.search(r'<pre id="qa-probe">(.*?)</pre>', done.stdout, re.S)
    assert found, f"Chromium did not run the probe (rc {done.returncode}): {done.stderr[-2000:]}"
    dom = json.loads(html.unescape(found.group(1)))

    assert dom["text"] == article_result.text  # offsets hold in the page
    assert dom["stray"] == []
    marks = dom["marks"]
    for m in marks:
        m["data-role"], m["data-attributions"], m["data-part"] = m["role"], m["attributions"], m["part"] or ""
        assert m["visible"], m
    for i, a in enumerate(article_result.attributions):
        pieces = _fragments(marks, "quote", i)
        assert "".join(m["text"] for m in pieces) == "".join(s.text for s in a.content)
        if a.cue is not None:
            assert "".join(m["text"] for m in _fragments(marks, "cue", i)) == a.cue.text
        if a.mention is not None:
            assert "".join(m["text"] for m in _fragments(marks, "mention", i)) == a.mention.text
        # the browser paints each quote in its speaker's colour, and the legend's swatch matches
        backgrounds = {m["background"] for m in pieces}
        assert len(backgrounds) == 1
        if a.speaker is not None:
            (row,) = [r for r in dom["legend"] if r["speaker"] == a.speaker.id]
            assert row["swatch"] in backgrounds
            fields = a.speaker.to_dict()
            assert f"speaker: {fields['name']}" in pieces[0]["title"]
            assert f"confidence {a.confidence:.2f}" in pieces[0]["title"]
    by_speaker: dict[str, set[str]] = {}
    for m in marks:
        if m["role"] == "quote" and m["speakers"]:
            by_speaker.setdefault(m["speakers"], set()).add(m["background"])
    assert len(by_speaker) >= 3 and len({next(iter(v)) for v in by_speaker.values()}) == len(by_speaker)

    # the legend: one row per speaker with name, rank, title, organization, kind, gender and counts
    assert [r["speaker"] for r in dom["legend"] if r["speaker"]] == [s.id for s in article_result.speakers]
    for speaker in article_result.speakers:
        fields = speaker.to_dict()
        (row,) = [r for r in dom["legend"] if r["speaker"] == speaker.id]
        _, name, rank, title, organization, kind, gender, count, _confidence = row["cells"]
        assert name.startswith(fields["name"] or "(unnamed)")
        assert (rank, title, organization, kind) == tuple(
            fields[k] or "" for k in ("rank", "title", "organization", "kind")
        )
        assert gender == (fields.get("gender") or "")
        assert int(count) == sum(a.speaker is speaker for a in article_result.attributions)
    # the article's "<and>" and "&" are text, not markup
    assert "parking <and> deliveries & customers" in dom["text"]

    shots = Path(os.environ.get("QUOTATTR_ARTIFACTS", tmp_path))
    shots.mkdir(parents=True, exist_ok=True)
    shot = shots / "render_article.png"
    (tmp_path / "page.html").write_text(page, encoding="utf-8")
    taken = _run_chromium(
        binary,
        tmp_path / "profile2",
        "--window-size=1100,1300",
        f"--screenshot={shot}",
        (tmp_path / "page.html").as_uri(),
    )
    assert shot.is_file(), f"no screenshot (rc {taken.returncode}): {taken.stderr[-2000:]}"
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 10_000
