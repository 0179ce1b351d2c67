"""The NER tagger reads words, as it was trained, not tokens.

stanza's NER processor tags *tokens*. quotattr's tokenizer keeps a clitic on its word ("Durning’s",
"Tesla’s", "We’re" are one token each; the MWT processor then splits the token into the words
"Durning" + "’s"), but every NER training set, stanza's and quotattr's alike, writes clitics as
separate words ("Durning 's"). A token with a clitic is therefore a form the tagger has never seen:
on ggt-dev, 811 of 51,833 tokens. A tagger trained on more Wikipedia text missed "Jeanine
Durning’s" (and so gave her quotes to the other Durning of the article) where it tagged
"Jeanine Durning" in the same sentence.

:func:`use_in` gives one pipeline's NER processor a private ``process`` that runs the same model on
the *words* of each sentence and writes each token the tag of its words
(:func:`token_tag`: "Durning" E-PER + "’s" O → "Durning’s" E-PER). Tokens of one word — nearly all
of them — are tagged as before from the same input. stanza's modules and other pipelines are not
touched.
"""

from __future__ import annotations

import types
from collections.abc import Sequence
from typing import Any

__all__ = ["remove", "token_tag", "use_in", "word_level_process"]

_ENTITY_PREFIXES = ("B", "I", "E", "S")


def _split(tag: str) -> tuple[str, str]:
    if tag == "O" or "-" not in tag:
        return "O", ""
    prefix, _, kind = tag.partition("-")
    return prefix, kind


def token_tag(word_tags: Sequence[str]) -> str:
    """The BIOES tag of a token from the tags of its words: the entity its words are part of, begun
    where its first entity word begins one and ended where its last entity word ends one — or where
    a word outside any entity follows inside the token ("Durning" E-PER + "’s" O → E-PER;
    "Jeanine" B-PER on a token alone stays B-PER)."""
    if not word_tags:
        return "O"
    if len(word_tags) == 1:
        return word_tags[0]
    inside = [k for k, t in enumerate(word_tags) if _split(t)[0] in _ENTITY_PREFIXES]
    if not inside:
        return "O"
    first, last = inside[0], inside[-1]
    first_prefix, kind = _split(word_tags[first])
    last_prefix = _split(word_tags[last])[0]
    begins = first_prefix in ("B", "S")
    ends = last_prefix in ("E", "S") or last < len(word_tags) - 1
    if begins and ends:
        return f"S-{kind}"
    if begins:
        return f"B-{kind}"
    if ends:
        return f"E-{kind}"
    return f"I-{kind}"


class _Words:
    """What stanza's NER ``DataLoader`` reads from a document, made of words instead of tokens."""

    def __init__(self, document: Any) -> None:
        self._sentences = [[w.text for w in s.words] for s in document.sentences]

    def get(self, fields: Any, as_sentences: bool = False, from_token: bool = False) -> list[list[list[Any]]]:
        del fields, as_sentences, from_token  # only ever asked for TEXT, NER, MULTI_NER by sentence
        return [[[text, None, None] for text in sentence] for sentence in self._sentences]


def word_level_process(processor: Any, document: Any) -> Any:
    """stanza's ``NERProcessor.process`` with the model run on words; each token gets
    :func:`token_tag` of its words' tags."""
    import torch
    from stanza.models.common import doc
    from stanza.models.ner.data import DataLoader
    from stanza.models.ner.utils import merge_tags

    words = _Words(document)
    with torch.no_grad():
        all_preds = []
        for trainer, config in zip(processor.trainers, processor.configs, strict=True):
            batch = DataLoader(
                words,
                config["batch_size"],
                config,
                vocab=trainer.vocab,
                evaluation=True,
                preprocess_tags=False,
                bert_tokenizer=trainer.model.bert_tokenizer,
            )
            preds: list[list[str]] = []
            for b in batch:
                preds += trainer.predict(b)
            all_preds.append(preds)
    merged = [merge_tags(*x) for x in zip(*all_preds, strict=True)]
    token_tags: list[str] = []
    multi: list[tuple[str, ...]] = []
    for s, sentence in enumerate(document.sentences):
        tags = merged[s]
        layers = [p[s] for p in all_preds]
        k = 0
        for token in sentence.tokens:
            n = len(token.words)
            token_tags.append(token_tag(tags[k : k + n]))
            multi.append(tuple(token_tag(layer[k : k + n]) for layer in layers))
            k += n
    document.set([doc.NER], token_tags, to_token=True)
    document.set([doc.MULTI_NER], multi, to_token=True)
    document.build_ents()
    return document


def use_in(pipeline: Any) -> bool:
    """Give ``pipeline``'s NER processor :func:`word_level_process`; only that processor object
    changes. Returns False (and changes nothing) where there is no NER processor."""
    from stanza.pipeline.ner_processor import NERProcessor

    processor = getattr(pipeline, "processors", {}).get("ner")
    if not isinstance(processor, NERProcessor):
        return False
    processor.process = types.MethodType(word_level_process, processor)
    return True


def remove(pipeline: Any) -> None:
    """Undo :func:`use_in` (the processor tags tokens again, stanza's way)."""
    processor = getattr(pipeline, "processors", {}).get("ner")
    if processor is not None:
        vars(processor).pop("process", None)
