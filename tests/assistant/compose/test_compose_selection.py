"""The `DraftPlan` decided once before any line is written (assistant/compose/selection.py), on a real index."""

from __future__ import annotations


def test_a_patient_with_all_facts_gets_the_rules_for_their_branch(make_plan) -> None:
    plan, _ = make_plan("72F Ph+ ALL, what induction?")
    assert [r.id for r in plan.chosen][:1] == ["PHPOS-OLDER-004"]
    assert not plan.missing and not plan.findings and not plan.asked


def test_a_missing_ph_status_shows_each_branch_and_names_it(make_plan) -> None:
    plan, _ = make_plan("50 year old with newly diagnosed ALL, what induction?")
    ids = [r.id for r in plan.chosen]
    assert "PHPOS-INDUCTION-002" in ids and "PHNEG-MIDAGE-010" in ids
    assert plan.missing == ["ph_status"] and plan.missing_ph
    assert [f.rule_id for f in plan.findings] == ["FACTS-MISSING-031"]


def test_a_yes_no_question_no_rule_answers_is_led_by_the_guidelines_own_line(make_plan) -> None:
    plan, _ = make_plan("Is the first-line TKI that JSH 2023 recommends for Ph+ ALL named in the summary?")
    assert plan.asked and "does not name which TKI" in plan.status[0][0]
    assert plan.status[0][0] in plan.status[0][1].text
    # a yes/no question whose claim a rule denies ("is ponatinib the recommended first-line TKI?") is a premise:
    # that rule (the summary's own line) leads
    plan2, _ = make_plan("Is ponatinib the recommended first-line TKI for Ph+ ALL?")
    assert plan2.chosen[0].id == "PHPOS-PONATINIB-064"


def test_a_yes_no_question_a_rule_answers_is_led_by_the_rule(make_plan) -> None:
    plan, _ = make_plan("Is allo-HSCT in CR1 recommended for Ph+ ALL?")
    assert not plan.asked and plan.chosen[0].id == "PHPOS-HSCTCR1-003"


def test_a_false_premise_puts_its_rule_first(make_plan) -> None:
    plan, _ = make_plan("Inotuzumab is an anti-CD19 antibody, right?")
    assert [r.id for r in plan.first] == ["RR-TARGETNEG-022", "RR-INO-021"]


def test_a_named_trial_without_a_patient_answers_first(make_plan) -> None:
    plan, _ = make_plan("What did the TOWER trial show?")
    assert plan.trial_first and plan.named == {"tower"} and plan.named_trial.title.startswith("TOWER")
    assert len(plan.chosen) <= 1
    plan2, _ = make_plan("TOWER vs INO-VATE: compare them")
    assert [c.title.split(":")[0] for c in plan2.trial_chunks[:2]] == ["TOWER", "INO-VATE"]
    assert plan2.other_trial(plan.named_trial) is False


def test_a_patient_plan_is_closed_after_its_guideline_points(make_plan) -> None:
    plan, _ = make_plan("I have Ph+ ALL and take dasatinib. It makes me tired, can I just stop it?", plain=True)
    assert plan.closed and not plan.rules_only and plan.status == []


def test_a_trial_named_alone_brings_the_recommendation_it_informs(make_plan) -> None:
    """ "TOWER trial result?" names no drug: the trial's document title (blinatumomab, relapsed or refractory
    B-ALL) finds the rule it informs, as "TOWER ... for blinatumomab in relapsed B-ALL" does."""
    plan, _ = make_plan("TOWER trial result?")
    assert plan.trial_first and [r.id for r in plan.chosen] == ["RR-BLIN-020"]
    frontline, _ = make_plan("E1910 results?")  # a consolidation trial informs no relapse rule
    assert "RR-BLIN-020" not in [r.id for r in frontline.chosen]


def test_a_trial_described_by_its_arms_and_setting_answers_like_a_named_one(make_plan) -> None:
    plan, _ = make_plan("blinatumomab vs chemo in R/R Ph- B-ALL: survival data?")
    assert plan.trial_first and plan.named_trial.title.startswith("TOWER")
    assert [r.id for r in plan.chosen] == ["RR-BLIN-020"] and not plan.missing and not plan.findings


def test_a_phase_is_no_trial(make_plan) -> None:
    """ "CR1" and "BCR::ABL1" look like trial keys (letters and a digit) but are a phase and a marker."""
    plan, _ = make_plan("Ph-negative ALL in CR1 after pediatric-type protocol, next step?")
    assert plan.named == frozenset() and not plan.intents.trials
    ids = [r.id for r in plan.chosen]  # ("next step" reads as "what next": the unfavourable-factor branch shows)
    assert ids[0] == "PHNEG-POSTREM-011" and "PHNEG-POSTREM-HR-012" in ids


