"""The learned attribution tagger: pure functions, the model's digest check, and the sieve through
the real pipeline on sentences written for these tests."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

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
    assert (DATA_DIR / "attr.pt").stat().st_size == entry["size"] <= 10 * 1024 * 1024  # three taggers of 3 MB
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


def test_a_checkpoint_without_pretrained_vectors_still_loads() -> None:
    model = load_model()  # whatever is shipped: a checkpoint with or without the "pretrained" key
    if not model.config.get("pretrained"):
        assert model.pretrained is None and model.cue.pretrained is None
        rows = [("said",) + ("-",) * (len(model.word_vocabs) - 1)]
        assert model.encode_words(rows) == [[v.id(s) for v, s in zip(model.word_vocabs, rows[0], strict=True)]]
        assert model.join_roles([[1, 2]], [[3]]) == [[1, 2, 3]]
    for tagger in (model.cue, model.role):
        assert not any("pretrained" in k for k in tagger.state_dict())


def test_a_pretrained_input_tagger_round_trips(tmp_path: Path) -> None:
    import hashlib

    import torch

    from quotattr.learned import AttrModel
    from quotattr.learned.features import ROLE_FEATURES, WORD_FEATURES

    cfg = {"word_dims": [2] * len(WORD_FEATURES), "role_dims": [2] * len(ROLE_FEATURES), "hidden": 4}
    ckpt = {
        "config": {**cfg, "pretrained": "pretrain.pt"},
        "word_vocabs": [["said", "x"]] * len(WORD_FEATURES),
        "role_vocabs": [["r"]] * len(ROLE_FEATURES),
        "cue": {},
        "role": {},
    }
    torch.manual_seed(0)
    model = AttrModel(ckpt)
    assert model.pretrained is not None
    emb = model.pretrained.emb
    assert emb.shape == (100_000, 50) and not emb.requires_grad
    for tagger in (model.cue, model.role):  # one shared matrix, not a copy per tagger
        assert tagger.pretrained is not None and tagger.pretrained.data_ptr() == emb.data_ptr()
    rows = [("said",) * len(WORD_FEATURES), ("x",) * len(WORD_FEATURES)]
    ids = model.encode_words(rows, ["Said", "qqzzxxyy"])
    assert ids[0][-1] == model.pretrained.ids(["said"])[0] > 1  # lowercased, a known word
    assert ids[1][-1] == 1  # unknown
    with pytest.raises(ValueError, match="word forms"):
        model.encode_words(rows)
    roles = model.join_roles(ids, model.encode_roles([("r",) * len(ROLE_FEATURES)] * 2))
    assert [r[-1] for r in roles] == [ids[0][-1], 1]  # the pretrained id stays the last column
    x, lengths = torch.tensor([ids]), torch.tensor([2])
    cue_logits = model.cue(x, lengths)
    role_logits = model.role(torch.tensor([roles]), lengths)
    assert cue_logits.shape == (1, 2, 3) and role_logits.shape == (1, 2, 5)
    # the 20 MB matrix never reaches the checkpoint: it is reloaded from the bundled file
    ckpt["cue"], ckpt["role"] = model.cue.state_dict(), model.role.state_dict()
    assert not any("pretrained" in k for k in ckpt["cue"])
    torch.save(ckpt, tmp_path / "attr.pt")
    assert (tmp_path / "attr.pt").stat().st_size < 100_000
    digest = hashlib.sha256((tmp_path / "attr.pt").read_bytes()).hexdigest()
    (tmp_path / "manifest.json").write_text(json.dumps({"files": {"attr.pt": {"sha256": digest}}}), encoding="utf-8")
    again = load_model(tmp_path)
    with torch.inference_mode():
        assert torch.equal(again.cue(x, lengths), model.cue(x, lengths))
        assert torch.equal(again.role(torch.tensor([roles]), lengths), model.role(torch.tensor([roles]), lengths))


def _tiny_checkpoint() -> dict[str, Any]:
    """A checkpoint of fresh taggers over two-word vocabularies (no weights: AttrModel initialises)."""
    from quotattr.learned.features import ROLE_FEATURES, WORD_FEATURES

    return {
        "config": {"word_dims": [2] * len(WORD_FEATURES), "role_dims": [2] * len(ROLE_FEATURES), "hidden": 4},
        "word_vocabs": [["said", "x"]] * len(WORD_FEATURES),
        "role_vocabs": [["r"]] * len(ROLE_FEATURES),
        "cue": {},
        "role": {},
    }


def test_an_ensemble_averages_its_members_log_probabilities() -> None:
    import torch

    from quotattr.learned import AttrModel, _logprobs
    from quotattr.learned.features import WORD_FEATURES
    from quotattr.models.attrtrain import ensemble

    base = _tiny_checkpoint()
    members = []
    for seed in (0, 1):
        torch.manual_seed(seed)
        m = AttrModel(base)
        members.append({**base, "cue": m.cue.state_dict(), "role": m.role.state_dict()})
    one, two = AttrModel(members[0]), AttrModel(members[1])
    both = AttrModel(ensemble(members[0], [members[1]]))
    assert len(both.cues) == len(both.roles) == 2 and len(one.cues) == 1
    seqs = [[[2] * len(WORD_FEATURES), [3] * len(WORD_FEATURES)]]
    a, b, ab = (_logprobs(m.cues, m, seqs)[0] for m in (one, two, both))
    assert a != b  # two seeds, two taggers
    for t in range(2):
        for k in range(3):
            assert ab[t][k] == pytest.approx((a[t][k] + b[t][k]) / 2, abs=1e-5)
    assert _logprobs(one.cues, one, seqs) == _logprobs(one.cue, one, seqs)  # a list of one is the tagger
    with pytest.raises(ValueError, match="word_vocabs"):
        ensemble(members[0], [{**members[1], "word_vocabs": [["said"]] * len(WORD_FEATURES)}])


def test_a_pretrained_name_outside_the_bundled_set_is_refused() -> None:
    from quotattr.learned import pretrained_vectors

    with pytest.raises(LearnedModelError, match="not a pretrain file"):
        pretrained_vectors("pos.pt")


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


@pytest.mark.pipeline
def test_the_recipe_parses_every_sentence(tmp_path: Path) -> None:
    """The tagger reads dependency relations everywhere, so its training parses must cover every
    sentence — also those the default two-pass pipeline leaves unparsed (no rule cue in them)."""
    import pickle

    import stanza

    from quotattr.models.attrtrain import parse

    text = "Mayor Lena Ortiz believes the harbour plan will create hundreds of jobs.\n\nThe council meets on Monday."
    for split in ("dev", "train"):
        (tmp_path / "data" / split / "text").mkdir(parents=True)
        (tmp_path / "data" / split / "attributions").mkdir()
        (tmp_path / "data" / split / "text" / "a.txt").write_text(text, encoding="utf-8")
        (tmp_path / "data" / split / "attributions" / "a_x.ann").write_text("", encoding="utf-8")
    parse(tmp_path, tmp_path / "cache")
    for split in ("dev", "train"):
        data = pickle.loads((tmp_path / "cache" / split / "a.pkl").read_bytes())
        assert data["text"] == text
        doc = stanza.Document.from_serialized(data["doc"])
        assert len(doc.sentences) == 2
        for sentence in doc.sentences:
            assert [w.deprel for w in sentence.words].count("root") == 1


def test_the_loaded_model_infers_with_int8_copies() -> None:
    import torch

    from quotattr.learned import _logprobs

    model = load_model()
    assert len(model.cues) == len(model.roles) >= 1
    assert all(type(t.lstm) is not torch.nn.LSTM for t in (*model.cues, *model.roles))  # quantised copies
    assert type(model.cue.lstm) is torch.nn.LSTM and type(model.role.lstm) is torch.nn.LSTM  # floats kept
    n = len(model.word_vocabs) + (1 if model.pretrained is not None else 0)
    seqs = [[[2] * n, [3] * n, [4] * n]]
    q = _logprobs(model.cues[0], model, seqs)[0]
    f = _logprobs(model.cue, model, seqs)[0]
    assert max(abs(a - b) for qa, fa in zip(q, f, strict=True) for a, b in zip(qa, fa, strict=True)) < 0.1


def _brute_force(crf, em, length):  # type: ignore[no-untyped-def]
    """log Z and every tag sequence's score of one sequence, by enumeration."""
    import itertools

    import torch

    trans, start = crf._scores()
    k = em.shape[-1]
    seqs = list(itertools.product(range(k), repeat=length))
    scores = []
    for s in seqs:
        v = start[s[0]] + em[0, s[0]]
        for t in range(1, length):
            v = v + trans[s[t - 1], s[t]] + em[t, s[t]]
        scores.append(v + crf.end[s[-1]])
    sc = torch.stack(scores)
    return seqs, sc, torch.logsumexp(sc, 0)


