"""quotattr.sources: who is quoted across a corpus, how often, in what role."""

from __future__ import annotations

import io
from collections import Counter
from pathlib import Path

import pytest

import quotattr
from quotattr import Attribution, QuoteKind, Result, Span, Speaker
from quotattr.sources import SOURCE_COLUMNS, Source, normalize_name, sources_table, write_sources_csv

DATA = Path(__file__).parent / "data"


def _doc(doc_id: str | None, *quotes: tuple[str, dict[str, object], QuoteKind]) -> Result:
    """A result with one sentence per quote: ``NAME said X.``; speakers with equal fields are shared."""
    text = ""
    attributions = []
    speakers: dict[tuple[tuple[str, object], ...], Speaker] = {}
    for name, fields, kind in quotes:
        start = len(text)
        text += f"{name} said it works. "
        key = tuple(sorted({"name": name, **fields}.items()))
        if key not in speakers:
            speakers[key] = Speaker(id=f"S{len(speakers) + 1}", name=name or None, **fields)  # type: ignore[arg-type]
        content = Span.of(text, start + len(name) + 6, len(text) - 2)
        attributions.append(Attribution((content,), kind, speaker=speakers[key]))
    return Result(text, attributions=attributions, speakers=list(speakers.values()), doc_id=doc_id)


D, IND, M = QuoteKind.DIRECT, QuoteKind.INDIRECT, QuoteKind.MIXED


def test_merges_by_normalised_name_and_counts_by_kind() -> None:
    a = _doc("a", ("Maria Álvarez", {"title": "mayor"}, D), ("Maria Álvarez", {"title": "mayor"}, IND), ("Bo", {}, M))
    b = _doc("b", ("MARIA  ÁLVAREZ", {"title": "former mayor"}, D), ("J.R. Smith", {}, IND))
    c = _doc(None, ("maria álvarez", {"title": "mayor", "organization": "City Hall"}, M), ("JR Smith", {}, IND))
    rows = sources_table([a, b, c])
    assert [r.name for r in rows] == ["Maria Álvarez", "J.R. Smith", "Bo"]
    maria = rows[0]
    assert (maria.documents, maria.attributions, maria.direct, maria.indirect, maria.mixed) == (3, 4, 2, 1, 1)
    assert maria.title == "mayor"  # 3 attributions say "mayor", 1 says "former mayor"
    assert maria.organization == "City Hall"
    assert maria.doc_ids == ("a", "b", "#2")  # a result without doc_id is named by its position
    assert rows[1].documents == 2 and rows[1].indirect == 2
    assert normalize_name("  Maria  ÁLVAREZ ") == normalize_name("maria álvarez")
    assert normalize_name("J. R. Smith") == normalize_name("JR Smith") != normalize_name("J Smith")


def test_unnamed_sources_errors_and_rows() -> None:
    good = _doc("a", ("", {"kind": "unnamed", "resolved": False}, IND), ("", {"kind": "unnamed", "resolved": False}, D))
    good2 = _doc("b", ("", {"kind": "unnamed", "resolved": False}, IND), ("Acme Corp", {"kind": "organization"}, IND))
    failed = Result("x", doc_id="bad", error="cannot decode")
    no_speaker = Result("Prices rose.", attributions=[Attribution((Span.of("Prices rose.", 0, 11),), IND)])
    rows = sources_table(iter([good, failed, good2, no_speaker]))  # any iterable, read once
    assert [(r.name, r.kind, r.documents, r.attributions) for r in rows] == [
        (None, "unnamed", 2, 3),
        ("Acme Corp", "organization", 1, 1),
    ]
    row = rows[1].to_row()
    assert tuple(row) == SOURCE_COLUMNS and row["doc_ids"] == "b"
    out = io.StringIO()
    assert write_sources_csv(rows, out) == 2
    lines = out.getvalue().splitlines()
    assert lines[0] == ",".join(SOURCE_COLUMNS) and lines[1].startswith(",unnamed,,,,")
    with pytest.raises(TypeError, match="Result"):
        sources_table(["some text"])  # type: ignore[list-item]


def test_surname_beside_full_name_in_one_document_is_that_person() -> None:
    doc = _doc("a", ("Laura Chen", {"title": "Mayor"}, D), ("Chen", {}, IND), ("Chen", {}, D), ("Lee", {}, IND))
    rows = sources_table([doc])
    assert [(r.name, r.title, r.attributions) for r in rows] == [("Laura Chen", "Mayor", 3), ("Lee", None, 1)]


def test_gender_takes_the_stated_value() -> None:
    rows = sources_table([_doc("a", ("Ann Lee", {}, D)), _doc("b", ("Ann Lee", {}, D))])
    gender = rows[0].gender
    assert gender is None or gender == "unknown"  # nothing stated anywhere
    if "gender" in attrs_fields():
        docs = [_doc("a", ("Ann Lee", {}, D), ("Ann Lee", {}, IND)), _doc("b", ("Ann Lee", {"gender": "female"}, D))]
        assert sources_table(docs)[0].gender == "female"  # "unknown" yields to a stated gender


def attrs_fields() -> set[str]:
    import attrs

    return {f.name for f in attrs.fields(Speaker)}


@pytest.mark.pipeline
def test_sources_of_real_articles(extractor: quotattr.Extractor) -> None:
    names = ("render_article", "sources_article")
    results = [extractor((DATA / f"{n}.txt").read_text(encoding="utf-8"), doc_id=n) for n in names]
    rows = sources_table(results)
    by_name = {r.name: r for r in rows}
    assert by_name["Laura Chen"].documents == 2 and by_name["Laura Chen"].title == "Mayor"
    assert by_name["Ana Ruiz"].documents == 2
    assert "Tom Okoye" in by_name and by_name["Tom Okoye"].doc_ids == ("sources_article",)
    # every attribution with a named speaker is counted once, under its kind
    counted: Counter[str] = Counter()
    for r in rows:
        assert r.attributions == r.direct + r.indirect + r.mixed
        counted.update({"direct": r.direct, "indirect": r.indirect, "mixed": r.mixed})
    expected = Counter(a.kind.value for res in results for a in res.attributions if a.speaker is not None)
    assert +counted == +expected
    for r in rows:  # the fields are the speakers' own
        assert r.gender in {str(s.to_dict().get("gender")) for res in results for s in res.speakers} | {None}

    pandas = pytest.importorskip("pandas")
    frame = quotattr.sources_dataframe(results)
    assert isinstance(frame, pandas.DataFrame)
    assert list(frame.columns) == list(SOURCE_COLUMNS) and len(frame) == len(rows)
    assert frame["attributions"].dtype == "int64"
    assert isinstance(rows[0], Source)