def test_a_drug_question_is_not_padded_with_branches_about_other_drugs(make_plan) -> None:
    """Is inotuzumab recommended for a relapsed CD22+ patient? The Ph status and CD19 decide other drugs (a later
    TKI, blinatumomab), not this answer: neither shown nor asked for."""
    plan, _ = make_plan("My dad is 72 and has relapsed B-ALL, CD22 positive. Is inotuzumab recommended?")
    ids = [r.id for r in plan.chosen]
    assert ids[0] == "RR-INO-021" and "RR-PHTKI-027" not in ids and "RR-BLIN-020" not in ids
    assert not plan.missing and not plan.findings
    car_t, _ = make_plan("My daughter is 21. Her B-ALL came back and she did not reach a second remission. "
                         "The blasts are CD19 positive. Can she get CAR-T?")
    assert "ph_status" not in car_t.missing


def test_a_branch_on_an_unknown_transplant_shows_the_other_side(make_plan) -> None:
    """ "How long should the TKI be continued?": without allo-HSCT, at least 5 years; after it, MRD-guided."""
    plan, _ = make_plan("How long should the TKI be continued?")
    ids = [r.id for r in plan.chosen]
    assert ids[0] == "PHPOS-MAINT-008"
    assert {"PHPOS-POSTHSCT-MRDNEG-006", "PHPOS-POSTHSCT-MRDPOS-007"} <= set(ids)


def test_a_proposal_the_patients_rule_answers_is_not_led_by_what_the_guideline_leaves_unsaid(make_plan) -> None:
    plan, _ = make_plan("my husbend is 58 and has the philadelfia positive type of leukemia. the docters say once he "
                        "is in remision he should get a bone marow transplant from a donor. is that what the "
                        "guidlines say or are they rushing?")
    assert not plan.asked and plan.chosen[0].id == "PHPOS-HSCTCR1-003"


def test_a_named_treatment_asks_for_its_own_deciding_facts(make_plan) -> None:
    """ "Is CAR-T an option for relapsed B-ALL?": age and CD19 decide (the CAR-T rule's own conditions), not the Ph
    status of the other relapse drugs (blind review 7 r38)."""
    plan, _ = make_plan("Is CAR-T an option for relapsed B-ALL?")
    assert {"age", "cd19"} <= set(plan.missing) and "ph_status" not in plan.missing
    assert "RR-PHTKI-027" not in [r.id for r in plan.chosen]


def test_a_context_cited_rule_leads_only_for_the_patients_own_finding(make_plan) -> None:
    """A rule this corpus cites from a context document ("ponatinib is active against T315I") follows the guideline's
    own statements, unless it is about the patient's own finding (T315I detected): then it answers first."""
    plan, _ = make_plan("A 55-year-old man with Ph+ ALL relapsed on dasatinib; T315I is detected. What options does "
                        "JSH 2023 give?")
    assert plan.chosen[0].id == "RR-T315I-036"


def test_what_a_result_means_for_the_patient_is_no_definition_question(make_plan) -> None:
    plan, _ = make_plan("The MRD test was 0.05% after the first round. What does that number mean for him?")
    assert not plan.intents.definition


def test_an_implied_fact_rules_out_a_rule_for_the_unknown_value(make_plan) -> None:
    """T-lymphoblastic lymphoma is Ph-negative unless said (the implications table): 'Ph status must be known
    before induction' is no line for it (review 7 r20)."""
    plan, _ = make_plan("A 36-year-old man has T-lymphoblastic lymphoma with a mediastinal mass. How does the JSH 2023 "
                        "ALL/LBL guideline approach treatment of LBL?")
    assert "OVERVIEW-PHFIRST-001" not in [r.id for r in plan.chosen]


def test_whether_a_treatment_decided_at_one_phase_is_needed_shows_each_branch_at_that_phase(make_plan) -> None:
    """'Does he have to have the transplant?' with no facts: allo-HSCT is decided in first remission, so each Ph
    branch's CR1 rule is shown (the Ph-positive one recommends it: never only the Ph-negative 'continue chemo'), and
    the missing facts, the phase among them, are named (Japanese blind review 2, k16)."""
    for q in ("My dad's doctor recommended a bone marrow transplant. Does he really have to have it?",
              "Does my dad really need an allo-HSCT for his ALL?"):
        plan, _ = make_plan(q)
        ids = [r.id for r in plan.chosen]
        assert "PHPOS-HSCTCR1-003" in ids and "PHNEG-POSTREM-011" in ids, (q, ids)
        assert ids.index("PHPOS-HSCTCR1-003") < ids.index("PHNEG-POSTREM-011")
        assert "ph_status" in plan.missing and "phase" in plan.missing


def test_a_branch_that_leads_to_no_rule_is_refined_by_age(make_plan) -> None:
    """The Ph-positive branch of unknown age leads to no rule as a whole: the rule for under 65 and the one for 65 or
    older are both shown (branches.yaml refine)."""
    plan, _ = make_plan("Does my dad really need an allo-HSCT for his ALL?")
    ids = [r.id for r in plan.chosen]
    assert "PHPOS-HSCTCR1-003" in ids and "PHPOS-OLDERPOST-005" in ids, ids  # (RIC allo-HSCT when feasible)
