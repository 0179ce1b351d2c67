"""Cased word vectors with a lowercase fallback for stanza's NER tagger (issue 19).

stanza's NER looks a word up in its pretrained vectors either lowercased (``lowercase``, the
default) or exactly as written. A cased vocabulary looked up exactly must hold every casing of
every word ("the", "The", "THE"), which triples its size for the same coverage. A model saved with
``case_fallback: true`` in its arguments instead looks each word up as written and, where that form
has no vector, lowercased: the lowercase vocabulary keeps working as before, and vectors for
capitalised forms ("Hirak", "Apple") can be added on top of it.

The pretrain file stays a stock stanza pretrain; only the lookup changes, and only for models that
ask for it. Models without the flag (every stanza model, every older quotattr model) are looked up
exactly as stock stanza does. :func:`install` is idempotent and is called by the training runner
(:mod:`quotattr.models.fastbilinear`) and before quotattr builds a pipeline.
"""

from __future__ import annotations

from typing import Any

__all__ = ["FLAG", "case_fallback_ids", "install"]

#: the model argument that switches the fallback lookup on
FLAG = "case_fallback"


def case_fallback_ids(words: list[str], vocab: Any) -> list[int]:
    """Ids of ``words`` in ``vocab``: the word as written where the vocabulary has it, else lowercased."""
    return [vocab.unit2id(w if w in vocab else w.lower()) for w in words]


def install() -> None:
    """Patch ``NERTagger.extract_static_embeddings`` in this process (idempotent)."""
    import torch
    from stanza.models.common.vocab import PAD_ID
    from stanza.models.ner import model as ner_model

    original = ner_model.NERTagger.extract_static_embeddings
    if getattr(original, "_quotattr_case_fallback", False):
        return

    def extract_static_embeddings(args: dict[str, Any], sents: list[list[str]], vocab: Any) -> Any:
        if not args.get(FLAG):
            return original(args, sents, vocab)
        from stanza.models.common.data import get_long_tensor

        words = get_long_tensor([case_fallback_ids(sent, vocab) for sent in sents], len(sents))
        return words, torch.eq(words, PAD_ID)

    extract_static_embeddings._quotattr_case_fallback = True  # type: ignore[attr-defined]
    ner_model.NERTagger.extract_static_embeddings = staticmethod(extract_static_embeddings)
