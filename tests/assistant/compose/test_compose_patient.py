"""Composers for guideline lines beyond the rules: a patient's plain answer (assistant/compose/patient.py)."""

from __future__ import annotations

from compose_helpers import cited, run

from assistant.compose.patient import GuidelineLines, PlainPatient
from assistant.compose.sentences import EVIDENCE_LEAD

Q = "I have Ph+ ALL and my dasatinib makes me tired. Can I stop taking it?"


def test_a_patient_asking_about_their_own_treatment_gets_guideline_points_without_trial_numbers(make_plan) -> None:
    plan, src = make_plan("My MRD is positive after induction. Will I need a transplant?", plain=True)
    lines = cited(run([PlainPatient()], plan, src))
    assert 1 <= len(lines) <= 2 and not any(EVIDENCE_LEAD in t or "%" in t for t in lines), lines


def test_a_patients_line_beside_the_rules_is_on_what_they_asked(make_plan) -> None:
    """rja97 q24: one shared word ("treatment") let a line on another population follow the rules; "can I stop my
    dasatinib?" got "allo-HSCT is not mandatory at 65 or older". A line must name what was asked (or its class)."""
    plan, src = make_plan(Q, plain=True)
    lines = cited(run([PlainPatient()], plan, src))
    assert not any("allo-HSCT" in t for t in lines), lines


def test_not_a_patient_question_no_plain_lines(make_plan) -> None:
    plan, src = make_plan(Q)
    assert run([PlainPatient()], plan, src).lines == []


def test_guideline_lines_never_repeat_a_rule_statement(make_plan) -> None:
    plan, src = make_plan("Ph+ ALL 50M in CR1 after TKI plus chemo, what next?")
    lines = [t.split("[")[0] for t in cited(run([GuidelineLines()], plan, src))]
    assert len(lines) <= 2 and not set(lines) & {r.statement for r in plan.chosen}


def test_a_guideline_line_about_another_lineage_is_no_filler(make_plan) -> None:
    """"CAR-T ... is not an option for T-ALL" names its lineage at the end, not in an opening population: still no
    line for a B-ALL patient (it was the filler of every B-ALL CAR-T answer)."""
    plan, src = make_plan("Relapsed B-ALL, 23 years old, blasts now CD19-negative after blinatumomab. Is CAR-T still "
                          "possible?")
    lines = cited(run([GuidelineLines()], plan, src))
    assert lines and not any("T-ALL" in t for t in lines), lines
    plan, src = make_plan("Relapsed T-ALL at 23. Is CAR-T possible?")
    assert any("not an option for T-ALL" in t for t in cited(run([GuidelineLines()], plan, src)))


def test_a_guideline_line_about_another_phase_is_no_filler(make_plan) -> None:
    """r78 q01: a patient in first remission got "Relapsed or refractory (R/R) B-ALL means ..." as a filler line."""
    plan, src = make_plan("58M Ph+ B-ALL, in CR1 after TKI-based induction, BCR::ABL1 still detectable at 10^-3. "
                          "Consolidation and transplant timing?")
    lines = cited(run([GuidelineLines()], plan, src))
    assert not any("Relapsed or refractory" in t or "relapse" in t.lower() for t in lines), lines
