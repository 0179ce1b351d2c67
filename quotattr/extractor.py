"""The public entry point: :class:`Extractor` loads stanza once and runs the stages on each text.

text ─► nlp (stanza) ─► document view ─► quote candidates ─► attribution sieves ─► speakers ─► Result
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from typing import Any, Literal, overload

from quotattr.attribute import attribute
from quotattr.guard import GuardSettings, check_text
from quotattr.guard import annotate as guarded_annotate
from quotattr.lexicons import Lexicons
from quotattr.model import Result
from quotattr.nlp import ModelSetInfo, StanzaDocument, build_pipeline, set_parse_scope

__all__ = ["Extractor", "extract"]

PipeItem = str | tuple[str, str]


class Extractor:
    """Loads the stanza pipeline once; call it on texts (or annotated stanza Documents).

        >>> ex = Extractor()                      # bundled models, offline
        >>> result = ex("“We will win,” Jane Doe, the party's spokeswoman, told reporters.")
        >>> result.attributions[0].speaker.name
        'Jane Doe'

    ``models``: ``"bundled"`` (default), ``"official"`` (stanza's own, after ``quotattr download``) or a
    model-set directory; else ``$QUOTATTR_MODELS``. ``lexicons``: a :class:`~quotattr.lexicons.Lexicons`
    to extend or replace the cue, rank, title and organisation word lists. ``guard``: the limits of
    the input guard (:class:`~quotattr.guard.GuardSettings`: chunk size for long texts, longest
    sentence handed to the parser). ``parse``: ``"reports"`` runs the dependency parser
    only on the sentences that can hold or introduce a report and their neighbours
    (:func:`quotattr.nlp.report_sentences`), ``"all"`` on every sentence; ``"auto"`` (the default) is
    ``"all"`` while the cue class ``learned`` is on (the learned sieve reads every sentence's
    parse), ``"reports"`` otherwise.
    """

    def __init__(
        self,
        models: str | os.PathLike[str] | None = None,
        *,
        threads: int | None = None,
        use_gpu: bool = False,
        lexicons: Lexicons | None = None,
        batch_sizes: dict[str, int] | None = None,
        guard: GuardSettings | None = None,
        join_continuations: bool = False,
        parse: Literal["auto", "all", "reports"] = "auto",
    ) -> None:
        if parse not in ("auto", "all", "reports"):
            raise ValueError(f"parse must be 'auto', 'all' or 'reports', not {parse!r}")
        sizes = batch_sizes or {}
        # what a worker process needs to build an equivalent Extractor (quotattr.batch, n_process > 1)
        self._init_args: dict[str, Any] = {
            "models": os.fspath(models) if models is not None else None,
            "use_gpu": use_gpu,
            "lexicons": lexicons,
            "batch_sizes": batch_sizes,
            "guard": guard,
            "join_continuations": join_continuations,
            "parse": parse,
        }
        self.join_continuations = join_continuations
        self.guard = guard if guard is not None else GuardSettings()
        self._parse: str = parse
        self._lexicons = lexicons if lexicons is not None else Lexicons.default()
        self._nlp, self.model_set = build_pipeline(
            models,
            use_gpu=use_gpu,
            threads=threads,
            parse=self.parse_scope,
            lexicons=self._lexicons,
            tokenize_batch_size=sizes.get("tokenize"),
            pos_batch_size=sizes.get("pos"),
            depparse_batch_size=sizes.get("depparse"),
            ner_batch_size=sizes.get("ner"),
            abbreviations=self.lexicons.abbreviations(),
        )

    @property
    def lexicons(self) -> Lexicons:
        """The word lists the sieves use; setting them also sets which sentences the parser sees."""
        return self._lexicons

    @lexicons.setter
    def lexicons(self, value: Lexicons) -> None:
        self._lexicons = value
        self._init_args["lexicons"] = value  # pipe(n_process > 1) workers use the same lists
        if hasattr(self, "_nlp"):
            set_parse_scope(self._nlp, self.parse_scope, value)

    @property
    def parse(self) -> str:
        """``"auto"``, ``"all"`` or ``"reports"`` (see the class); setting it re-decides the scope."""
        return self._parse

    @parse.setter
    def parse(self, value: str) -> None:
        if value not in ("auto", "all", "reports"):
            raise ValueError(f"parse must be 'auto', 'all' or 'reports', not {value!r}")
        self._parse = value
        self._init_args["parse"] = value
        set_parse_scope(self._nlp, self.parse_scope, self._lexicons)

    @property
    def parse_scope(self) -> str:
        """``"all"`` or ``"reports"``: the sentences the dependency parser sees (from ``parse``)."""
        if self._parse == "auto":
            return "all" if "learned" in self._lexicons.cue_classes else "reports"
        return self._parse

    @property
    def nlp(self) -> Any:
        """The underlying ``stanza.Pipeline`` (for users who want to annotate themselves)."""
        return self._nlp

    @property
    def model_info(self) -> ModelSetInfo:
        return self.model_set

    def annotate(self, text: str) -> Any:
        """Run stanza on ``text`` through the input guard; returns the ``stanza.Document``.

        The document's ``.text`` is ``text`` itself and every offset refers to it, even where control
        characters were blanked for stanza, the text was annotated in chunks or an over-long sentence
        was cut (see :mod:`quotattr.guard`).
        """
        return guarded_annotate(self._nlp, check_text(text), self.guard)

    @overload
    def __call__(self, text: str, *, doc_id: str | None = None) -> Result: ...

    @overload
    def __call__(self, text: StanzaDocument, *, doc_id: str | None = None) -> Result: ...

    def __call__(self, text: str | StanzaDocument, *, doc_id: str | None = None) -> Result:
        """Extract attributions from a string or an annotated ``stanza.Document``.

        A ``stanza.Document`` must come from a pipeline with tokenize, mwt, pos, lemma, depparse and
        ner; offsets then refer to its ``.text``. Anything else (``bytes``, ``None``, numbers) raises
        :class:`TypeError`; an empty or whitespace-only string gives an empty :class:`Result`.
        """
        import stanza

        if isinstance(text, stanza.Document):
            return attribute(text, self.lexicons, doc_id=doc_id, join_continuations=self.join_continuations)
        text = check_text(text)
        if not text.strip():
            return Result(text=text, doc_id=doc_id)
        return attribute(
            self.annotate(text), self.lexicons, doc_id=doc_id, text=text, join_continuations=self.join_continuations
        )

    @overload
    def pipe(
        self,
        items: Iterable[PipeItem],
        *,
        batch_size: int = ...,
        n_process: int = ...,
        as_tuples: Literal[False] = ...,
        progress: bool = ...,
        timeout: float | None = ...,
    ) -> Iterator[Result]: ...

    @overload
    def pipe(
        self,
        items: Iterable[tuple[str, Any]],
        *,
        batch_size: int = ...,
        n_process: int = ...,
        as_tuples: Literal[True],
        progress: bool = ...,
        timeout: float | None = ...,
    ) -> Iterator[tuple[Result, Any]]: ...

    def pipe(
        self,
        items: Iterable[Any],
        *,
        batch_size: int = 16,
        n_process: int = 1,
        as_tuples: bool = False,
        progress: bool = False,
        timeout: float | None = None,
    ) -> Iterator[Any]:
        """Yield one :class:`Result` per input, in input order; see :func:`quotattr.batch.pipe`.

        ``items``: texts or ``(doc_id, text)`` pairs (a text without an id gets its position, ``"0"``,
        ``"1"``, …, as ``doc_id``); with ``as_tuples=True``, spaCy-style ``(text, context)`` pairs, and
        ``(Result, context)`` pairs come back. ``progress``: a progress bar on stderr. ``timeout``:
        seconds one document may take before it gets an error Result.
        """
        from quotattr.batch import pipe

        return pipe(
            self,
            items,
            batch_size=batch_size,
            n_process=n_process,
            as_tuples=as_tuples,
            progress=progress,
            timeout=timeout,
        )


_DEFAULT: Extractor | None = None


@overload
def extract(text: str, *, doc_id: str | None = None) -> Result: ...


@overload
def extract(text: StanzaDocument, *, doc_id: str | None = None) -> Result: ...


def extract(text: str | StanzaDocument, *, doc_id: str | None = None) -> Result:
    """One-off extraction with a lazily created, shared default :class:`Extractor`.

    The default Extractor uses the bundled models (or ``$QUOTATTR_MODELS``); the first call builds it:

        >>> result = extract("“We will win,” Jane Doe, the party's spokeswoman, told reporters.")
        >>> result.attributions[0].cue.lemma
        'tell'
    """
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = Extractor()
    return _DEFAULT(text, doc_id=doc_id)
