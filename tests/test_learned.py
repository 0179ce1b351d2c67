"""The learned attribution tagger: pure functions, the model's digest check, and the sieve through
the real pipeline on sentences written for these tests."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from quotattr.learned import DATA_DIR, LearnedModelError, load_model
from quotattr.learned.tagger import CUE_TAGS, ROLE_TAGS, decode_bio, spans_of
from quotattr.models.attrtrain import gold_attributions, shuffled


def test_decode_bio_never_opens_with_inside() -> None:
    # the best unconstrained tags would be I-CUE, I-CUE: the decoder must open the span with B-CUE
    lp = [[-5.0, -1.0, -0.1], [-5.0, -3.0, -0.1]]
    assert decode_bio(lp, CUE_TAGS) == ["B-CUE", "I-CUE"]


def test_decode_bio_does_not_continue_another_type() -> None:
    # O B-SRC I-CON is not allowed: I-CON needs B-CON or I-CON before it
    lp = [[-0.1, -5, -5, -5, -5], [-5, -0.1, -5, -5, -5], [-5, -5, -2.0, -5, -0.1]]
    labels = decode_bio(lp, ROLE_TAGS)
    assert labels[2] != "I-CON" or labels[1] in ("B-CON", "I-CON")


def test_spans_of_reads_bio_runs() -> None:
    labels = ["O", "B-SRC", "I-SRC", "O", "B-CON", "I-CON", "I-CON", "B-CON"]
    assert spans_of(labels) == {"SRC": [(1, 2)], "CON": [(4, 6), (7, 7)]}
    assert spans_of([]) == {}


def test_gold_attributions_reads_brat_events() -> None:
    ann = "\n".join(
        [
            "T1\tSource 0 3\tAda",
            "T2\tCue 4 8\tsaid",
            "T3\tContent 9 20;25 30\tit was late and",
            "T4\tAttribution 4 8\tsaid",
            "E1\tAttribution:T4 Source:T1 Cue:T2 Content:T3",
            "T5\tCue 40 44\tsaid",
            "T6\tContent 45 50\tlater",
            "T7\tAttribution 40 44\tsaid",
            "E2\tAttribution-no-source:T7 Cue:T5 Content:T6",
        ]
    )
    assert gold_attributions(ann) == [
        (((4, 8),), ((0, 3),), ((9, 20), (25, 30))),
        (((40, 44),), (), ((45, 50),)),
    ]


def test_shuffled_is_a_fixed_order() -> None:
    names = [f"doc{i}" for i in range(20)]
    assert shuffled(names) == shuffled(list(reversed(names)))
    assert sorted(shuffled(names)) == sorted(names)


def test_manifest_digest_matches_the_shipped_file() -> None:
    manifest = json.loads((DATA_DIR / "manifest.json").read_text(encoding="utf-8"))
    entry = manifest["files"]["attr.pt"]
    assert (DATA_DIR / "attr.pt").stat().st_size == entry["size"] <= 3 * 1024 * 1024
    assert "PolNeAR" in manifest["trained_on"]


def test_a_changed_model_file_is_refused(tmp_path: Path) -> None:
    for name in ("attr.pt", "manifest.json"):
        shutil.copy(DATA_DIR / name, tmp_path / name)
    with (tmp_path / "attr.pt").open("ab") as fh:
        fh.write(b"\0")
    with pytest.raises(LearnedModelError, match="SHA-256"):
        load_model(tmp_path)
    with pytest.raises(LearnedModelError, match="missing"):
        load_model(tmp_path / "nowhere")


@pytest.mark.pipeline
def test_learned_additions_are_opt_in(extractor) -> None:  # type: ignore[no-untyped-def]
    from quotattr.attribute import attribute
    from quotattr.sieves.learned import LEARNED_CLASS

    text = "Mayor Lena Ortiz believes the harbour plan will create hundreds of jobs."
    doc = extractor.annotate(text)
    assert attribute(doc, extractor.lexicons, text=text).attributions == ()  # a belief is no quote by default
    broad = extractor.lexicons.extend(cue_classes=extractor.lexicons.cue_classes | {LEARNED_CLASS})
    # the default two-pass pipeline leaves this sentence unparsed ("believe" is no rule cue): the
    # tagger reads parses, so it skips such a sentence rather than guess
    assert attribute(doc, broad, text=text).attributions == ()
    full = extractor.parse
    try:
        extractor.parse = "all"  # what an Extractor with the class on does by itself (parse="auto")
        doc = extractor.annotate(text)
    finally:
        extractor.parse = full
    (a,) = attribute(doc, broad, text=text).attributions
    assert a.sieve == "learned"
    assert a.cue is not None and a.cue.span.text == "believes"
    assert a.content[0].text == "the harbour plan will create hundreds of jobs"
    assert a.speaker is not None and a.speaker.name == "Lena Ortiz"
    assert 0 < a.confidence < 1


@pytest.mark.pipeline
def test_learned_class_re_bounds_reported_speech_to_polnear_conventions(extractor) -> None:  # type: ignore[no-untyped-def]
    from quotattr.attribute import attribute
    from quotattr.sieves.learned import LEARNED_CLASS

    text = "Governor Paul Hayes said that the state would hire 500 new teachers next year."
    doc = extractor.annotate(text)
    broad = extractor.lexicons.extend(cue_classes=extractor.lexicons.cue_classes | {LEARNED_CLASS})
    (a,) = attribute(doc, broad, text=text).attributions
    assert a.sieve == "indirect"  # the rule found it; the tagger may only move its boundaries
    assert a.content[0].text.startswith("the state would hire 500 new teachers")  # never a leading "that"
    assert a.mention is not None and "Paul Hayes" in a.mention.text


@pytest.mark.pipeline
def test_learned_sieve_leaves_direct_quotes_to_the_rules(extractor) -> None:  # type: ignore[no-untyped-def]
    from quotattr.attribute import attribute
    from quotattr.sieves.learned import LEARNED_CLASS

    text = "“We will rebuild the pier before winter,” Mayor Lena Ortiz told reporters on Friday."
    broad = extractor.lexicons.extend(cue_classes=extractor.lexicons.cue_classes | {LEARNED_CLASS})
    for lex in (extractor.lexicons, broad):
        result = attribute(extractor.annotate(text), lex, text=text)
        assert [a.sieve for a in result.attributions] == ["direct_trailing"]
        assert result.attributions[0].speaker is not None
        assert result.attributions[0].speaker.name == "Lena Ortiz"
