"""Value types: validation, immutability and lossless JSON (hand-built values)."""

from __future__ import annotations

import json

import attrs
import pytest

from quotattr import Attribution, Cue, QuoteKind, Result, Span, Speaker, SpeakerKind

TEXT = "“We will win,” Jane Doe told reporters."


def _result() -> Result:
    jane = Speaker(
        "S1", name="Jane Doe", kind=SpeakerKind.PERSON, title="spokeswoman", mentions=(Span.of(TEXT, 15, 23),)
    )
    att = Attribution(
        content=(Span.of(TEXT, 0, 14),),
        kind=QuoteKind.DIRECT,
        cue=Cue(Span.of(TEXT, 24, 28), "tell"),
        speaker=jane,
        mention=Span.of(TEXT, 15, 23),
        addressee=Span.of(TEXT, 29, 38),
        confidence=0.9,
        sieve="direct_trailing",
    )
    return Result(text=TEXT, attributions=(att,), speakers=(jane,), doc_id="d1")


def test_span_checks_its_text() -> None:
    assert Span.of(TEXT, 15, 23).text == "Jane Doe"
    with pytest.raises(ValueError):
        Span(0, 3, "ab")
    with pytest.raises(ValueError):
        Span(5, 3, "")
    with pytest.raises(ValueError):
        Span.of(TEXT, 0, 999)


def test_types_are_frozen_and_slotted() -> None:
    r = _result()
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        r.attributions[0].confidence = 0.1  # type: ignore[misc]
    assert not hasattr(r.attributions[0], "__dict__")


def test_confidence_and_content_are_validated() -> None:
    with pytest.raises(ValueError):
        Attribution(content=(Span.of(TEXT, 0, 14),), kind="direct", confidence=1.5)
    with pytest.raises(ValueError):
        Attribution(content=(), kind="direct")
    with pytest.raises(ValueError):
        Attribution(content=(Span.of(TEXT, 0, 14),), kind="hearsay")


def test_json_round_trip_is_lossless_and_keeps_shared_speakers() -> None:
    r = _result()
    data = json.loads(json.dumps(r.to_dict()))
    again = Result.from_dict(data)
    assert again.to_dict() == r.to_dict()
    assert again.attributions[0].speaker is again.speakers[0]
    no_text = r.to_dict(include_text=False)
    assert "text" not in no_text
    assert Result.from_dict(no_text, text=TEXT).to_dict() == r.to_dict()
    with pytest.raises(ValueError):
        Result.from_dict(no_text)


def test_unknown_speaker_reference_is_an_error() -> None:
    data = _result().to_dict()
    data["attributions"][0]["speaker"] = "S9"
    with pytest.raises(ValueError, match="unknown speaker"):
        Result.from_dict(data)


def test_output_matches_the_published_json_schema() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    from pathlib import Path

    schema = json.loads((Path(__file__).parent.parent / "docs" / "schema.json").read_text(encoding="utf-8"))
    jsonschema.validate(_result().to_dict(), schema)
    jsonschema.validate(Result(text="").to_dict(), schema)
