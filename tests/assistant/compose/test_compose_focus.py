"""Composers for the specific thing asked (assistant/compose/focus.py)."""

from __future__ import annotations

from compose_helpers import cited, run

from assistant.compose.focus import Definition, Focus, Listed, Parts


def test_a_definition_question_gets_the_defining_sentence(make_plan) -> None:
    plan, src = make_plan("What age range is meant by AYA?")
    lines = cited(run([Definition()], plan, src))
    assert len(lines) == 1 and "conventionally defined as people aged 15 to 39" in lines[0]
    plan2, src2 = make_plan("72F Ph+ ALL, what induction?")
    assert run([Definition()], plan2, src2).lines == []


def test_what_that_means_defines_the_term_of_the_sentence_before(make_plan) -> None:
    """r37 t34: "… there is now 'minimal residual disease' in his tests. What does that mean …" defines MRD, not
    prophylactic TKI maintenance after the transplant told of earlier."""
    plan, src = make_plan("Hi, my brother is 35 and had a bone marrow transplant for ALL last year. His doctor says "
                          "there is now 'minimal residual disease' in his tests. What does that mean and what do the "
                          "guidelines suggest?")
    lines = cited(run([Definition()], plan, src))
    assert len(lines) == 1 and "MRD" in lines[0] and "measurable residual disease" in lines[0], lines


def test_what_it_is_asked_after_a_yes_no_part_defines_the_thing_named_before(make_plan) -> None:
    """r37 t35: "Someone mentioned CAR T cells. Can he get that, and what is it?" asks a definition of what was named
    before (the corpus has no plain definition of CAR T-cell therapy: its best defining line is given)."""
    plan, src = make_plan("My son is 21 and his leukemia came back after transplant. Someone at the hospital "
                          "mentioned CAR T cells. Can he get that, and what is it?")
    assert plan.intents.definition
    lines = cited(run([Definition()], plan, src))
    assert len(lines) == 1 and "CAR" in lines[0] or "tisagenlecleucel" in lines[0], lines


def test_the_asked_term_no_rule_names_gets_its_line(make_plan) -> None:
    plan, src = make_plan("Is autologous transplant an option for Ph-negative ALL in CR1?")
    lines = cited(run([Focus()], plan, src))
    assert any("autologous HSCT for Ph-negative ALL" in t for t in lines), lines


def test_a_heading_the_question_names_gives_its_list_in_order(make_plan) -> None:
    plan, src = make_plan("What are the adverse risk factors in adult ALL?")
    lines = cited(run([Listed()], plan, src))
    assert "Older age" in lines[1] and "above 30×10^9/L" in lines[2] and "above 100×10^9/L" in lines[3]


def test_each_open_part_of_a_several_part_question_gets_a_line(make_plan) -> None:
    plan, src = make_plan("For Ph+ ALL (a) what is the standard induction approach, (b) when is MRD assessed?")
    lines = cited(run([Parts()], plan, src))
    assert any("Ph-positive" in t and "induction" in t for t in lines), lines
    assert any("MRD" in t for t in lines), lines


def test_a_yes_no_question_about_what_a_marker_means_gets_the_markers_definition(make_plan) -> None:
    """ "Does Ph-positive mean it is the same disease as CML?": no line defines CML here, so the line defining the
    marker the question names answers (unanswered, not a refusal); it must open with the marker."""
    plan, src = make_plan("does being philadelphia positive mean my leukaemia is really CML?")
    lines = cited(run([Definition(unanswered=True)], plan, src))
    assert len(lines) == 1 and lines[0].startswith("Ph-positive (Ph+) ALL"), lines


def test_a_second_part_in_shorthand_gets_its_own_line(make_plan) -> None:
    """ "Does JSH 2023 use WHO-HAEM5? and any rec for Ph-like?": "rec" is a recommendation in shorthand, and
    "WHO-HAEM5" names a classification, not a trial; the Ph-like part gets the line saying no such statement."""
    plan, src = make_plan("is JSH 2023 based on WHO-HAEM5 or ICC? also any rec for Ph-like ALL?")
    assert not plan.intents.trials
    lines = cited(run([Parts()], plan, src))
    assert any("Ph-like" in t for t in lines), lines


def test_who_asks_and_the_day_of_a_case_are_no_asked_term(make_plan) -> None:
    # r24 g23: "Team asks ...", "day +100" are not the question's subject (no LAL0904 "day" line, no "transplant
    # team assesses" line)
    plan, src = make_plan("Pharmacist here. 63F Ph+ ALL (p190 BCR::ABL1), allo-HSCT day +100, BCR::ABL1 PCR "
                          "undetectable. CKD3, on apixaban for AF. Team asks whether to start prophylactic imatinib "
                          "maintenance per JSH.")
    lines = cited(run([Focus()], plan, src))
    assert not any("LAL0904" in t or "transplant team" in t for t in lines), lines


def test_a_long_lay_part_is_not_answered_by_a_line_sharing_two_chance_words(make_plan) -> None:
    """r29 p07: "my wife's report says MRD positive 0.03% after the first round of chemo. is that bad news?" shared
    "first" and "chemo" with the Ph-negative 65-or-older options line, which padded an MRD answer."""
    plan, src = make_plan("what does MRD 0.01% mean? my wife's report says MRD positive 0.03% after the first round "
                          "of chemo. is that bad news? what happens next")
    assert not any("65 or older" in t for t in cited(run([Parts()], plan, src)))
