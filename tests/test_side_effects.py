"""Building an Extractor changes nothing outside quotattr's own pipeline objects (issue 18, item 8).

stanza's decoder module, its depparse model class, its optimizer builders, ``torch.load`` and the
``stanza`` logger level are the user's too: after an Extractor is built they are stanza's and torch's
own, and a stanza parser the user builds decodes with stanza's own ``tarjan``.
"""

from __future__ import annotations

import fractions
import logging
import threading
from pathlib import Path
from typing import Any

import pytest

import quotattr


def _stock_state() -> dict[str, Any]:
    import torch
    from stanza.models.common import chuliu_edmonds
    from stanza.models.common import utils as stanza_utils
    from stanza.models.depparse import model as depparse_model

    return {
        "torch.load": torch.load,
        "tarjan": chuliu_edmonds.tarjan,
        "chuliu_edmonds_one_root": depparse_model.chuliu_edmonds_one_root,
        "decode_graph_predictions": vars(depparse_model.GraphParser)["decode_graph_predictions"],
        "get_optimizer": stanza_utils.get_optimizer,
        "get_split_optimizer": stanza_utils.get_split_optimizer,
        "stanza log level": logging.getLogger("stanza").level,
        "torch threads": torch.get_num_threads(),  # changed only by Extractor(threads=N), as documented
        "grad mode": torch.is_grad_enabled(),
    }


@pytest.mark.pipeline
def test_building_an_extractor_leaves_stanza_and_torch_alone() -> None:
    before = _stock_state()
    for name in ("torch.load", "tarjan", "get_optimizer", "get_split_optimizer"):
        assert before[name].__module__.split(".")[0] in {"torch", "stanza"}, name  # nothing patched yet
    logging.getLogger("stanza").setLevel(logging.WARNING)  # the user's choice
    before["stanza log level"] = logging.WARNING
    ex = quotattr.Extractor(models="bundled")
    assert _stock_state() == before
    result = ex("“The bridge is safe,” Ann Lee, the city engineer, told reporters.")
    assert result.attributions and _stock_state() == before

    # quotattr's parser (only) decodes with the fast cycle search
    from stanza.models.depparse.model import GraphParser

    from quotattr.models.fastdecode import find_cycles, scoped_decoder

    model = ex.nlp.processors["depparse"].trainer.model
    assert vars(model)["decode_graph_predictions"] is scoped_decoder()
    decode_tree = scoped_decoder().__globals__["chuliu_edmonds_one_root"]
    assert decode_tree.__wrapped__.__globals__["tarjan"] is find_cycles  # behind the greedy fast path
    # a parser built by the user is a plain GraphParser: it gets stanza's decoder from the class
    user_model = object.__new__(GraphParser)
    assert user_model.decode_graph_predictions is GraphParser.decode_graph_predictions
    assert before["chuliu_edmonds_one_root"].__globals__["tarjan"] is before["tarjan"]
    assert before["tarjan"] is not find_cycles

    # quotattr's tokenizer (only) repairs sentence splits on the draft directly
    from stanza.pipeline.tokenize_processor import TokenizeProcessor

    from quotattr.models.fasttokenize import scoped_process

    tokenizer = ex.nlp.processors["tokenize"]
    assert vars(tokenizer)["process"].__func__ is scoped_process()
    assert vars(TokenizeProcessor)["process"] is not scoped_process()  # stanza's class is untouched
    doc = ex.nlp("Maj. Gen. Tahsin Khafaji spoke. Col. Myles Caggins agreed.")
    assert [s.text for s in doc.sentences] == ["Maj. Gen. Tahsin Khafaji spoke.", "Col. Myles Caggins agreed."]

    # quotattr's NER processor (only) tags words
    from stanza.pipeline.ner_processor import NERProcessor

    from quotattr.models.nerwords import word_level_process

    ner = ex.nlp.processors["ner"]
    assert vars(ner)["process"].__func__ is word_level_process
    assert vars(NERProcessor)["process"] is not word_level_process  # stanza's class is untouched


def test_trusted_loading_is_invisible_to_other_threads(tmp_path: Path) -> None:
    import torch
    from stanza.models.common import utils as stanza_utils

    from quotattr.models.loading import trusted_loading

    path = tmp_path / "m.pt"
    torch.save({"x": fractions.Fraction(1, 3)}, path)  # not loadable with weights_only=True
    seen: dict[str, Any] = {}

    def other_thread() -> None:
        try:
            torch.load(path)
            seen["load"] = "loaded"
        except Exception as exc:  # torch's weights-only refusal
            seen["load"] = type(exc).__name__
        layer = torch.nn.Linear(2, 2)
        seen["optimizer"] = stanza_utils.get_optimizer("sgd", layer, lr=0.1)

    with trusted_loading([path]):
        assert torch.load(path)["x"] == fractions.Fraction(1, 3)  # this thread: the verified file loads
        assert stanza_utils.get_optimizer("sgd", torch.nn.Linear(2, 2), lr=0.1) is None  # skipped here
        worker = threading.Thread(target=other_thread)
        worker.start()
        worker.join()
    assert seen["load"] != "loaded"  # another thread keeps torch's weights_only default
    assert isinstance(seen["optimizer"], torch.optim.SGD)
