"""The learned attribution tagger: proposes cue / source / content spans the rule sieves miss.

Two small BiLSTM taggers over stanza's own annotations (:mod:`quotattr.learned.features`):

- the *cue* tagger marks attribution cues in each sentence ("said", "his claim", "according to",
  "believes", "a poll … shows");
- the *role* tagger reads the sentences around one cue, with each word's place relative to the cue
  in the dependency tree, and marks that cue's source and content.

``data/attr.pt`` holds an ensemble: two CRF taggers of each kind, trained alike with different
seeds, read as one chain whose scores are the members' mean
(:func:`~quotattr.learned.tagger.ensemble_log_probs`) before decoding. The weights were trained on PolNeAR
train by :mod:`quotattr.models.attrtrain`;
``data/manifest.json`` holds the file's SHA-256, checked before ``torch.load``, the vocabularies'
sizes and the dev scores. See docs/models.md.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import attrs

from quotattr.document import DocView
from quotattr.learned.features import cue_anchor, role_features, role_window, word_features
from quotattr.lexicons import Lexicons
from quotattr.quotes import QuoteSpan

__all__ = [
    "DATA_DIR",
    "AttrModel",
    "LearnedModelError",
    "Proposal",
    "load_model",
    "propose",
]

DATA_DIR = Path(__file__).resolve().parent / "data"
MODEL_NAME = "attr.pt"
_LOCK = threading.Lock()
_CACHE: dict[str, AttrModel] = {}
_PRETRAINED_LOCK = threading.Lock()


class LearnedModelError(RuntimeError):
    """The learned model file is missing or does not match its manifest's SHA-256."""


@attrs.frozen(slots=True)
class Proposal:
    """One attribution proposed by the taggers, in global word indices (inclusive ranges)."""

    cue: tuple[int, ...]  #: the cue's words
    anchor: int  #: the cue word whose head lies outside the cue
    cue_score: float  #: mean probability of the cue's tags
    source: tuple[int, int] | None
    content: tuple[tuple[int, int], ...]
    role_score: float  #: mean probability of the content's tags


class AttrModel:
    """Both taggers with their vocabularies (loaded from a checkpoint dict).

    A checkpoint whose config names ``"pretrained"`` (a file of the bundled stanza model set, e.g.
    ``pretrain.pt``) also feeds each word's lowercased form through those frozen vectors, loaded here
    from the verified bundled file (they are not stored in the checkpoint). With empty ``"cue"`` /
    ``"role"`` weights the taggers keep their fresh initialization (training builds its model so)."""

    def __init__(self, ckpt: dict[str, Any]) -> None:
        import torch

        from quotattr.learned.tagger import CUE_TAGS, ROLE_TAGS, Tagger, Vocab

        cfg = ckpt["config"]
        self.config: dict[str, Any] = cfg
        self.word_vocabs = [Vocab(v) for v in ckpt["word_vocabs"]]
        self.role_vocabs = [Vocab(v) for v in ckpt["role_vocabs"]]
        self.pretrained: PretrainedVectors | None = None
        if cfg.get("pretrained"):
            self.pretrained = pretrained_vectors(str(cfg["pretrained"]))
        emb = None if self.pretrained is None else self.pretrained.emb
        wsizes = [len(v) for v in self.word_vocabs]
        rsizes = [len(v) for v in self.role_vocabs]

        cue_shape = (wsizes, cfg["word_dims"], CUE_TAGS)
        role_shape = (wsizes + rsizes, cfg["word_dims"] + cfg["role_dims"], ROLE_TAGS)

        def tagger(shape: tuple[list[int], list[int], tuple[str, ...]], state: dict[str, Any]) -> Tagger:
            sizes, dims, tags = shape
            # a member's own size and tag layer are read from its weights (an ensemble may mix them)
            hidden = int(state["lstm.weight_hh_l0"].shape[1]) if state else cfg["hidden"]
            crf = "crf.trans" in state if state else bool(cfg.get("crf"))
            out = Tagger(sizes, dims, hidden, len(tags), pretrained=emb, crf_tags=tags if crf else ())
            if state:
                out.load_state_dict({k: v.float() for k, v in state.items()})
            return out

        self.cue = tagger(cue_shape, ckpt["cue"])
        self.role = tagger(role_shape, ckpt["role"])
        #: every cue / role tagger: the first, then the ensemble's other members (``"cue_extra"``,
        #: ``"role_extra"``: state dicts of taggers trained alike, on the same vocabularies)
        self.cues: list[Tagger] = [self.cue, *(tagger(cue_shape, state) for state in ckpt.get("cue_extra", ()))]
        self.roles: list[Tagger] = [self.role, *(tagger(role_shape, state) for state in ckpt.get("role_extra", ()))]
        for tagger in (*self.cues, *self.roles):
            tagger.eval()
        self._torch = torch

    def quantize(self) -> None:
        """Run inference on int8 copies of every tagger (``torch.ao.quantization.quantize_dynamic`` of
        the LSTMs and linear layers: a third less time, the same PolNeAR figures within 0.1 —
        docs/benchmarks.md). :attr:`cue` and :attr:`role` stay the float taggers (training and
        checkpoints use those); :attr:`cues` and :attr:`roles`, which inference reads, become the
        copies. torch marks this API deprecated: its warnings are silenced here, and where a torch
        no longer has it the float taggers stay (the same figures within 0.1, a third slower)."""
        import warnings

        from quotattr.models.fastinfer import int8

        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            warnings.simplefilter("ignore", DeprecationWarning)
            try:
                cues = [int8(t) for t in self.cues]
                roles = [int8(t) for t in self.roles]
            except (AttributeError, ImportError, RuntimeError):
                return
        self.cues, self.roles = cues, roles

    def encode_words(self, rows: Sequence[tuple[str, ...]], forms: Sequence[str] = ()) -> list[list[int]]:
        """Feature ids per word; with pretrained vectors, each word form's row id appended (``forms``
        then holds one word text per row)."""
        out = [[v.id(s) for v, s in zip(self.word_vocabs, r, strict=True)] for r in rows]
        if self.pretrained is not None:
            ids = self.pretrained.ids(forms)
            if len(ids) != len(out):
                raise ValueError(f"{len(forms)} word forms for {len(rows)} feature rows")
            for row, i in zip(out, ids, strict=True):
                row.append(i)
        return out

    def encode_roles(self, rows: Sequence[tuple[str, ...]]) -> list[list[int]]:
        return [[v.id(s) for v, s in zip(self.role_vocabs, r, strict=True)] for r in rows]

    def join_roles(self, words: Sequence[list[int]], roles: Sequence[list[int]]) -> list[list[int]]:
        """The role tagger's input rows: word ids, then role ids (the pretrained id stays last)."""
        if self.pretrained is None:
            return [w + r for w, r in zip(words, roles, strict=True)]
        return [w[:-1] + r + w[-1:] for w, r in zip(words, roles, strict=True)]


