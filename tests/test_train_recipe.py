"""Pure helpers of the training recipe (``quotattr.models.train``), on hand-written CoNLL-U."""

from __future__ import annotations

from pathlib import Path

from quotattr.models.train import (
    PARAGRAPH_COMMENTS,
    _conll_scores,
    _gum_mentions,
    _iob_spans,
    _ner_f1,
    dev_summary,
    dropout_args,
    gum_commercial,
    gum_ner_sentence,
    ner_known_words_arg,
    ner_warm_start_env,
    second_stage_arg,
)


def _conllu(rows: list[tuple[str, str, str, str]]) -> list[str]:
    """(word, UPOS, XPOS, MISC) rows -> CoNLL-U lines of one sentence."""
    return ["# sent_id = t-1"] + [
        f"{i}\t{w}\t{w.lower()}\t{u}\t{x}\t_\t0\tdep\t_\t{m}" for i, (w, u, x, m) in enumerate(rows, start=1)
    ]


# "The giant Elsevier told President Joe Biden of the Bank of England in Paris and the Americans"
SENT = _conllu(
    [
        ("The", "DET", "DT", "Entity=(1-organization-giv-nnnnn-cf1-3-coref-Elsevier"),
        ("giant", "NOUN", "NN", "_"),
        ("Elsevier", "PROPN", "NNP", "Entity=1)"),
        ("told", "VERB", "VBD", "_"),
        ("President", "PROPN", "NNP", "Entity=(2-person-new-nnnnn-cf2-1-coref-Joe_Biden"),
        ("Joe", "PROPN", "NNP", "_"),
        ("Biden", "PROPN", "NNP", "_"),
        ("of", "ADP", "IN", "_"),
        ("the", "DET", "DT", "Entity=(3-organization-new-nnnnn-cf3-1-coref"),
        ("Bank", "PROPN", "NNP", "_"),
        ("of", "ADP", "IN", "_"),
        ("England", "PROPN", "NNP", "Entity=(4-place-new-nnnnn-cf4-1-coref-England)3)2)"),
        ("in", "ADP", "IN", "_"),
        ("Paris", "PROPN", "NNP", "Entity=(5-place-new-nnnnn-cf5-1-coref-Paris)"),
        ("and", "CCONJ", "CC", "_"),
        ("the", "DET", "DT", "Entity=(6-person-new-nnnnn-cf6-1-coref"),
        ("Americans", "PROPN", "NNPS", "Entity=6)|SpaceAfter=No"),
        (".", "PUNCT", ".", "_"),
    ]
)


def test_gum_mentions_reads_nested_and_single_token_brackets() -> None:
    misc = [line.split("\t")[9] for line in SENT[1:]]
    assert sorted(_gum_mentions(misc)) == [
        (0, 2, "organization"),
        (4, 11, "person"),  # "President Joe Biden of the Bank of England"
        (8, 11, "organization"),
        (11, 11, "place"),
        (13, 13, "place"),
        (15, 16, "person"),
    ]


def _entities(sent: list[str], **kw: frozenset[str]) -> list[tuple[str, str]]:
    tagged = gum_ner_sentence(sent, **kw)
    words = [w for w, _ in tagged]
    return sorted((" ".join(words[a:b]), label) for a, b, label in _iob_spans([t for _, t in tagged]))


def test_gum_ner_sentence_keeps_named_cores_only() -> None:
    spans = _entities(SENT, prefixes=frozenset({"president"}), places=frozenset({"Paris"}))
    # the person's name stops where the organization mention inside its mention starts, and
    # "President" stays outside; the organization keeps its "of England" (the nested place loses to
    # the longer name); "Americans" (NNPS alone) is no entity; "The giant" is left outside "Elsevier"
    assert spans == [
        ("Bank of England", "ORG"),
        ("Elsevier", "ORG"),
        ("Joe Biden", "PER"),
        ("Paris", "LOC"),
    ]


def test_gum_ner_sentence_turns_a_country_acting_as_organization_into_loc() -> None:
    sent = _conllu(
        [
            ("Tunisia", "PROPN", "NNP", "Entity=(1-organization-new-nnnnn-cf1-1-coref-Tunisia)"),
            ("protested", "VERB", "VBD", "_"),
        ]
    )
    assert gum_ner_sentence(sent, places=frozenset({"Tunisia"})) == [("Tunisia", "B-LOC"), ("protested", "O")]
    assert gum_ner_sentence(sent) == [("Tunisia", "B-ORG"), ("protested", "O")]


