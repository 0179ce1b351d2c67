"""quotattr: quote attribution for English news — who said what, to whom, in what role.

>>> import quotattr
>>> result = quotattr.extract("“We will win,” Jane Doe, the party's spokeswoman, told reporters.")
>>> [(a.kind.value, a.speaker.name if a.speaker else None) for a in result.attributions]
[('direct', 'Jane Doe')]
"""

from quotattr.extractor import Extractor, extract
from quotattr.lexicons import Lexicons
from quotattr.model import Attribution, Cue, Gender, QuoteKind, Resolution, Result, Span, Speaker, SpeakerKind
from quotattr.models import ModelIntegrityError
from quotattr.nlp import ModelSetError
from quotattr.render import render
from quotattr.sources import Source, sources_dataframe, sources_table

__version__ = "0.1.0"

__all__ = [
    "Attribution",
    "Cue",
    "Extractor",
    "Gender",
    "Lexicons",
    "ModelIntegrityError",
    "ModelSetError",
    "QuoteKind",
    "Resolution",
    "Result",
    "Source",
    "Span",
    "Speaker",
    "SpeakerKind",
    "__version__",
    "extract",
    "render",
    "sources_dataframe",
    "sources_table",
]
