"""The ages a group or a treatment covers, when asked (assistant/compose/ages.py), on a real index: the AYA span
for "pediatric-type regimen up to what age?" in English and Japanese."""

from __future__ import annotations

import pytest

from assistant.compose.ages import age_subjects
from assistant.compose.pipeline import compose


@pytest.mark.parametrize(("question", "subjects"), [
    ("Ph- ALL in AYA: up to what age is the pediatric-type regimen used?", ["population_age", "pediatric_regimen"]),
    ("What is the age limit for CAR-T in B-ALL?", ["car_t"]),
    ("Ph- ALL in AYA: which pediatric-type regimen?", []),  # no age asked
])
def test_what_the_ages_are_asked_of(question: str, subjects: list[str]) -> None:
    assert [s for s in age_subjects(question) if s in subjects or not subjects] == subjects


def test_the_age_groups_own_span_answers_up_to_what_age(make_plan) -> None:
    plan, src = make_plan("Ph- ALL in AYA: up to what age is the pediatric-type regimen used? From 40, the adult "
                          "HD-MTX regimen?")
    lines = [line for line in compose(plan, src, max_sentences=8)[0].answer.splitlines() if line.startswith("- ")]
    rule = next(i for i, line in enumerate(lines) if "recommends pediatric-type chemotherapy" in line)
    span = next(i for i, line in enumerate(lines) if "15 to 39" in line)
    assert span == rule + 1, lines


def test_a_japanese_question_gets_the_span_too(bot) -> None:
    answer = bot.ask("Ph- ALLのAYA、小児型レジメンは何歳まで？40歳以上はHD-MTX含む成人型レジメン？")
    assert "up to what age" in (answer.question_en or "") and "15〜39歳" in answer.answer, answer.answer
