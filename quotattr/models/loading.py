"""Fast loading of a *verified* model set (cold start).

stanza reads every model with ``torch.load(..., weights_only=True)``. The weights-only unpickler is
written in Python and slow on the many small objects of a vocabulary: the 100k-word pretrain takes
~1 s and the NER model ~1.4 s that way, against ~0.1 s and ~0.2 s with the standard unpickler.
Loading never reaches ``torch.load`` before :func:`quotattr.models.verify_model_set` has checked
every file's SHA-256 against the manifest, so for exactly those files (same path, size, inode and
modification time as when they were hashed) :func:`trusted_loading` lets ``torch.load`` use the
standard unpickler. Any other file keeps stanza's ``weights_only=True``; a verified file that
changed after its check is refused with :class:`~quotattr.models.ModelIntegrityError`.

It also skips building the optimizers that stanza's trainers (tokenize, MWT, lemma, POS, parser) create
even for inference: the first ``torch.optim`` optimizer imports ``torch._dynamo`` (~1 s), and a
pipeline never calls them.

Both changes hold only inside the ``with`` block and only for the thread that entered it: while
quotattr builds its pipeline, ``torch.load`` and stanza's optimizer builders called from any other
thread behave exactly as stock, and after the block they are stanza's and torch's own objects again.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from quotattr.models import ModelIntegrityError

__all__ = ["trusted_loading"]

_LOCK = threading.Lock()


def _stamp(path: Path) -> tuple[int, int, int]:
    st = path.stat()
    return (st.st_size, st.st_ino, st.st_mtime_ns)


@contextmanager
def trusted_loading(paths: Iterable[Path], *, skip_optimizers: bool = True) -> Iterator[None]:
    """Within the block, ``torch.load`` of one of ``paths`` (already digest-checked) is fast."""
    import torch
    from stanza.models.common import utils as stanza_utils

    trusted = {os.path.realpath(p): _stamp(Path(p)) for p in paths}
    with _LOCK:
        original_load = torch.load
        original_get_optimizer = stanza_utils.get_optimizer
        original_get_split_optimizer = stanza_utils.get_split_optimizer

        owner = threading.get_ident()

        def load(f: Any, *args: Any, **kwargs: Any) -> Any:
            if threading.get_ident() == owner and isinstance(f, (str, os.PathLike)):
                key = os.path.realpath(f)
                if key in trusted:
                    if _stamp(Path(key)) != trusted[key]:
                        raise ModelIntegrityError(f"model file {key} changed after its SHA-256 check")
                    kwargs["weights_only"] = False
            return original_load(f, *args, **kwargs)

        def no_optimizer(*args: Any, **kwargs: Any) -> Any:
            if threading.get_ident() != owner:
                return original_get_optimizer(*args, **kwargs)
            return None

        def no_split_optimizer(*args: Any, **kwargs: Any) -> Any:
            if threading.get_ident() != owner:
                return original_get_split_optimizer(*args, **kwargs)
            return {}

        torch.load = load
        if skip_optimizers:
            stanza_utils.get_optimizer = no_optimizer
            stanza_utils.get_split_optimizer = no_split_optimizer
        try:
            yield
        finally:
            torch.load = original_load
            stanza_utils.get_optimizer = original_get_optimizer
            stanza_utils.get_split_optimizer = original_get_split_optimizer
