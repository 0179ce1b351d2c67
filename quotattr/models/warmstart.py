"""Warm start for stanza's POS tagger and parser training (used by the training runner).

stanza's tagger has no "continue from a model" option, and the parser's ``--continue_from`` keeps
the *checkpoint's* vocabulary for the model but builds the training batches with a vocabulary made
from the new data, so word and tag ids disagree. :func:`install` makes both trainers use the
vocabulary stored in ``model_file`` for the new training data, and (tagger) loads the model's
weights into the freshly built network. Words of the new data that the old vocabulary lacks map to
UNK (the pretrained GloVe vectors still cover them). The result is an ordinary stanza checkpoint.

Activated by the runner (``python -m quotattr.models.fastbilinear``) when
``QUOTATTR_WARM_START=<model.pt>`` is set.
"""

from __future__ import annotations

import logging
from typing import Any

__all__ = ["install"]

log = logging.getLogger("stanza")


def install(model_file: str) -> None:
    import torch
    from stanza.models.pos.vocab import MultiVocab

    checkpoint = torch.load(model_file, map_location="cpu", weights_only=False)
    vocab = MultiVocab.load_state_dict(checkpoint["vocab"])
    log.info("warm start: training vocabulary and weights from %s", model_file)

    # POS tagger: the vocabulary and the weights of the old model
    from stanza.models.pos import data as pos_data
    from stanza.models.pos import trainer as pos_trainer

    def pos_init_vocab(docs: Any, args: Any, tag_columns: Any = None) -> Any:
        return vocab

    pos_data.Dataset.init_vocab = staticmethod(pos_init_vocab)
    original_init = pos_trainer.Trainer.__init__

    def pos_trainer_init(
        self: Any,
        args: Any = None,
        vocab: Any = None,
        pretrain: Any = None,
        model_file: Any = None,
        device: Any = None,
        foundation_cache: Any = None,
    ) -> None:
        original_init(
            self,
            args=args,
            vocab=vocab,
            pretrain=pretrain,
            model_file=model_file,
            device=device,
            foundation_cache=foundation_cache,
        )
        if model_file is None:  # a model built for training: fill in the old weights
            result = self.model.load_state_dict(checkpoint["model"], strict=False)
            log.info("warm start: missing %s, unexpected %s", result.missing_keys, result.unexpected_keys)

    pos_trainer.Trainer.__init__ = pos_trainer_init

    # parser: used with --continue_from, which loads the weights itself
    from stanza.models.depparse import data as dep_data

    def dep_init_vocab(self: Any, data: Any) -> Any:
        return vocab

    dep_data.Dataset.init_vocab = dep_init_vocab
