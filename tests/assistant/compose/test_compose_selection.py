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
    plan, _ = make_plan("Is ponatinib the recommended first-line TKI for Ph+ ALL?")
    assert plan.asked and "does not recommend ponatinib" in plan.status[0][0]
    assert plan.status[0][0] in plan.status[0][1].text
    assert plan.chosen == []  # only rules naming the subject would follow


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
