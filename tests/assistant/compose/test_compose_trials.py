"""Composers for a trial the question names (assistant/compose/trials.py)."""

from __future__ import annotations

from compose_helpers import cited, run

from assistant.compose.sentences import EVIDENCE_LEAD
from assistant.compose.trials import TrialFirst, TrialOrEvidence, UnreportedResults


def test_results_the_trial_did_not_report_are_answered_no(make_plan) -> None:
    plan, src = make_plan("ALL202-O showed 78% vs 52% DFS, right?")
    b = run([UnreportedResults(), TrialFirst()], plan, src)
    assert b.lines[0] == ("note", "_**No**: the corpus does not report 78% or 52% for JALSG ALL202-O; what it "
                                  "reports is below._")
    assert any("58%" in t and "32%" in t for t in cited(b))
    assert [f.rule_id for f in b.findings] == ["PREMISE-NUM-045"]
    plan2, src2 = make_plan("ALL202-O showed 58% vs 32% DFS, right?")
    assert run([UnreportedResults()], plan2, src2).lines == []


def test_a_named_trial_opens_with_its_design_then_the_headline_result(make_plan) -> None:
    plan, src = make_plan("What did the TOWER trial show?")
    lines = cited(run([TrialFirst()], plan, src))
    assert lines[0].startswith(f"{EVIDENCE_LEAD} TOWER was a randomised phase 3 trial")
    assert "median overall survival was 7.7 months" in lines[1]
    # (after the rules, the trial leads already: not twice)
    assert run([TrialOrEvidence()], plan, src).lines == []


def test_several_named_trials_each_get_theirs_in_the_order_named(make_plan) -> None:
    plan, src = make_plan("TOWER vs INO-VATE: compare them")
    lines = cited(run([TrialFirst()], plan, src))
    first_ino = next(i for i, t in enumerate(lines) if "INO-VATE" in t)
    assert all("TOWER" in t for t in lines[:first_ino]) and first_ino >= 2


def test_an_outcome_compared_across_treatments_gets_each_ones_result_and_no_ranking(make_plan) -> None:
    """ "Blinatumomab or inotuzumab: which gets more patients into remission?": each drug's own remission result
    (TOWER, INO-VATE), then the note that different trials do not rank them."""
    from assistant.compose.trials import CROSS_TRIAL_NOTE, OutcomePerTreatment

    plan, src = make_plan("Between blinatumomab and inotuzumab for relapsed B-ALL, which one gets more patients "
                          "into remission?")
    b = run([OutcomePerTreatment()], plan, src)
    lines = cited(b)
    assert any("TOWER" in t and "34%" in t for t in lines) and any("73.8%" in t for t in lines), lines
    assert ("note", CROSS_TRIAL_NOTE) in b.lines
    plan, src = make_plan("What are the main toxicities of inotuzumab and blinatumomab?")
    lines = cited(run([OutcomePerTreatment()], plan, src))
    assert any("VOD" in t and "inotuzumab" in t for t in lines) and any("cytokine release" in t for t in lines)
    plan, src = make_plan("Relapsed B-ALL: what did TOWER show?")  # (one treatment, a named trial: not this one)
    assert run([OutcomePerTreatment()], plan, src).lines == []


def test_how_big_or_how_much_for_one_drug_gets_that_drugs_number_first(make_plan) -> None:
    """ "how much does inotuzumab improve survival?": INO-VATE's survival; "plan: inotuzumab then allo-HSCT ... key
    toxicity, how big is the risk?": the VOD/SOS line with its 14.0% (a drug named in the plan, none asked)."""
    from assistant.compose.trials import OutcomePerTreatment

    plan, src = make_plan("For relapsed CD22+ B-ALL, how much does inotuzumab improve overall survival over "
                          "standard chemo?")
    lines = cited(run([OutcomePerTreatment()], plan, src))
    assert lines and "INO-VATE" in lines[0] and "survival" in lines[0], lines
    plan, src = make_plan("42-year-old woman with relapsed CD22+ B-ALL. Plan: inotuzumab ozogamicin then allo-HSCT "
                          "with busulfan + melphalan conditioning. What is the key toxicity to worry about and how "
                          "big is the risk?")
    lines = cited(run([OutcomePerTreatment()], plan, src))
    assert any("14.0%" in t for t in lines), lines
    plan, src = make_plan("My daughter is in first remission after chemo with imatinib. What next?")
    assert run([OutcomePerTreatment()], plan, src).lines == []  # ("remission" here is her phase, not a rate asked)


