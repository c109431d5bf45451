"""A treatment named for a patient whose condition its harms weigh on (assistant/compose/conditions.py), on a real
index: HD-MTX's kidney lines for weak kidneys, ponatinib's arterial lines after a heart attack."""

from __future__ import annotations

import pytest

from assistant.compose.builder import Builder
from assistant.compose.conditions import Conditions, weighed_treatments
from assistant.compose.pipeline import compose


@pytest.mark.parametrize(("question", "expected"), [
    ("My father has kidney problems. Can he get high-dose methotrexate? I'm worried about his kidneys.",
     {"hd_mtx": {"kidney"}}),
    ("58M Ph+ ALL, he had a heart attack last year. Is ponatinib OK for him?", {"ponatinib": {"arterial", "cardiac"}}),
    ("28F on a pediatric-type regimen, diabetic and obese: anything to watch with asparaginase?",
     {"asparaginase": {"glucose", "liver"}}),
    # a condition no harm of the treatment is about, a treatment with no condition, a condition denied
    ("He has kidney problems. Is blinatumomab an option at relapse?", {}),
    ("Can he get high-dose methotrexate?", {}),
    ("No kidney disease. Can he get high-dose methotrexate?", {}),
])
def test_the_treatments_the_patients_conditions_weigh(question: str, expected: dict) -> None:
    assert weighed_treatments(question) == {t: frozenset(h) for t, h in expected.items()}


@pytest.mark.parametrize(("question", "rule_words", "safety_words"), [
    ("My father has kidney problems. Can he get high-dose methotrexate? I'm worried about his kidneys.",
     "recommends a treatment regimen that includes high-dose methotrexate", ["acute kidney injury",
                                                                             "kidney function is checked"]),
    ("58M Ph+ ALL, he had a heart attack last year. Is ponatinib OK for him?", "tyrosine kinase inhibitor",
     ["Arterial occlusive events with ponatinib"]),
    ("Can my dad still get HD-MTX if his kidneys are weak?", "high-dose methotrexate", ["acute kidney injury"]),
])
def test_the_treatments_safety_lines_on_those_harms_follow_its_rule(make_plan, question: str, rule_words: str,
                                                                    safety_words: list[str]) -> None:
    plan, src = make_plan(question)
    lines = compose(plan, src, max_sentences=8)[0].answer.splitlines()
    first = next(i for i, line in enumerate(lines) if rule_words in line)
    for words in safety_words:
        at = next((i for i, line in enumerate(lines) if words in line), None)
        assert at is not None and at > first, (words, lines)
        assert lines[at].startswith("- **Context (not a JSH 2023 recommendation):**"), lines[at]


def test_no_safety_lines_without_a_condition(make_plan) -> None:
    plan, src = make_plan("58M Ph+ ALL. Is ponatinib OK for him?")
    lines = compose(plan, src, max_sentences=8)[0].answer.splitlines()
    assert not any("Arterial occlusive events with ponatinib include" in line for line in lines), lines
    builder = Builder(8)
    Conditions().run(plan, src, builder)
    assert builder.lines == []


def test_a_japanese_question_gets_them_too(bot) -> None:
    answer = bot.ask("父は腎臓が悪いのですが、大量メトトレキサートは使えますか？腎臓への影響が心配です。")
    assert answer.lang == "ja" and "急性腎障害" in answer.answer and "腎機能を確認" in answer.answer, answer.answer


def test_why_a_regimen_is_answered_beside_its_harms(make_plan) -> None:
    """ "Why the children's regimen, when he is an adult? Its side effects scare us": the why is asked too, so the
    guideline's rule on it leads (not only lines naming harms)."""
    plan, src = make_plan("My son is 19 and has ALL. The doctors said he will get a pediatric-type regimen. Why, when "
                          "he is an adult? We are scared of the side effects.")
    assert not plan.harms_only
    lines = compose(plan, src, max_sentences=8)[0].answer.splitlines()
    assert any("recommends pediatric-type chemotherapy" in line for line in lines), lines
