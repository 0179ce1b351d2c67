"""Each attribution pattern on sentences written for these tests, through the real stanza pipeline."""

from __future__ import annotations

import pytest

from quotattr import QuoteKind, Result


def _one(result: Result, needle: str):  # type: ignore[no-untyped-def]
    hits = [a for a in result.attributions if needle in a.text]
    assert hits, f"no attribution containing {needle!r}; got {[a.text for a in result.attributions]}"
    return hits[0]


def _offsets_ok(result: Result) -> None:
    text = result.text
    for a in result.attributions:
        for span in [*a.content, a.cue.span if a.cue else None, a.mention, a.addressee]:
            if span is not None:
                assert text[span.start : span.end] == span.text


@pytest.fixture(scope="module")
def run(extractor):  # type: ignore[no-untyped-def]
    def _run(text: str) -> Result:
        result = extractor(text)
        _offsets_ok(result)
        return result

    return _run


# -- direct quotes around a cue ------------------------------------------------------------------


def test_cue_between_two_quotes_opens_the_second_after_a_closed_sentence(run) -> None:  # type: ignore[no-untyped-def]
    r = run(
        'I had to change my answer: "Of course I trust the board. I was joking." '
        'To which she replied, "Then vote for the budget."\n\n'
        "“The roof leaks,” the janitor said, “and nobody comes.”"
    )
    reply = _one(r, "Then vote")
    assert reply.cue and reply.cue.text == "replied" and reply.mention and reply.mention.text == "she"
    assert all("Of course" not in span.text for span in reply.content)
    # a quote split by its own cue keeps one cue for both halves
    roof = _one(r, "roof leaks")
    assert roof.cue and roof.cue.text == "said" and roof.mention and roof.mention.text == "the janitor"
    assert any("nobody comes" in span.text for span in roof.content) or any(
        "nobody comes" in a.text and a.cue and a.cue.text == "said" for a in r.attributions
    )


def test_trailing_subject_verb(run) -> None:  # type: ignore[no-untyped-def]
    r = run("“The bridge will reopen next spring after repairs,” Mayor Helen Ortiz said on Tuesday.")
    a = _one(r, "bridge")
    assert a.kind is QuoteKind.DIRECT and a.cue and a.cue.lemma == "say"
    assert a.speaker and a.speaker.name == "Helen Ortiz"
    assert a.content[0].text.startswith("“") and a.content[0].text.endswith("”")


def test_trailing_verb_subject(run) -> None:  # type: ignore[no-untyped-def]
    r = run("“We have no plans to raise taxes this year,” said Daniel Brooks, the city's finance director.")
    a = _one(r, "raise taxes")
    assert a.speaker and a.speaker.name == "Daniel Brooks"
    assert a.speaker.title == "finance director" or a.speaker.title == "director"


def test_leading_colon_with_addressee(run) -> None:  # type: ignore[no-untyped-def]
    r = run("The minister told reporters: “The talks will continue until we reach a deal with the unions.”")
    a = _one(r, "talks will continue")
    assert a.kind is QuoteKind.DIRECT and a.cue and a.cue.lemma == "tell"
    assert a.addressee is not None and a.addressee.text == "reporters"
    assert a.mention is not None and a.mention.text == "The minister"


def test_leading_said_colon(run) -> None:  # type: ignore[no-untyped-def]
    r = run("Karen Walsh, a nurse at the county hospital, said: “Every bed on this ward has been full since Friday.”")
    a = _one(r, "Every bed")
    assert a.speaker and a.speaker.name == "Karen Walsh" and a.speaker.title == "nurse"
    assert a.speaker.organization == "county hospital"


def test_split_quote_continuation_same_paragraph(run) -> None:  # type: ignore[no-untyped-def]
    r = run("“The river rose two metres overnight,” Tom Keller said. “Nobody expected it to come this fast.”")
    first, second = _one(r, "river rose"), _one(r, "Nobody expected")
    assert first.speaker is not None and second.speaker is first.speaker
    assert second.kind is QuoteKind.DIRECT


def test_follow_on_paragraph_inherits_speaker(run) -> None:  # type: ignore[no-untyped-def]
    text = (
        "“Our volunteers worked through the night to save the harvest,” said Maria Lopez, who runs the farm.\n\n"
        "“We lost almost nothing in the end, and I am proud of every one of them.”"
    )
    r = run(text)
    a, b = _one(r, "volunteers"), _one(r, "lost almost nothing")
    assert a.speaker and a.speaker.name == "Maria Lopez"
    assert b.speaker is a.speaker and b.confidence < a.confidence


def test_trailing_dash_attribution(run) -> None:  # type: ignore[no-untyped-def]
    r = run("“Stay home if you can and keep the roads clear for the emergency crews.” — Fire Chief Ana Silva")
    a = _one(r, "Stay home")
    assert a.speaker and a.speaker.name == "Ana Silva"


# -- indirect and mixed ------------------------------------------------------------------------------


def test_indirect_said_that(run) -> None:  # type: ignore[no-untyped-def]
    r = run("Governor Paul Hayes said that the state would hire 500 new teachers next year.")
    a = _one(r, "hire 500")
    assert a.kind is QuoteKind.INDIRECT and not a.text.startswith("that")
    assert a.speaker and a.speaker.name == "Paul Hayes"