def test_gum_ner_sentence_keeps_names_with_verbs_dashes_and_conjunctions() -> None:
    # GUM tags "United" VERB; dashes join name parts; "and" inside one organization's name
    sent = _conllu(
        [
            ("The", "DET", "DT", "Entity=(1-organization-giv-nnnnn-cf1-3-coref-United_Nations"),
            ("United", "VERB", "NNP", "_"),
            ("Nations", "PROPN", "NNPS", "Entity=1)"),
            ("thanked", "VERB", "VBD", "_"),
            ("Claire", "PROPN", "NNP", "Entity=(2-person-new-nnnnn-cf2-3-coref-Claire_Bailey-Ross"),
            ("Bailey", "PROPN", "NNP", "SpaceAfter=No"),
            ("-", "PUNCT", "HYPH", "SpaceAfter=No"),
            ("Ross", "PROPN", "NNP", "Entity=2)"),
            ("of", "ADP", "IN", "_"),
            ("the", "DET", "DT", "Entity=(3-organization-new-nnnnn-cf3-5-coref"),
            ("National", "PROPN", "NNP", "_"),
            ("Aeronautics", "PROPN", "NNPS", "_"),
            ("and", "CCONJ", "CC", "_"),
            ("Space", "PROPN", "NNP", "_"),
            ("Administration", "PROPN", "NNP", "Entity=3)"),
        ]
    )
    assert _entities(sent) == [
        ("Claire Bailey - Ross", "PER"),
        ("National Aeronautics and Space Administration", "ORG"),
        ("United Nations", "ORG"),
    ]


def test_gum_ner_sentence_keeps_coordinated_names_apart() -> None:
    # "Poland and Sweden" is one place mention holding two: each is its own entity
    sent = _conllu(
        [
            ("Poland", "PROPN", "NNP", "Entity=(1-place-new-nnnnn-cf1-3-coref(2-place-new-nnnnn-cf2-1-coref-Poland)"),
            ("and", "CCONJ", "CC", "_"),
            ("Sweden", "PROPN", "NNP", "Entity=(3-place-new-nnnnn-cf3-1-coref-Sweden)1)"),
        ]
    )
    assert _entities(sent) == [("Poland", "LOC"), ("Sweden", "LOC")]


def test_gum_ner_sentence_leaves_titles_and_leading_mentions_outside_a_person() -> None:
    prefixes = frozenset({"president", "minister"})
    sent = _conllu(
        [
            ("U.S.", "PROPN", "NNP", "Entity=(1-person-new-nnnnn-cf1-4-coref-Trump(2-place-new-nnnnn-cf2-1-coref-US)"),
            ("President", "PROPN", "NNP", "_"),
            ("Donald", "PROPN", "NNP", "_"),
            ("Trump", "PROPN", "NNP", "Entity=1)"),
            ("met", "VERB", "VBD", "_"),
            ("Civic", "PROPN", "NNP", "Entity=(3-person-new-nnnnn-cf3-5-coref(4-organization-new-nnnnn-cf4-2-coref"),
            ("Party", "PROPN", "NNP", "Entity=4)"),
            ("'s", "PART", "POS", "_"),
            ("Jeremy", "PROPN", "NNP", "_"),
            ("Tam", "PROPN", "NNP", "Entity=3)"),
            (",", "PUNCT", ",", "_"),
            ("Prime", "ADJ", "JJ", "Entity=(5-person-new-nnnnn-cf5-4-coref-John_Key"),
            ("Minister", "PROPN", "NNP", "_"),
            ("John", "PROPN", "NNP", "_"),
            ("Key", "PROPN", "NNP", "Entity=5)"),
            ("and", "CCONJ", "CC", "_"),
            ("the", "DET", "DT", "Entity=(6-person-new-nnnnn-cf6-3-coref"),
            ("Vice", "PROPN", "NNP", "_"),
            ("President", "PROPN", "NNP", "Entity=6)"),
        ]
    )
    assert _entities(sent, prefixes=prefixes) == [
        ("Civic Party", "ORG"),
        ("Donald Trump", "PER"),
        ("Jeremy Tam", "PER"),
        ("John Key", "PER"),
        ("U.S.", "LOC"),
    ]


def test_iob_spans_reads_iob2_and_bioes() -> None:
    assert _iob_spans(["B-PER", "I-PER", "O", "S-LOC", "B-ORG", "E-ORG", "I-LOC"]) == {
        (0, 2, "PER"),
        (3, 4, "LOC"),
        (4, 6, "ORG"),
        (6, 7, "LOC"),
    }


