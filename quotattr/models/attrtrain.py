"""Recipe for the learned attribution tagger (:mod:`quotattr.learned`), trained on PolNeAR.

    python -m quotattr.models.attrtrain --polnear ../shared/data/polnear --work work-train/attr

Stages (each resumable; ``--stage`` runs one):

1. ``parse``: run the bundled stanza pipeline over PolNeAR train and dev (the parser on every sentence:
   the tagger reads dependency relations everywhere), one pickle per article in
   ``<work>/cache/<split>/`` (about 20 minutes on one free core).
2. ``train``: build the examples, train the cue tagger and the role tagger (one torch thread; a
   checkpoint after every epoch in ``<work>/``), keep the epoch with the best dev score.
   ``--pretrained pretrain.pt`` adds each word's lowercased form through the bundled stanza set's
   frozen GloVe vectors (read from that verified file at load time, never stored in ``attr.pt``);
   ``--hidden N`` sets the BiLSTM size.
3. ``export``: write ``quotattr/learned/data/attr.pt`` (fp16) and its ``manifest.json`` (SHA-256,
   sizes, dev scores, what it was trained on).

Every 14th train article (sorted by name; 60 articles over all outlets) is held out of training so
the gain can be checked on articles no model saw.
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import random
import re
import sys
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

__all__ = ["brat_attributions", "brat_spans", "gold_attributions", "main"]

RECIPE_VERSION = "attr-1"
HELD_OUT_EVERY = 14
_T_LINE = re.compile(r"^(T\d+)\t(\S+) (\d+ \d+(?:;\d+ \d+)*)\t")
_E_LINE = re.compile(r"^(E\d+)\t(.*)$")

Parts = tuple[tuple[int, int], ...]
GoldAttribution = tuple[Parts, Parts, Parts]  # cue, source, content (character parts; may be empty)


def _log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def brat_spans(ann: str) -> dict[str, Parts]:
    """The text-bound annotations of a brat .ann file: id ("T12") → sorted character parts."""
    spans: dict[str, Parts] = {}
    for line in ann.splitlines():
        m = _T_LINE.match(line)
        if m:
            spans[m.group(1)] = tuple(sorted((int(a), int(b)) for a, b in (p.split() for p in m.group(3).split(";"))))
    return spans


def brat_attributions(ann: str, spans: dict[str, Parts]) -> list[tuple[int, dict[str, Parts]]]:
    """The Attribution (and Attribution-no-source) events of a brat .ann file that have a content, in
    file order: (event number, role → character parts) with the roles Cue, Source and Content
    ("Content2" joins "Content"; a role without spans has no parts)."""
    out: list[tuple[int, dict[str, Parts]]] = []
    for line in ann.splitlines():
        m = _E_LINE.match(line)
        if not m:
            continue
        roles: dict[str, list[str]] = {}
        for arg in m.group(2).split():
            role, _, tid = arg.partition(":")
            roles.setdefault(role.rstrip("0123456789"), []).append(tid)
        if not ({"Attribution", "Attribution-no-source"} & roles.keys()):
            continue
        parts = {
            role: tuple(sorted({p for tid in roles.get(role, ()) for p in spans.get(tid, ())}))
            for role in ("Cue", "Source", "Content")
        }
        if parts["Content"]:
            out.append((int(m.group(1)[1:]), parts))
    return out


def gold_attributions(ann: str) -> list[GoldAttribution]:
    """(cue, source, content) character parts of each attribution in a brat .ann file."""
    return [(p["Cue"], p["Source"], p["Content"]) for _, p in brat_attributions(ann, brat_spans(ann))]


def _articles(split_dir: Path) -> list[tuple[str, Path, Path]]:
    """(name, text path, first annotator's .ann path) per article, sorted by name."""
    anns: dict[str, list[Path]] = {}
    for ann in (split_dir / "attributions").glob("*.ann"):
        anns.setdefault(ann.stem.rpartition("_")[0], []).append(ann)
    out = []
    for txt in sorted((split_dir / "text").glob("*.txt")):
        cands = sorted(anns.get(txt.stem, ()), key=lambda p: p.stem.rpartition("_")[2])
        if cands:
            out.append((txt.stem, txt, cands[0]))
    return out


def _read(path: Path) -> str:
    with path.open(encoding="utf-8", newline="") as fh:
        return fh.read()


# ---------------------------------------------------------------- stage 1: parse


def shuffled(names: Sequence[str]) -> list[str]:
    """``names`` sorted, then in a fixed pseudo-random order: the order articles are parsed and taken
    for training, so that a partial parse (``--limit``) still spreads over all outlets."""
    out = sorted(names)
    random.Random(0).shuffle(out)
    return out


def parse(polnear: Path, cache: Path) -> None:
    import quotattr

    ex = quotattr.Extractor(threads=1, parse="all")
    for split in ("dev", "train"):
        (cache / split).mkdir(parents=True, exist_ok=True)
        articles = _articles(polnear / "data" / split)
        by_name = {name: txt for name, txt, _ in articles}
        for name in shuffled([name for name, _, _ in articles]):
            txt = by_name[name]
            dst = cache / split / f"{name}.pkl"
            if dst.exists():
                continue
            text = _read(txt)
            doc = ex.annotate(text)
            tmp = dst.with_suffix(".tmp")
            tmp.write_bytes(pickle.dumps({"text": text, "doc": doc.to_serialized()}))
            tmp.rename(dst)
            _log(f"parsed {split}/{name}")


# ---------------------------------------------------------------- stage 2: examples


def _words_of(view: Any, parts: Parts) -> list[int]:
    return sorted({i for a, b in parts for i in view.words_in(a, b)})


def document_examples(text: str, ser: bytes, golds: Sequence[GoldAttribution]) -> dict[str, Any]:
    """Feature rows, cue sequences and role sequences of one parsed article."""
    import stanza

    from quotattr.document import build_view
    from quotattr.learned.features import cue_anchor, role_features, role_window, word_features
    from quotattr.learned.tagger import repair_bio
    from quotattr.lexicons import Lexicons
    from quotattr.quotes import find_quotes

    lex = Lexicons.default()
    view = build_view(stanza.Document.from_serialized(ser), text)
    rows = word_features(view, lex, find_quotes(text))
    cue_tags = ["O"] * len(view.words)
    roles: list[dict[str, Any]] = []
    for cue, source, content in golds:
        cw = _words_of(view, cue)
        prev = -2
        for i in cw:
            cue_tags[i] = (
                "I-CUE" if prev == i - 1 and cue_tags[i] == "O" else ("B-CUE" if cue_tags[i] == "O" else cue_tags[i])
            )
            prev = i
        if not cw:
            continue
        anchor = cue_anchor(view, cw)
        window = role_window(view, anchor)
        tags = ["O"] * len(window)
        for kind, parts in (("SRC", source), ("CON", content)):
            for i in _words_of(view, parts):
                if i in window and i not in cw:
                    tags[i - window.start] = "I-" + kind
        tags = repair_bio(tags)  # a span that a cue word, a gap or the other role splits restarts
        roles.append(
            {
                "window": (window.start, window.stop),
                "role_rows": role_features(view, anchor, cw, window),
                "tags": tags,
            }
        )
    sentences = [(a, b, cue_tags[a:b]) for a, b in view.sentences if b > a]
    forms = [w.text for w in view.words]
    return {"rows": rows, "forms": forms, "sentences": sentences, "roles": roles}


def load_examples(cache: Path, polnear: Path, split: str, names: set[str] | None = None) -> list[dict[str, Any]]:
    out = []
    for name, _txt, ann in _articles(polnear / "data" / split):
        if names is not None and name not in names:
            continue
        p = cache / split / f"{name}.pkl"
        if not p.exists():
            continue
        data = pickle.loads(p.read_bytes())
        ex = document_examples(data["text"], data["doc"], gold_attributions(_read(ann)))
        ex["name"] = name
        out.append(ex)
    return out


# ---------------------------------------------------------------- stage 2: training


def build_vocabs(
    docs: Sequence[dict[str, Any]], max_lemmas: int, min_count: int
) -> tuple[list[list[str]], list[list[str]]]:
    from quotattr.learned.features import ROLE_FEATURES, WORD_FEATURES

    wc: list[Counter[str]] = [Counter() for _ in WORD_FEATURES]
    rc: list[Counter[str]] = [Counter() for _ in ROLE_FEATURES]
    for d in docs:
        for r in d["rows"]:
            for k, s in enumerate(r):
                wc[k][s] += 1
        for role in d["roles"]:
            for r in role["role_rows"]:
                for k, s in enumerate(r):
                    rc[k][s] += 1
    word_vocabs = []
    for k, c in enumerate(wc):
        items = [s for s, n in c.most_common(max_lemmas if k == 0 else None) if n >= min_count]
        word_vocabs.append(items)
    role_vocabs = [[s for s, n in c.most_common() if n >= min_count] for c in rc]
    return word_vocabs, role_vocabs


def _sequences(model: Any, docs: Sequence[dict[str, Any]], kind: str) -> list[tuple[list[list[int]], list[int]]]:
    from quotattr.learned.tagger import CUE_TAGS, ROLE_TAGS

    out = []
    for d in docs:
        ids = model.encode_words(d["rows"], d["forms"])
        if kind == "cue":
            for a, b, tags in d["sentences"]:
                out.append((ids[a:b], [CUE_TAGS.index(t) for t in tags]))
        else:
            for role in d["roles"]:
                a, b = role["window"]
                rids = model.encode_roles(role["role_rows"])
                out.append((model.join_roles(ids[a:b], rids), [ROLE_TAGS.index(t) for t in role["tags"]]))
    return out


def _span_f1(
    model: Any, tagger: Any, seqs: Sequence[tuple[list[list[int]], list[int]]], tags: Sequence[str]
) -> dict[str, float]:
    """Exact span P/R/F1 per span type on ``seqs`` (gold cues for the role tagger)."""
    from quotattr.learned import _logprobs
    from quotattr.learned.tagger import decode_bio, spans_of

    tagger.eval()
    lps = _logprobs(tagger, model, [s for s, _ in seqs])
    tp: Counter[str] = Counter()
    ng: Counter[str] = Counter()
    npred: Counter[str] = Counter()
    for (_, gold), lp in zip(seqs, lps, strict=True):
        g = spans_of([tags[t] for t in gold])
        p = spans_of(decode_bio(lp, tags))
        for kind in {*g, *p}:
            gs, ps = set(g.get(kind, [])), set(p.get(kind, []))
            tp[kind] += len(gs & ps)
            ng[kind] += len(gs)
            npred[kind] += len(ps)
    out = {}
    for kind in ng:
        pr = tp[kind] / npred[kind] if npred[kind] else 0.0
        rc = tp[kind] / ng[kind] if ng[kind] else 0.0
        out[kind] = round(100 * (2 * pr * rc / (pr + rc) if pr + rc else 0.0), 2)
    return out


def _batches(seqs: Sequence[tuple[list[list[int]], list[int]]], size: int, rng: random.Random) -> Iterator[list[int]]:
    order = sorted(range(len(seqs)), key=lambda i: len(seqs[i][0]) + rng.random())
    chunks = [order[k : k + size] for k in range(0, len(order), size)]
    rng.shuffle(chunks)
    yield from chunks


def train_tagger(
    name: str,
    tagger: Any,
    model: Any,
    train: Sequence[tuple[list[list[int]], list[int]]],
    dev: Sequence[tuple[list[list[int]], list[int]]],
    tags: Sequence[str],
    work: Path,
    *,
    epochs: int,
    key: str,
    seed: int,
    deadline: float,
) -> dict[str, Any]:
    """Train with Adam, one checkpoint per epoch (resumed from ``<work>/<name>.ckpt``); keep the best
    epoch by the dev exact-span F1 of ``key``."""
    import torch

    from quotattr.learned import _batch

    ckpt_path = work / f"{name}.ckpt"
    opt = torch.optim.Adam(tagger.parameters(), lr=2e-3)
    state: dict[str, Any] = {"epoch": 0, "best": -1.0, "best_state": None, "history": []}
    if ckpt_path.exists():
        saved = torch.load(ckpt_path, weights_only=False)
        tagger.load_state_dict(saved["model"])
        opt.load_state_dict(saved["opt"])
        state = saved["state"]
        _log(f"{name}: resumed after epoch {state['epoch']}")
    rng = random.Random(seed + state["epoch"])
    torch.manual_seed(seed + state["epoch"])
    while state["epoch"] < epochs and time.time() < deadline:
        tagger.train()
        t0, total, n = time.time(), 0.0, 0
        for idx in _batches(train, 32, rng):
            x, lengths = _batch(model, [train[i][0] for i in idx])
            y = torch.full(x.shape[:2], -1, dtype=torch.long)
            for b, i in enumerate(idx):
                y[b, : len(train[i][1])] = torch.tensor(train[i][1])
            loss = tagger.loss(x, lengths, y)
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(tagger.parameters(), 5.0)
            opt.step()
            total += loss.item()
            n += 1
        scores = _span_f1(model, tagger, dev, tags)
        state["epoch"] += 1
        state["history"].append({"epoch": state["epoch"], "loss": round(total / max(n, 1), 4), "dev": scores})
        _log(f"{name} epoch {state['epoch']}: loss {total / max(n, 1):.4f} dev {scores} ({time.time() - t0:.0f} s)")
        if scores.get(key, 0.0) > state["best"]:
            state["best"] = scores.get(key, 0.0)
            state["best_state"] = {k: v.detach().clone() for k, v in tagger.state_dict().items()}
            state["best_epoch"] = state["epoch"]
        torch.save(
            {"model": tagger.state_dict(), "opt": opt.state_dict(), "state": state}, ckpt_path.with_suffix(".tmp")
        )
        ckpt_path.with_suffix(".tmp").rename(ckpt_path)
    if state["best_state"] is not None:
        tagger.load_state_dict(state["best_state"])
    return {"best_epoch": state.get("best_epoch"), "history": state["history"]}


CONFIG: dict[str, Any] = {
    "word_dims": [48, 12, 16, 12, 8, 8, 4, 4, 4, 4],
    "role_dims": [16, 8, 4],
    "hidden": 64,
    "max_lemmas": 6000,
    "min_count": 2,
}


def train(
    polnear: Path,
    work: Path,
    *,
    epochs: int,
    seed: int,
    minutes: float,
    limit: int | None,
    hidden: int | None = None,
    pretrained: str = "",
    crf: bool = False,
) -> dict[str, Any]:
    import torch

    from quotattr.learned import AttrModel
    from quotattr.learned.tagger import CUE_TAGS, ROLE_TAGS

    torch.set_num_threads(1)
    cache = work / "cache"
    names = [n for n, _, _ in _articles(polnear / "data" / "train")]
    held_out = set(names[::HELD_OUT_EVERY])
    ordered = [n for n in shuffled(names) if n not in held_out and (cache / "train" / f"{n}.pkl").exists()]
    train_names = set(ordered[:limit] if limit else ordered)
    _log("building examples ...")
    train_docs = load_examples(cache, polnear, "train", train_names)
    dev_docs = load_examples(cache, polnear, "dev")
    _log(f"{len(train_docs)} train articles, {len(dev_docs)} dev articles")
    word_vocabs, role_vocabs = build_vocabs(train_docs, CONFIG["max_lemmas"], CONFIG["min_count"])
    config = dict(CONFIG)
    if hidden is not None:
        config["hidden"] = hidden
    if pretrained:
        config["pretrained"] = pretrained
    if crf:
        config["crf"] = True
    ckpt: dict[str, Any] = {
        "config": config,
        "word_vocabs": word_vocabs,
        "role_vocabs": role_vocabs,
        "cue": {},
        "role": {},
    }
    torch.manual_seed(seed)
    model = AttrModel(ckpt)  # fresh taggers (cue, then role), with the frozen vectors if configured
    deadline = time.time() + minutes * 60
    report: dict[str, Any] = {
        "train_articles": len(train_docs),
        "dev_articles": len(dev_docs),
        "train_command": f"python -m quotattr.models.attrtrain --polnear {polnear} --work {work} --stage train "
        f"--epochs {epochs} --minutes {minutes:g} --seed {seed}"
        + (f" --limit {limit}" if limit else "")
        + (f" --hidden {hidden}" if hidden is not None else "")
        + (f" --pretrained {pretrained}" if pretrained else "")
        + (" --crf" if crf else ""),
    }
    for name, tagger, tags, key in (("role", model.role, ROLE_TAGS, "CON"), ("cue", model.cue, CUE_TAGS, "CUE")):
        tr = _sequences(model, train_docs, name)
        dv = _sequences(model, dev_docs, name)
        _log(f"{name}: {len(tr)} train sequences, {len(dv)} dev sequences")
        half = deadline if name == "cue" else time.time() + (deadline - time.time()) * 0.55
        report[name] = train_tagger(
            name, tagger, model, tr, dv, tags, work, epochs=epochs, key=key, seed=seed, deadline=half
        )
        ckpt[name] = {k: v.detach().clone() for k, v in tagger.state_dict().items()}
    torch.save(ckpt, work / "attr-full.pt")
    (work / "train-report.json").write_text(json.dumps(report, indent=1), encoding="utf-8")
    return report


def ensemble(ckpt: dict[str, Any], members: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """``ckpt`` with the taggers of ``members`` added as ``"cue_extra"`` / ``"role_extra"``; every member
    must have been trained on the same articles (same vocabularies) with the same features; a member's
    hidden size and tag layer (softmax or CRF) may differ, as they are read from its weights. A member's
    own extras join too."""
    out = dict(ckpt)
    for key in ("cue_extra", "role_extra"):
        out[key] = list(ckpt.get(key, ()))
    per_member = ("hidden", "crf")
    for m in members:
        for key in ("config", "word_vocabs", "role_vocabs"):
            a, b = m[key], ckpt[key]
            if key == "config":
                a, b = ({k: v for k, v in c.items() if k not in per_member} for c in (a, b))
            if a != b:
                raise ValueError(f"an ensemble member differs in {key!r}: train them alike on the same articles")
        out["cue_extra"].extend([m["cue"], *m.get("cue_extra", ())])
        out["role_extra"].extend([m["role"], *m.get("role_extra", ())])
    return out


def _half(state: dict[str, Any]) -> dict[str, Any]:
    return {k: v.half() if v.is_floating_point() else v for k, v in state.items()}


def export(work: Path, out_dir: Path, command: str, members: Sequence[Path] = ()) -> None:
    import hashlib

    import torch

    ckpt = torch.load(work / "attr-full.pt", weights_only=True)
    reports = [json.loads((work / "train-report.json").read_text(encoding="utf-8"))]
    if members:
        ckpt = ensemble(ckpt, [torch.load(m / "attr-full.pt", weights_only=True) for m in members])
        reports += [json.loads((m / "train-report.json").read_text(encoding="utf-8")) for m in members]
    for part in ("cue", "role"):
        ckpt[part] = _half(ckpt[part])
    for part in ("cue_extra", "role_extra"):
        if part in ckpt:
            ckpt[part] = [_half(state) for state in ckpt[part]]
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / "attr.pt"
    torch.save(ckpt, path)
    report = reports[0]
    if members:
        report = {**report, "ensemble": reports[1:]}
    manifest = {
        "name": "quotattr learned attribution tagger",
        "recipe_version": RECIPE_VERSION,
        "command": " && ".join([*(r.get("train_command", "") for r in reports), command]),
        "trained_on": "PolNeAR v1.0.0 train split (Newell, Margolin & Ruths, LREC 2018), every 14th article "
        "held out; first annotator per article; no licence stated by the corpus authors (research use)",
        "files": {"attr.pt": {"size": path.stat().st_size, "sha256": hashlib.sha256(path.read_bytes()).hexdigest()}},
        "config": ckpt["config"],
        "report": report,
    }
    (out_dir / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
    _log(f"wrote {path} ({path.stat().st_size} bytes) and its manifest")


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m quotattr.models.attrtrain", description=__doc__.splitlines()[0])
    p.add_argument("--polnear", type=Path, default=Path("../shared/data/polnear"))
    p.add_argument("--work", type=Path, default=Path("work-train/attr"))
    p.add_argument("--stage", choices=("all", "parse", "train", "export"), default="all")
    p.add_argument("--epochs", type=int, default=12)
    p.add_argument("--minutes", type=float, default=45.0, help="wall-clock budget for both taggers")
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--limit", type=int, default=None, help="the first N training articles (parse order)")
    p.add_argument("--hidden", type=int, default=None, help=f"BiLSTM hidden size (default {CONFIG['hidden']})")
    p.add_argument(
        "--pretrained",
        default="",
        help="frozen word vectors from this file of the bundled stanza set (e.g. pretrain.pt); none by default",
    )
    p.add_argument(
        "--crf",
        action="store_true",
        help="a linear-chain CRF over each tagger's tags (trained by its likelihood, read through its marginals)",
    )
    p.add_argument(
        "--ensemble",
        type=Path,
        nargs="*",
        default=[],
        help="export: more work directories whose taggers join the model (trained alike, other seeds)",
    )
    p.add_argument("--out", type=Path, default=Path(__file__).resolve().parent.parent / "learned" / "data")
    args = p.parse_args(argv)
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    args.work.mkdir(parents=True, exist_ok=True)
    if args.stage in ("all", "parse"):
        parse(args.polnear, args.work / "cache")
    if args.stage in ("all", "train"):
        train(
            args.polnear,
            args.work,
            epochs=args.epochs,
            seed=args.seed,
            minutes=args.minutes,
            limit=args.limit,
            hidden=args.hidden,
            pretrained=args.pretrained,
            crf=args.crf,
        )
    if args.stage in ("all", "export"):
        export(
            args.work,
            args.out,
            "python -m quotattr.models.attrtrain " + " ".join(sys.argv[1:] if argv is None else argv),
            args.ensemble,
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
