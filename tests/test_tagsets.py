"""The engine reads entity types through one tag-set-neutral vocabulary: the bundled models tag
persons "PER" (CoNLL/UNER style), stanza's official English NER tags them "PERSON" and places "GPE"
(OntoNotes style). Real stanza parse of text written for this test, then its tags relabelled."""

from __future__ import annotations

from typing import Any

from quotattr.document import INSTITUTION_TYPES, PERSON_TYPES, Word

TEXT = (
    "Jessica Lane, a spokeswoman for the Harbor Authority, said the ferries would run again on Friday.\n\n"
    "“We have checked every hull,” Lane told reporters.\n\n"
    "Meanwhile, Canada said it would send inspectors, and Tom Reyes, the mayor, said the port was safe.\n\n"
    "REYES: We are ready.\n\n"
    "In Houston, Sen. Ted Cruz said the vote was rigged.\n\n"
    "Outside Boston, spokeswoman Dana Whitfield said the ferries were full."
)

ONTONOTES = {"PER": "PERSON", "LOC": "GPE"}


def _relabelled(doc: Any) -> Any:
    for sentence in doc.sentences:
        for token in sentence.tokens:
            tag = token.ner or "O"
            if "-" in tag:
                prefix, kind = tag.split("-", 1)
                token.ner = f"{prefix}-{ONTONOTES.get(kind, kind)}"
    doc.build_ents()
    return doc


def _summary(result: Any) -> list[tuple[str, str | None, str | None, str | None]]:
    return [
        (a.text[:30], a.speaker and a.speaker.name, a.speaker and a.speaker.kind.value, a.mention and a.mention.text)
        for a in result.attributions
    ]


def test_word_person_flag_reads_both_tag_sets() -> None:
    def word(tag: str) -> Word:
        return Word(0, "Lane", "Lane", "PROPN", "NNP", -1, "root", 0, 4, 0, tag)

    assert word("S-PER").is_person and word("B-PERSON").is_person and word("E-PERSON").is_person
    assert not word("O").is_person and not word("S-ORG").is_person and not word("S-NORP").is_person
    assert {"PER", "PERSON"} == PERSON_TYPES and {"ORG", "GPE"} <= INSTITUTION_TYPES


def test_ontonotes_tags_give_the_same_attributions(extractor) -> None:  # type: ignore[no-untyped-def]
    plain = extractor(extractor.annotate(TEXT))
    relabelled_doc = _relabelled(extractor.annotate(TEXT))
    assert any(e.type == "PERSON" for e in relabelled_doc.ents)  # the relabelling took
    assert not any(e.type == "PER" for e in relabelled_doc.ents)
    relabelled = extractor(relabelled_doc)
    assert _summary(plain) == _summary(relabelled)
    names = {a.speaker.name for a in relabelled.attributions if a.speaker is not None}
    assert {"Jessica Lane", "Tom Reyes", "Ted Cruz", "Dana Whitfield"} <= names
    # a place before the comma is not taken into the speaker phrase ("In Houston, Sen. Ted Cruz said")
    assert not names & {"Houston", "Boston"}
