"""Composers for guideline lines beyond the rules: a patient's plain answer (assistant/compose/patient.py)."""

from __future__ import annotations

from compose_helpers import cited, run

from assistant.compose.patient import GuidelineLines, PlainPatient
from assistant.compose.sentences import EVIDENCE_LEAD

Q = "I have Ph+ ALL and my dasatinib makes me tired. Can I stop taking it?"


def test_a_patient_asking_about_their_own_treatment_gets_guideline_points_without_trial_numbers(make_plan) -> None:
    plan, src = make_plan(Q, plain=True)
    lines = cited(run([PlainPatient()], plan, src))
    assert 1 <= len(lines) <= 2 and not any(EVIDENCE_LEAD in t or "%" in t for t in lines), lines


def test_not_a_patient_question_no_plain_lines(make_plan) -> None:
    plan, src = make_plan(Q)
    assert run([PlainPatient()], plan, src).lines == []


def test_guideline_lines_never_repeat_a_rule_statement(make_plan) -> None:
    plan, src = make_plan("Ph+ ALL 50M in CR1 after TKI plus chemo, what next?")
    lines = [t.split("[")[0] for t in cited(run([GuidelineLines()], plan, src))]
    assert len(lines) <= 2 and not set(lines) & {r.statement for r in plan.chosen}
