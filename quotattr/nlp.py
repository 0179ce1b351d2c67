"""Stage 1: text → ``stanza.Document``. Builds the stanza pipeline from a model set.

Model sets:

``"bundled"`` (default)
    The compact English set shipped inside the package (``quotattr/models/en``). Every file is
    checked against ``manifest.json`` (size + SHA-256) before stanza unpickles anything. No network,
    nothing written anywhere.
``"official"``
    stanza's official English models, which the user fetched once with ``quotattr download`` (or
    :func:`download_official`). Read from ``$QUOTATTR_STANZA_DIR``, else ``$STANZA_RESOURCES_DIR``,
    else stanza's default directory. Loading never downloads.
a directory path
    A set made by ``python -m quotattr.models.export`` (it has a ``manifest.json``), verified like
    the bundled one.

The choice is the ``models=`` argument, else the ``QUOTATTR_MODELS`` environment variable, else
``"bundled"``.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Protocol

from quotattr.lexicons import Lexicons
from quotattr.models import BUNDLED_DIR, PROCESSORS, load_manifest, verify_model_set

__all__ = [
    "ENV_MODELS",
    "ENV_STANZA_DIR",
    "ModelSetError",
    "ModelSetInfo",
    "SentenceMerger",
    "StanzaDocument",
    "build_pipeline",
    "download_official",
    "merge_after_abbreviations",
    "official_dir",
    "report_sentences",
    "resolve_model_set",
    "set_parse_scope",
]

ENV_MODELS = "QUOTATTR_MODELS"
ENV_STANZA_DIR = "QUOTATTR_STANZA_DIR"
PROCESSOR_LIST = ",".join(PROCESSORS)
#: words per parser batch unless the caller says otherwise (stanza's default is 1,500): sentences
#: are sorted by length, so smaller batches pad less; the parses are the same (issue 20)
DEPPARSE_BATCH_SIZE = 500

log = logging.getLogger(__name__)


class StanzaDocument(Protocol):
    """The type of an annotated ``stanza.Document`` for type checkers (stanza ships no type hints).

    :meth:`quotattr.Extractor.__call__` accepts a ``str`` or a ``stanza.Document``; this protocol
    lets ``mypy --strict`` accept the latter and reject ``bytes``, ``int`` and other objects. At run
    time the object must be a real ``stanza.Document``.
    """

    @property
    def text(self) -> str: ...

    @property
    def sentences(self) -> list[Any]: ...


class ModelSetError(RuntimeError):
    """The requested model set cannot be used (unknown name, not downloaded, wrong layout)."""


class ModelSetInfo:
    """Where a model set lives and what it is (for ``quotattr info`` and benchmark reports)."""

    __slots__ = ("kind", "manifest", "path")

    def __init__(self, kind: str, path: Path, manifest: dict[str, Any] | None) -> None:
        self.kind = kind
        self.path = path
        self.manifest = manifest

    def describe(self) -> dict[str, Any]:
        out: dict[str, Any] = {"kind": self.kind, "path": str(self.path)}
        if self.manifest is not None:
            out["name"] = self.manifest.get("name")
            out["recipe_version"] = self.manifest.get("recipe_version")
            out["stanza_version"] = self.manifest.get("stanza_version")
            out["total_bytes"] = self.manifest.get("total_bytes")
        return out

    def __repr__(self) -> str:
        return f"ModelSetInfo(kind={self.kind!r}, path={str(self.path)!r})"


def official_dir() -> Path:
    """The directory holding (or to hold) stanza's official models."""
    env = os.environ.get(ENV_STANZA_DIR) or os.environ.get("STANZA_RESOURCES_DIR")
    if env:
        return Path(env).expanduser()
    from stanza.resources.common import DEFAULT_MODEL_DIR

    return Path(DEFAULT_MODEL_DIR)


def resolve_model_set(models: str | os.PathLike[str] | None = None) -> ModelSetInfo:
    """Turn the user's choice (argument, else ``$QUOTATTR_MODELS``, else bundled) into a location."""
    choice: str | os.PathLike[str] = models if models is not None else os.environ.get(ENV_MODELS, "bundled")
    if isinstance(choice, str) and choice in ("", "bundled"):
        return ModelSetInfo("bundled", BUNDLED_DIR, load_manifest(BUNDLED_DIR))
    if isinstance(choice, str) and choice == "official":
        path = official_dir()
        if not (path / "resources.json").is_file() or not (path / "en").is_dir():
            raise ModelSetError(
                f"stanza's official English models are not in {path}. Run `quotattr download` once "
                f"(needs internet), or set {ENV_STANZA_DIR} to where they are."
            )
        return ModelSetInfo("official", path, None)
    path = Path(choice).expanduser()
    if not path.is_dir():
        raise ModelSetError(
            f"unknown model set {str(choice)!r}: use 'bundled', 'official' or a directory holding a manifest.json"
        )
    return ModelSetInfo("custom", path, load_manifest(path))


