"""The question plan: canonical text and focus (what is asked plus its clinical facts)."""

from __future__ import annotations

import pytest

from assistant.plan import read_question

FOCUS_CASES = [
    # background dropped: comorbidities, labs, jobs, relatives, the unit's habits, a side effect in passing
    ("relapsed CD19+ B-ALL 35M, options? bg: gout on allopurinol, works in construction, his mother is 61.",
     "relapsed CD19+ B-ALL 35M, options?"),
    ("Ph+ ALL 58M s/p allo-HSCT, BCR-ABL1 MRD now detectable. He has grade 1 sensory neuropathy and works as an "
     "accountant. What next?", "Ph+ ALL 58M s/p allo-HSCT, BCR-ABL1 MRD now detectable. what next?"),
    ("Ph-negative ALL, which regimen? Our unit usually uses hyper-CVAD.", "Ph-negative ALL, which regimen?"),
    # kept: trials, the guideline, donors, what is asked
    ("ALL202-O showed 78% vs 52% disease-free survival, right?",
     "ALL202-O showed 78% vs 52% disease-free survival, right?"),
    ("In the JSH 2023 algorithm, what is the first decision for adult ALL?",
     "In the JSH 2023 algorithm, what is the first decision for adult ALL?"),
    ("Ph+ ALL in CR1, has matched sibling donor. Transplant?", "Ph+ ALL in CR1, has matched sibling donor. Transplant?"),
    # (a bracketed note ending in a number is no list item's mark: "(case 2)" is background, as a list's "(2)" is not)
    ("Ph+ ALL in CR1, has matched sibling donor. Transplant? (case 2)",
     "Ph+ ALL in CR1, has matched sibling donor. Transplant?"),
    ("Blinatumomab vs inotuzumab ozogamicin: targets, key trial results and main toxicities?",
     "Blinatumomab vs inotuzumab ozogamicin: targets, key trial results and main toxicities?"),
    # a request asks as a question does ("I want to understand what that means", "please explain ...")
    ("MRD was 0.5% after induction. I'm her grandson, I'm 17, and I want to understand what that means.",
     "MRD was 0.5% after induction. and I want to understand what that means."),
    ("Ph+ ALL in CR1. Please explain why a transplant is recommended.",
     "Ph+ ALL in CR1. Please explain why a transplant is recommended."),
    # an asking word standing alone before its clause asks with it ("Why, when he's an adult?")
    ("They will give him the pediatric-type regimen. Why, when he is an adult?",
     "They will give him the pediatric-type regimen. Why, when he is an adult?"),
]


@pytest.mark.parametrize(("question", "focus"), FOCUS_CASES)
def test_focus(question: str, focus: str) -> None:
    assert read_question(question).focus == focus


def test_text_is_canonical_and_keeps_the_writers_case() -> None:
    p = read_question("Can my mom get the engineered T-cell therapy? Her leukimia came back.")
    assert p.text == "Can my mom get the CAR-T therapy? Her leukemia relapsed."
    assert p.concepts == ["relative", "car_t", "relapse"]


def test_someone_elses_concepts_are_not_the_questions() -> None:
    p = read_question("My friend's son had T-cell leukemia. My wife has relapsed B-ALL: options?")
    assert "t_lineage" not in p.concepts and "b_lineage" in p.concepts


def test_a_clause_asking_about_the_units_habit_keeps_that_habit_in_the_focus() -> None:
    """ "Our unit has always used hyper-CVAD for adult ALL - is that OK per the guideline?": the habit is what is
    asked about (a lab value before "what does that mean?" is not kept by this: it names no treatment)."""
    from assistant.plan import read_question

    q = read_question("34F Ph-negative B-ALL (CD19+). Our unit has always used hyper-CVAD for adult ALL - is that OK "
                      "per the guideline?")
    assert "hyper-CVAD" in q.focus
    q = read_question("34M Ph- B-ALL, MRD 0.05% after induction, ferritin 900 after transfusions — what does that mean?")
    assert "ferritin" not in q.focus


def test_a_question_pointing_back_that_names_only_the_guideline_keeps_the_sentence_before() -> None:
    """ "Our unit gives cranial irradiation to every adult. Is that what JSH 2023 recommends?": the guideline named
    is no subject of its own, so the unit's habit before it is what the question asks about."""
    p = read_question("52M Ph- B-ALL in CR1. Our unit gives 18 Gy cranial irradiation to all adults. Is that what the "
                      "JSH guideline recommends?")
    assert "cranial irradiation" in p.focus, p.focus


def test_a_second_question_joined_on_without_its_question_mark_stays_in_the_focus() -> None:
    # r24 g01: "... will he need a transplent?? and what are the pills the doctor kept mentioning"
    from assistant.plan import read_question
    plan = read_question("my husband is 52, philadelphia chromozome positive. will he need a transplent?? and what "
                         "are the pills the doctor kept mentioning")
    assert plan.focus.endswith("and what are the TKI the doctor kept mentioning"), plan.focus  # (Ph+: the TKI)


def test_a_tag_keeps_the_claim_it_asks_to_confirm() -> None:
    """rja57 q09: "When is MRD measured? And the threshold is 0.1% or more counts as positive, right?": the tag asks
    about the clause before it, which the focus keeps (so its false premise is answered "No")."""
    focus = read_question("When is MRD supposed to be measured? And the threshold is 0.1% or more counts as "
                          "positive, right?").focus
    assert "0.1%" in focus, focus


def test_the_harms_a_question_lists_stay_in_its_focus() -> None:
    """rja57 q13: "liver toxicity, VOD/SOS, side effects and risks tell me": the harms named before the asking clause
    are what is asked (the answer then leads with VOD/SOS and its rates, not the drug's indication)."""
    focus = read_question("relapsed CD22 positive B-ALL after inotuzumab, allo-HSCT planned. liver toxicity, VOD/SOS, "
                          "side effects and risks tell me.").focus
    assert "VOD/SOS" in focus and "liver toxicity" in focus, focus


def test_a_level_put_to_be_confirmed_stays_in_the_focus() -> None:
    """rja91 q19: "MRD, if 10^-3 (0.1%) or more, high risk, right?" lost its level as background, so no "No"."""
    assert "0.1%" in read_question("after induction MRD, if 10^-3 (0.1%) or more, high risk, right? transplant?").focus


def test_a_yes_no_sentence_without_its_question_mark_is_kept_in_the_focus() -> None:
    # r101 q28 (paraphrased): the second question's "?" left off, a complaint after it
    plan = read_question("Ph+ ALL, no transplant. How long is the TKI taken? Could I come off it after a year of good "
                         "results, the fatigue is awful")
    assert "come off it after a year" in plan.focus, plan.focus