def test_asking_how_two_treatments_trials_compare_gets_each_ones_remission_and_survival(make_plan) -> None:
    """ "A vs B: how do the pivotal trials compare?" names no outcome: each treatment's remission and survival
    results (TOWER, INO-VATE), then the note that different trials do not rank them."""
    from assistant.compose.trials import CROSS_TRIAL_NOTE, OutcomePerTreatment

    plan, src = make_plan("Inotuzumab versus blinatumomab in relapsed B-ALL: how do their key studies stack up?")
    # (and without "or / vs": "A, B - which has better results? any head-to-head trial?")
    plan2, src2 = make_plan("relapsed B-ALL: inotuzumab, blinatumomab - which one has the better trial results?")
    assert ("note", CROSS_TRIAL_NOTE) in run([OutcomePerTreatment()], plan2, src2).lines
    b = run([OutcomePerTreatment()], plan, src)
    lines = cited(b)
    assert any("INO-VATE" in t and "73.8%" in t for t in lines) and any("6.2 months" in t for t in lines), lines
    assert any("TOWER" in t and "34%" in t for t in lines) and any("4.0 months" in t for t in lines), lines
    assert ("note", CROSS_TRIAL_NOTE) in b.lines


def test_a_prognosis_question_gets_survival_reported_in_the_patients_population(make_plan) -> None:
    """ "Is Ph+ ALL incurable?": trial lines with a survival rate at so many years, from Ph-positive trials, as
    evidence; a frightened patient's own question gets the plain guideline point, not trial numbers."""
    from assistant.compose.trials import POPULATION_OUTCOMES_NOTE, PopulationOutcomes

    plan, src = make_plan("Someone told me Ph-positive ALL in adults has no cure. What is the outlook?")
    b = run([PopulationOutcomes()], plan, src)
    lines = cited(b)
    assert 1 <= len(lines) <= 2 and all(t.startswith(EVIDENCE_LEAD) and "-year" in t and "%" in t for t in lines)
    assert ("note", POPULATION_OUTCOMES_NOTE) in b.lines  # (groups of patients, not a prediction for one person)
    # (a Ph-positive patient gets no Ph-negative trial's survival, even where its result line does not name the branch)
    plan, src = make_plan("I have Philadelphia-positive ALL. Can the pills alone cure it?")
    assert not any("E1910" in t or "CALGB 10403" in t for t in cited(run([PopulationOutcomes()], plan, src)))
    assert not any("Ph-negative" in t for t in lines), lines
    plan, src = make_plan("I'm terrified, my MRD is positive. Will I die?", plain=True)
    assert run([PopulationOutcomes()], plan, src).lines == []
    # (a relapsed patient gets no front-line trial's survival: E1910, GRAAPH-2005, ALL202-U name no relapse; nor
    # another drug's trial, rja43 t21)
    for q in ("My ALL came back. Is it curable now? They suggest blinatumomab, I'm worried about side effects.",
              "Relapsed Ph-negative B-ALL at 45: what is the outlook now?"):
        plan, src = make_plan(q)
        shown = " ".join(cited(run([PopulationOutcomes()], plan, src)))
        assert not any(t in shown for t in ("E1910", "GRAAPH", "ALL202-U", "CALGB")), shown


def test_a_terse_request_for_a_named_trials_summary_opens_with_that_trial(make_plan) -> None:
    """ "ALL202-O summary pls -- design, DFS": terse words may retrieve other documents first, but the trial named
    answers first with its own design and results."""
    plan, src = make_plan("Ph+ALL213 recap pls -- design, CR, MRD, EFS/OS")
    lines = cited(run([TrialFirst()], plan, src))
    assert lines and all("Ph+ALL213" in t for t in lines), lines
    assert lines[0].startswith(f"{EVIDENCE_LEAD} JALSG Ph+ALL213 was") and any("80.5%" in t for t in lines)


def test_a_patients_case_gets_no_trial_result_as_padding(make_plan) -> None:
    # (reviews: "Ph+ALL202's median age" for a 70-year-old asking whether she is too old; "In JALSG Ph+ALL213 ..."
    # for a pharmacist's post-transplant question): a case not asking for evidence gets its rules, no trial numbers
    plan, src = make_plan("60M Ph+ ALL, imatinib + chemo induction, in CR but BCR::ABL1 MRD 0.5% at end of "
                          "induction. T2DM. What does the guideline say this MRD means for management?")
    assert not plan.wants_trials and run([TrialOrEvidence()], plan, src).lines == []
    # ... a question about the evidence, or about the guideline rather than a patient, still gets them
    for q in ("60M Ph+ ALL in CR1: what evidence supports allo-HSCT?", "Is allo-HSCT in CR1 recommended for Ph+ ALL?"):
        assert make_plan(q)[0].wants_trials, q


def test_a_question_about_harms_takes_the_trials_harm_lines_only(make_plan) -> None:
    """rja21 j14: "inotuzumab to re-induce, then allo-HSCT: what toxicity should a pharmacist watch?" got INO-VATE's
    remission and survival results; its VOD/SOS lines answer (the remission in the case asks for nothing)."""
    from compose_helpers import cited, run

    from assistant.compose.ranked import Ranked

    plan, src = make_plan("inotuzumab remission, scheduled for then allo-HSCT the patient. what toxicity?")
    lines = cited(run([Ranked()], plan, src))
    assert lines and all("VOD" in t for t in lines), lines