class PretrainedVectors:
    """The frozen word vectors of one bundled stanza pretrain file and its (lowercase) vocabulary."""

    def __init__(self, emb: Any, unit2id: Any) -> None:
        self.emb = emb  #: float32 tensor [words, dim]; row 0 (padding) and 1 (unknown) are zero
        self._unit2id = unit2id

    def ids(self, forms: Sequence[str]) -> list[int]:
        return [int(self._unit2id(f.lower())) for f in forms]


_PRETRAINED: dict[str, PretrainedVectors] = {}


def pretrained_vectors(name: str) -> PretrainedVectors:
    """The vectors of ``name`` in the bundled stanza model set (:data:`quotattr.models.BUNDLED_DIR`),
    checked against that set's manifest (size and SHA-256) before loading; loaded once per process."""
    from stanza.models.common.pretrain import Pretrain

    from quotattr.models import BUNDLED_DIR, load_manifest, verify_file
    from quotattr.models.loading import trusted_loading

    with _PRETRAINED_LOCK:
        if name in _PRETRAINED:
            return _PRETRAINED[name]
        entry = load_manifest(BUNDLED_DIR)["files"].get(name)
        if entry is None or entry.get("processor") != "pretrain":
            raise LearnedModelError(f"{name!r} is not a pretrain file of the bundled model set")
        path = verify_file(BUNDLED_DIR, name, entry)
        with trusted_loading([path]):
            pre = Pretrain(str(path))
            emb = pre.emb
            vocab = pre.vocab
        import torch

        vectors = PretrainedVectors(torch.as_tensor(emb, dtype=torch.float32), vocab.unit2id)
        _PRETRAINED[name] = vectors
        return vectors


def load_model(directory: Path | None = None) -> AttrModel:
    """The verified model in ``directory`` (the package's by default), loaded once per process and
    made ready for inference (:meth:`AttrModel.quantize`)."""
    import torch

    from quotattr.models import sha256_file

    d = directory or DATA_DIR
    key = str(d)
    with _LOCK:
        if key in _CACHE:
            return _CACHE[key]
        manifest_path = d / "manifest.json"
        path = d / MODEL_NAME
        if not manifest_path.is_file() or not path.is_file():
            raise LearnedModelError(f"learned attribution model missing in {d}")
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        want = manifest["files"][MODEL_NAME]["sha256"]
        got = sha256_file(path)
        if got != want:
            raise LearnedModelError(f"{path}: SHA-256 {got} does not match the manifest's {want}")
        ckpt = torch.load(path, map_location="cpu", weights_only=True)
        model = AttrModel(ckpt)
        model.quantize()
        _CACHE[key] = model
        return model