def test_crf_likelihood_and_marginals_match_enumeration() -> None:
    import torch

    from quotattr.learned.tagger import CRF

    torch.manual_seed(0)
    crf = CRF(ROLE_TAGS).requires_grad_(False)
    for p in (crf.trans, crf.start, crf.end):
        p.normal_()
    em = torch.randn(2, 4, len(ROLE_TAGS))
    lengths = torch.tensor([4, 3])
    mask = torch.arange(4)[None, :] < lengths[:, None]
    y = torch.tensor([[1, 2, 0, 3], [3, 4, 0, -1]])  # B-SRC I-SRC O B-CON / B-CON I-CON O (padding)
    marginals = crf.log_marginals(em, mask).exp()
    nll = 0.0
    for b in range(2):
        n = int(lengths[b])
        seqs, sc, log_z = _brute_force(crf, em[b], n)
        want = torch.zeros(n, len(ROLE_TAGS))
        for s, v in zip(seqs, sc, strict=True):
            for t, k in enumerate(s):
                want[t, k] += torch.exp(v - log_z)
        assert torch.allclose(marginals[b, :n], want, atol=1e-5)
        assert float(want[0, ROLE_TAGS.index("I-CON")]) < 1e-6  # BIO: nothing opens with an inside tag
        gold = sc[seqs.index(tuple(int(v) for v in y[b, :n]))]
        nll += float(log_z - gold)
    assert float(crf.nll(em, y, y >= 0)) == pytest.approx(nll / 7, abs=1e-4)  # per word: 7 words


