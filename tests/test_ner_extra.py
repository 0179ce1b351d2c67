"""The extra open NER data (``quotattr.models.nerextra``, the recipe's ``nerextra`` stage): one test
per source on a hand-written sentence in that source's own format, then the stage on a hand-made
work directory, then (when ``../shared`` is there) every source of the real folder."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from quotattr.models.nerextra import (
    EXTRA_SOURCES,
    curly_apostrophes,
    drop_misc,
    entity_counts,
    merge_clitics,
    named_core,
    read_btc,
    read_crossner,
    read_extra,
    read_re3d,
    read_redocred,
    read_sec,
    read_wikigold,
    read_wnut17,
    sample_extra,
    to_iob2,
)
from quotattr.models.train import build_parser, newswire_misc_names, prepare_ner_extra, tokenizer_forms

SHARED_EXTRA = Path(__file__).resolve().parents[2] / "shared" / "data" / "ner-extra"
TITLES = frozenset({"foreign", "secretary", "minister", "president"})


def _tags(sent: list[tuple[str, str]]) -> list[str]:
    return [t for _, t in sent]


def test_to_iob2_opens_an_entity_where_io_tags_change_type_or_follow_o() -> None:
    sent = [("a", "I-ORG"), ("b", "I-ORG"), ("c", "I-PER"), ("d", "O"), ("e", "I-ORG"), ("f", "B-ORG")]
    assert _tags(to_iob2(sent, {"ORG": "ORG", "PER": "PER"})) == ["B-ORG", "I-ORG", "B-PER", "O", "B-ORG", "B-ORG"]
    assert _tags(to_iob2([("x", "B-MISC"), ("y", "I-MISC")], {"ORG": "ORG"})) == ["O", "O"]


def test_wikigold_io_tags_become_iob2_and_misc_goes() -> None:
    lines = """-DOCSTART- O

The I-ORG
Mudlarks I-ORG
toured O
Norway I-LOC
with O
Danish I-MISC
singer O
Kari I-PER
Holm I-PER
. O
""".splitlines()
    (sent,) = read_wikigold(lines)
    assert sent == [
        ("The", "B-ORG"),
        ("Mudlarks", "I-ORG"),
        ("toured", "O"),
        ("Norway", "B-LOC"),
        ("with", "O"),
        ("Danish", "O"),
        ("singer", "O"),
        ("Kari", "B-PER"),
        ("Holm", "I-PER"),
        (".", "O"),
    ]


def test_sec_filing_columns_word_pos_dash_tag() -> None:
    lines = """-DOCSTART- -X- O O

This DT - O
LOAN NN - O
between IN - O
Harbour NNP - I-ORG
Trust NNP - I-ORG
Bank NNP - I-ORG
and CC - O
Jane NNP - I-PER
Roe NNP - I-PER