def test_ner_f1_gives_each_type_and_the_micro_f1_over_all_of_them() -> None:
    gold = [["B-PER", "I-PER", "O", "S-ORG"], ["B-LOC", "O", "B-ORG"]]
    pred = [["B-PER", "I-PER", "O", "S-LOC"], ["B-LOC", "O", "B-PER"]]
    # PER 1 right of 1 gold / 2 predicted, ORG 0 of 2, LOC 1 of 1 / 2; all: 2 right, 4 gold, 4 predicted
    assert _ner_f1(gold, pred) == {"per_f1": 66.67, "org_f1": 0.0, "loc_f1": 66.67, "all_f1": 50.0}
    assert _ner_f1([["O"]], [["S-PER"]]) == {}


def test_seed_check_allows_a_generational_suffix_outside_the_entity() -> None:
    from quotattr.models.train import _without_suffix

    assert _without_suffix("Myles Caggins III") == "Myles Caggins"
    assert _without_suffix("Sirwan Barzani") == "Sirwan Barzani"
    assert _without_suffix("Jr. Smith") == "Jr. Smith"


def test_gum_commercial_keeps_licensed_genres_and_the_asked_comments(tmp_path: Path) -> None:
    doc = [
        "# newdoc id = GUM_news_a",
        "# newpar",
        "# sent_id = GUM_news_a-1",
        "# text = Hi.",
        "# s_type = frag",
        "1\tHi\thi\tINTJ\tUH\t_\t0\troot\t_\tSpaceAfter=No",
        "2\t.\t.\tPUNCT\t.\t_\t1\tpunct\t_\t_",
        "",
        "# sent_id = GUM_news_a-2",
        "# text = Bye",
        "1\tBye\tbye\tINTJ\tUH\t_\t0\troot\t_\t_",
        "",
        "# newdoc id = GUM_whow_b",
        "# sent_id = GUM_whow_b-1",
        "# text = No",
        "1\tNo\tno\tINTJ\tUH\t_\t0\troot\t_\t_",
        "",
    ]
    path = tmp_path / "gum.conllu"
    path.write_text("\n".join(doc) + "\n", encoding="utf-8")
    slim = list(gum_commercial(path))
    assert [s[0] for s in slim] == ["# sent_id = GUM_news_a-1", "# sent_id = GUM_news_a-2"]  # whow left out
    assert not any(ln.startswith(("# newdoc", "# newpar", "# s_type")) for s in slim for ln in s)
    paragraphs = list(gum_commercial(path, PARAGRAPH_COMMENTS))
    assert paragraphs[0][:2] == ["# newdoc id = GUM_news_a", "# newpar"]
    assert not any(ln.startswith("# s_type") for s in paragraphs for ln in s)
    assert len(paragraphs) == 2


def test_conll_scores_read_the_dev_table_not_the_test_table() -> None:
    log = "\n".join(
        [
            "2026-11-24 07:26:39 INFO: Finished running dev set on",
            "UD_English-EWT",
            "   Tokens Sentences     Words",
            "    99.41     89.78     99.11",
            "2026-11-24 07:26:39 INFO: Running test step with args: ['--mode', 'predict']",
            "2026-11-24 07:26:44 INFO: Finished running test set on",
            "UD_English-EWT",
            "   Tokens Sentences     Words",
            "    99.18     88.52     99.00",
        ]
    )
    assert _conll_scores(log, ("Tokens", "Sentences", "Words")) == {"Tokens": 99.41, "Sentences": 89.78, "Words": 99.11}