def test_a_crf_member_joins_an_ensemble_of_softmax_taggers() -> None:
    import torch

    from quotattr.learned import AttrModel, _logprobs
    from quotattr.learned.features import WORD_FEATURES
    from quotattr.models.attrtrain import ensemble

    base = _tiny_checkpoint()
    cfg = base["config"]
    torch.manual_seed(0)
    soft = AttrModel(base)
    torch.manual_seed(1)
    crf = AttrModel({**base, "config": {**cfg, "crf": True, "hidden": 6}})
    assert soft.cue.crf is None and crf.cue.crf is not None
    members = [{**base, "cue": m.cue.state_dict(), "role": m.role.state_dict()} for m in (soft, crf)]
    both = AttrModel(ensemble(members[0], [members[1]]))
    # each member keeps its own size and tag layer, read from its weights
    assert [t.crf is not None for t in both.roles] == [False, True]
    assert both.roles[1].lstm.hidden_size == 6
    seqs = [[[2] * len(WORD_FEATURES), [3] * len(WORD_FEATURES)]]
    lp = _logprobs(both.cues, both, seqs)[0]
    assert lp[0][CUE_TAGS.index("I-CUE")] < -30  # the CRF member forbids opening with I-CUE
    with torch.no_grad():
        want = [float(v) for v in crf.cue.log_probs(torch.tensor(seqs), torch.tensor([2]))[0, 1]]
    assert _logprobs(both.cues[1], both, seqs)[0][1] == pytest.approx(want, abs=1e-5)


