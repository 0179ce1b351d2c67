"""Gold readers: quotattr's own gold format (docs/gold-format.md) and PolNeAR brat standoff.

Both yield :class:`benchmarks.scorer.Document` objects; offsets are checked against the text.
Texts are read with ``newline=""`` so character offsets index the file as written.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from benchmarks.scorer import Document, Parts, Quote, SpeakerInfo, heuristic_kind
from quotattr.models.attrtrain import brat_attributions, brat_spans

__all__ = [
    "GoldFormatError",
    "detect_format",
    "doc_from_gold_dict",
    "read_gold",
    "read_polnear",
    "read_polnear_ann",
    "read_quotattr_gold",
]


class GoldFormatError(ValueError):
    """The gold file cannot be read (bad layout, offsets that do not fit the text)."""


def read_text(path: Path) -> str:
    with path.open(encoding="utf-8", newline="") as fh:
        return fh.read()


# ---------------------------------------------------------------- format detection


def detect_format(path: Path) -> str:
    """``polnear`` for a directory holding text/ and attributions/ (or a PolNeAR root), else ``quotattr``."""
    if path.is_dir():
        if (path / "text").is_dir() and (path / "attributions").is_dir():
            return "polnear"
        if (path / "data" / "dev" / "text").is_dir():
            return "polnear"
    return "quotattr"


def read_gold(path: str | Path, fmt: str = "auto", *, limit: int | None = None) -> list[Document]:
    """All gold documents at ``path``, in a stable order."""
    p = Path(path)
    if not p.exists():
        raise GoldFormatError(f"gold path not found: {p}")
    if fmt == "auto":
        fmt = detect_format(p)
    if fmt == "polnear":
        docs = read_polnear(p)
    elif fmt == "quotattr":
        docs = list(read_quotattr_gold(p))
    else:
        raise GoldFormatError(f"unknown gold format {fmt!r} (auto, quotattr or polnear)")
    return docs[:limit] if limit else docs


# ---------------------------------------------------------------- quotattr gold


def _span(data: Any, text: str, where: str) -> Parts | None:
    """A span dict ``{start, end, text}`` or a list of them (discontinuous) -> parts, checked."""
    if data is None:
        return None
    items = data if isinstance(data, list) else [data]
    parts: list[tuple[int, int]] = []
    for item in items:
        try:
            s, e = int(item["start"]), int(item["end"])
        except (KeyError, TypeError, ValueError) as exc:
            raise GoldFormatError(f"{where}: a span needs integer 'start' and 'end'") from exc
        if not 0 <= s <= e <= len(text):
            raise GoldFormatError(f"{where}: span [{s}, {e}) is outside the text (length {len(text)})")
        if "text" in item and item["text"] is not None and text[s:e] != item["text"]:
            raise GoldFormatError(
                f"{where}: span [{s}, {e}) reads {text[s:e]!r} in the text but the gold says {item['text']!r}"
            )
        parts.append((s, e))
    return tuple(sorted(parts)) or None


def _speaker(data: Mapping[str, Any] | None) -> SpeakerInfo | None:
    if data is None:
        return None
    return SpeakerInfo(
        name=data.get("name"),
        rank=data.get("rank"),
        title=data.get("title"),
        organization=data.get("organization"),
        type=data.get("type", data.get("kind")),
    )


def doc_from_gold_dict(data: Mapping[str, Any], *, text: str | None = None, where: str = "gold") -> Document:
    """One document of quotattr's gold format; ``text`` where the dict does not hold it inline."""
    doc_text = data.get("text", text)
    if doc_text is None:
        raise GoldFormatError(f"{where}: no 'text' in the document and none beside it")
    quotes: list[Quote] = []
    for i, q in enumerate(data.get("quotes", data.get("attributions", ()))):
        w = f"{where} quote {i}"
        content = _span(q.get("content"), doc_text, w + " content")
        if not content:
            raise GoldFormatError(f"{w}: a quote needs a content span")
        kind = q.get("kind")
        if kind not in (None, "direct", "indirect", "mixed"):
            raise GoldFormatError(f"{w}: kind must be direct, indirect or mixed, not {kind!r}")
        cue = q.get("cue")
        quotes.append(
            Quote(
                content=content,
                kind=kind,
                cue=_span(cue, doc_text, w + " cue"),
                mention=_span(q.get("mention"), doc_text, w + " mention"),
                addressee=_span(q.get("addressee"), doc_text, w + " addressee"),
                speaker=_speaker(q.get("speaker")),
                optional=bool(q.get("optional", False)),
                cue_text=None if cue is None else (cue.get("text") if isinstance(cue, Mapping) else None),
            )
        )
    doc_id = data.get("doc_id") or where
    return Document(doc_id=str(doc_id), text=doc_text, quotes=tuple(quotes), source="quotattr")


