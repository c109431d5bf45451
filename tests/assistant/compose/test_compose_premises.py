"""A value the question states for a quantity the guideline fixes is checked against the rules' own values."""

import pytest

from assistant.compose.premises import value_premises
from assistant.facts import read_facts
from assistant.models import PatientFacts
from assistant.rules.logic import default_rulebook


def _ids(text: str, facts: PatientFacts | None = None) -> list[str]:
    return [r.id for r in value_premises(text, facts or PatientFacts(), default_rulebook())]


def test_a_wrong_mrd_threshold_is_a_false_premise_in_any_phrasing():
    assert _ids("Is the MRD threshold after induction 0.1% according to JSH?") == ["MRD-THRESHOLD-015"]
    # a follow-up: the earlier question (MRD) says what "the threshold" is
    assert "MRD-THRESHOLD-015" in _ids("What does JSH say about MRD after induction? So the threshold is 0.1%, right?")


def test_the_guidelines_own_value_and_the_patients_own_value_are_no_false_premise():
    assert _ids("Is the MRD threshold after induction 0.01%?") == []
    assert _ids("MRD after induction is 0.1%, what next?", PatientFacts(mrd_level_pct=0.1)) == []


def test_a_population_the_question_names_is_no_claim_about_another_populations_limit():
    # "Ph+ ... adults under 65" is the asker's population, not a wrong Ph-negative AYA age range (gold d04)
    from assistant.facts import read_facts
    q = "Ph+ ALL induction per JSH 2023 for adults under 65?"
    assert value_premises(q, read_facts(q), default_rulebook()) == []


def test_a_lab_value_is_no_stated_limit() -> None:
    """ "HbA1c 7.8%" in a vignette with MRD named is a lab result, not an MRD threshold the question claims."""
    from assistant.compose.premises import value_premises
    from assistant.facts import read_facts
    from assistant.rules.logic import default_rulebook

    q = "55M Ph+ B-ALL, diabetes (HbA1c 8.1%), CR1 with MRD negative. Can we skip the transplant?"
    assert value_premises(q, read_facts(q), default_rulebook()) == []
    q = "The MRD cut-off after induction is 0.1%, right?"
    assert value_premises(q, read_facts(q), default_rulebook())


@pytest.mark.parametrize(("question", "conflicts"), [
    # rja24 w06 (UNSAFE "いいえ"): the patient's result stated, then asked about — no threshold is claimed
    ("寛解導入後のフローMRDが0.03%でした。これって高リスク扱いになりますか？閾値はいくつ？", False),
    ("MRD after induction by flow was 0.03%. Does that count as high risk?", False),
    ("after induction MRD 0.03%. high-risk? threshold?", False),
    # r32 x36: a negative result at the test's sensitivity ("MRD neg (<10^-5 NGS)") claims no limit either
    ("60M Ph- B-ALL CR1, MRD neg (<10^-5 NGS) after induction + HD-MTX consolidation. Colleague wants to add "
     "blinatumomab cycles citing E1910. Does JSH 2023 recommend that?", False),
    # a limit claimed, or the guideline's value claimed: still checked
    ("The MRD cut-off for high risk is 0.1%, right?", True),
])
def test_a_stated_result_is_no_claimed_threshold(question: str, conflicts: bool) -> None:
    from assistant import ja
    from assistant.compose.premises import value_premises
    from assistant.facts import read_facts
    from assistant.rules.logic import default_rulebook

    text = ja.to_english(question)
    assert bool(value_premises(text, read_facts(text), default_rulebook())) is conflicts


def test_each_listed_item_keeps_its_own_value() -> None:
    # "(1) AYA (2) aged 40-64 (3) 65 or older": the 40-64 of item 2 is no AYA age range stated (rja78 q20)
    q = "Ph-negative ALL, summarize the recommendations by age group: (1) AYA (2) aged 40-64 (3) aged 65 or older"
    assert value_premises(q, read_facts(q), default_rulebook()) == []
    claimed = "Ph-negative ALL: (1) AYA is 15 to 25, right? (2) HD-MTX from 40?"
    assert [r.id for r in value_premises(claimed, read_facts(claimed), default_rulebook())] == ["PHNEG-AYA-009"]


@pytest.mark.parametrize(("text", "ids"), [
    # a value asked to be placed against the limit, within it: no false premise (r110 q15, own paraphrase)
    ("Does the JSH guideline regard an MRD of 0.03% after induction as a high relapse risk?", []),
    ("Would 0.05% MRD after induction count as high risk in the JSH guideline?", []),
    # ... outside it: the rule's value answers "no" first
    ("Does the JSH guideline regard an MRD of 0.004% after induction as a high relapse risk?", ["MRD-THRESHOLD-015"]),
    # a value named as the limit itself stays a premise
    ("Is the JSH cut-off for high-risk MRD after induction 0.05%?", ["MRD-THRESHOLD-015"]),
])
def test_a_value_placed_against_the_limit_is_no_false_premise_when_it_falls_within(text: str, ids: list) -> None:
    assert _ids(text) == ids