def test_indirect_without_that(run) -> None:  # type: ignore[no-untyped-def]
    r = run("The company's chief executive, Laura Chen, said profits fell sharply in the third quarter.")
    a = _one(r, "profits fell")
    assert a.kind is QuoteKind.INDIRECT
    assert a.speaker and a.speaker.name == "Laura Chen"


def test_told_addressee_that(run) -> None:  # type: ignore[no-untyped-def]
    r = run("Omar Farouk told the committee on Monday that the budget had been spent by March.")
    a = _one(r, "budget had been spent")
    assert a.cue and a.cue.lemma == "tell"
    assert a.addressee is not None and a.addressee.text == "the committee"


def test_said_in_an_interview_with_that(run) -> None:  # type: ignore[no-untyped-def]
    r = run("Senator Ruth Adler said in an interview with local radio last week that the bill would pass.")
    a = _one(r, "bill would pass")
    assert a.speaker and a.speaker.name == "Ruth Adler"


def test_adding_that_shares_the_speaker(run) -> None:  # type: ignore[no-untyped-def]
    r = run("“The storm is moving east,” forecaster Ian Moss said, adding that schools would stay closed on Friday.")
    a, b = _one(r, "storm is moving"), _one(r, "schools would stay closed")
    assert b.cue and b.cue.lemma == "add"
    assert a.speaker is not None and b.speaker is a.speaker


def test_sentence_final_said_on_reported_content(run) -> None:  # type: ignore[no-untyped-def]
    r = run("The new runway will open in June, airport manager Steven Cole said.")
    a = _one(r, "runway will open")
    assert a.kind is QuoteKind.INDIRECT and a.speaker and a.speaker.name == "Steven Cole"


@pytest.mark.parametrize(
    "text",
    [
        "According to the health ministry, 40 people were treated for smoke inhalation.",
        "Forty people were treated for smoke inhalation, according to the health ministry.",
        "Forty people, according to the health ministry, were treated for smoke inhalation.",
    ],
)
def test_according_to_anywhere(run, text: str) -> None:  # type: ignore[no-untyped-def]
    r = run(text)
    a = _one(r, "treated")
    assert a.cue and a.cue.text.lower() == "according to"
    assert a.mention is not None and a.mention.text == "the health ministry"
    assert "according" not in a.text.lower()


def test_mixed_quote_is_one_attribution(run) -> None:  # type: ignore[no-untyped-def]
    r = run("The mayor said the new park would bring “life and colour” back to the old docks.")
    assert len(r.attributions) == 1
    a = r.attributions[0]
    assert a.kind is QuoteKind.MIXED and "“life and colour”" in a.text


def test_frame_closed_by_a_quoted_fragment(run) -> None:  # type: ignore[no-untyped-def]
    r = run(
        "However noble the aim, the new levy “is a misguided approach,” said Ann Burman "
        "(a view echoed by everyone I interviewed)."
    )
    a = _one(r, "misguided")
    assert a.kind is QuoteKind.MIXED and a.mention and a.mention.text == "Ann Burman"
    assert a.text.startswith("However noble the aim") and a.text.rstrip(",”").endswith("approach")


def test_direct_only_cues(run) -> None:  # type: ignore[no-untyped-def]
    r = run(
        "“We want a hearing,” Ms. Ortiz said. She continued, “All we are asking for is a day in court.”\n\n"
        "Prices continued to rise in the spring, and the strike continued.\n\n"
        "“No more cuts!” the nurses chanted outside the hospital."
    )
    court = _one(r, "day in court")
    assert court.kind is QuoteKind.DIRECT and court.cue and court.cue.lemma == "continue"
    assert court.speaker and court.speaker.name == "Ortiz"
    nurses = _one(r, "No more cuts")
    assert nurses.cue and nurses.cue.lemma == "chant" and nurses.mention and nurses.mention.text == "the nurses"
    # a cue of direct quotes only reports nothing by itself
    assert not [a for a in r.attributions if "rise" in a.text or "strike" in a.text]


def test_according_to_before_a_whole_quote(run) -> None:  # type: ignore[no-untyped-def]
    r = run(
        "According to Mayor Ortiz, “If the council had listened, the bridge would be open. It was not up to me.”"
        "\n\nAccording to the audit, “critical” repairs were delayed by two years."
    )
    bridge = _one(r, "bridge would be open")
    assert bridge.kind is QuoteKind.DIRECT and bridge.cue and bridge.cue.text == "According to"
    assert bridge.text.endswith("up to me.”") and bridge.speaker and bridge.speaker.name == "Ortiz"
    repairs = _one(r, "repairs were delayed")  # a scare quote opening the clause is only a fragment
    assert repairs.kind is QuoteKind.MIXED and repairs.text.endswith("two years")


