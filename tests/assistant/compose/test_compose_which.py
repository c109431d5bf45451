"""A question asking which member of a class to use (assistant/compose/which.py), on a real index: the summary's
"does not name which" line for the patient's setting after the rule on the class, or the not-addressed note."""

from __future__ import annotations

import pytest

from assistant.compose.pipeline import compose
from assistant.compose.which import _silent_on, asked_classes


@pytest.mark.parametrize(("question", "classes"), [
    ("Ph+ ALL in CR1, no transplant: which TKI for maintenance and how long?", ["tki"]),
    ("72F newly diagnosed Ph+ ALL: what specific TKI do we start with?", ["tki"]),
    ("what induction for a 68-year-old with Ph+ ALL? imatinib? dasatinib?", ["tki"]),  # (two members offered)
    ("imatinib or dasatinib for my mother?", ["tki"]),
    ("Which CAR-T product for relapsed B-ALL?", ["car_t"]),
    ("Is TKI maintenance needed after transplant?", []),
    ("He switched from imatinib to dasatinib last year and relapsed. What now?", []),  # (given, not offered)
    ("Which is better for relapsed B-ALL: blinatumomab or chemotherapy?", []),  # (not two of one class)
])
def test_a_class_is_asked_by_which_or_by_two_members_offered(question: str, classes: list[str]) -> None:
    assert asked_classes(question) == classes


@pytest.mark.parametrize(("line", "silent"), [
    ("The ALL Hub summary of the JSH 2023 guideline does not name the TKI for maintenance in Ph-positive ALL.", True),
    ("The summary does not name which TKI or which corticosteroid to use for patients aged 65 or older.", True),
    ("The guideline lists CAR T-cell therapy as an option; the summary names no product.", True),
    ("The summary does not state whether TKI maintenance is combined with maintenance chemotherapy.", False),
    ("The summary does not state how long maintenance chemotherapy should last.", False),
])
def test_a_line_is_silent_on_which_one_only_when_its_object_is_the_member(line: str, silent: bool) -> None:
    assert _silent_on(line, "car_t" if "CAR" in line else "tki") is silent


def lines_of(make_plan, question: str) -> list[str]:
    plan, src = make_plan(question)
    return compose(plan, src, max_sentences=8)[0].answer.splitlines()


def test_which_tki_for_maintenance_gets_the_rule_then_the_summary_names_none(make_plan) -> None:
    """r37 t44: "which TKI … and how long?" was answered by the 5-year line alone, "which" silently dropped."""
    lines = lines_of(make_plan, "Ph+ ALL in a non-transplanted patient in CR1: which TKI should be used for "
                                "maintenance and how long should it continue?")
    assert "at least 5 years" in lines[0]
    assert "does not name the TKI for maintenance" in lines[1], lines


def test_the_silent_line_is_the_one_for_the_patients_setting(make_plan) -> None:
    """A 68-year-old's induction: the line on patients aged 65 or older, not the first-line or maintenance one."""
    lines = lines_of(make_plan, "68M Ph+ B-ALL induction: which TKI? imatinib? dasatinib?")
    silent = [line for line in lines if "does not name" in line]
    assert len(silent) == 1 and "65 or older" in silent[0], lines


def test_a_product_named_by_the_rule_needs_no_note(make_plan) -> None:
    lines = lines_of(make_plan, "Relapsed B-ALL after transplant, 23 years old, CD19+: which CAR-T product, "
                                "tisagenlecleucel or brexucabtagene?")
    assert any("names no product" in line for line in lines)
    assert not any("do not address" in line for line in lines), lines


def test_no_note_when_the_answer_names_another_drug(make_plan) -> None:
    """ "Which chemo for relapsed T-ALL?": nelarabine answers it, though the lexicon does not file it as chemo."""
    lines = lines_of(make_plan, "Which chemo for relapsed T-ALL?")
    assert "nelarabine" in lines[0] and not any("do not address" in line for line in lines), lines

