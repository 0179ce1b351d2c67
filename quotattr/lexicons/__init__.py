"""Word lists that drive the sieves and speaker parsing, loaded from plain TSV data files.

Each file in ``quotattr/lexicons/data/`` is one entry per line, ``#`` comments, tab-separated columns:

- ``cues.tsv``: cue lemma, class (speech / write / assert / intend / characterize / evidence /
  direct / accuse)
- ``ranks.tsv``: rank or honorific as written, its normalised form ("Lie. Gen." → "Lt. Gen.")
- ``titles.tsv``: role title (lower-case, may be several words), class
- ``org_heads.tsv``: head words of organisation names
- ``document_heads.tsv``: head words of document/outlet sources ("statement", "newspaper")
- ``nominal_sources.tsv``: common nouns that can stand as an unnamed speaker ("officials")
- ``nominal_cues.tsv``: nouns that report speech before a that-clause ("claim", "warning") → cue lemma
- ``irregular.tsv``: irregular forms of cue verbs ("said" → "say") for when the lemmatizer misses them
- ``gendered.tsv``: honorifics and role nouns that mark gender ("Mrs.", "spokeswoman"), so that
  "she" does not resolve to a man
- ``time_words.tsv``: words of time expressions ("Friday", "late August"), so that "A poll released
  Friday shows …" does not take "Friday" as its source
- ``title_modifiers.tsv``: portfolio words that belong to the title after them ("Health Minister",
  "Fire Chief"), not an organisation
- ``company_nouns.tsv``: generic nouns that stand for the organisation last named ("the company")
- ``not_names.tsv``: words the NER takes for a person that name no one ("Democrat")

Extend them without editing the package::

    lex = Lexicons.default().extend(cues={"opine": "speech"}, titles={"press attaché": "spokes"})
    Extractor(lexicons=lex)

or point :meth:`Lexicons.from_dir` at a directory holding files of the same names (missing files
fall back to the defaults).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import cache
from pathlib import Path

import attrs

__all__ = ["DATA_DIR", "Lexicons", "read_table"]

DATA_DIR = Path(__file__).resolve().parent / "data"

#: cue classes used unless the caller chooses others
DEFAULT_CUE_CLASSES = frozenset({"speech", "write", "assert", "intend", "characterize", "evidence", "direct", "accuse"})


def read_table(path: Path, columns: int) -> list[tuple[str, ...]]:
    """Rows of a TSV lexicon file; short rows are padded with their first column."""
    rows: list[tuple[str, ...]] = []
    for lineno, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        parts = [p.strip() for p in raw.rstrip("\n").split("\t")]
        if not parts[0]:
            raise ValueError(f"{path}:{lineno}: empty first column")
        while len(parts) < columns:
            parts.append(parts[0])
        rows.append(tuple(parts[:columns]))
    return rows


def _freeze_set(value: Iterable[str]) -> frozenset[str]:
    return frozenset(value)


def _freeze_map(value: Mapping[str, str]) -> Mapping[str, str]:
    return dict(value)


@attrs.frozen(slots=True)
class Lexicons:
    """All word lists, as immutable lookups. Build with :meth:`default`, :meth:`from_dir`, :meth:`extend`."""

    cues: Mapping[str, str] = attrs.field(converter=_freeze_map)
    ranks: Mapping[str, str] = attrs.field(converter=_freeze_map)
    titles: Mapping[str, str] = attrs.field(converter=_freeze_map)
    org_heads: frozenset[str] = attrs.field(converter=_freeze_set)
    document_heads: frozenset[str] = attrs.field(converter=_freeze_set)
    nominal_sources: frozenset[str] = attrs.field(converter=_freeze_set)
    cue_classes: frozenset[str] = attrs.field(converter=_freeze_set, default=DEFAULT_CUE_CLASSES)
    gendered: Mapping[str, str] = attrs.field(converter=_freeze_map, factory=dict)
    irregular: Mapping[str, str] = attrs.field(converter=_freeze_map, factory=dict)
    nominal_cues: Mapping[str, str] = attrs.field(converter=_freeze_map, factory=dict)
    time_words: frozenset[str] = attrs.field(converter=_freeze_set, factory=frozenset)
    #: words that join a title written right after them ("Health Minister", "Fire Chief")
    title_modifiers: frozenset[str] = attrs.field(converter=_freeze_set, factory=frozenset)
    #: generic nouns for the organisation last named ("the company", "the firm")
    company_nouns: frozenset[str] = attrs.field(converter=_freeze_set, factory=frozenset)
    #: words the NER takes for persons that name none ("Democrat")
    not_names: frozenset[str] = attrs.field(converter=_freeze_set, factory=frozenset)

    @classmethod
    def default(cls) -> Lexicons:
        return _default()

    @classmethod
    def from_dir(cls, directory: str | Path) -> Lexicons:
        """Load lexicons from ``directory``; a file it lacks comes from the bundled defaults."""
        directory = Path(directory)
        if not directory.is_dir():
            raise FileNotFoundError(f"lexicon directory not found: {directory}")

        def pick(name: str) -> Path:
            p = directory / name
            return p if p.is_file() else DATA_DIR / name

        return cls(
            cues={r[0].lower(): r[1] for r in read_table(pick("cues.tsv"), 2)},
            ranks={r[0]: r[1] for r in read_table(pick("ranks.tsv"), 2)},
            titles={r[0].lower(): r[1] for r in read_table(pick("titles.tsv"), 2)},
            org_heads={r[0].lower() for r in read_table(pick("org_heads.tsv"), 1)},
            document_heads={r[0].lower() for r in read_table(pick("document_heads.tsv"), 1)},
            nominal_sources={r[0].lower() for r in read_table(pick("nominal_sources.tsv"), 1)},
            gendered={r[0].lower(): r[1] for r in read_table(pick("gendered.tsv"), 2)},
            irregular={r[0].lower(): r[1].lower() for r in read_table(pick("irregular.tsv"), 2)},
            nominal_cues={r[0].lower(): r[1].lower() for r in read_table(pick("nominal_cues.tsv"), 2)},
            time_words={r[0].lower() for r in read_table(pick("time_words.tsv"), 1)},
            title_modifiers={r[0].lower() for r in read_table(pick("title_modifiers.tsv"), 1)},
            company_nouns={r[0].lower() for r in read_table(pick("company_nouns.tsv"), 1)},
            not_names={r[0].lower() for r in read_table(pick("not_names.tsv"), 1)},
        )

    def extend(
        self,
        *,
        cues: Mapping[str, str] | None = None,
        ranks: Mapping[str, str] | None = None,
        titles: Mapping[str, str] | None = None,
        org_heads: Iterable[str] = (),
        document_heads: Iterable[str] = (),
        nominal_sources: Iterable[str] = (),
        cue_classes: Iterable[str] | None = None,
        gendered: Mapping[str, str] | None = None,
        irregular: Mapping[str, str] | None = None,
        nominal_cues: Mapping[str, str] | None = None,
        time_words: Iterable[str] = (),
        title_modifiers: Iterable[str] = (),
        company_nouns: Iterable[str] = (),
        not_names: Iterable[str] = (),
    ) -> Lexicons:
        """A copy with entries added (or, for the mappings, replaced)."""
        return Lexicons(
            cues={**self.cues, **{k.lower(): v for k, v in (cues or {}).items()}},
            ranks={**self.ranks, **(ranks or {})},
            titles={**self.titles, **{k.lower(): v for k, v in (titles or {}).items()}},
            org_heads=self.org_heads | {w.lower() for w in org_heads},
            document_heads=self.document_heads | {w.lower() for w in document_heads},
            nominal_sources=self.nominal_sources | {w.lower() for w in nominal_sources},
            cue_classes=self.cue_classes if cue_classes is None else frozenset(cue_classes),
            gendered={**self.gendered, **{k.lower(): v for k, v in (gendered or {}).items()}},
            irregular={**self.irregular, **{k.lower(): v.lower() for k, v in (irregular or {}).items()}},
            nominal_cues={**self.nominal_cues, **{k.lower(): v.lower() for k, v in (nominal_cues or {}).items()}},
            time_words=self.time_words | {w.lower() for w in time_words},
            title_modifiers=self.title_modifiers | {w.lower() for w in title_modifiers},
            company_nouns=self.company_nouns | {w.lower() for w in company_nouns},
            not_names=self.not_names | {w.lower() for w in not_names},
        )

    def with_cue_classes(self, *classes: str) -> Lexicons:
        """A copy with the cue classes ``classes`` turned on as well as the enabled ones — e.g.
        ``Lexicons.default().with_cue_classes("learned")`` for the opt-in learned sieve."""
        return self.extend(cue_classes=self.cue_classes | set(classes))

    def abbreviations(self) -> frozenset[str]:
        """The words of the ranks and honorifics that end in a period ("Maj.", "Col.", "Dr.")."""
        return frozenset(w for rank in self.ranks for w in rank.split() if w.endswith("."))

    def is_cue(self, lemma: str, text: str | None = None) -> bool:
        """True if ``lemma`` (or, failing that, a form of ``text``) is a cue verb of an enabled class."""
        return self.cue_lemma(lemma, text) is not None

    def cue_lemma(self, lemma: str, text: str | None = None) -> str | None:
        """The lexicon lemma of a cue word, or None.

        Compact lemmatizers miss inflections of rarer verbs ("tweeted" → "tweeted"); the word form is
        then reduced by regular English inflection ("tweeted" → "tweet", "admitted" → "admit").
        """
        for cand in self._bases(lemma, text):
            cls = self.cues.get(cand)
            if cls is not None:
                return cand if cls in self.cue_classes else None
        return None

    def _bases(self, lemma: str, text: str | None) -> list[str]:
        """Candidate lexicon lemmas of a word: its lemma, an irregular form's lemma, regular bases."""
        out = [lemma.lower()]
        if text:
            low = text.lower()
            if low in self.irregular:
                out.append(self.irregular[low])
            out.extend(_inflection_bases(low))
        return out

    def phrasal_cue(self, lemma: str, text: str | None, particle: str) -> str | None:
        """The lexicon entry of a verb + particle/preposition cue ("pointed out" → "point out")."""
        particle = particle.lower()
        for cand in self._bases(lemma, text):
            entry = f"{cand} {particle}"
            cls = self.cues.get(entry)
            if cls is not None:
                return entry if cls in self.cue_classes else None
        return None


def _inflection_bases(word: str) -> list[str]:
    """Candidate base forms of a regularly inflected English verb."""
    out: list[str] = []
    for suffix in ("ing", "ed", "es", "s", "d"):
        if word.endswith(suffix) and len(word) > len(suffix) + 2:
            stem = word[: -len(suffix)]
            out.append(stem)
            if suffix in ("ing", "ed"):
                out.append(stem + "e")
                if len(stem) > 2 and stem[-1] == stem[-2]:
                    out.append(stem[:-1])
            if suffix == "es" and stem.endswith("i"):
                out.append(stem[:-1] + "y")
            if suffix == "ed" and stem.endswith("i"):
                out.append(stem[:-1] + "y")
    return out


@cache
def _default() -> Lexicons:
    return Lexicons.from_dir(DATA_DIR)