def test_transcript_quoted_paragraph_by_paragraph(run) -> None:  # type: ignore[no-untyped-def]
    r = run(
        "Chris Wallace interviewed Gov. Mike Pence on Sunday.\n\n"
        '"WALLACE: Will the guests be there tomorrow night?\n\n'
        '"PENCE: Well, look, this is serious business. The voters deserve better than a “reality show.”\n\n'
        '"WALLACE: Thank you, Governor."'
    )
    turns = [a for a in r.attributions if a.sieve == "transcript"]
    assert [a.mention.text for a in turns if a.mention] == ["WALLACE", "PENCE", "WALLACE"]
    pence = _one(r, "serious business")
    assert pence.speaker and pence.speaker.name == "Mike Pence" and not pence.text.startswith('"')
    # the paragraphs' quote marks make one long quote; its turns are attributed, not the whole
    assert not [a for a in r.attributions if a.speaker is None]


def test_quote_resumed_mid_sentence_after_an_aside(run) -> None:  # type: ignore[no-untyped-def]
    r = run(
        "“Every time you say that,” Tester said during a rally in Kenansville, N.C., “you give ammunition to the "
        "critics.”\n\n"
        "“I hate the term,” she said, but added that after taxes “they were not living large.”"
    )
    tester = _one(r, "Every time")
    assert [span.text for span in tester.content] == [
        "“Every time you say that,”",
        "“you give ammunition to the critics.”",
    ]
    term = _one(r, "I hate the term")  # a new report ("added that …") holds the second quote
    assert [span.text for span in term.content] == ["“I hate the term,”"]


def test_cue_tagged_as_plural_noun_after_an_appositive(run) -> None:  # type: ignore[no-untyped-def]
    # the compact tagger reads "notes" here as a plural noun; "…, notes that" is still a report
    r = run("Dana Ortiz, a GOP political consultant, notes that winning 20% of the vote in a district is enough.")
    a = _one(r, "winning 20%")
    assert a.cue and a.cue.text == "notes" and a.speaker and a.speaker.name == "Dana Ortiz"


def test_accusations(run) -> None:  # type: ignore[no-untyped-def]
    r = run(
        "Sen. Dana Ortiz accused the contractor of hiding the cracks for years.\n\n"
        "The mayor blamed the council for the delays.\n\n"
        "Residents blamed the weather.\n\n"
        "Perhaps most damaging, the inspectors have been blamed for missing the leak."
    )
    hiding = _one(r, "hiding the cracks")
    assert hiding.cue and hiding.cue.lemma == "accuse"
    assert hiding.text == "the contractor of hiding the cracks for years"
    assert hiding.speaker and hiding.speaker.name == "Dana Ortiz"
    delays = _one(r, "the delays")
    assert delays.cue and delays.cue.lemma == "blame" and delays.mention and delays.mention.text == "The mayor"
    assert not [a for a in r.attributions if "weather" in a.text]  # blame with no charge reports nothing
    assert not [a for a in r.attributions if "damaging" in a.text]  # nor a passive one with a frame before it


def test_gerund_after_the_cue(run) -> None:  # type: ignore[no-untyped-def]
    r = run("The GOP candidate proposes allowing parents to deduct the cost of child care.")
    a = _one(r, "allowing parents")
    assert a.cue and a.cue.lemma == "propose" and a.text == "allowing parents to deduct the cost of child care"
    assert a.mention and a.mention.text == "The GOP candidate"


def test_closing_frame_stays_out_of_an_inner_report(run) -> None:  # type: ignore[no-untyped-def]
    r = run("Ortiz told the officers that she did not want the escort, but the police overruled her, the source said.")
    told = next(a for a in r.attributions if a.cue and a.cue.lemma == "tell")
    assert told.text == "she did not want the escort, but the police overruled her"
    added = next(a for a in r.attributions if a.cue and a.cue.lemma == "say")
    assert added.mention and added.mention.text == "the source" and added.text.startswith("Ortiz told")


def test_findings_of_polls_and_studies(run) -> None:  # type: ignore[no-untyped-def]
    r = run(
        "A Marist poll released on Friday shows that Ortiz leads the mayoral race by six points.\n\n"
        "The audit found that the agency had lost $2 million in unpaid fees.\n\n"
        "Officers found the car in a ditch near the river.\n\n"
        "Many families find themselves in debt after the first winter."
    )
    poll = _one(r, "Ortiz leads")
    assert poll.cue and poll.cue.lemma == "show"
    # the reduced relative "released on Friday" is not the source: the poll is
    assert poll.mention and poll.mention.text == "A Marist poll"
    audit = _one(r, "lost $2 million")
    assert audit.cue and audit.cue.lemma == "find" and audit.mention and audit.mention.text == "The audit"
    # a finding verb with only an object reports nothing
    assert not [a for a in r.attributions if "ditch" in a.text or "debt" in a.text]


def test_findings_in_frames(run) -> None:  # type: ignore[no-untyped-def]
    r = run(
        "Young voters favor Ortiz by a wide margin, recent polls show.\n\n"
        "The survey, conducted by the Marist institute, finds Ortiz with a small lead among young voters.\n\n"
        "Such goods are often too costly or too difficult to find, according to the survey.\n\n"
        "The agency hired auditors to determine whether the money was lost."
    )
    poll = _one(r, "wide margin")
    assert poll.cue and poll.cue.lemma == "show" and poll.mention and poll.mention.text == "recent polls"
    # "…, finds Ortiz with …" and "to find, according to …" frame nothing; "to determine" is a purpose
    assert not [a for a in r.attributions if a.cue and a.cue.lemma in ("find", "determine")]


