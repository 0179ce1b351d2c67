"""Training-time CPU speed patch for stanza's biaffine scorers.

``stanza.models.common.biaffine.BiaffineScorer`` wraps ``torch.nn.Bilinear``, whose backward pass
(``aten::_trilinear``) is very slow on CPU (~90 % of POS training time). :func:`install` replaces
only the *forward computation* with an equivalent matmul + bmm over the very same parameters
(``W_bilin.weight`` [out, in1, in2], ``W_bilin.bias`` [out]); outputs and gradients are the same up
to float rounding and the saved checkpoints are stock stanza checkpoints.

usage: python -m quotattr.models.fastbilinear stanza.utils.training.run_pos ARGS...
       (installs the patch, pins torch to one thread unless ``QUOTATTR_TRAIN_THREADS`` says
       otherwise, installs :mod:`quotattr.models.warmstart` when ``QUOTATTR_WARM_START`` names a
       model file, sets a fine-tuned NER model's learning rate, dropout and word dropout when
       ``QUOTATTR_NER_LR`` / ``QUOTATTR_NER_DROPOUT`` / ``QUOTATTR_NER_WORD_DROPOUT`` give them,
       then runs the named module as ``__main__``)
"""

from __future__ import annotations

import os
import runpy
import sys
from typing import Any

__all__ = ["NER_WARM_START_ENV", "install"]

#: the environment variables through which the recipe passes ``--ner-lr`` / ``--ner-dropout`` /
#: ``--ner-word-dropout`` to :func:`install_ner_warm_start` (keyed by its keyword arguments)
NER_WARM_START_ENV = {
    "lr": "QUOTATTR_NER_LR",
    "dropout": "QUOTATTR_NER_DROPOUT",
    "word_dropout": "QUOTATTR_NER_WORD_DROPOUT",
}


def _fast_forward(self: Any, input1: Any, input2: Any) -> Any:
    import torch

    input1 = torch.cat([input1, input1.new_ones(*input1.size()[:-1], 1)], -1)
    input2 = torch.cat([input2, input2.new_ones(*input2.size()[:-1], 1)], -1)
    weight = self.W_bilin.weight  # out, in1, in2
    out, in1, in2 = weight.shape
    lead = input1.shape[:-1]
    x1 = input1.reshape(-1, in1)
    x2 = input2.reshape(-1, in2)
    t = x1 @ weight.permute(1, 0, 2).reshape(in1, out * in2)  # N, out*in2
    y = torch.bmm(t.view(-1, out, in2), x2.unsqueeze(-1)).squeeze(-1)
    y = y + self.W_bilin.bias
    return y.view(*lead, out)


def install() -> None:
    """Patch ``BiaffineScorer.forward`` in this process (idempotent)."""
    from stanza.models.common import biaffine

    biaffine.BiaffineScorer.forward = _fast_forward


def install_ner_warm_start(
    lr: float | None = None, dropout: float | None = None, word_dropout: float | None = None
) -> None:
    """Make a fine-tuned NER model train at ``lr`` and with ``dropout`` / ``word_dropout``: stanza's
    ``--finetune`` rebuilds the network and its optimizer from the loaded model's own saved
    arguments, so the command line's ``--lr``, ``--dropout`` and ``--word_dropout`` do not reach them
    (the dropout layers keep the old rates, silently). The new values also go into the arguments the
    model is saved with."""
    from stanza.models.ner import trainer as ner_trainer

    original_init = ner_trainer.Trainer.__init__

    def init(self: Any, *args: Any, **kwargs: Any) -> None:
        original_init(self, *args, **kwargs)
        if kwargs.get("model_file") is None or getattr(self, "optimizer", None) is None:
            return  # a new model (built from the command line) or one loaded only to predict
        if lr is not None:
            for group in self.optimizer.param_groups:
                group["lr"] = lr
            self.args["lr"] = lr
        if dropout is not None:
            _set_dropout(self.model, float(self.args["dropout"]), dropout)
            self.args["dropout"] = dropout
        if word_dropout is not None:
            self.model.worddrop.dropprob = word_dropout
            self.args["word_dropout"] = word_dropout

    ner_trainer.Trainer.__init__ = init


def _set_dropout(model: Any, old: float, new: float) -> None:
    """Every ``nn.Dropout`` of ``model`` built from the ``dropout`` argument (rate ``old``): the
    tagger's own and its character model's."""
    from torch import nn

    for module in model.modules():
        if isinstance(module, nn.Dropout) and module.p == old:
            module.p = new


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args:
        print(__doc__, file=sys.stderr)
        return 2
    import torch

    torch.set_num_threads(int(os.environ.get("QUOTATTR_TRAIN_THREADS", "1")))
    install()
    from quotattr.models.casefallback import install as install_case_fallback

    install_case_fallback()  # acts only on NER models saved with case_fallback (issue 19)
    ner = {key: float(os.environ[var]) for key, var in NER_WARM_START_ENV.items() if os.environ.get(var)}
    if ner:
        install_ner_warm_start(**ner)
    warm = os.environ.get("QUOTATTR_WARM_START")
    if warm:
        from quotattr.models.warmstart import install as install_warm_start

        install_warm_start(warm)
    module = args[0]
    sys.argv = [module, *args[1:]]
    runpy.run_module(module, run_name="__main__", alter_sys=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