Token = str | tuple[str, Any]  #: a token as stanza's tokenizer postprocessor sees it (text, or text + MWT)


def _text(token: Token) -> str:
    return token if isinstance(token, str) else str(token[0])


def merge_after_abbreviations(sentences: list[list[Token]], abbreviations: frozenset[str]) -> list[list[Token]]:
    """Undo sentence splits right after a rank or honorific ("Maj. | Gen. Tahsin Khafaji", "Col. |
    Myles Caggins"): such words precede a name, they do not end sentences. Tokens are unchanged.

    A split is undone when a sentence ends with one of ``abbreviations`` (or with its letters and a
    separate ".") and the next sentence starts with a capital letter.
    """
    out: list[list[Token]] = []
    for sent in sentences:
        if out and out[-1] and sent and _text(sent[0])[:1].isupper():
            prev = out[-1]
            last = _text(prev[-1])
            if last in abbreviations or (last == "." and len(prev) > 1 and _text(prev[-2]) + "." in abbreviations):
                prev.extend(sent)
                continue
        out.append(list(sent))
    return out


class SentenceMerger:
    """The tokenizer postprocessor quotattr gives stanza: :func:`merge_after_abbreviations` with
    ``abbreviations``. Called by stanza on token texts, which makes stanza rebuild the whole draft
    document from them; :func:`quotattr.models.fasttokenize.use_in` calls :meth:`merge_drafts`
    instead, which joins the draft's sentences directly and copies nothing when none is joined."""

    __slots__ = ("abbreviations",)

    def __init__(self, abbreviations: frozenset[str]) -> None:
        self.abbreviations = abbreviations

    def __call__(self, sentences: list[list[Token]]) -> list[list[Token]]:
        return merge_after_abbreviations(sentences, self.abbreviations)

    def merge_drafts(self, draft: list[list[dict[str, Any]]]) -> list[list[dict[str, Any]]] | None:
        """stanza's draft document (sentences of token dicts, ids ``(1,)``, ``(2,)`` … with their
        character offsets) with the same sentences joined as :meth:`__call__` would join; None where
        the draft is not of that plain form (the caller then takes stanza's way)."""
        tagged: list[list[Token]] = []
        for index, sentence in enumerate(draft):
            if not sentence:
                return None
            for position, token in enumerate(sentence, 1):
                if token.get("id") != (position,) or "start_char" not in token or "end_char" not in token:
                    return None
            tagged.append([(str(token["text"]), index) for token in sentence])
        groups = [sorted({int(token[1]) for token in sent if isinstance(token, tuple)}) for sent in self(tagged)]
        if len(groups) == len(draft):
            return draft
        merged: list[list[dict[str, Any]]] = []
        for group in groups:
            sentence = [dict(token) for index in group for token in draft[index]]
            for position, token in enumerate(sentence, 1):
                token["id"] = (position,)
            merged.append(sentence)
        return merged