def test_names_written_with_a_slash(run) -> None:  # type: ignore[no-untyped-def]
    r = run("The latest Reuters/Ipsos poll shows that Ortiz leads the race.")
    a = _one(r, "Ortiz leads")
    assert a.mention and a.mention.text == "The latest Reuters/Ipsos poll"


def test_findings_can_be_switched_off(extractor) -> None:  # type: ignore[no-untyped-def]
    from quotattr.attribute import attribute

    lex = extractor.lexicons
    doc = extractor.annotate("The audit found that the agency had lost $2 million in unpaid fees.")
    assert [a.cue and a.cue.lemma for a in attribute(doc, lex).attributions] == ["find"]
    assert not attribute(doc, lex.extend(cue_classes=lex.cue_classes - {"evidence"})).attributions


# -- what must produce nothing ----------------------------------------------------------------------


def test_headline_caption_dateline_produce_nothing(run) -> None:  # type: ignore[no-untyped-def]
    text = (
        "Farmers say drought “worst in decades”\n\n"
        "A dry field near the village on July 2. Photo: Jane Roe/Agency\n\n"
        "NAIROBI, Kenya – Rain has not fallen here since March, farmers said on Sunday.\n\n"
        "'Legend in the Fields.'\n\n"
        "The wells are dry."
    )
    r = run(text)
    body = text.index("NAIROBI")
    assert not any("Legend" in a.text for a in r.attributions)  # a quoted subhead is not speech
    assert all(a.start >= body for a in r.attributions)
    assert not any("worst in decades" in a.text for a in r.attributions)
    # the dateline is not part of what the farmers said
    assert _one(r, "Rain has not fallen").content[0].text == "Rain has not fallen here since March"


def test_scare_quotes_and_titles_are_not_quotes(run) -> None:  # type: ignore[no-untyped-def]
    r = run("The so-called “peace plan” was discussed on “Meet the Press” and in the farmers’ fields of the ’90s.")
    assert r.attributions == ()


# -- speaker resolution -------------------------------------------------------------------------------


def test_speaker_before_a_time_adverbial_or_a_participle_clause(run) -> None:  # type: ignore[no-untyped-def]
    r = run(
        "Wells Fargo just this month announced it would drop the fees.\n\n"
        "Ortiz, speaking to a veterans group in Virginia, said he would order a review of the defenses."
    )
    fees = _one(r, "drop the fees")
    assert fees.mention and fees.mention.text == "Wells Fargo"
    review = _one(r, "order a review")
    assert review.mention and review.mention.text == "Ortiz"


def test_sentence_final_period_stays_out_of_the_speaker(run) -> None:  # type: ignore[no-untyped-def]
    r = run(
        "The rooms will open in Kirkuk, according to Brig. Gen. Helen Okafor, spokesperson of Iraqi "
        "Commander-in-Chief.\n\nMore talks are planned."
    )
    a = _one(r, "rooms will open")
    assert a.mention and a.mention.text.endswith("Commander-in-Chief")
    assert a.speaker and a.speaker.rank == "Brig. Gen." and a.speaker.organization == "Iraqi Commander-in-Chief"


def test_surname_pronoun_and_nominal_coreference(run) -> None:  # type: ignore[no-untyped-def]
    text = (
        "Col. James Porter, a spokesman for the regional command, said the convoy had reached the border.\n\n"
        "Porter said more trucks would follow.\n\n"
        "He added that the route was safe.\n\n"
        "The spokesman said aid would be distributed on Thursday."
    )
    r = run(text)
    first = _one(r, "convoy had reached")
    assert first.speaker and first.speaker.name == "James Porter" and first.speaker.rank == "Col."
    assert first.speaker.title == "spokesman" and first.speaker.organization == "regional command"
    for needle in ("more trucks", "route was safe", "aid would be distributed"):
        assert _one(r, needle).speaker is first.speaker, needle


def test_unresolvable_pronoun_is_marked_unresolved(run) -> None:  # type: ignore[no-untyped-def]
    r = run("He said the shop would close at noon.")
    a = _one(r, "shop would close")
    assert a.speaker is not None and not a.speaker.resolved and a.speaker.name is None
    assert a.confidence < 0.7


def test_organization_and_document_speakers(run) -> None:  # type: ignore[no-untyped-def]
    r = run(
        "The United Nations said aid convoys were blocked.\n\n"
        "Prices rose by 4 percent, according to a report from the central bank.\n\n"
        "Rents fell by 2 percent, according to a survey released on Tuesday."
    )
    un = _one(r, "aid convoys")
    assert un.speaker and un.speaker.kind.value == "organization" and un.speaker.name == "United Nations"
    # the bank speaks through its report: the source is the bank (seed gold: "an official statement
    # from the coalition" is the coalition, an organization)
    bank = _one(r, "Prices rose")
    assert bank.speaker and bank.speaker.kind.value == "organization" and bank.speaker.name == "central bank"
    assert bank.speaker.organization == "central bank"
    survey = _one(r, "Rents fell")
    assert survey.speaker and survey.speaker.kind.value == "document" and survey.speaker.organization is None


# -- quote layout -------------------------------------------------------------------------------------