of IN - O
Ohio NNP - I-LOC
""".splitlines()
    first, second = read_sec(lines)
    assert _tags(first) == ["O", "O", "O", "B-ORG", "I-ORG", "I-ORG", "O", "B-PER", "I-PER"]
    assert second == [("of", "O"), ("Ohio", "B-LOC")]


def test_btc_tweet_keeps_names_and_drops_user_handles() -> None:
    lines = "RT\tO\n@\tB-ORG\nnewsdesk_x\tB-ORG\n:\tO\nOxfam\tB-ORG\nstaff\tO\nin\tO\nNew\tB-LOC\nDelhi\tI-LOC\n"
    lines = lines.splitlines()
    (sent,) = read_btc(lines)
    assert _tags(sent) == ["O", "O", "O", "O", "B-ORG", "O", "O", "B-LOC", "I-LOC"]


def test_wnut17_corporation_and_group_are_org_products_are_not() -> None:
    lines = (
        "my\tO\nFizzco\tB-corporation\nphone\tO\nand\tO\nthe\tO\nGlass\tB-group\nOwls\tI-group\n"
        "on\tO\nPhonex\tB-product\n9\tI-product\nwith\tO\nsam\tB-person\nin\tO\nleeds\tB-location\n"
    ).splitlines()
    (sent,) = read_wnut17(lines)
    assert _tags(sent) == [
        "O", "B-ORG", "O", "O", "O", "B-ORG", "I-ORG", "O", "O", "O", "O", "B-PER", "O", "B-LOC",
    ]  # fmt: skip


def test_crossner_fine_types_map_to_per_org_loc() -> None:
    lines = (
        "The\tO\nGreen\tB-politicalparty\nLeague\tI-politicalparty\nof\tI-politicalparty\nFinland\tI-politicalparty\n"
        "leader\tO\nAnna\tB-politician\nVirta\tI-politician\nwon\tO\nthe\tO\n2019\tB-election\nFinnish\tI-election\n"
        "election\tI-election\nin\tO\nFinland\tB-country\n,\tO\nsays\tO\nthe\tO\nUniversity\tB-university\nof\tI-university\n"
        "Turku\tI-university\n"
    ).splitlines()
    (sent,) = read_crossner(lines)
    assert _tags(sent) == [
        "O", "B-ORG", "I-ORG", "I-ORG", "I-ORG", "O", "B-PER", "I-PER", "O", "O", "O", "O", "O", "O",
        "B-LOC", "O", "O", "O", "B-ORG", "I-ORG", "I-ORG",
    ]  # fmt: skip


def test_named_core_keeps_names_drops_nominals_and_refuses_mixtures() -> None:
    assert named_core(["the", "UK"], "ORG") == (1, 2)
    assert named_core(["the", "Government", "of", "Iraq"], "ORG") == (1, 4)
    assert named_core(["the", "regime"], "ORG") is None
    assert named_core(["We"], "ORG") is None
    assert named_core(["U.S.", "service", "members"], "ORG") is False
    assert named_core(["the", "Foreign", "Secretary", "Tom", "Vale"], "PER", TITLES) == (3, 5)
    assert named_core(["the", "Foreign", "Minister"], "PER", TITLES) is None


def test_re3d_keeps_named_cores_and_leaves_out_mixed_sentences() -> None:
    lines = (
        "the\tB-Organisation\nUK\tI-Organisation\nand\tO\nthe\tB-Organisation\nregime\tI-Organisation\n"
        "met\tO\nForeign\tB-Person\nSecretary\tI-Person\nTom\tI-Person\nVale\tI-Person\nin\tO\n"
        "Mosul\tB-Location\non\tO\nMonday\tB-Temporal\n\n"
        "U.S.\tB-Organisation\nservice\tI-Organisation\nmembers\tI-Organisation\nleft\tO\n"
    ).splitlines()
    (sent,) = read_re3d(lines, TITLES)
    assert _tags(sent) == [
        "O", "B-ORG", "O", "O", "O", "O", "O", "O", "B-PER", "I-PER", "O", "B-LOC", "O", "O",
    ]  # fmt: skip


def test_redocred_vertex_set_becomes_iob2_per_sentence() -> None:
    doc = {
        "title": "t",
        "sents": [["Ann", "Lee", "joined", "Orbex", "Ltd", "in", "Oslo", "."], ["Lee", "left", "in", "1999", "."]],
        "vertexSet": [
            [
                {"name": "Ann Lee", "pos": [0, 2], "sent_id": 0, "type": "PER"},
                {"name": "Lee", "pos": [0, 1], "sent_id": 1, "type": "PER"},
            ],
            [{"name": "Orbex Ltd", "pos": [3, 5], "sent_id": 0, "type": "ORG"}],
            [{"name": "Oslo", "pos": [6, 7], "sent_id": 0, "type": "LOC"}],
            [{"name": "1999", "pos": [3, 4], "sent_id": 1, "type": "TIME"}],
        ],
        "labels": [],
    }
    first, second = read_redocred(json.dumps([doc]))
    assert _tags(first) == ["B-PER", "I-PER", "O", "B-ORG", "I-ORG", "O", "B-LOC", "O"]
    assert _tags(second) == ["B-PER", "O", "O", "O", "O"]


def test_drop_misc_follows_the_newswire_convention_for_demonyms() -> None:
    misc = newswire_misc_names(
        [[("American", "B-MISC"), ("troops", "O")], [("Jordan", "B-PER")], [("Jordan", "B-MISC"), ("River", "O")]]
    )
    assert misc == frozenset({"American"})
    sent = [("American", "B-LOC"), ("and", "O"), ("Jordan", "B-PER")]
    assert _tags(drop_misc(sent, misc)) == ["O", "O", "B-PER"]


def test_sample_extra_caps_with_a_fixed_seed() -> None:
    sents = [[(str(i), "O")] for i in range(10)]
    assert sample_extra(sents, 20) == sents
    picked = sample_extra(sents, 4)
    assert len(picked) == 4 and picked == sample_extra(sents, 4)
    assert entity_counts([[("A", "B-ORG"), ("B", "I-ORG"), ("C", "B-ORG")]]) == {"LOC": 0, "ORG": 2, "PER": 0}


def _json_sents(sents: list[list[tuple[str, str]]]) -> str:
    return json.dumps([[{"text": w, "ner": t} for w, t in s] for s in sents])


def test_nerextra_stage_adds_capped_extra_data_and_keeps_the_news_dev(tmp_path: Path) -> None:
    pytest.importorskip("stanza")
    from quotattr.models.train import Work

    shared = tmp_path / "shared"
    extra = shared / "data" / "ner-extra"
    (extra / "wikigold/CONLL-format/data").mkdir(parents=True)
    (extra / "wikigold/CONLL-format/data/wikigold.conll.txt").write_text(
        "".join(f"Acme{i} I-ORG\nsold O\n\n" for i in range(5)), encoding="utf-8"
    )
    (extra / "BTC/CONLL-format/data").mkdir(parents=True)
    (extra / "BTC/CONLL-format/data/a.conll").write_text(
        "".join(f"Bobco{i}\tB-ORG\nrocks\tO\n\n" for i in range(5)), encoding="utf-8"
    )
    work = Work(tmp_path / "out", shared)
    ner = work.data / "ner"
    ner.mkdir(parents=True)
    news = [[("Reuters", "B-ORG"), ("said", "O")]]
    web = [[("lol", "O")]]
    (ner / "en_newsmix.train.json").write_text(_json_sents(news + web), encoding="utf-8")
    (ner / "en_newsmix.dev.json").write_text(_json_sents([[("Oslo", "B-LOC")]]), encoding="utf-8")
    (ner / "en_newsmix.test.json").write_text(_json_sents([[("Lima", "B-LOC")]]), encoding="utf-8")
    (ner / "en_newswire.train.json").write_text(_json_sents(news), encoding="utf-8")
    (ner / "en_worldwide-4class.train.json").write_text(_json_sents(news), encoding="utf-8")
    opts = build_parser().parse_args(
        ["--out", str(tmp_path / "out"), "--ner-extra-sources", "wikigold,btc", "--ner-extra-cap", "4"]
    )
    counts = prepare_ner_extra(work, opts)
    assert counts["wikigold"] == {"sentences": 5, "used": 4, "LOC": 0, "ORG": 4, "PER": 0}
    assert counts["btc"]["used"] == 2  # tweets: half the cap
    train = json.loads((ner / "en_newsextra.train.json").read_text(encoding="utf-8"))
    assert len(train) == 2 + 1 + 4 + 2  # news mix + newswire once more + extras
    dev = json.loads((ner / "en_newsextra.dev.json").read_text(encoding="utf-8"))
    assert [[w["text"] for w in s] for s in dev] == [["Oslo"]]
    bad = build_parser().parse_args(["--out", str(tmp_path / "out"), "--ner-extra-sources", "conll2003"])
    with pytest.raises(SystemExit, match="unknown conll2003"):
        prepare_ner_extra(work, bad)


def test_clitics_join_their_word_as_the_tokenizer_writes_them() -> None:
    sent = [
        ("Musk", "B-PER"),
        ("'s", "O"),
        ("plan", "O"),
        ("We", "O"),
        ("’re", "O"),
        ("do", "O"),
        ("n't", "O"),
        ("McDonald", "B-ORG"),
        ("'s", "I-ORG"),
        ("Corp", "I-ORG"),
        ('"', "O"),
        ("'s", "O"),  # after punctuation: stays apart
        ("'s", "B-ORG"),  # opens an entity: stays apart
    ]
    assert merge_clitics(sent) == [
        ("Musk's", "B-PER"),
        ("plan", "O"),
        ("We’re", "O"),
        ("don't", "O"),
        ("McDonald's", "B-ORG"),
        ("Corp", "I-ORG"),
        ('"', "O"),
        ("'s", "O"),
        ("'s", "B-ORG"),
    ]
    assert merge_clitics([("'s", "O")]) == [("'s", "O")]
    assert curly_apostrophes([("Musk's", "B-PER"), ("said", "O")]) == [("Musk’s", "B-PER"), ("said", "O")]


def test_tokenizer_forms_rewrites_a_fraction_with_a_fixed_seed() -> None:
    sents = [[("Ann", "B-PER"), ("'s", "O"), ("dog", "O")] for _ in range(200)] + [[("no", "O")]]
    out, changed = tokenizer_forms(sents, 0.5)
    assert len(out) == len(sents) and out[-1] == [("no", "O")]
    assert 60 < changed < 140  # about half of the 200 that can change
    assert {tuple(s) for s in out[:200]} <= {
        (("Ann", "B-PER"), ("'s", "O"), ("dog", "O")),
        (("Ann's", "B-PER"), ("dog", "O")),
        (("Ann’s", "B-PER"), ("dog", "O")),
    }
    assert tokenizer_forms(sents, 0.5) == (out, changed)  # reproducible
    assert tokenizer_forms(sents, 0.0) == (sents, 0)


@pytest.mark.skipif(not SHARED_EXTRA.is_dir(), reason="../shared/data/ner-extra is not here (shared data absent)")
@pytest.mark.parametrize("source", sorted(EXTRA_SOURCES))
def test_every_real_source_reads_with_organisations(source: str) -> None:
    sents = read_extra(SHARED_EXTRA, source, TITLES)
    counts = entity_counts(sents)
    assert len(sents) > 300 and counts["ORG"] > 250, counts
    assert all(t == "O" or (t[:2] in ("B-", "I-") and t[2:] in ("PER", "ORG", "LOC")) for s in sents for _, t in s)