def build_pipeline(
    models: str | os.PathLike[str] | None = None,
    *,
    use_gpu: bool = False,
    threads: int | None = None,
    parse: str = "all",
    lexicons: Lexicons | None = None,
    tokenize_batch_size: int | None = None,
    pos_batch_size: int | None = None,
    depparse_batch_size: int | None = None,
    ner_batch_size: int | None = None,
    abbreviations: Iterable[str] | None = None,
) -> tuple[Any, ModelSetInfo]:
    """Build the stanza ``Pipeline`` quotattr needs; return it with where it came from.

    Never downloads, never writes outside a temporary directory. ``threads`` sets torch's intra-op
    thread count (the process-wide setting) when given. The tokenizer never ends a sentence on one
    of ``abbreviations`` (default: the lexicon's ranks and honorifics, see
    :func:`merge_after_abbreviations`). ``parse``: ``"all"`` parses every sentence, ``"reports"``
    only the sentences that can hold or introduce a report (:func:`report_sentences`, with the cue
    words of ``lexicons``); see :func:`set_parse_scope`.
    """
    info = resolve_model_set(models)
    if threads is not None:
        import torch

        torch.set_num_threads(max(1, int(threads)))
    import stanza

    kwargs: dict[str, Any] = {
        "lang": "en",
        "processors": PROCESSOR_LIST,
        "download_method": None,
        "use_gpu": use_gpu,
        "logging_level": "ERROR",
        "tokenize_postprocessor": SentenceMerger(
            (lexicons or Lexicons.default()).abbreviations() if abbreviations is None else frozenset(abbreviations)
        ),
    }
    if depparse_batch_size is None:
        depparse_batch_size = DEPPARSE_BATCH_SIZE
    for name, value in (
        ("tokenize_batch_size", tokenize_batch_size),
        ("pos_batch_size", pos_batch_size),
        ("depparse_batch_size", depparse_batch_size),
        ("ner_batch_size", ner_batch_size),
    ):
        if value is not None:
            kwargs[name] = int(value)
    stanza_logger = logging.getLogger("stanza")
    level = stanza_logger.level
    try:
        pipeline = _construct(stanza, info, kwargs)
    finally:  # the user's own stanza logging stays as it was
        stanza_logger.setLevel(level)
    from quotattr.models.fastdecode import use_in

    use_in(pipeline)  # same trees, faster cycle search: this pipeline's parser only
    from quotattr.models import fasttokenize

    fasttokenize.use_in(pipeline)  # same sentences, without stanza's rebuild of the draft
    from quotattr.models import nerwords

    nerwords.use_in(pipeline)  # the NER tagger reads words ("Durning" "’s"), as it was trained
    set_parse_scope(pipeline, parse, lexicons)
    from quotattr.models import fastinfer

    fastinfer.apply(pipeline)  # same outputs, less work: inference mode, one-matmul scorers
    return pipeline, info


def _construct(stanza: Any, info: ModelSetInfo, kwargs: dict[str, Any]) -> Any:
    if info.kind == "official":
        kwargs["dir"] = str(info.path)
        return stanza.Pipeline(**kwargs)

    paths = verify_model_set(info.path)
    from quotattr.models.casefallback import install as install_case_fallback

    install_case_fallback()  # acts only on an NER model saved with case_fallback
    pretrain = str(paths["pretrain"])
    kwargs["dir"] = str(info.path)  # holds the minimal resources.json stanza insists on
    for processor in PROCESSORS:
        kwargs[f"{processor}_model_path"] = str(paths[processor])
    for processor in ("pos", "depparse", "ner"):
        kwargs[f"{processor}_pretrain_path"] = pretrain
    # stanza logs a harmless warning about the unlisted default package; keep it quiet (restored after)
    logging.getLogger("stanza").setLevel(logging.ERROR)
    from quotattr.models.loading import trusted_loading

    # every file has just passed its SHA-256 check: load those fast (see quotattr.models.loading)
    with trusted_loading(paths.values()):
        return stanza.Pipeline(**kwargs)


def download_official(directory: Path | None = None) -> Path:
    """Fetch stanza's official English models (tokenize … ner) into ``directory``. Needs internet."""
    import stanza

    target = directory if directory is not None else official_dir()
    target.mkdir(parents=True, exist_ok=True)
    stanza.download("en", model_dir=str(target), processors=PROCESSOR_LIST, package="default", logging_level="INFO")
    return target


# -- two-pass parsing: the parser only where a report can be ------------------------------------------

PARSE_SCOPES = ("all", "reports")
#: quotation marks that open or close a quote (a lone ’ or ' is far more often an apostrophe: only
#: a token of its own counts)
QUOTE_MARKS = frozenset({"“", "”", '"', "«", "»", "„", "‟", "``", "''", "‘", "’", "‹", "›", "'"})
#: sentences either side of a report sentence that are parsed too (a cue's subject or a lead-in
#: can sit in the sentence before; "…,” she said. “…" runs across sentence ends)
NEIGHBOURS = 1
#: dependency relation of the words of a sentence the parser skipped (each word its own root)
UNPARSED_DEPREL = "dep"


def _cue_words(lexicons: Lexicons) -> tuple[frozenset[str], frozenset[str]]:
    """The first words of the enabled cue entries (verbs and phrasal verbs) and the nominal cues."""
    firsts = frozenset(entry.split()[0] for entry, cls in lexicons.cues.items() if cls in lexicons.cue_classes)
    nominal = frozenset(lexicons.nominal_cues)
    return firsts, nominal