def test_quote_over_several_paragraphs_is_one_attribution(run) -> None:  # type: ignore[no-untyped-def]
    text = (
        "“The first thing we did was close the schools and open the sports halls as shelters.\n\n"
        "“Then we called every family on the list, one by one, until the last of them was safe,” "
        "said Nadia Perez, the county's emergency coordinator."
    )
    r = run(text)
    assert len(r.attributions) == 1
    a = r.attributions[0]
    assert len(a.content) == 2 and a.content[0].text.startswith("“The first") and a.content[1].text.endswith("safe,”")
    assert a.speaker and a.speaker.name == "Nadia Perez" and a.speaker.title == "emergency coordinator"


def test_unbalanced_mark_does_not_derail_the_rest(run) -> None:  # type: ignore[no-untyped-def]
    text = (
        "The sign at the gate still read “Closed for the season.\n\n"
        "“We reopen in May, as every year,” the park's manager, Lena Fox, said."
    )
    r = run(text)
    a = _one(r, "We reopen in May")
    assert a.speaker and a.speaker.name == "Lena Fox"


def test_transcript_speaker_labels(run) -> None:  # type: ignore[no-untyped-def]
    text = (
        "Anchor Mark Gill interviewed Senator Alice Byrne on Sunday.\n\n"
        "GILL: Will the bill pass before the summer recess?\n\n"
        "BYRNE: I believe it will, because both parties have now agreed on the funding."
    )
    r = run(text)
    a, b = _one(r, "Will the bill pass"), _one(r, "I believe it will")
    assert a.speaker and a.speaker.name == "Mark Gill"
    assert b.speaker and b.speaker.name == "Alice Byrne" and b.cue and b.cue.text == ":"


# -- stanza Documents as input ----------------------------------------------------------------------


def test_annotated_document_gives_the_same_result(extractor) -> None:  # type: ignore[no-untyped-def]
    text = "“Prices will fall by summer,” economist Rita Vance said."
    assert extractor(extractor.annotate(text)).to_dict() == extractor(text).to_dict()


def test_document_without_parse_is_rejected_with_a_clear_error(extractor) -> None:  # type: ignore[no-untyped-def]
    doc = extractor.annotate("“Prices will fall,” Rita Vance said.")
    for sentence in doc.sentences:
        for word in sentence.words:
            word.deprel = None
    with pytest.raises(ValueError, match="depparse"):
        extractor(doc)


def test_bare_complement_after_misparsed_verb(run) -> None:  # type: ignore[no-untyped-def]
    r = run("The city sent a letter on Thursday. It says the company broke the law by copying the images.")
    a = _one(r, "broke the law")
    assert a.kind is QuoteKind.INDIRECT and a.cue and a.cue.lemma == "say"
    assert a.text.startswith("the company")


def test_reported_speech_stays_inside_its_paragraph(run) -> None:  # type: ignore[no-untyped-def]
    text = (
        "Helen Park says at a campaign stop in Dayton that the plan will cut costs.\n\n"
        "“We will see,” said her rival, Tom Reed."
    )
    r = run(text)
    a = _one(r, "plan will cut costs")
    assert a.speaker and a.speaker.name == "Helen Park"
    assert "We will see" not in a.text


def test_quote_after_that_is_a_mixed_report(run) -> None:  # type: ignore[no-untyped-def]
    r = run(
        "Spokeswoman Jessica Lane said via email that, “Of course the mayor will defend himself” against the claims."
    )
    assert len(r.attributions) == 1
    a = r.attributions[0]
    assert a.kind is QuoteKind.MIXED and a.speaker and a.speaker.name == "Jessica Lane"


def test_directive_reports_and_cues_inside_quotes(run) -> None:  # type: ignore[no-untyped-def]
    r = run(
        "The governor urged residents to leave the coast before Friday. She called it “the plan he says will fail.”"
    )
    a = _one(r, "to leave the coast")
    assert a.cue and a.cue.lemma == "urge" and a.speaker and a.speaker.kind.value in ("person", "unnamed")
    assert not any("will fail" in x.text and x.cue and x.cue.lemma == "say" for x in r.attributions)


def test_interrupted_quote_is_one_discontinuous_attribution(run) -> None:  # type: ignore[no-untyped-def]
    r = run("“By signing the treaty,” Prime Minister Ana Lind said, “we close a chapter that lasted forty years.”")
    assert len(r.attributions) == 1
    a = r.attributions[0]
    assert len(a.content) == 2 and a.speaker and a.speaker.name == "Ana Lind"
    assert [s.id for s in r.speakers] == ["S1"]


def test_mid_sentence_and_postposed_frames(run) -> None:  # type: ignore[no-untyped-def]
    r = run(
        "The new museum, the mayor said, will open in the spring.\n\n"
        "Ticket prices will stay low, said Carla Diaz, a senior official with the culture department.\n\n"
        "Several critics warned, as did the architects themselves, that the budget was too small."
    )
    museum = _one(r, "will open in the spring")
    assert len(museum.content) == 2 and museum.content[0].text == "The new museum"
    tickets = _one(r, "Ticket prices will stay low")
    assert (
        tickets.speaker
        and tickets.speaker.name == "Carla Diaz"
        and tickets.speaker.organization == "culture department"
    )
    assert _one(r, "budget was too small").cue.lemma == "warn"


