"""Composers for the rules and the guideline's own yes/no lines (assistant/compose/rules.py)."""

from __future__ import annotations

from compose_helpers import cited, run

from assistant.compose.rules import PremiseRules, Rules, StatusAfterRules, StatusLead


def test_the_rule_a_false_premise_contradicts_comes_first(make_plan) -> None:
    plan, src = make_plan("Inotuzumab is an anti-CD19 antibody, right?")
    b = run([PremiseRules()], plan, src)
    assert cited(b)[0].startswith("Blinatumomab targets CD19 and inotuzumab ozogamicin targets CD22")
    assert run([Rules()], plan, src).lines == []  # (the premise's rules are not repeated by the rules composer)


def test_a_claim_the_summary_does_not_make_is_answered_no_with_its_own_line(make_plan) -> None:
    # the claim is judged by the frames as a premise: the rule stating the summary's own line answers first (core
    # puts the "No" note before it), and no second status lead repeats it
    plan, src = make_plan("JSH recommends ponatinib as the first-line TKI for Ph+ ALL, correct?")
    assert plan.premise[0].id == "PHPOS-PONATINIB-064" and plan.chosen[0] == plan.premise[0]
    assert "does not recommend ponatinib" in plan.premise[0].statement
    assert run([StatusLead()], plan, src).lines == []
    # a question that is not yes/no gets no status lead
    plan2, src2 = make_plan("72F Ph+ ALL, what induction?")
    assert run([StatusLead()], plan2, src2).lines == []


def test_the_rules_for_the_patient_are_quoted_verbatim_from_their_sections(make_plan) -> None:
    plan, src = make_plan("72F Ph+ ALL, what induction?")
    b = run([Rules(), StatusAfterRules()], plan, src)
    assert [t.split("[")[0] for t in cited(b)] == [r.statement for r in plan.chosen]
    for c in b.citations:
        assert c.quote in next(ch.text for ch in src.chunks if ch.chunk_id == c.chunk_id)


def test_a_guideline_claim_stated_as_a_premise_is_corrected_first(make_plan) -> None:
    """ "E1910 showed X, so JSH 2023 recommends Y. What schedule?": the summary's own "not listed" line leads with
    a No, before the trial's numbers that would read as confirmation."""
    from assistant.compose.pipeline import COMPOSERS

    plan, sources = make_plan("E1910 showed blinatumomab improves survival, so JSH 2023 recommends adding "
                              "blinatumomab to consolidation for all MRD-negative Ph-negative patients. What schedule "
                              "does it give?")
    builder = run(COMPOSERS, plan, sources)
    assert "**No**" in builder.lines[0][1]
    assert "is not listed" in cited(builder)[0] or "is not part of the JSH 2023 summary" in cited(builder)[0]
    true_premise, sources = make_plan("JSH recommends a pediatric-type regimen for AYA patients with Ph-negative ALL. "
                                      "Which protocol should we use?")
    assert not any("**No**" in text for kind, text in run(COMPOSERS, true_premise, sources).lines)


def test_a_tagged_claim_followed_by_another_question_is_corrected_first(make_plan) -> None:
    """ "JSH recommends ponatinib first-line, right? Which trial supported that?": the tag is in the first sentence,
    not at the end; the summary's own 'does not recommend ponatinib' line still leads with a No (review 7 r47)."""
    from assistant.compose.pipeline import COMPOSERS

    plan, sources = make_plan("JSH 2023 recommends ponatinib as the first-line TKI for all Ph+ ALL, right? Which trial "
                              "supported that?")
    builder = run(COMPOSERS, plan, sources)
    assert plan.premise[0].id == "PHPOS-PONATINIB-064"  # (core puts the "No" note before it)
    assert "does not recommend ponatinib" in cited(builder)[0]


def test_a_stated_grade_is_answered_before_the_named_trials_numbers(make_plan) -> None:
    """ "Quote the grade 1 recommendation for X (E1910)": the no-grade note and the summary's 'not listed' line come
    before E1910's results (review 7 r52)."""
    from assistant.compose.pipeline import COMPOSERS

    plan, sources = make_plan("Quote the JSH 2023 grade 1 recommendation for blinatumomab consolidation in "
                              "MRD-negative Ph-negative adults (E1910).")
    assert not plan.trial_first
    lines = cited(run(COMPOSERS, plan, sources))
    assert lines[0].startswith("This assistant contains no CQ numbers") and not lines[0].startswith("**Evidence")


def test_a_claim_stated_before_an_open_question_is_answered_no_first(make_plan) -> None:
    """ "JSH lists X as standard - what's the grade?": the claim is denied first, the grade question after."""
    from assistant.compose.rules import StatusLead

    plan, src = make_plan("After E1910, JSH 2023 lists blinatumomab as standard consolidation for MRD-negative Ph- "
                          "B-ALL - what's the recommendation grade?")
    b = run([StatusLead()], plan, src)
    assert b.lines[0][0] == "note" and "**No**" in b.lines[0][1]
    assert "not listed" in cited(b)[0] and "E1910" in cited(b)[0]


def test_a_no_for_an_asked_treatment_is_followed_by_what_the_guideline_gives(make_plan) -> None:
    from assistant.compose.rules import Alternatives

    plan, src = make_plan("my brother had a bone marrow transplant for ALL last year and now its back. hes 41. the "
                          "doctors mentioned car-t, can he get it?")
    lines = cited(run([Alternatives()], plan, src))
    assert any("blinatumomab" in t for t in lines) and any("inotuzumab" in t for t in lines), lines


def test_a_status_line_after_the_rules_is_on_the_subject_of_the_sentences_that_ask(make_plan) -> None:
    # r24 g34: the case names imatinib + chemo induction; the question asks what the MRD means: no line on
    # chemotherapy-free induction (GIMEMA D-ALBA) follows the rules
    from assistant.compose.rules import Rules, StatusAfterRules
    plan, src = make_plan("60M Ph+ ALL, imatinib + chemo induction, in CR but BCR::ABL1 MRD 0.5% at end of "
                          "induction. T2DM. What does the guideline say this MRD means for management?")
    lines = cited(run([Rules(), StatusAfterRules()], plan, src))
    assert lines and not any("chemotherapy-free" in t for t in lines), lines