def test_repair_bio_opens_orphan_inside_tags() -> None:
    from quotattr.learned.tagger import repair_bio, valid_bio

    assert repair_bio(["I-CON", "I-CON", "O", "I-CON", "I-SRC", "B-SRC", "I-SRC"]) == [
        "B-CON",
        "I-CON",
        "O",
        "B-CON",
        "B-SRC",
        "B-SRC",
        "I-SRC",
    ]
    assert valid_bio(repair_bio(["O", "I-SRC", "I-CON"]))


def test_training_tags_are_valid_bio_where_the_cue_splits_the_content(extractor) -> None:  # type: ignore[no-untyped-def]
    """A content annotated over its own cue and source ("The plan, Mayor Ada Brook said, will fail"):
    the cue's words are not content, and the word after the cue opens a new span (BIO: an inside
    tag never follows an outside one; the CRF's likelihood needs it)."""
    from quotattr.learned.tagger import valid_bio
    from quotattr.models.attrtrain import document_examples

    text = "The plan, Mayor Ada Brook said, will fail next year."
    cue, source = ((26, 30),), ((10, 25),)
    doc = extractor.annotate(text)
    data = document_examples(text, doc.to_serialized(), [(cue, source, ((0, 51),))])
    tags = data["roles"][0]["tags"]
    assert valid_bio(tags)
    assert tags[0] == "B-CON" and tags.count("B-CON") == 2  # before and after the cue
    cue_word = next(k for k, t in enumerate(tags) if t == "O")
    assert tags[cue_word + 1] == "B-CON"  # the comma after "said" opens the content again


def test_the_veto_drops_rule_reports_whose_cue_the_tagger_rules_out() -> None:
    from types import SimpleNamespace

    from quotattr.model import QuoteKind
    from quotattr.sieves import Candidate
    from quotattr.sieves.learned import MIN_RULE_CUE_PROB, _veto

    def cand(word: int) -> Candidate:
        return Candidate(
            content=[(0, 5)], kind=QuoteKind.INDIRECT, sieve="indirect", confidence=0.6, sentence=0, cue_word=word
        )

    kept, dropped, unread, direct = cand(1), cand(4), cand(8), cand(9)
    ctx = SimpleNamespace(found=[kept, dropped, unread, direct])
    refine = {(1,): kept, (4, 5): dropped, (8,): unread}
    low = MIN_RULE_CUE_PROB / 2
    probs = {1: 0.9, 4: low, 5: low}  # word 8 was not read by the tagger: its candidate stays
    out = _veto(ctx, refine, probs)  # type: ignore[arg-type]
    assert out == {(1,): kept, (8,): unread}
    assert ctx.found == [kept, unread, direct]
    assert _veto(ctx, out, {1: low}) == {(8,): unread}  # type: ignore[arg-type]


@pytest.mark.pipeline
def test_the_learned_class_takes_tiny_and_empty_texts() -> None:
    """One-word sentences (a chain of length one) and an empty text go through the CRF taggers."""
    from quotattr import Extractor
    from quotattr.lexicons import Lexicons

    ex = Extractor(threads=1, lexicons=Lexicons.default().with_cue_classes("learned"))
    assert ex.parse_scope == "all"  # the class on parses every sentence
    for text in ("Yes.", "Yes. No. Maybe.", "", "   "):
        result = ex(text)
        assert all(text[c.start : c.end] == c.text for a in result.attributions for c in a.content)
    (a,) = ex("Mayor Lena Ortiz believes the harbour plan will create hundreds of jobs.").attributions
    assert a.sieve == "learned" and a.content[0].text == "the harbour plan will create hundreds of jobs"