def test_join_continuations_option(extractor) -> None:  # type: ignore[no-untyped-def]
    from quotattr import Extractor
    from quotattr.attribute import attribute

    text = "“The river rose two metres overnight,” Tom Keller said. “Nobody expected it to come this fast.”"
    doc = extractor.annotate(text)
    assert len(extractor(doc).attributions) == 2
    joined = attribute(doc, extractor.lexicons, text=text, join_continuations=True)
    assert len(joined.attributions) == 1 and len(joined.attributions[0].content) == 2
    assert "join_continuations" in Extractor.__init__.__code__.co_varnames


@pytest.mark.parametrize(
    ("open_mark", "close_mark"),
    [("“", "”"), ('"', '"'), ("‘", "’"), ("'", "'"), ("«", "»"), ("„", "“"), ("''", "''")],
)
def test_every_quote_style_through_the_pipeline(run, open_mark: str, close_mark: str) -> None:  # type: ignore[no-untyped-def]
    text = f"{open_mark}The harvest was the best in ten years,{close_mark} farmer Joe Okoro said."
    r = run(text)
    assert len(r.attributions) == 1
    a = r.attributions[0]
    assert a.kind is QuoteKind.DIRECT and a.content[0].text.startswith(open_mark)
    assert a.speaker and a.speaker.name == "Joe Okoro"


def test_participle_after_a_comma_takes_the_main_clause_subject(run) -> None:  # type: ignore[no-untyped-def]
    # the phrase before ", adding" is the main verb's adjunct; the speaker is its subject
    r = run("The mining company filed for bankruptcy on Wednesday, adding that its debts had doubled in a year.")
    a = _one(r, "debts had doubled")
    assert a.kind is QuoteKind.INDIRECT and a.cue and a.cue.lemma == "add"
    assert a.mention is not None and a.mention.text == "The mining company"


def test_participle_report_opening_with_a_quoted_fragment(run) -> None:  # type: ignore[no-untyped-def]
    r = run("The council issued a statement on Monday, saying the mayor “has insulted residents and workers alike.”")
    a = _one(r, "insulted residents")
    assert a.kind is QuoteKind.MIXED and a.cue and a.cue.lemma == "say"
    assert a.content[0].text.startswith("the mayor “has insulted")
    assert a.mention is not None and a.mention.text == "The council"


def test_characterizing_cues(run) -> None:  # type: ignore[no-untyped-def]
    r = run(
        "Governor Ann Lee described the flooding as a “catastrophe for the whole valley.”\n\n"
        "The senator called the audit “a partisan stunt” on Tuesday.\n\n"
        "She called her brother on Sunday. The board described the meeting in detail."
    )
    a = _one(r, "catastrophe")
    assert a.kind is QuoteKind.MIXED and a.cue and a.cue.lemma == "describe"
    assert a.content[0].text.startswith("the flooding as")
    assert a.speaker and a.speaker.name == "Ann Lee"
    b = _one(r, "partisan stunt")
    assert b.kind is QuoteKind.MIXED and b.cue and b.cue.lemma == "call"
    assert b.content[0].text.startswith("the audit")
    # no predicate, no quoted fragment: nothing is reported
    assert not [x for x in r.attributions if "brother" in x.text or "in detail" in x.text]


def test_bare_report_with_a_long_subject_phrase(run) -> None:  # type: ignore[no-untyped-def]
    r = run(
        "Mayor Ruth Adler responded to the council on Thursday by saying her decision to close the library "
        "was a temporary measure.\n\n"
        "She says the company's late-night messages accusing the union of breaking the law were false.\n\n"
        "Experts say her plans to raise taxes on the rich and give tax breaks to families would make the "
        "code more complicated."
    )
    a = _one(r, "temporary measure")
    assert a.content[0].text.startswith("her decision to close")
    assert a.speaker and a.speaker.name == "Ruth Adler"
    b = _one(r, "late-night messages")
    assert b.content[0].text.startswith("the company's late-night messages")
    assert b.speaker is a.speaker
    c = _one(r, "give tax breaks")
    assert c.content[0].text.startswith("her plans to raise taxes")


def test_next_sentences_cue_does_not_take_a_closed_quote(run) -> None:  # type: ignore[no-untyped-def]
    r = run(
        "Mayor Jane Ruiz said the report should be published but said “the question is the timing.” "
        "Governor Tom Hale said it would be improper for him to comment on the report."
    )
    a = _one(r, "question is the timing")
    assert a.speaker and a.speaker.name == "Jane Ruiz"
    b = _one(r, "improper for him")
    assert b.speaker and b.speaker.name == "Tom Hale"


def test_long_appositive_and_a_clause_after_the_cue(run) -> None:  # type: ignore[no-untyped-def]
    r = run(
        "But Megan Ortiz, senior associate for education organizing at the Institute for School Reform, "
        "said parents still want neighborhood schools."
    )
    a = _one(r, "parents still want")
    assert a.content[0].text == "parents still want neighborhood schools"
    assert a.speaker and a.speaker.name == "Megan Ortiz"


def test_quote_running_on_after_the_cue_is_a_fragment(run) -> None:  # type: ignore[no-untyped-def]
    r = run("The senator said “budget reforms” and the collection of unpaid taxes would pay for the plan.")
    a = _one(r, "budget reforms")
    assert a.kind is QuoteKind.MIXED
    assert a.content[0].text.endswith("would pay for the plan")