def _bases(word: Any) -> list[str]:
    from quotattr.lexicons import _inflection_bases

    text = str(word.text).lower()
    out = [str(word.lemma or text).lower(), text]
    out.extend(_inflection_bases(text))
    return out


def report_sentences(sentences: list[Any], lexicons: Lexicons, neighbours: int = NEIGHBOURS) -> list[bool]:
    """Which of the POS-tagged and lemmatised stanza ``sentences`` the parser must see: those with a
    quotation mark, a colon, "according to", a word whose lemma (or a regular or irregular base of
    its form) starts an enabled cue of ``lexicons``, or a nominal cue ("claim", "warning"), and the
    ``neighbours`` sentences either side of each. Every sieve that reads the parse starts from one of
    these; the rest of the document needs POS, lemmas and entities only."""
    firsts, nominal = _cue_words(lexicons)
    irregular = lexicons.irregular
    hit = [False] * len(sentences)
    for k, sentence in enumerate(sentences):
        words = sentence.words
        for i, w in enumerate(words):
            text = str(w.text)
            low = text.lower()
            according = low == "according" and i + 1 < len(words) and str(words[i + 1].text).lower() == "to"
            if text in QUOTE_MARKS or text == ":" or low in nominal or according:
                hit[k] = True
            else:
                bases = _bases(w)
                if low in irregular:
                    bases.append(irregular[low])
                hit[k] = any(b in firsts for b in bases)
            if hit[k]:
                break
    out = list(hit)
    for k, h in enumerate(hit):
        if h:
            for j in range(max(0, k - neighbours), min(len(hit), k + neighbours + 1)):
                out[j] = True
    return out


class _ScopedParser:
    """The parse step of a two-pass pipeline: stanza's own depparse processor, run on a Document made
    of the selected sentences only (the way stanza's ``bulk_process`` combines documents); every word
    of a sentence left out gets head 0 and the relation :data:`UNPARSED_DEPREL`."""

    def __init__(self, processor: Any, lexicons: Lexicons) -> None:
        self.processor = processor
        self.lexicons = lexicons
        self.stock_process = type(processor).process.__get__(processor)
        self.parsed = 0  #: sentences parsed / skipped so far (for benchmarks)
        self.skipped = 0

    def process(self, document: Any) -> Any:
        from stanza.models.common.doc import Document

        sentences = list(document.sentences)
        keep = report_sentences(sentences, self.lexicons)
        chosen = [s for s, k in zip(sentences, keep, strict=True) if k]
        if chosen:
            sub = Document([])
            sub.sentences = chosen
            sub.num_tokens = sum(len(s.tokens) for s in chosen)
            sub.num_words = sum(len(s.words) for s in chosen)
            self.stock_process(sub)  # annotations land on the shared sentence objects
        for sentence, k in zip(sentences, keep, strict=True):
            if not k:
                for w in sentence.words:
                    w.head = 0
                    w.deprel = UNPARSED_DEPREL
                sentence.build_dependencies()
        self.parsed += len(chosen)
        self.skipped += len(sentences) - len(chosen)
        return document

    def bulk_process(self, docs: list[Any]) -> list[Any]:
        from stanza.models.common.doc import Document

        combined = Document([])
        combined.sentences = [s for d in docs for s in d.sentences]
        combined.num_tokens = sum(d.num_tokens for d in docs)
        combined.num_words = sum(d.num_words for d in docs)
        self.process(combined)
        return docs


def set_parse_scope(pipeline: Any, scope: str = "all", lexicons: Lexicons | None = None) -> None:
    """Parse every sentence (``"all"``, stanza's own behaviour) or only the sentences that can hold or
    introduce a report (``"reports"``: :func:`report_sentences` with ``lexicons``' cue words, the
    default lexicons when None). Changes only ``pipeline``'s depparse processor object."""
    if scope not in PARSE_SCOPES:
        raise ValueError(f"parse scope must be one of {PARSE_SCOPES}, not {scope!r}")
    processor = getattr(pipeline, "processors", {}).get("depparse")
    if processor is None:
        return
    for name in ("process", "bulk_process"):
        processor.__dict__.pop(name, None)  # back to the class's methods
    if scope == "reports":
        scoped = _ScopedParser(processor, lexicons or Lexicons.default())
        processor.process = scoped.process
        processor.bulk_process = scoped.bulk_process
        processor.quotattr_scope = scoped
    else:
        processor.__dict__.pop("quotattr_scope", None)
