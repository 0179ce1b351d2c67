"""The benchmark scorer on tiny hand-made gold/prediction pairs; expected numbers worked out by hand."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from benchmarks.readers import GoldFormatError, doc_from_gold_dict, read_gold, read_polnear_ann
from benchmarks.scorer import (
    Counts,
    Document,
    Quote,
    SpeakerInfo,
    aggregate,
    char_set,
    coverage,
    cue_in_lexicon,
    f1,
    heuristic_kind,
    join_parts,
    match,
    norm_field,
    quotes_from_result,
    score_document,
    trim,
)

# 0         1         2         3         4         5         6         7         8
# 012345678901234567890123456789012345678901234567890123456789012345678901234567890123456
TEXT = 'Alice Smith said "we will win the race today," and Bob claimed that taxes are too high.'
# the direct quote with its marks and comma: [17, 46) -> trimmed [18, 44) "we will win the race today"
Q_START, Q_END = 17, 46
# the indirect content "that taxes are too high." [63, 87) -> trimmed [68, 86) "taxes are too high"
I_START, I_END = 63, 87
SAID = (12, 16)
CLAIMED = (55, 62)
ALICE = (0, 11)
BOB = (51, 54)


def q(start: int, end: int, **kw: object) -> Quote:
    return Quote(content=((start, end),), **kw)  # type: ignore[arg-type]


def doc(*quotes: Quote) -> Document:
    return Document(doc_id="t", text=TEXT, quotes=tuple(quotes))


def test_fixture_offsets() -> None:
    assert TEXT[Q_START:Q_END] == '"we will win the race today,"'
    assert TEXT[I_START:I_END] == "that taxes are too high."
    assert TEXT[slice(*SAID)] == "said" and TEXT[slice(*CLAIMED)] == "claimed"
    assert TEXT[slice(*ALICE)] == "Alice Smith" and TEXT[slice(*BOB)] == "Bob"


def test_trim() -> None:
    assert trim(TEXT, Q_START, Q_END) == (18, 44)  # quote marks and the comma go
    assert TEXT[18:44] == "we will win the race today"  # 26 characters
    assert trim(TEXT, I_START, I_END) == (68, 86)  # leading "that " and the final period go
    assert trim("Thatcher said", 0, 8) == (0, 8)  # "that" only as a whole word
    start, end = trim("“that”", 0, 6)
    assert start == end  # nothing left
    # where trimming leaves nothing (content "that", cue ":"), the untrimmed span is compared instead
    assert char_set("He said that.", [(8, 12)]) == frozenset(range(8, 12))
    assert char_set("Note: x", [(4, 5)]) == frozenset({4})


def _text_of(text: str, chars: frozenset[int]) -> str:
    return "".join(text[i] for i in sorted(chars))


def test_a_passage_cut_into_fragments_equals_the_whole() -> None:
    text = "“He is everything we wanted. He unites the party,” she said. “Vote,” she added."
    whole = [(0, 49)]
    fragments = [(0, 28), (29, 49)]  # brat: one fragment per sentence, the space between them left out
    assert join_parts(text, fragments) == whole
    assert char_set(text, fragments) == char_set(text, whole)  # the inner "." counts on both sides
    assert _text_of(text, char_set(text, whole)).startswith("He is everything we wanted. He")
    # parts with words between them stay apart, and each is trimmed
    two = [(0, 49), (61, 68)]  # … “Vote,”
    assert join_parts(text, two) == two
    assert char_set(text, two) == char_set(text, [(0, 49)]) | frozenset(range(62, 66))
    assert join_parts(text, [(29, 49), (0, 28)]) == whole  # in any order


def test_perfect_match() -> None:
    gold = doc(q(Q_START, Q_END, kind="direct", cue=(SAID,), mention=(ALICE,)))
    pred = [q(Q_START, Q_END, kind="direct", cue=(SAID,), mention=(ALICE,))]
    ds = score_document(gold, pred)
    for level in ("overlap>0.3", "overlap>0.8", "exact"):
        c = ds.content[level]
        # 1 gold, 1 prediction, 1 match: P = 1/1, R = 1/1, F1 = 1
        assert (c.tp, c.gold, c.pred) == (1, 1, 1)
        assert (c.precision, c.recall, c.f1) == (1.0, 1.0, 1.0)
        assert ds.cue[level].f1 == 1.0 and ds.mention[level].f1 == 1.0
    assert ds.missed == [] and ds.spurious == []


def test_exact_ignores_quote_marks_and_that() -> None:
    # gold with marks, prediction without them: the trimmed spans are equal -> exact match
    gold = doc(q(Q_START, Q_END), q(I_START, I_END))
    pred = [q(18, 44), q(68, 86)]
    assert score_document(gold, pred).content["exact"].tp == 2


def test_partial_overlap_between_thresholds() -> None:
    # prediction "we will win" = [18, 29): 11 of the 26 gold characters, 11/26 = 0.423
    gold = doc(q(Q_START, Q_END, kind="direct"))
    pred = [q(18, 29, kind="direct")]
    assert coverage(char_set(TEXT, gold.quotes[0].content), char_set(TEXT, pred[0].content)) == pytest.approx(11 / 26)
    ds = score_document(gold, pred)
    # 0.423 > 0.3: found. P = 1/1, R = 1/1, F1 = 1
    assert ds.content["overlap>0.3"].to_dict()["f1"] == 1.0
    # 0.423 <= 0.8: missed and spurious. P = 0/1, R = 0/1, F1 = 0
    c = ds.content["overlap>0.8"]
    assert (c.tp, c.gold, c.pred, c.precision, c.recall, c.f1) == (0, 1, 1, 0.0, 0.0, 0.0)
    assert ds.content["exact"].tp == 0


def test_partial_overlap_over_high_threshold() -> None:
    # prediction "will win the race today" = [21, 44): 23/26 = 0.885 > 0.8 -> found at both thresholds
    gold = doc(q(Q_START, Q_END))
    ds = score_document(gold, [q(21, 44)])
    assert ds.content["overlap>0.3"].tp == 1
    assert ds.content["overlap>0.8"].tp == 1
    assert ds.content["exact"].tp == 0  # not the same span


def test_partial_overlap_under_low_threshold() -> None:
    # prediction "we" = [18, 20): 2/26 = 0.077 <= 0.3 -> a miss and a spurious prediction
    gold = doc(q(Q_START, Q_END))
    ds = score_document(gold, [q(18, 20)])
    c = ds.content["overlap>0.3"]
    # P = 0/1 = 0, R = 0/1 = 0, F1 = 0
    assert (c.tp, c.gold, c.pred, c.f1) == (0, 1, 1, 0.0)
    assert len(ds.missed) == 1 and len(ds.spurious) == 1


def test_spurious_prediction() -> None:
    # one gold quote found, plus a prediction on "Alice Smith said" that matches nothing
    gold = doc(q(Q_START, Q_END))
    ds = score_document(gold, [q(Q_START, Q_END), q(0, 16)])
    c = ds.content["overlap>0.3"]
    # P = 1/2 = 0.5, R = 1/1 = 1, F1 = 2*0.5*1/(0.5+1) = 1/1.5 = 0.6667
    assert (c.tp, c.gold, c.pred) == (1, 1, 2)
    assert c.precision == 0.5 and c.recall == 1.0
    assert c.f1 == pytest.approx(2 / 3)
    assert [s["content"] for s in ds.spurious] == ["Alice Smith said"]


def test_missed_quote() -> None:
    # two gold quotes, only the direct one predicted
    gold = doc(q(Q_START, Q_END, kind="direct"), q(I_START, I_END, kind="indirect"))
    ds = score_document(gold, [q(Q_START, Q_END, kind="direct")])
    c = ds.content["overlap>0.3"]
    # P = 1/1 = 1, R = 1/2 = 0.5, F1 = 2*1*0.5/1.5 = 0.6667
    assert (c.tp, c.gold, c.pred) == (1, 2, 1)
    assert c.precision == 1.0 and c.recall == 0.5 and c.f1 == pytest.approx(2 / 3)
    assert [m["content"] for m in ds.missed] == ["that taxes are too high."]
    # per kind: direct R = 1/1, P = 1/1; indirect R = 0/1, no indirect prediction (P undefined)
    kinds = ds.kinds["overlap>0.3"]
    assert (kinds["direct"].recall, kinds["direct"].precision) == (1.0, 1.0)
    assert (kinds["indirect"].recall, kinds["indirect"].precision) == (0.0, None)


def test_optional_gold_is_neither_required_nor_penalised() -> None:
    gold = doc(q(Q_START, Q_END), q(I_START, I_END, optional=True))
    # predicting the optional one: not spurious -> P = 1/1, R = 1/1
    both = score_document(gold, [q(Q_START, Q_END), q(I_START, I_END)]).content["overlap>0.3"]
    assert (both.tp, both.gold, both.pred) == (1, 1, 1)
    # not predicting it: not a miss -> P = 1/1, R = 1/1
    one = score_document(gold, [q(Q_START, Q_END)]).content["overlap>0.3"]
    assert (one.tp, one.gold, one.pred) == (1, 1, 1)


def test_greedy_one_prediction_per_gold() -> None:
    gold = (q(Q_START, Q_END),)
    # two predictions overlap the gold: [18, 29) covers 11/26, [18, 44) covers 26/26 -> the full one wins
    m = match(TEXT, gold, [q(18, 29), q(18, 44)], 0.3)
    assert m.pairs == ((0, 1),) and m.spurious == (0,) and m.missed == ()
    # ties keep prediction order: two identical predictions -> the first one is matched
    m = match(TEXT, gold, [q(18, 44), q(18, 44)], 0.3)
    assert m.pairs == ((0, 0),) and m.spurious == (1,)


def test_cue_and_mention_on_matched_pairs() -> None:
    gold = doc(
        q(Q_START, Q_END, cue=(SAID,), mention=(ALICE,)),
        q(I_START, I_END, cue=(CLAIMED,), mention=(BOB,)),
    )
    pred = [
        q(Q_START, Q_END, cue=(SAID,), mention=((6, 11),)),  # mention "Smith": overlaps, not exact
        q(I_START, I_END, cue=(SAID,), mention=None),  # wrong cue, no mention
    ]
    ds = score_document(gold, pred)
    # cue: 2 gold cues, 2 predicted cues, 1 right -> P = R = F1 = 0.5
    c = ds.cue["overlap>0.3"]
    assert (c.tp, c.gold, c.pred, c.f1) == (1, 2, 2, 0.5)
    # mention at the overlap level: 1 right of 2 gold and 1 predicted -> P = 1/1, R = 1/2, F1 = 0.6667
    mo = ds.mention["overlap>0.3"]
    assert (mo.tp, mo.gold, mo.pred) == (1, 2, 1) and mo.f1 == pytest.approx(2 / 3)
    # mention exact: "Smith" != "Alice Smith" -> 0/2, 0/1
    assert ds.mention["exact"].tp == 0
    # independent exact spans: sources {Alice Smith, Bob} vs {Smith} -> 0; cues {said, claimed} vs {said}
    # -> tp 1, gold 2, pred 1 (the predicted set holds "said" once)
    assert ds.spans["source"].to_dict()["tp"] == 0
    assert (ds.spans["cue"].tp, ds.spans["cue"].gold, ds.spans["cue"].pred) == (1, 2, 1)


def test_speaker_fields() -> None:
    gold_sp = SpeakerInfo(name="Alice Smith", rank="Maj. Gen.", title="spokeswoman", organization=None, type="person")
    gold = doc(q(Q_START, Q_END, speaker=gold_sp), q(I_START, I_END, speaker=None))
    pred_sp = SpeakerInfo(name="alice smith", rank="Maj Gen", title="spokesman", organization=None, type="person")
    ds = score_document(gold, [q(Q_START, Q_END, speaker=pred_sp), q(I_START, I_END)])
    # only the first pair has a gold speaker; name and rank equal up to case/punctuation, None == None
    assert {k: (c.tp, c.gold) for k, c in ds.speaker.items()} == {
        "name": (1, 1),
        "rank": (1, 1),
        "title": (0, 1),
        "organization": (1, 1),
        "type": (1, 1),
        "all": (0, 1),
    }
    assert norm_field("Iraq’s  Joint-Operation") == "iraq s joint operation"
    assert norm_field("") is None and norm_field(None) is None


def test_aggregate_is_micro() -> None:
    a = score_document(doc(q(Q_START, Q_END)), [q(Q_START, Q_END)])  # 1/1/1
    b = score_document(doc(q(Q_START, Q_END), q(I_START, I_END)), [q(0, 16)])  # 0/2/1
    agg = aggregate([a, b])
    c = agg["content"]["overlap>0.3"]
    # tp = 1+0 = 1, gold = 1+2 = 3, pred = 1+1 = 2: P = 1/2, R = 1/3, F1 = 2*(1/2)(1/3)/(5/6) = 0.4
    assert (c["tp"], c["gold"], c["pred"]) == (1, 3, 2)
    assert c["precision"] == 0.5 and c["recall"] == pytest.approx(1 / 3) and c["f1"] == pytest.approx(0.4)
    assert agg["documents"] == 2


def test_counts_and_f1_edge_cases() -> None:
    assert f1(None, 1.0) is None and f1(0.0, 0.0) == 0.0
    assert Counts().precision is None and Counts().recall is None


def test_heuristic_kind() -> None:
    assert heuristic_kind("“We will win,”") == "direct"
    assert heuristic_kind('"We will win."') == "direct"
    assert heuristic_kind("“They’ll go home the same way they came”?") == "direct"
    assert heuristic_kind("the rooms would bring “safety” back") == "mixed"
    assert heuristic_kind("“One,” … “two.”") == "mixed"
    assert heuristic_kind("taxes are too high") == "indirect"
    assert heuristic_kind('"unclosed quote') == "indirect"


def test_cue_lexicon_lemmas() -> None:
    lex = {"say": "speech", "tell": "speech", "admit": "speech", "argue": "assert", "according to": "speech"}
    assert cue_in_lexicon("said", lex) and cue_in_lexicon("told", lex) and cue_in_lexicon("Says", lex)
    assert cue_in_lexicon("admitted", lex) and cue_in_lexicon("arguing", lex) and cue_in_lexicon("argues", lex)
    assert cue_in_lexicon("said about", lex) and cue_in_lexicon("according to", lex)
    assert not cue_in_lexicon("believes", lex) and not cue_in_lexicon(None, lex) and not cue_in_lexicon(":", lex)


def test_polnear_ann_reader() -> None:
    text = '"One," she said. "Two." It said that taxes rise.'
    ann = "\n".join(
        [
            'T1\tContent 0 6\t"One,"',
            "T2\tSource 7 10\tshe",
            "T3\tCue 11 15\tsaid",
            "T4\tAttribution 11 15\tsaid",
            'T5\tContent2 17 23\t"Two."',
            "E1\tAttribution:T4 Content:T1 Cue:T3 Source:T2 Content2:T5",
            "T6\tCue 27 31;32 36\tsaid that",
            "T7\tContent 37 48\ttaxes rise.",
            "T8\tAttribution-no-source 27 31\tsaid",
            "E2\tAttribution-no-source:T8 Cue:T6 Content:T7",
            "T9\tDiscuss 0 3\tOne",
        ]
    )
    quotes = read_polnear_ann(ann, text)
    assert len(quotes) == 2
    assert quotes[0].content == ((0, 6), (17, 23)) and quotes[0].kind == "mixed"  # two quoted parts
    assert quotes[0].mention == ((7, 10),) and quotes[0].cue_text == "said"
    assert quotes[1].mention is None and quotes[1].cue == ((27, 31), (32, 36)) and quotes[1].kind == "indirect"


def test_quotattr_gold_reader(tmp_path: Path) -> None:
    gold = {
        "doc_id": "d1",
        "quotes": [
            {
                "kind": "direct",
                "content": {"start": Q_START, "end": Q_END, "text": TEXT[Q_START:Q_END]},
                "cue": {"start": 12, "end": 16, "text": "said"},
                "mention": {"start": 0, "end": 11, "text": "Alice Smith"},
                "speaker": {
                    "name": "Alice Smith",
                    "rank": None,
                    "title": None,
                    "organization": None,
                    "type": "person",
                },
                "optional": False,
            }
        ],
    }
    (tmp_path / "gold.json").write_text(json.dumps(gold), encoding="utf-8")
    (tmp_path / "article.txt").write_text(TEXT, encoding="utf-8")
    docs = read_gold(tmp_path)
    assert len(docs) == 1 and docs[0].quotes[0].speaker == SpeakerInfo("Alice Smith", type="person")
    # JSON Lines with inline text
    lines = tmp_path / "more.jsonl"
    lines.write_text(json.dumps({**gold, "doc_id": "d2", "text": TEXT}) + "\n", encoding="utf-8")
    assert [d.doc_id for d in read_gold(lines)] == ["d2"]
    # an offset that does not fit the text is an error, not a silent mismatch
    bad = {**gold, "quotes": [{**gold["quotes"][0], "cue": {"start": 0, "end": 4, "text": "said"}}]}
    with pytest.raises(GoldFormatError, match="reads 'Alic'"):
        doc_from_gold_dict(bad, text=TEXT)


def test_predictions_from_result_objects() -> None:
    from quotattr.model import Attribution, Cue, QuoteKind, Result, Span, Speaker

    sp = Speaker(id="s1", name="Alice Smith", title="spokeswoman", mentions=(Span.of(TEXT, *ALICE),))
    res = Result(
        text=TEXT,
        attributions=(
            Attribution(
                content=(Span.of(TEXT, Q_START, Q_END),),
                kind=QuoteKind.DIRECT,
                cue=Cue(Span.of(TEXT, *SAID), "say"),
                speaker=sp,
                mention=Span.of(TEXT, *ALICE),
            ),
        ),
        speakers=(sp,),
    )
    from_obj = quotes_from_result(res)
    assert from_obj == quotes_from_result(res.to_dict())
    assert from_obj[0].speaker == SpeakerInfo("Alice Smith", None, "spokeswoman", None, "person")
    gold = doc(q(Q_START, Q_END, kind="direct", cue=(SAID,), mention=(ALICE,)))
    assert score_document(gold, from_obj).content["exact"].f1 == 1.0