def test_relative_clause_speaker_and_passive_cues(run) -> None:  # type: ignore[no-untyped-def]
    r = run(
        "Senator Mark Hollis, who promised to cut taxes for families, said the budget was balanced.\n\n"
        "The mayor was told that the bridge would close. It was announced on Monday that the plant would shut."
    )
    a = _one(r, "budget was balanced")
    assert a.speaker and a.speaker.name == "Mark Hollis"
    told = _one(r, "bridge would close")
    assert told.mention is None  # the mayor was the one told, not the source
    assert told.addressee is not None and told.addressee.text == "The mayor"
    announced = _one(r, "plant would shut")
    assert announced.mention is None and announced.cue and announced.cue.lemma == "announce"


def test_clauses_that_look_like_frames_but_are_not(run) -> None:  # type: ignore[no-untyped-def]
    r = run(
        "But when Congress cut the funding two years later, Mexico said enough.\n\n"
        "Hope Larkin, a campaign spokeswoman, did not respond to messages.\n\n"
        "He bought the mine from Walter Energy, which had declared bankruptcy."
    )
    texts = [c.text for a in r.attributions for c in a.content]
    assert not any("Congress cut the funding" in t for t in texts)
    assert not any("Hope Larkin" in t for t in texts)
    assert not any("Walter Energy" in t for t in texts)


def test_pronouns_agree_with_the_gender_a_phrase_shows(run) -> None:  # type: ignore[no-untyped-def]
    r = run(
        "“We will appeal the verdict,” said Ann Porter, the company's lawyer.\n\n"
        "“The ruling ignored the contract,” said Mr. Tom Reed, the chief executive.\n\n"
        "“We expected a closer vote,” she said.\n\n"
        "“The board will meet on Friday,” he added."
    )
    she = _one(r, "closer vote")
    assert she.speaker and she.speaker.name == "Ann Porter"
    he = _one(r, "board will meet")
    assert he.speaker and he.speaker.name == "Tom Reed"


def test_phrasal_cues(run) -> None:  # type: ignore[no-untyped-def]
    r = run(
        "The union called for an independent inquiry into the crash.\n\n"
        "Critics pointed out that the plan had no funding.\n\n"
        "He pointed at the sky and laughed."
    )
    a = _one(r, "independent inquiry")
    assert a.cue and a.cue.text == "called for" and a.cue.lemma == "call for"
    assert a.content[0].text == "an independent inquiry into the crash"
    b = _one(r, "no funding")
    assert b.cue and b.cue.lemma == "point out" and b.content[0].text == "the plan had no funding"
    assert not [x for x in r.attributions if "sky" in x.text]


def test_object_holding_a_quoted_fragment_is_a_mixed_report(run) -> None:  # type: ignore[no-untyped-def]
    r = run(
        "The governor proclaimed a new goal of “Safety Through Strength” at the rally.\n\nShe announced her support."
    )
    a = _one(r, "Safety Through Strength")
    assert a.kind is QuoteKind.MIXED and a.cue and a.cue.lemma == "proclaim"
    assert a.content[0].text.startswith("a new goal of")
    assert not [x for x in r.attributions if "support" in x.text]  # an object alone is not reported


def test_any_verb_with_object_as_quoted_fragment(run) -> None:  # type: ignore[no-untyped-def]
    r = run("Senator Ruth Lane has been pounding the governor as a “con artist” for weeks.\n\nHe sees it as a hobby.")
    a = _one(r, "con artist")
    assert a.kind is QuoteKind.MIXED and a.sieve == "characterize" and a.cue and a.cue.text == "pounding"
    assert a.content[0].text == "the governor as a “con artist”"
    assert a.speaker and a.speaker.name == "Ruth Lane"
    assert not [x for x in r.attributions if "hobby" in x.text]  # no quoted fragment, nothing reported


def test_party_tag_between_name_and_cue(run) -> None:  # type: ignore[no-untyped-def]
    r = run(
        "“The committee was prepared,” Sen. Claire Hollis (D-Mo.) said. “It was a fair hearing.”\n\n"
        "Critics disagreed with her."
    )
    a = _one(r, "committee was prepared")
    assert a.speaker and a.speaker.name == "Claire Hollis"
    b = _one(r, "fair hearing")
    assert b.speaker is a.speaker


def test_frames_around_fragments_adjuncts_and_coordination(run) -> None:  # type: ignore[no-untyped-def]
    r = run(
        'The country "has made dramatic changes for the better," Senator Paul Marsh said in June, '
        "citing the release of political prisoners.\n\n"
        "It would likely take three weeks to convene the party, he said, and the wrangling could be paralyzing.\n\n"
        "Mr. Obama, who understood that a push would be fruitless, told his advisers to find other ways."
    )
    a = _one(r, "dramatic changes")
    assert a.kind is QuoteKind.MIXED and a.content[0].text.startswith("The country")
    assert a.speaker and a.speaker.name == "Paul Marsh"
    b = _one(r, "three weeks")
    assert b.content[0].text == "It would likely take three weeks to convene the party"
    c = _one(r, "find other ways")
    assert c.content[0].text == "to find other ways"
    assert c.speaker and c.speaker.name and c.speaker.name.endswith("Obama")


