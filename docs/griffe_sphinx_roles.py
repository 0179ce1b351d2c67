"""A griffe extension for the API reference: Sphinx cross-reference roles in docstrings become code.

The docstrings use Sphinx roles (``:class:`~quotattr.Lexicons```, ``:func:`render```), which Markdown
would print literally. This turns each into inline code with the name as Sphinx would show it (the
last component where the target starts with ``~``). Used by mkdocs.yml (mkdocstrings' ``extensions``).
"""

from __future__ import annotations

import re
from typing import Any

import griffe

_ROLE = re.compile(r":(?:class|func|meth|mod|data|attr|exc|obj):`(~?)([^`]+)`")


def _plain(match: re.Match[str]) -> str:
    tilde, target = match.groups()
    return f"`{target.rsplit('.', 1)[-1] if tilde else target}`"


class SphinxRoles(griffe.Extension):
    def on_instance(self, *, obj: griffe.Object, **kwargs: Any) -> None:
        if obj.docstring is not None:
            obj.docstring.value = _ROLE.sub(_plain, obj.docstring.value)
