"""The quote-span finder (a pure function over text: hand-written inputs)."""

from __future__ import annotations

import pytest

from quotattr.quotes import find_quotes


def texts(text: str) -> list[str]:
    return [q.text for q in find_quotes(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("“Curly double,” she said.", ["“Curly double,”"]),
        ('"Straight double," she said.', ['"Straight double,"']),
        ("‘Curly single,’ she said.", ["‘Curly single,’"]),
        ("'Straight single,' she said.", ["'Straight single,'"]),
        ("«Guillemets», dit-elle.", ["«Guillemets»"]),
        ("„Low-high“, sagte sie.", ["„Low-high“"]),
    ],
)
def test_every_common_mark_style(text: str, expected: list[str]) -> None:
    assert texts(text) == expected


def test_nested_quote_is_part_of_the_outer_one() -> None:
    text = "“He told me ‘never again’ and left,” she said."
    assert texts(text) == ["“He told me ‘never again’ and left,”"]


def test_apostrophes_are_not_quote_marks() -> None:
    assert texts("The farmers’ fields, the ’90s, rock ’n’ roll, don’t, it's, the boss’s car.") == []
    assert texts("Rock 'n' roll in the '90s wasn't bad.") == []


def test_multi_paragraph_quote_has_one_part_per_paragraph() -> None:
    text = "“First paragraph of the statement.\n\n“Second paragraph.\n\n“Third and last.”\n\nAfter."
    quotes = find_quotes(text)
    assert len(quotes) == 1
    q = quotes[0]
    assert q.closed and len(q.parts) == 3
    assert [text[a:b] for a, b in q.parts] == [
        "“First paragraph of the statement.",
        "“Second paragraph.",
        "“Third and last.”",
    ]


def test_unbalanced_mark_stays_in_its_paragraph() -> None:
    text = "“An unclosed opening mark here.\n\nA later paragraph with “a proper quote,” he said."
    quotes = find_quotes(text)
    assert [q.text for q in quotes] == ["“An unclosed opening mark here.", "“a proper quote,”"]
    assert [q.closed for q in quotes] == [False, True]


def test_stray_closing_mark_is_ignored() -> None:
    assert texts("A stray ” mark, then “a real one,” she said.") == ["“a real one,”"]


def test_parts_are_exact_offsets() -> None:
    text = "Intro.\n\n“Para one.\n\n“Para two.”"
    for q in find_quotes(text):
        assert "".join(text[a:b] for a, b in q.parts) == q.text


def test_many_marks_are_linear_and_safe() -> None:
    assert len(find_quotes("“" * 10000)) <= 1
    assert len(find_quotes('"' * 10001)) == 5000
    assert find_quotes("") == []


def test_typewriter_doubled_marks() -> None:
    text = "''It is a misguided approach,'' said Mr. Burman. Then ``another one'' here."
    assert texts(text) == ["''It is a misguided approach,''", "``another one''"]
    assert texts("The Smiths'' house") == []


def test_a_mid_sentence_unclosed_mark_does_not_run_into_the_next_paragraph() -> None:
    text = "The sign read “Closed for the season.\n\n“We reopen in May,” she said."
    assert texts(text) == ["“Closed for the season.", "“We reopen in May,”"]


def test_closing_mark_typed_as_the_opener() -> None:
    text = "Intro.\n\n”Mr. Trump embodies the legacy.” ― Sonya Herridge\n“During the debate he said it.” ― Ed Monroy"
    spans = [text[q.start : q.end] for q in find_quotes(text)]
    assert spans == ["”Mr. Trump embodies the legacy.”", "“During the debate he said it.”"]
    # a closing mark after the words still closes
    glued = "“It is over,”he said."
    assert [glued[q.start : q.end] for q in find_quotes(glued)] == ["“It is over,”"]


def test_straight_quote_running_over_paragraphs_stops_at_a_curly_one() -> None:
    text = (
        "She reports:\n\n"
        '"The first time she saw him, she was sure.\n\n'
        '"Melanie thought the whole thing was outrageous.\n\n'
        "“It never crossed my mind,” she said later."
    )
    quotes = find_quotes(text)
    assert [len(q.parts) for q in quotes] == [2, 1]
    assert text[quotes[1].start : quotes[1].end] == "“It never crossed my mind,”"


def test_single_marks_inside_a_quote_running_over_paragraphs_stay_inside() -> None:
    # the single-mark pass skips what the double quotes cover, paragraph by paragraph; a quote
    # running over paragraphs blocks its later paragraphs too, and nothing after it
    text = "“First, with ‘a phrase’ in it.\n\n“Second, ‘another phrase’ here,” she said.\n\nThen ‘a scare word’ after."
    quotes = find_quotes(text)
    assert [q.parts for q in quotes] == [((0, 30), (32, 64)), ((81, 95),)]
    assert text[81:95] == "‘a scare word’"


def test_claimed_spans_answer_like_a_scan_of_every_span() -> None:
    from quotattr.sieves.indirect import ClaimedSpans

    spans = [(0, 5), (2040, 2060), (5000, 9000), (9000, 9000)]
    claimed = ClaimedSpans(spans[:2])
    for span in spans[2:]:
        claimed.add(*span)
    for probe in [(5, 10), (4, 6), (2047, 2049), (2060, 2100), (6000, 6001), (8999, 9001), (100, 2041), (9001, 9100)]:
        assert claimed.overlaps(*probe) == any(a < probe[1] and probe[0] < b for a, b in spans), probe