def test_ner_lr_and_dropout_reach_a_finetuned_model(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    # stanza's --finetune rebuilds the model and Adam from the loaded model's saved arguments (lr 1e-3,
    # dropout 0.5, word dropout 0.01), whatever the command line says; the runner resets them
    from stanza.models.common.pretrain import Pretrain
    from stanza.models.ner import trainer as ner_trainer
    from torch import nn

    from quotattr.models.fastbilinear import install_ner_warm_start
    from quotattr.nlp import BUNDLED_DIR

    monkeypatch.setattr(ner_trainer.Trainer, "__init__", ner_trainer.Trainer.__init__)  # restored after
    pretrain = Pretrain(str(BUNDLED_DIR / "pretrain.pt"))
    model_file = str(BUNDLED_DIR / "ner.pt")
    plain = ner_trainer.Trainer(model_file=model_file, pretrain=pretrain, device="cpu")
    rates = {m.p for m in plain.model.modules() if isinstance(m, nn.Dropout)}
    assert rates == {0.5} and plain.model.worddrop.dropprob == 0.01  # what stanza alone keeps

    install_ner_warm_start(lr=3e-4, dropout=0.25, word_dropout=0.1)
    trainer = ner_trainer.Trainer(model_file=model_file, pretrain=pretrain, device="cpu")
    assert [g["lr"] for g in trainer.optimizer.param_groups] == [3e-4] * len(trainer.optimizer.param_groups)
    assert {m.p for m in trainer.model.modules() if isinstance(m, nn.Dropout)} == {0.25}
    assert trainer.model.worddrop.dropprob == 0.1
    assert (trainer.args["lr"], trainer.args["dropout"], trainer.args["word_dropout"]) == (3e-4, 0.25, 0.1)


def test_ner_warm_start_env_carries_only_what_was_asked() -> None:
    import argparse

    opts = argparse.Namespace(ner_lr=5e-4, ner_dropout=0.25, ner_word_dropout=None)
    assert ner_warm_start_env(opts) == {"QUOTATTR_NER_LR": "0.0005", "QUOTATTR_NER_DROPOUT": "0.25"}


def test_second_stage_flag_is_one_stanzas_parser_reads() -> None:
    # --depparse-second-stage-at passes stanza's own option through; stanza's default is step 10,000
    from stanza.models.parser import build_argparse

    assert second_stage_arg(None) == []
    args = build_argparse().parse_args(second_stage_arg(5000))
    assert args.second_optim_start_step == 5000
    assert args.second_optim == "adam"  # the optimizer it switches to: on by default


def test_dropout_flags_are_ones_stanzas_tagger_and_parser_read() -> None:
    # --pos-dropout / --depparse-dropout (and the word-dropout twins) pass through to stanza
    from stanza.models.parser import build_argparse as parser_args
    from stanza.models.tagger import build_argparse as tagger_args

    assert dropout_args(None, None) == []
    for build in (tagger_args, parser_args):
        args = build().parse_args(dropout_args(0.25, 0.1))
        assert (args.dropout, args.word_dropout) == (0.25, 0.1)
        defaults = build().parse_args(dropout_args(None, None))
        assert (defaults.dropout, defaults.word_dropout) == (0.5, 0.33)  # what the flags override
    from stanza.models.ner_tagger import build_argparse as ner_args

    assert ner_args().parse_args(dropout_args(0.25, None)).dropout == 0.25  # --ner-dropout
    assert ner_args().parse_args(dropout_args(None, 0.1)).word_dropout == 0.1  # --ner-word-dropout
    assert ner_args().parse_args([]).word_dropout == 0.01
    assert ner_args().parse_args(ner_known_words_arg(True)).emb_finetune_known_only  # --ner-known-words-only
    assert not ner_args().parse_args(ner_known_words_arg(False)).emb_finetune_known_only


def test_unknown_eval_part_is_refused_before_any_stage_runs(tmp_path: Path) -> None:
    import pytest

    from quotattr.models.train import main

    out = tmp_path / "work"
    with pytest.raises(SystemExit, match="--eval-parts: unknown tset"):
        main(["--out", str(out), "--stage", "evaluate", "--eval-parts", "tagparse,tset"])
    assert not out.exists()  # nothing was started


def test_manifest_scores_carry_the_test_check_next_to_the_dev_scores() -> None:
    from quotattr.models.train import manifest_scores

    tags = {"upos": 95.8, "xpos": 95.2, "ufeats": 95.9, "alltags": 93.5, "lemmas": 95.6}
    parse = {"las_predicted_tags": 85.3, "uas": 88.4, "mlas": 76.0, "blex": 76.8}
    ev = {"recorded": "t", "tagparse_ewt_dev": {**tags, **parse}}
    dev_only = manifest_scores(ev)
    assert "ewt_test_upos" not in dev_only["pos"] and dev_only["depparse"]["las_predicted_tags"] == 85.3
    ev["tagparse_ewt_test"] = {**tags, "upos": 96.0, **parse, "las_predicted_tags": 85.9}
    both = manifest_scores(ev)
    assert (both["pos"]["upos"], both["pos"]["ewt_test_upos"]) == (95.8, 96.0)
    assert both["depparse"]["ewt_test_las_predicted_tags"] == 85.9


def test_dev_summary_names_the_best_score_and_the_tail() -> None:
    # a stage keeps its best model, which need not be among the last evaluations
    curve = [0.8052, 0.8159, 0.8139, 0.8130, 0.8111]
    assert dev_summary(curve) == {"best_dev": 0.8159, "dev_curve_tail": [0.8139, 0.8130, 0.8111]}
    assert dev_summary([]) == {"best_dev": None, "dev_curve_tail": []}


def test_ner_patience_reaches_stanzas_trainer() -> None:
    from stanza.models import ner_tagger

    from quotattr.models.train import build_parser, patience_arg

    opts = build_parser().parse_args(["--out", "w", "--stage", "ner", "--ner-patience-steps", "8500"])
    assert opts.ner_patience_steps == 8500 and patience_arg(None) == []
    args = ner_tagger.parse_args([*patience_arg(opts.ner_patience_steps), "--mode", "train"])
    assert args["max_steps_no_improve"] == 8500