def _text_beside(data: Mapping[str, Any], gold_path: Path) -> str | None:
    if "text" in data:
        return None
    rel = data.get("text_path")
    if rel:
        p = (gold_path.parent / rel).resolve()
        if not p.is_file():
            raise GoldFormatError(f"{gold_path}: text_path {rel!r} not found")
        return read_text(p)
    for cand in (gold_path.with_suffix(".txt"), gold_path.parent / "article.txt"):
        if cand.is_file():
            return read_text(cand)
    return None


def _read_json_file(path: Path) -> Iterator[Document]:
    data = json.loads(read_text(path))
    items = data if isinstance(data, list) else [data]
    for i, d in enumerate(items):
        where = str(path) if len(items) == 1 else f"{path}[{i}]"
        yield doc_from_gold_dict(
            d, text=_text_beside(d, path) if len(items) == 1 or "text_path" in d else None, where=where
        )


def _read_jsonl_file(path: Path) -> Iterator[Document]:
    for lineno, line in enumerate(read_text(path).splitlines(), 1):
        if not line.strip():
            continue
        d = json.loads(line)
        text = None
        if "text" not in d and d.get("text_path"):
            text = _text_beside(d, path)
        yield doc_from_gold_dict(d, text=text, where=f"{path}:{lineno}")


def read_quotattr_gold(path: Path) -> Iterator[Document]:
    """A gold .json / .jsonl file, a directory with gold.json (+ article.txt), or a directory of such."""
    if path.is_file():
        yield from (_read_jsonl_file(path) if path.suffix == ".jsonl" else _read_json_file(path))
        return
    if (path / "gold.json").is_file():
        yield from _read_json_file(path / "gold.json")
        return
    found = False
    for child in sorted(path.iterdir()):
        if child.is_file() and child.suffix in (".json", ".jsonl"):
            found = True
            yield from read_quotattr_gold(child)
        elif child.is_dir() and (child / "gold.json").is_file():
            found = True
            yield from _read_json_file(child / "gold.json")
    if not found:
        raise GoldFormatError(f"{path}: no gold.json, *.json or *.jsonl found")


# ---------------------------------------------------------------- PolNeAR brat standoff


def read_polnear_ann(ann: str, text: str, *, where: str = "ann") -> list[Quote]:
    """The attributions of one brat .ann file (Attribution and Attribution-no-source events).

    Content and Content2 spans form one discontinuous content; the kind is derived from quote marks.
    The brat parsing is the training recipe's (:mod:`quotattr.models.attrtrain`), so that the
    benchmark and the learned sieve read PolNeAR alike.
    """
    spans = brat_spans(ann)
    for tid, parts in spans.items():
        for s, e in parts:
            if not 0 <= s <= e <= len(text):
                raise GoldFormatError(f"{where}: {tid} span [{s}, {e}) outside the text")
    quotes: list[tuple[int, Quote]] = []
    for eid, roles in brat_attributions(ann, spans):
        content_parts = roles["Content"]
        cue = roles["Cue"] or None
        source = roles["Source"] or None
        content_text = " … ".join(text[s:e] for s, e in content_parts)
        cue_text = None if cue is None else " ".join(text[s:e] for s, e in cue)
        quotes.append(
            (
                eid,
                Quote(
                    content=content_parts,
                    kind=heuristic_kind(content_text),
                    cue=cue,
                    mention=source,
                    cue_text=cue_text,
                ),
            )
        )
    return [q for _, q in sorted(quotes, key=lambda t: t[0])]


def read_polnear(path: Path) -> list[Document]:
    """A PolNeAR split directory (``text/`` + ``attributions/``), one annotation per article.

    Where an article has several annotators, the alphabetically first annotator id is used.
    A PolNeAR root (``data/<split>/``) defaults to the dev split.
    """
    if not (path / "text").is_dir() and (path / "data" / "dev" / "text").is_dir():
        path = path / "data" / "dev"
    text_dir, ann_dir = path / "text", path / "attributions"
    by_article: dict[str, list[Path]] = {}
    for ann in ann_dir.glob("*.ann"):
        stem, _, _annotator = ann.stem.rpartition("_")
        by_article.setdefault(stem, []).append(ann)
    docs: list[Document] = []
    for txt in sorted(text_dir.glob("*.txt")):
        anns = sorted(by_article.get(txt.stem, ()), key=lambda p: p.stem.rpartition("_")[2])
        if not anns:
            continue
        chosen = anns[0]
        text = read_text(txt)
        quotes = read_polnear_ann(read_text(chosen), text, where=str(chosen))
        docs.append(
            Document(
                doc_id=txt.stem,
                text=text,
                quotes=tuple(quotes),
                source="polnear",
                annotator=chosen.stem.rpartition("_")[2],
            )
        )
    if not docs:
        raise GoldFormatError(f"{path}: no PolNeAR articles (text/*.txt with attributions/*_<annotator>.ann)")
    return docs
