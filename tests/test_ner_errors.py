"""benchmarks.ner_errors: the error categories on hand-built entities, and a run of the bundled
tagger on a small gold file."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.ner_errors import breakdowns, classify, main


def test_exact_matches_are_not_errors() -> None:
    gold = {(0, 2, "ORG"), (4, 5, "PER")}
    assert classify(gold, set(gold), "ORG") == []
    assert classify(gold, set(gold), "PER") == []


def test_boundary_error_is_counted_once_from_the_gold_side() -> None:
    gold = {(0, 3, "ORG")}
    pred = {(1, 3, "ORG")}
    assert classify(gold, pred, "ORG") == [("boundary", (0, 3, "ORG"))]


def test_other_type_missed_and_spurious() -> None:
    gold = {(0, 2, "ORG"), (5, 6, "ORG"), (8, 9, "LOC")}
    pred = {(0, 2, "LOC"), (8, 9, "ORG"), (10, 11, "ORG")}
    assert classify(gold, pred, "ORG") == [
        ("as LOC", (0, 2, "ORG")),
        ("missed", (5, 6, "ORG")),
        ("spurious on LOC", (8, 9, "ORG")),
        ("spurious", (10, 11, "ORG")),
    ]
    # the same sentence seen from LOC: the gold LOC went to ORG, the predicted LOC sits on an ORG
    assert classify(gold, pred, "LOC") == [("as ORG", (8, 9, "LOC")), ("spurious on ORG", (0, 2, "LOC"))]


def test_breakdowns_reads_bioes_and_drops_misc() -> None:
    words = [["The", "Bank", "of", "Canada", "said", "Tuesday", "in", "Ottawa", "."]]
    gold = [["O", "B-ORG", "I-ORG", "E-ORG", "O", "O", "O", "S-LOC", "O"]]
    pred = [["O", "O", "O", "S-LOC", "O", "S-MISC", "O", "B-LOC", "O"]]
    b = breakdowns(words, gold, pred)
    assert (b["ORG"].gold, b["ORG"].pred, b["ORG"].right) == (1, 0, 0)
    assert b["ORG"].categories == {"as LOC": 1}
    assert (b["LOC"].gold, b["LOC"].pred, b["LOC"].right) == (1, 2, 1)
    assert b["LOC"].categories == {"spurious on ORG": 1}
    assert b["LOC"].f1() == pytest.approx(200 / 3)
    assert b["PER"].f1() == 0.0  # no PER at all: F1 is 0, not a division error


def test_main_runs_the_bundled_tagger(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rows = [
        ("Angela", "B-PER"),
        ("Merkel", "I-PER"),
        ("met", "O"),
        ("Microsoft", "B-ORG"),
        ("executives", "O"),
        ("in", "O"),
        ("Berlin", "B-LOC"),
        (".", "O"),
    ]
    bio = tmp_path / "tiny.dev.bio"
    bio.write_text("".join(f"{w}\t{t}\n" for w, t in rows) + "\n", encoding="utf-8")
    assert main([str(bio), "--type", "PER", "--type", "LOC", "--examples", "2"]) == 0
    out = capsys.readouterr().out
    assert "tiny.dev.bio PER: gold 1, predicted 1, right 1, F1 100.00" in out
    assert "tiny.dev.bio LOC: gold 1" in out
    assert "ORG:" not in out
