"""Lexicons load from data files and can be extended by users."""

from __future__ import annotations

from pathlib import Path

import pytest

from quotattr import Lexicons


def test_default_lexicons_hold_the_core_entries() -> None:
    lex = Lexicons.default()
    for lemma in ("say", "tell", "add", "explain", "warn", "claim", "reveal", "announce", "tweet", "deny", "imply"):
        assert lex.is_cue(lemma), lemma
    assert lex.ranks["Lie. Gen."] == "Lt. Gen."
    assert "chief of staff" in lex.titles
    assert "coalition" in lex.org_heads


def test_extend_adds_without_mutating_the_default() -> None:
    lex = Lexicons.default().extend(cues={"Opine": "speech"}, org_heads=["Junta"])
    assert lex.is_cue("opine") and "junta" in lex.org_heads
    assert not Lexicons.default().is_cue("opine")


def test_evidence_cues_are_on_and_can_be_dropped() -> None:
    lex = Lexicons.default()
    assert lex.is_cue("find") and lex.is_cue("show") and "evidence" in lex.cue_classes
    speech_only = lex.extend(cue_classes=lex.cue_classes - {"evidence"})
    assert not speech_only.is_cue("find") and speech_only.is_cue("say")


def test_with_cue_classes_turns_classes_on_without_mutating() -> None:
    lex = Lexicons.default()
    assert "learned" not in lex.cue_classes
    broad = lex.with_cue_classes("learned")
    assert broad.cue_classes == lex.cue_classes | {"learned"}
    assert "learned" not in lex.cue_classes
    assert broad.cues == lex.cues


def test_time_words_load_and_extend() -> None:
    lex = Lexicons.default()
    assert {"friday", "august", "last", "week"} <= lex.time_words
    assert "fortnight" in lex.extend(time_words=["Fortnight"]).time_words


def test_from_dir_overrides_one_file(tmp_path: Path) -> None:
    (tmp_path / "cues.tsv").write_text("# mine\nmumble\tspeech\n", encoding="utf-8")
    lex = Lexicons.from_dir(tmp_path)
    assert lex.is_cue("mumble") and not lex.is_cue("say")
    assert "spokesman" in lex.titles  # other files fall back to the defaults
    with pytest.raises(FileNotFoundError):
        Lexicons.from_dir(tmp_path / "missing")


def test_cue_lemma_falls_back_to_regular_inflection() -> None:
    lex = Lexicons.default()
    assert lex.cue_lemma("tweeted", "tweeted") == "tweet"
    assert lex.cue_lemma("admitted", "admitted") == "admit"
    assert lex.cue_lemma("say", "says") == "say"
    assert lex.cue_lemma("carried", "carried") is None


def test_gendered_words_load_and_extend() -> None:
    lex = Lexicons.default()
    assert lex.gendered["spokeswoman"] == "f" and lex.gendered["mr"] == "m"
    assert lex.extend(gendered={"Chairperson": "x"}).gendered["chairperson"] == "x"


def test_phrasal_cue_entries() -> None:
    lex = Lexicons.default()
    assert lex.phrasal_cue("point", "pointed", "out") == "point out"
    assert lex.phrasal_cue("pointed", "pointed", "out") == "point out"  # lemmatizer miss: the form is reduced
    assert lex.phrasal_cue("point", "pointed", "at") is None


def test_irregular_forms_reach_their_cue_lemma() -> None:
    lex = Lexicons.default()
    assert lex.cue_lemma("Said", "Said") == "say"  # a capitalised form the lemmatizer left alone
    assert lex.extend(irregular={"quoth": "say"}).cue_lemma("quoth", "quoth") == "say"


def test_abbreviations_are_the_period_words_of_ranks() -> None:
    abbr = Lexicons.default().abbreviations()
    assert {"Maj.", "Gen.", "Col.", "Lie.", "Sen.", "Dr."} <= abbr
    assert "Maj. Gen." not in abbr and "Sheikh" not in abbr
    assert "Brig." in Lexicons.default().extend(ranks={"Brig. Gen.": "Brig. Gen."}).abbreviations()