def _batch(model: AttrModel, seqs: Sequence[list[list[int]]]) -> tuple[Any, Any]:
    torch = model._torch
    n = max(len(s) for s in seqs)
    f = len(seqs[0][0])
    x = torch.zeros((len(seqs), n, f), dtype=torch.long)
    for b, s in enumerate(seqs):
        x[b, : len(s)] = torch.tensor(s, dtype=torch.long)
    return x, torch.tensor([len(s) for s in seqs], dtype=torch.long)


def _logprobs(tagger: Any, model: AttrModel, seqs: Sequence[list[list[int]]]) -> list[list[list[float]]]:
    """Per sequence and word, the tag log-probabilities of ``tagger`` — or of a list of taggers (an
    ensemble, :func:`~quotattr.learned.tagger.ensemble_log_probs`)."""
    from quotattr.learned.tagger import ensemble_log_probs

    torch = model._torch
    taggers = list(tagger) if isinstance(tagger, (list, tuple)) else [tagger]
    out: list[list[list[float]]] = [[] for _ in seqs]
    order = sorted(range(len(seqs)), key=lambda i: len(seqs[i]))  # little padding per batch
    with torch.inference_mode():
        for k in range(0, len(order), 64):
            idx = order[k : k + 64]
            x, lengths = _batch(model, [seqs[i] for i in idx])
            lp = ensemble_log_probs(taggers, x, lengths)
            for b, i in enumerate(idx):
                out[i] = lp[b, : len(seqs[i])].tolist()
    return out


def propose(
    view: DocView,
    lex: Lexicons,
    quotes: Sequence[QuoteSpan],
    model: AttrModel,
    *,
    sentences: Sequence[int] | None = None,
    extra_cues: Sequence[tuple[int, ...]] = (),
    cue_probs: dict[int, float] | None = None,
) -> list[Proposal]:
    """Cues the cue tagger finds in ``sentences`` (all by default), plus ``extra_cues``, each with the
    source and content the role tagger gives it. ``cue_probs``, where given, receives each word of
    those sentences → its probability of being part of a cue."""
    import math

    from quotattr.learned.tagger import CUE_TAGS, ROLE_TAGS, decode_bio, spans_of

    if not view.words:
        return []
    rows = word_features(view, lex, quotes)
    ids = model.encode_words(rows, [w.text for w in view.words])
    sents = list(range(len(view.sentences))) if sentences is None else list(sentences)
    sents = [s for s in sents if view.sentences[s][1] > view.sentences[s][0]]
    cues: list[tuple[tuple[int, ...], float]] = []
    if sents:
        seqs = [ids[view.sentences[s][0] : view.sentences[s][1]] for s in sents]
        for s, lp in zip(sents, _logprobs(model.cues, model, seqs), strict=True):
            first = view.sentences[s][0]
            if cue_probs is not None:  # each word's probability of being part of a cue
                for t, row in enumerate(lp):
                    cue_probs[first + t] = 1.0 - math.exp(row[0])
            labels = decode_bio(lp, CUE_TAGS)
            for a, b in spans_of(labels).get("CUE", []):
                score = sum(math.exp(lp[t][CUE_TAGS.index(labels[t])]) for t in range(a, b + 1)) / (b - a + 1)
                cues.append((tuple(range(first + a, first + b + 1)), score))
    seen = {c for c, _ in cues}
    cues.extend((c, 1.0) for c in extra_cues if c not in seen)
    if not cues:
        return []
    windows: list[range] = []
    role_seqs: list[list[list[int]]] = []
    anchors: list[int] = []
    for words, _ in cues:
        anchor = cue_anchor(view, words)
        window = role_window(view, anchor)
        rfeats = model.encode_roles(role_features(view, anchor, words, window))
        role_seqs.append(model.join_roles(ids[window.start : window.stop], rfeats))
        windows.append(window)
        anchors.append(anchor)
    out: list[Proposal] = []
    for (words, cscore), anchor, window, lp in zip(
        cues, anchors, windows, _logprobs(model.roles, model, role_seqs), strict=True
    ):
        labels = decode_bio(lp, ROLE_TAGS)
        spans = spans_of(labels)
        contents = [(window.start + a, window.start + b) for a, b in spans.get("CON", [])]
        if not contents:
            continue
        con_pos = [t for a, b in spans.get("CON", []) for t in range(a, b + 1)]
        rscore = sum(math.exp(lp[t][ROLE_TAGS.index(labels[t])]) for t in con_pos) / len(con_pos)
        sources = [(window.start + a, window.start + b) for a, b in spans.get("SRC", [])]
        source = min(sources, key=lambda r: min(abs(r[0] - anchor), abs(r[1] - anchor))) if sources else None
        out.append(Proposal(words, anchor, cscore, source, tuple(contents), rscore))
    return out
