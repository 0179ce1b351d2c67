"""The tokenizer's sentence repair without stanza's rebuild of the whole draft document.

quotattr gives stanza's tokenizer a postprocessor (:class:`quotattr.nlp.SentenceMerger`) that joins
sentences split after a rank or honorific. Whenever a postprocessor is set, stanza hands it the
token texts, then rebuilds the draft document from what comes back: it searches the raw text for
every token again, builds a ``Document``, converts it back to dicts, and the processor then builds
the final ``Document`` from those (about a quarter of the tokenizer's time on news, for a repair
that changes a handful of sentences per corpus). :func:`use_in` gives one pipeline's tokenizer a
private copy of its ``process`` in which the draft goes to :meth:`SentenceMerger.merge_drafts`:
sentences joined where the postprocessor would join them, tokens and offsets as they were, the
draft returned as is when nothing is joined. Any other postprocessor, and any draft not of the
plain form, takes stanza's own way. stanza's modules and other pipelines are not touched.
"""

from __future__ import annotations

import functools
import types
from typing import Any

from quotattr.models.fastdecode import _rebind

__all__ = ["output_predictions", "remove", "scoped_process", "use_in"]


def output_predictions(stock: Any, *args: Any, postprocessor: Any = None, **kwargs: Any) -> Any:
    """stanza's ``output_predictions`` (``stock``), with a :class:`SentenceMerger` applied to the
    draft directly instead of through stanza's rebuild."""
    from quotattr.nlp import SentenceMerger

    if not isinstance(postprocessor, SentenceMerger):
        return stock(*args, postprocessor=postprocessor, **kwargs)
    oov_count, offset, all_preds, draft = stock(*args, postprocessor=None, **kwargs)
    merged = postprocessor.merge_drafts(draft)
    if merged is None:  # not the plain form: stanza's own rebuild
        from stanza.models.tokenization.utils import postprocess_doc

        merged = postprocess_doc(draft, postprocessor, kwargs.get("orig_text"))
    return oov_count, offset, all_preds, merged


@functools.cache
def scoped_process() -> Any:
    """``TokenizeProcessor.process`` rebound to a namespace whose ``output_predictions`` is
    :func:`output_predictions` around stanza's."""
    from stanza.pipeline import tokenize_processor

    namespace = dict(vars(tokenize_processor))
    namespace["output_predictions"] = functools.partial(output_predictions, tokenize_processor.output_predictions)
    function = vars(tokenize_processor.TokenizeProcessor)["process"]
    if not isinstance(function, types.FunctionType):  # pragma: no cover - another stanza version
        raise TypeError(f"unexpected stanza tokenizer {function!r}")
    return _rebind(function, namespace)


def use_in(pipeline: Any) -> bool:
    """Give ``pipeline``'s tokenizer the direct sentence repair; only that processor object
    changes. Returns False (and changes nothing) where there is no such tokenizer."""
    from stanza.pipeline.tokenize_processor import TokenizeProcessor

    processor: Any = getattr(pipeline, "processors", {}).get("tokenize")
    if type(processor) is not TokenizeProcessor:
        return False
    processor.process = types.MethodType(scoped_process(), processor)
    return True


def remove(pipeline: Any) -> None:
    """Give ``pipeline``'s tokenizer back stanza's own ``process`` (for side-by-side measurements)."""
    processor = getattr(pipeline, "processors", {}).get("tokenize")
    if processor is not None:
        vars(processor).pop("process", None)
