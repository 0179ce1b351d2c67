"""Pure scoring functions: gold quotes vs predicted quotes, over plain frozen dataclasses.

Nothing here imports stanza or runs a pipeline; :func:`quotes_from_result` only reads a
:class:`quotattr.Result` (or its ``to_dict()``), so every function is unit-testable on hand-made data.

Matching (see docs/benchmarks.md):

- Every content span is *trimmed* first: whitespace, quote marks, a leading "that" and edge
  punctuation are cut from both ends of each part, in a loop until nothing changes.
- A gold quote is *found* at threshold ``t`` when a prediction covers more than ``t`` of its trimmed
  characters (``|gold ∩ pred| / |gold| > t``). ``exact`` means the trimmed character sets are equal.
- One prediction per gold quote: candidate pairs are taken greedily by coverage (ties: gold order, then
  prediction order), required gold quotes first, then optional ones with the predictions left over.
- A prediction matched to an optional gold quote is neither a true nor a false positive; an unmatched
  optional gold quote is not a miss.
- Cue and mention are scored on matched pairs ("linked"): at the overlap levels they count when the
  predicted span shares a (trimmed) character with the gold span, at ``exact`` when the trimmed spans
  are equal. Precision's denominator is the predictions that carry one, recall's the gold quotes that do.
- ``spans``: source, cue and content each matched independently as sets of exact spans per document,
  the way PolNeAR results are published (exact-match F1).
"""

from __future__ import annotations

import re
import string
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "EXTRA_CUES",
    "LEVELS",
    "Counts",
    "DocScore",
    "Document",
    "Match",
    "Quote",
    "SpeakerInfo",
    "aggregate",
    "char_set",
    "coverage",
    "cue_in_lexicon",
    "f1",
    "heuristic_kind",
    "join_parts",
    "lemma_candidates",
    "match",
    "norm_field",
    "quotes_from_result",
    "score_document",
    "trim",
]

Parts = tuple[tuple[int, int], ...]

#: matching levels: name -> coverage threshold (None = exact trimmed span)
LEVELS: dict[str, float | None] = {"overlap>0.3": 0.3, "overlap>0.8": 0.8, "exact": None}
KINDS = ("direct", "indirect", "mixed")
#: cue phrases quotattr handles outside its verb lexicon (its "according to" sieve)
EXTRA_CUES: dict[str, str] = {"according to": "speech"}
SPEAKER_FIELDS = ("name", "rank", "title", "organization", "type")

QUOTE_MARKS = "\"'“”‘’„‟«»‹›「」『』`´"
OPEN_QUOTES = '"“„«‹「『'
CLOSE_QUOTES = '"”»›」』'
_EDGE = set(QUOTE_MARKS + string.punctuation + "…—–‒―-·•") | {
    " ",
    "\t",
    "\n",
    "\r",
    "\u00a0",
    "\u2009",
    "\u202f",
}
_THAT = re.compile(r"that\b", re.IGNORECASE)


# ---------------------------------------------------------------- data


@dataclass(frozen=True)
class SpeakerInfo:
    """A resolved speaker as the gold (or a prediction) gives it; None where a field is not known."""

    name: str | None = None
    rank: str | None = None
    title: str | None = None
    organization: str | None = None
    type: str | None = None


@dataclass(frozen=True)
class Quote:
    """One attribution, reduced to what the scorer compares. Spans are ``(start, end)`` parts."""

    content: Parts
    kind: str | None = None
    cue: Parts | None = None
    mention: Parts | None = None
    addressee: Parts | None = None
    speaker: SpeakerInfo | None = None
    optional: bool = False
    cue_text: str | None = None

    @property
    def start(self) -> int:
        return min(s for s, _ in self.content) if self.content else 0


@dataclass(frozen=True)
class Document:
    """A gold document: its text and its gold quotes."""

    doc_id: str
    text: str
    quotes: tuple[Quote, ...]
    source: str = "quotattr"
    annotator: str | None = None


# ---------------------------------------------------------------- spans


def trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Cut whitespace, quote marks, edge punctuation and a leading "that" from ``text[start:end]``."""
    start = max(0, start)
    end = min(len(text), end)
    while True:
        before = (start, end)
        while start < end and text[start] in _EDGE:
            start += 1
        while end > start and text[end - 1] in _EDGE:
            end -= 1
        m = _THAT.match(text, start, end)
        if m is not None and (m.end() == end or not text[m.end()].isalnum()):
            start = m.end()
        if (start, end) == before:
            return start, end


def join_parts(text: str, parts: Iterable[tuple[int, int]] | None) -> list[tuple[int, int]]:
    """``parts`` sorted, with parts that only whitespace and punctuation separate joined into one.

    One passage is one span however it was cut: brat annotators mark a two-sentence quote as two
    fragments ("… a candidate." + "He unites …") where a system gives one span, and the two must
    compare equal — as they do token by token, the way PolNeAR results are published. Trimming each
    fragment on its own would drop the inner "." from one side only.
    """
    out: list[tuple[int, int]] = []
    for s, e in sorted(parts or ()):
        if out and all(ch in _EDGE for ch in text[out[-1][1] : s]):
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out


def char_set(text: str, parts: Iterable[tuple[int, int]] | None) -> frozenset[int]:
    """The character offsets covered by ``parts`` after joining the parts that only whitespace and
    punctuation separate (:func:`join_parts`) and trimming each.

    Where trimming leaves nothing (a content "that", a cue ":" or "—") the untrimmed span, whitespace
    stripped, is used instead, so such spans can still be matched.
    """
    out: set[int] = set()
    raw: set[int] = set()
    for s, e in join_parts(text, parts):
        ts, te = trim(text, s, e)
        out.update(range(ts, te))
        s, e = max(0, s), min(len(text), e)
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        raw.update(range(s, e))
    return frozenset(out or raw)


def coverage(gold: frozenset[int], pred: frozenset[int]) -> float:
    """Share of the gold characters the prediction covers (0 where the gold is empty)."""
    if not gold:
        return 0.0
    return len(gold & pred) / len(gold)


def _hit(level: float | None, gold: frozenset[int], pred: frozenset[int]) -> bool:
    if level is None:
        return bool(gold) and gold == pred
    return coverage(gold, pred) > level


def _linked_hit(level: float | None, gold: frozenset[int], pred: frozenset[int]) -> bool:
    """Cue/mention criterion on a matched pair: any overlap at the overlap levels, equality at exact."""
    if level is None:
        return bool(gold) and gold == pred
    return bool(gold & pred)


# ---------------------------------------------------------------- matching


@dataclass(frozen=True)
class Match:
    """The one-to-one assignment of predictions to gold quotes at one level."""

    pairs: tuple[tuple[int, int], ...]  #: (gold index, prediction index)
    missed: tuple[int, ...]  #: required gold quotes with no prediction
    spurious: tuple[int, ...]  #: predictions matched to no gold quote (required or optional)
    optional_hits: tuple[int, ...]  #: predictions matched to optional gold quotes


def _greedy(
    gold_idx: Sequence[int],
    pred_idx: Sequence[int],
    gsets: Sequence[frozenset[int]],
    psets: Sequence[frozenset[int]],
    level: float | None,
) -> list[tuple[int, int]]:
    cands: list[tuple[float, int, int]] = []
    for gi in gold_idx:
        for pj in pred_idx:
            if _hit(level, gsets[gi], psets[pj]):
                cands.append((-coverage(gsets[gi], psets[pj]), gi, pj))
    cands.sort()
    used_g: set[int] = set()
    used_p: set[int] = set()
    out: list[tuple[int, int]] = []
    for _, gi, pj in cands:
        if gi in used_g or pj in used_p:
            continue
        used_g.add(gi)
        used_p.add(pj)
        out.append((gi, pj))
    return out


def match(text: str, gold: Sequence[Quote], pred: Sequence[Quote], level: float | None) -> Match:
    """Match predictions to gold quotes at ``level`` (a coverage threshold, or None for exact)."""
    gsets = [char_set(text, q.content) for q in gold]
    psets = [char_set(text, q.content) for q in pred]
    required = [i for i, q in enumerate(gold) if not q.optional]
    optional = [i for i, q in enumerate(gold) if q.optional]
    pairs = _greedy(required, range(len(pred)), gsets, psets, level)
    used = {p for _, p in pairs}
    opt_pairs = _greedy(optional, [j for j in range(len(pred)) if j not in used], gsets, psets, level)
    matched_g = {g for g, _ in pairs}
    used |= {p for _, p in opt_pairs}
    return Match(
        pairs=tuple(sorted(pairs)),
        missed=tuple(i for i in required if i not in matched_g),
        spurious=tuple(j for j in range(len(pred)) if j not in used),
        optional_hits=tuple(sorted(p for _, p in opt_pairs)),
    )


# ---------------------------------------------------------------- counts


@dataclass
class Counts:
    """tp / gold / pred counts; precision = tp_p / pred, recall = tp / gold."""

    tp: int = 0
    gold: int = 0
    pred: int = 0
    tp_p: int | None = None  #: true positives on the precision side where they differ (per kind)

    def add(self, other: Counts) -> None:
        self.tp += other.tp
        self.gold += other.gold
        self.pred += other.pred
        if other.tp_p is not None or self.tp_p is not None:
            self.tp_p = (self.tp_p or 0) + (other.tp_p if other.tp_p is not None else other.tp)

    @property
    def precision(self) -> float | None:
        tp = self.tp if self.tp_p is None else self.tp_p
        return tp / self.pred if self.pred else None

    @property
    def recall(self) -> float | None:
        return self.tp / self.gold if self.gold else None

    @property
    def f1(self) -> float | None:
        return f1(self.precision, self.recall)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"tp": self.tp, "gold": self.gold, "pred": self.pred}
        if self.tp_p is not None:
            out["tp_pred_side"] = self.tp_p
        out.update(precision=self.precision, recall=self.recall, f1=self.f1)
        return out


def f1(p: float | None, r: float | None) -> float | None:
    """Harmonic mean; None where either side is undefined, 0 where both are 0."""
    if p is None or r is None:
        return None
    return 0.0 if p + r == 0 else 2 * p * r / (p + r)


def norm_field(value: str | None) -> str | None:
    """Case-, accent- and punctuation-insensitive form of a speaker field ('' counts as None)."""
    if value is None:
        return None
    v = unicodedata.normalize("NFKD", value)
    v = "".join(c for c in v if not unicodedata.combining(c))
    v = "".join(c if c.isalnum() else " " for c in v.lower())
    v = " ".join(v.split())
    return v or None


# ---------------------------------------------------------------- lemmas


_IRREGULAR = {
    "said": "say",
    "says": "say",
    "told": "tell",
    "wrote": "write",
    "written": "write",
    "thought": "think",
    "spoke": "speak",
    "spoken": "speak",
    "knew": "know",
    "known": "know",
    "felt": "feel",
    "heard": "hear",
    "found": "find",
    "saw": "see",
    "seen": "see",
    "took": "take",
    "taken": "take",
    "gave": "give",
    "given": "give",
    "made": "make",
    "meant": "mean",
    "held": "hold",
    "brought": "bring",
    "taught": "teach",
    "sought": "seek",
    "swore": "swear",
    "sworn": "swear",
    "foresaw": "foresee",
    "got": "get",
    "gotten": "get",
    "went": "go",
    "gone": "go",
    "did": "do",
    "done": "do",
    "does": "do",
    "has": "have",
    "had": "have",
    "was": "be",
    "were": "be",
    "is": "be",
    "are": "be",
    "been": "be",
    "began": "begin",
    "begun": "begin",
    "forbade": "forbid",
    "understood": "understand",
    "read": "read",
    "put": "put",
    "let": "let",
    "bet": "bet",
    "forecast": "forecast",
    "quit": "quit",
    "became": "become",
    "according": "according to",
}
_SUFFIXES: tuple[tuple[str, str], ...] = (
    ("ies", "y"),
    ("ied", "y"),
    ("ying", "y"),
    ("sses", "ss"),
    ("shes", "sh"),
    ("ches", "ch"),
    ("xes", "x"),
    ("zes", "z"),
    ("es", "e"),
    ("es", ""),
    ("s", ""),
    ("ed", ""),
    ("ed", "e"),
    ("d", ""),
    ("ing", ""),
    ("ing", "e"),
)


def lemma_candidates(word: str) -> list[str]:
    """Possible lemmas of an English verb form, most likely first (for lexicon membership tests)."""
    w = word.lower().strip(string.punctuation + "“”‘’")
    if not w:
        return []
    out = [w]
    if w in _IRREGULAR:
        out.insert(0, _IRREGULAR[w])
    for suf, rep in _SUFFIXES:
        if w.endswith(suf) and len(w) - len(suf) >= 2:
            stem = w[: len(w) - len(suf)] + rep
            out.append(stem)
            # doubled final consonant: admitted -> admit, planning -> plan
            if rep == "" and len(stem) >= 3 and stem[-1] == stem[-2] and stem[-1] not in "aeiousl":
                out.append(stem[:-1])
    seen: set[str] = set()
    return [c for c in out if not (c in seen or seen.add(c))]  # type: ignore[func-returns-value]


def cue_in_lexicon(cue_text: str | None, cues: Mapping[str, Any] | Iterable[str]) -> bool:
    """True if the cue phrase, or one of its words, lemmatises to an entry of the cue lexicon.

    Multi-word entries ("according to") match the whole lower-cased phrase too.
    """
    if not cue_text:
        return False
    lex = set(cues)
    phrase = " ".join(cue_text.lower().split())
    if phrase in lex:
        return True
    return any(c in lex for w in phrase.split() for c in lemma_candidates(w))


def heuristic_kind(content: str) -> str:
    """direct / mixed / indirect from quote marks (as polnear_attributions.jsonl's heuristic_type).

    direct: the content (edge punctuation aside) opens and closes with a double quote mark and holds no
    other; mixed: it holds at least two double quote marks otherwise; indirect: fewer than two.
    """
    s = content.strip()
    n = sum(s.count(c) for c in '"“”')
    if n < 2:
        return "indirect"
    core = s.strip(" \t\n\u00a0.,;:?!…—–-")
    if n == 2 and core and core[0] in '"“' and core[-1] in '"”':
        return "direct"
    return "mixed"


# ---------------------------------------------------------------- per-document score


@dataclass
class DocScore:
    """Everything counted on one document (plain data; :func:`aggregate` sums them)."""

    doc_id: str
    content: dict[str, Counts] = field(default_factory=dict)  #: level -> counts
    cue: dict[str, Counts] = field(default_factory=dict)
    mention: dict[str, Counts] = field(default_factory=dict)
    kinds: dict[str, dict[str, Counts]] = field(default_factory=dict)  #: level -> kind -> counts
    kind_agreement: dict[str, Counts] = field(default_factory=dict)  #: tp = same kind, gold = pairs
    lexicon_recall: dict[str, Counts] = field(default_factory=dict)  #: gold cues in the lexicon only
    speaker: dict[str, Counts] = field(default_factory=dict)  #: field -> tp = correct, gold = compared
    spans: dict[str, Counts] = field(default_factory=dict)  #: source/cue/content, independent exact
    missed: list[dict[str, Any]] = field(default_factory=list)
    spurious: list[dict[str, Any]] = field(default_factory=list)

    @property
    def errors(self) -> int:
        return len(self.missed) + len(self.spurious)


def _describe(text: str, q: Quote) -> dict[str, Any]:
    def join(parts: Parts | None) -> str | None:
        return None if parts is None else " … ".join(text[s:e] for s, e in parts)

    return {
        "start": q.start,
        "kind": q.kind,
        "content": join(q.content),
        "cue": join(q.cue),
        "mention": join(q.mention),
        "speaker": None if q.speaker is None else q.speaker.name,
    }


def _span_sets(text: str, quotes: Iterable[Quote], attr: str) -> set[frozenset[int]]:
    out: set[frozenset[int]] = set()
    for q in quotes:
        parts = getattr(q, attr)
        if parts:
            cs = char_set(text, parts)
            if cs:
                out.add(cs)
    return out


def score_document(
    doc: Document,
    pred: Sequence[Quote],
    *,
    cue_lexicon: Mapping[str, Any] | Iterable[str] | None = None,
    error_level: str = "overlap>0.3",
) -> DocScore:
    """Score one document's predictions against its gold quotes at every level of :data:`LEVELS`."""
    text, gold = doc.text, doc.quotes
    ds = DocScore(doc.doc_id)
    lex = None if cue_lexicon is None else set(cue_lexicon)
    n_required = sum(not q.optional for q in gold)
    for name, level in LEVELS.items():
        m = match(text, gold, pred, level)
        n_pred = len(pred) - len(m.optional_hits)
        ds.content[name] = Counts(tp=len(m.pairs), gold=n_required, pred=n_pred)
        opt_hit = set(m.optional_hits)
        counted_preds = [j for j in range(len(pred)) if j not in opt_hit]
        # linked cue and mention
        for attr, store in (("cue", ds.cue), ("mention", ds.mention)):
            c = Counts(
                gold=sum(1 for q in gold if not q.optional and getattr(q, attr)),
                pred=sum(1 for j in counted_preds if getattr(pred[j], attr)),
            )
            for gi, pj in m.pairs:
                g_parts, p_parts = getattr(gold[gi], attr), getattr(pred[pj], attr)
                if g_parts and p_parts and _linked_hit(level, char_set(text, g_parts), char_set(text, p_parts)):
                    c.tp += 1
            store[name] = c
        # per kind: recall over gold of the kind, precision over predictions of the kind
        matched_g = {g for g, _ in m.pairs}
        matched_p = {p for _, p in m.pairs}
        per: dict[str, Counts] = {}
        for k in KINDS:
            per[k] = Counts(
                tp=sum(1 for i, q in enumerate(gold) if not q.optional and q.kind == k and i in matched_g),
                gold=sum(1 for q in gold if not q.optional and q.kind == k),
                pred=sum(1 for j in counted_preds if pred[j].kind == k),
                tp_p=sum(1 for j in matched_p if pred[j].kind == k),
            )
        ds.kinds[name] = per
        ds.kind_agreement[name] = Counts(
            tp=sum(1 for g, p in m.pairs if gold[g].kind == pred[p].kind),
            gold=len(m.pairs),
            pred=len(m.pairs),
        )
        if lex is not None:
            in_lex = [i for i, q in enumerate(gold) if not q.optional and cue_in_lexicon(q.cue_text, lex)]
            ds.lexicon_recall[name] = Counts(tp=sum(1 for i in in_lex if i in matched_g), gold=len(in_lex))
        if name == error_level:
            ds.missed = [_describe(text, gold[i]) for i in m.missed]
            ds.spurious = [_describe(text, pred[j]) for j in m.spurious]
            # speaker fields on matched pairs whose gold has a resolved speaker
            for fname in (*SPEAKER_FIELDS, "all"):
                ds.speaker[fname] = Counts()
            for gi, pj in m.pairs:
                gs = gold[gi].speaker
                if gs is None:
                    continue
                ps = pred[pj].speaker or SpeakerInfo()
                ok_all = True
                for fname in SPEAKER_FIELDS:
                    ok = norm_field(getattr(gs, fname)) == norm_field(getattr(ps, fname))
                    ok_all &= ok
                    c = ds.speaker[fname]
                    c.gold += 1
                    c.pred += 1
                    c.tp += ok
                c = ds.speaker["all"]
                c.gold += 1
                c.pred += 1
                c.tp += ok_all
    # independent exact span sets (PolNeAR-style); optional gold spans are dropped from both sides
    required = [q for q in gold if not q.optional]
    optional = [q for q in gold if q.optional]
    for attr, label in (("mention", "source"), ("cue", "cue"), ("content", "content")):
        gsets = _span_sets(text, required, attr)
        osets = _span_sets(text, optional, attr) - gsets
        psets = _span_sets(text, pred, attr) - osets
        ds.spans[label] = Counts(tp=len(gsets & psets), gold=len(gsets), pred=len(psets))
    return ds


def aggregate(scores: Iterable[DocScore]) -> dict[str, Any]:
    """Micro-averaged figures over documents, as a JSON-ready dict."""

    def acc(into: dict[str, Counts], src: Mapping[str, Counts]) -> None:
        for k, c in src.items():
            into.setdefault(k, Counts()).add(c)

    content: dict[str, Counts] = {}
    cue: dict[str, Counts] = {}
    mention: dict[str, Counts] = {}
    agree: dict[str, Counts] = {}
    lexr: dict[str, Counts] = {}
    speaker: dict[str, Counts] = {}
    spans: dict[str, Counts] = {}
    kinds: dict[str, dict[str, Counts]] = {}
    n = 0
    for ds in scores:
        n += 1
        acc(content, ds.content)
        acc(cue, ds.cue)
        acc(mention, ds.mention)
        acc(agree, ds.kind_agreement)
        acc(lexr, ds.lexicon_recall)
        acc(speaker, ds.speaker)
        acc(spans, ds.spans)
        for lvl, per in ds.kinds.items():
            acc(kinds.setdefault(lvl, {}), per)

    def d(m: Mapping[str, Counts]) -> dict[str, Any]:
        return {k: v.to_dict() for k, v in m.items()}

    out: dict[str, Any] = {
        "documents": n,
        "content": d(content),
        "cue": d(cue),
        "mention": d(mention),
        "kinds": {lvl: d(per) for lvl, per in kinds.items()},
        "kind_agreement": {k: v.to_dict() for k, v in agree.items()},
        "spans_exact": d(spans),
    }
    if lexr:
        out["lexicon_recall"] = d(lexr)
    out["speaker_fields"] = {k: {"correct": v.tp, "compared": v.gold, "accuracy": v.recall} for k, v in speaker.items()}
    return out


# ---------------------------------------------------------------- predictions


def _parts_of(spans: Any) -> Parts | None:
    if spans is None:
        return None
    if isinstance(spans, Mapping):
        return ((int(spans["start"]), int(spans["end"])),)
    if hasattr(spans, "start") and hasattr(spans, "end") and not isinstance(spans, (list, tuple)):
        return ((int(spans.start), int(spans.end)),)
    out: list[tuple[int, int]] = []
    for s in spans:
        p = _parts_of(s)
        if p:
            out.extend(p)
    return tuple(sorted(out)) or None


def quotes_from_result(result: Any) -> list[Quote]:
    """The predicted quotes of a :class:`quotattr.Result` or of its ``to_dict()``."""
    data: Mapping[str, Any] = result if isinstance(result, Mapping) else result.to_dict(include_text=False)
    speakers = {s["id"]: s for s in data.get("speakers", ())}
    out: list[Quote] = []
    for a in data.get("attributions", ()):
        content = _parts_of(a["content"]) or ()
        sp = speakers.get(a.get("speaker")) if a.get("speaker") is not None else None
        cue = a.get("cue")
        out.append(
            Quote(
                content=content,
                kind=a.get("kind"),
                cue=_parts_of(cue),
                mention=_parts_of(a.get("mention")),
                addressee=_parts_of(a.get("addressee")),
                speaker=None
                if sp is None
                else SpeakerInfo(
                    name=sp.get("name"),
                    rank=sp.get("rank"),
                    title=sp.get("title"),
                    organization=sp.get("organization"),
                    type=sp.get("kind"),
                ),
                cue_text=None if cue is None else cue.get("text"),
            )
        )
    return out