def test_participle_the_parse_hung_off_a_noun(run) -> None:  # type: ignore[no-untyped-def]
    r = run(
        "The campaign manager Robby Tanner said as much in an interview on Thursday morning, arguing that "
        "the governor “lashed out at the generals when he was asked for details.”"
    )
    a = _one(r, "lashed out")
    assert a.mention is not None and "Robby Tanner" in a.mention.text
    assert a.speaker and a.speaker.name == "Robby Tanner"


def test_inverted_leading_cue_and_a_participle_after_a_leading_quote(run) -> None:  # type: ignore[no-untyped-def]
    r = run(
        "The hearing ended early. Said Ellis: “I don’t get the sense she is interested in tax reform.”\n\n"
        'In a statement, the mining company Peabody said: "The unit was highly successful a decade ago," '
        "adding that its value quadrupled in a year."
    )
    a = _one(r, "tax reform")
    assert a.sieve == "direct_leading" and a.cue and a.cue.lemma == "say"
    assert a.mention is not None and a.mention.text == "Ellis"
    b = _one(r, "highly successful")
    assert b.cue and b.cue.text == "said" and b.speaker and (b.speaker.name or "").endswith("Peabody")


def test_bare_report_with_dashes_and_a_long_postposed_speaker(run) -> None:  # type: ignore[no-untyped-def]
    r = run(
        "The campaign has said single people and families - gay, straight and adoptive - would qualify for "
        "the tax breaks.\n\n"
        "The stations lost their licences in 2005, said Jeffrey Tamble, a senior official with the board "
        "that oversees them."
    )
    a = _one(r, "would qualify")
    assert a.content[0].text.startswith("single people and families")
    assert not [x for x in r.attributions if x.content[0].text.startswith("Jeffrey Tamble")]


def test_reporting_nouns_with_their_owner(run) -> None:  # type: ignore[no-untyped-def]
    r = run(
        "Mayor Dana Whitfield spoke on Monday. Critics rejected Whitfield's claim that the budget was balanced.\n\n"
        "Later she repeated her warning that the bridge “could fail at any time.”\n\n"
        "The claim that taxes will fall is common."
    )
    a = _one(r, "budget was balanced")
    assert a.sieve == "nominal" and a.cue and a.cue.text == "claim" and a.kind is QuoteKind.INDIRECT
    assert a.speaker and a.speaker.name == "Dana Whitfield"
    b = _one(r, "could fail")
    assert b.kind is QuoteKind.MIXED and b.cue and b.cue.lemma == "warn"
    assert b.speaker is a.speaker
    assert not [x for x in r.attributions if "taxes will fall" in x.text]  # nobody's claim


def test_participle_adjective_inside_an_appositive(run) -> None:  # type: ignore[no-untyped-def]
    r = run("“I have never seen the water this high,” said Thomas Byrne, a retired teacher.")
    a = _one(r, "water this high")
    assert a.speaker and a.speaker.name == "Thomas Byrne" and a.speaker.title == "teacher"
    assert a.mention is not None and a.mention.text == "Thomas Byrne, a retired teacher"


def test_frame_after_an_adverbial_clause_and_its_main_clause(run) -> None:  # type: ignore[no-untyped-def]
    r = run(
        "Sheriff Dana Kolb said the suspect ran into the woods. When the rain started a few hours later, "
        "a hiker spotted him near the river, Kolb said.\n\n"
        "But when the county cut its budget, the township said enough."
    )
    a = _one(r, "a hiker spotted him")
    assert a.content[0].text.startswith("When the rain started")
    assert a.speaker and a.speaker.name == "Dana Kolb"
    assert not [x for x in r.attributions if x.text.startswith("But when the county")]


def test_frame_closed_by_a_semicolon(run) -> None:  # type: ignore[no-untyped-def]
    r = run(
        "Historian Leah Marsh wrote a book about the mill. Workers were often fined for small mistakes, "
        "Marsh writes; some lost a week's pay for a broken spool."
    )
    a = _one(r, "fined for small mistakes")
    assert a.speaker and a.speaker.name == "Leah Marsh"
    assert "some lost" not in a.text


def test_told_a_long_addressee_with_a_participle(run) -> None:  # type: ignore[no-untyped-def]
    r = run(
        "Councillor Omar Reyes told a room of about 60 residents gathered at the community centre that "
        "the pool would reopen in June."
    )
    a = _one(r, "pool would reopen")
    assert a.speaker and a.speaker.name == "Omar Reyes"


def test_adjectival_participles_report_nothing(run) -> None:  # type: ignore[no-untyped-def]
    r = run(
        "The proposed budget includes $4 million for roads. The estimated cost of the bridge rose again, "
        "and the alleged drop in crime turned out to be an increase."
    )
    assert r.attributions == ()


def test_new_speech_verbs(run) -> None:  # type: ignore[no-untyped-def]
    r = run(
        "“You forgot the keys,” Nora blurted out.\n\n"
        "Premier Ian Cole spoke in Halifax. He lamented that young families were leaving the province."
    )
    assert _one(r, "forgot the keys").cue.lemma == "blurt"
    assert _one(r, "young families").speaker.name == "Ian Cole"
