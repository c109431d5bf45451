"""Tier discipline: recommendations cite guideline chunks; no invented CQ numbers, grades or doses."""

from __future__ import annotations

import pytest
from rule_helpers import draft_of

from assistant.models import PatientFacts
from assistant.rules import check, check_tiers
from assistant.rules.tiers import claims_recommendation

F = PatientFacts()


def ids(issues) -> list[str]:
    return [i.finding.rule_id for i in issues]


@pytest.fixture()
def guideline_chunk(by_section):
    return by_section["jsh2023-all/relapsed/b-all-antibodies"][0]


@pytest.fixture()
def evidence_chunk(by_section):
    return by_section["evidence/tower"][0]


@pytest.mark.parametrize("sentence,rule_id", [
    ("Blinatumomab is recommended for relapsed CD19-positive B-ALL (CQ 5).", "TIER-CQ-002"),
    ("Clinical question 3 covers blinatumomab.", "TIER-CQ-002"),
    ("Blinatumomab carries recommendation grade 2A.", "TIER-GRADE-003"),
    ("Blinatumomab is recommended (category 1).", "TIER-GRADE-003"),
    ("Blinatumomab is recommended (2A).", "TIER-GRADE-003"),
    ("Blinatumomab is given at 28 mcg/day.", "DOSE-001"),
    ("Dasatinib 140 mg daily is used.", "DOSE-001"),
    ("HD-MTX at 3 g/m2 is used.", "DOSE-001"),
])
def test_invented_or_dosing_content_is_blocked(guideline_chunk, sentence: str, rule_id: str) -> None:
    assert rule_id in ids(check_tiers("q", F, draft_of(sentence, guideline_chunk), [guideline_chunk]))


@pytest.mark.parametrize("sentence", [
    "No JSH 2023 recommendation grade or CQ number for allo-HSCT in Ph-positive ALL was found for this assistant.",
    "This assistant contains no recommendation grades for the JSH 2023 ALL clinical questions.",
])
def test_saying_there_is_no_grade_is_allowed(guideline_chunk, sentence: str) -> None:
    assert check_tiers("q", F, draft_of(sentence, guideline_chunk), [guideline_chunk]) == []


@pytest.mark.parametrize("sentence", [
    "No other option exists; allo-HSCT has recommendation grade 1.",
    "No CQ number is needed: this is CQ 4.",
])
def test_absence_wording_does_not_hide_a_grade_or_cq(guideline_chunk, sentence: str) -> None:
    assert ids(check_tiers("q", F, draft_of(sentence, guideline_chunk), [guideline_chunk])) in (
        ["TIER-GRADE-003"], ["TIER-CQ-002"])


@pytest.mark.parametrize("sentence", [
    "Grade 3 or higher adverse events were similar between arms.",
    "Blinatumomab binds CD3 and CD19.",
    "The risk of relapse is high when MRD is 0.01% or more.",
])
def test_ordinary_sentences_are_not_flagged(guideline_chunk, sentence: str) -> None:
    assert check_tiers("q", F, draft_of(sentence, guideline_chunk), [guideline_chunk]) == []


def test_recommendation_citing_evidence_is_blocked(evidence_chunk) -> None:
    s = "Blinatumomab is recommended for relapsed B-ALL."
    issues = check_tiers("q", F, draft_of(s, evidence_chunk), [evidence_chunk])
    assert ids(issues) == ["TIER-REC-001"]
    assert check("q", F, draft_of(s, evidence_chunk), [evidence_chunk]).verdict == "refused"


def test_recommendation_citing_guideline_is_fine(guideline_chunk) -> None:
    s = "For adults with relapsed or refractory CD19-positive B-ALL, blinatumomab is recommended."
    assert check_tiers("q", F, draft_of(s, guideline_chunk), [guideline_chunk]) == []


def test_trial_result_framed_as_evidence_is_fine(evidence_chunk) -> None:
    s = "In the TOWER trial, median overall survival was longer with blinatumomab."
    assert check_tiers("q", F, draft_of(s, evidence_chunk), [evidence_chunk]) == []


def test_trial_presented_as_guideline_position_is_blocked(evidence_chunk) -> None:
    s = "JSH states blinatumomab doubles survival."
    assert ids(check_tiers("q", F, draft_of(s, evidence_chunk), [evidence_chunk])) == ["TIER-EVID-004"]


@pytest.mark.parametrize("sentence,claims", [
    ("The 2018 edition attached recommendation categories 1, 2A, 2B and 3 to each clinical question.", False),
    ("S means standard of care and GNR means generally not recommended.", False),
    ("The JSH 2023 guideline recommends pediatric-type chemotherapy.", True),
    # (evidence said to be something other than a recommendation: heldout24 c076's class, own paraphrase)
    ("This study is evidence rather than a JSH 2023 recommendation.", False),
    ("These are trial data instead of a recommendation.", False),
])
def test_naming_the_grading_system_is_no_recommendation_claim(sentence: str, claims: bool) -> None:
    assert claims_recommendation(sentence) is claims



# ------------------------------------------------- a trial result presented as the JSH position stays removed

@pytest.mark.parametrize("section,sentence,rule_id", [
    ("evidence/e1910", "It matches the JSH 2023 recommendation of blinatumomab consolidation for MRD-negative "
     "Ph-negative B-ALL.", "TIER-REC-001"),
    ("evidence/phallcon", "JSH 2023 recommends ponatinib as the first-line TKI for Ph-positive ALL.", "TIER-REC-001"),
    ("evidence/tower", "JSH supports blinatumomab because it doubles survival.", "TIER-EVID-004"),
    ("evidence/jalsg-all202-u", "In line with the guideline, pediatric-type chemotherapy is recommended for AYA.",
     "TIER-REC-001"),
])
def test_a_trial_result_as_the_jsh_position_is_removed(by_section, section: str, sentence: str, rule_id) -> None:
    chunk = by_section[section][0]
    assert ids(check_tiers("q", F, draft_of(sentence, chunk), [chunk])) == [rule_id]


@pytest.mark.parametrize("sentence", [
    # where the recommendations come from and how long their source is: no recommendation of anything (heldout18
    # c053, c084; own paraphrases)
    "The 2023 recommendations used here are taken from a secondary summary, not from the full chapter.",
    "Keep in mind that the 2023 recommendations in this tool come from the ALL Hub summary.",
])
def test_saying_where_the_recommendations_come_from_recommends_nothing(by_section, sentence: str) -> None:
    chunk = by_section["evidence/phallcon"][0]
    assert "TIER-REC-001" not in ids(check_tiers("q", F, draft_of(sentence, chunk), [chunk]))


@pytest.mark.parametrize("sentence", [
    # a trial's value related to JSH's, JSH the object (heldout18 c023, c064; own paraphrases)
    "INO-VATE's MRD-negative cut-off of below 0.01% matches the JSH threshold.",
    "It supports the guideline's pathway of a TKI with chemotherapy in Ph-positive ALL.",
])
def test_a_result_related_to_the_jsh_position_is_evidence_framing(by_section, sentence: str) -> None:
    chunk = by_section["evidence/phallcon"][0]
    assert "TIER-EVID-004" not in ids(check_tiers("q", F, draft_of(sentence, chunk), [chunk]))


def test_a_context_source_restating_a_position_a_rule_holds_may_carry_it(by_section) -> None:
    """A context note that says what JSH recommends (the pediatric-type regimen for AYA, beside the pediatric
    guideline) may be cited for that position; a recommendation no rule holds, cited to it, is still removed."""
    chunk = next(c for c in by_section["context/pediatric-jspho"] if "gives for AYA patients" in c.text)
    right = "The JSH recommendation of pediatric-type chemotherapy for AYA patients is not the pediatric guideline."
    assert "TIER-REC-001" not in ids(check_tiers("q", F, draft_of(right, chunk), [chunk]))
    wrong = "JSH 2023 recommends ponatinib as the first-line TKI for Ph-positive ALL."
    assert "TIER-REC-001" in ids(check_tiers("q", F, draft_of(wrong, chunk), [chunk]))


def test_a_trial_said_to_match_a_recommendation_a_rule_makes_may_cite_the_trial(by_section) -> None:
    """heldout, heldout6, heldout13 (own paraphrase): "It matches the JSH 2023 recommendation of ..." cited
    to the trial's page relates the trial to a recommendation a rule makes; one no rule makes is still removed."""
    chunk = by_section["evidence/jalsg-all202-u"][0]
    right = "Its result supports the JSH 2023 recommendation of pediatric-type chemotherapy for AYA patients."
    assert check_tiers("q", F, draft_of(right, chunk), [chunk]) == []
    wrong = "Its result supports the JSH 2023 recommendation of pediatric-type chemotherapy for adults aged 40 to 64."
    assert ids(check_tiers("q", F, draft_of(wrong, chunk), [chunk])) == ["TIER-REC-001"]


@pytest.mark.parametrize(("question", "sentence", "kept"), [
    # a trial's arms reported as its design, to a question about the trial (heldout20 c029, r109 x01; own paraphrase)
    ("Which methotrexate doses were compared in JALSG ALL202-O?",
     "In JALSG ALL202-O, consolidation methotrexate was randomised between 3 g/m2 and 0.5 g/m2.", True),
    # ... not put forward as what to give
    ("Which methotrexate doses were compared in JALSG ALL202-O?",
     "JALSG ALL202-O supports 3 g/m2 methotrexate, which is recommended for consolidation.", False),
    # ... not a dose its source does not give
    ("Which methotrexate doses were compared in JALSG ALL202-O?",
     "In JALSG ALL202-O, methotrexate was randomised between 5 g/m2 and 0.5 g/m2.", False),
    # ... nor put as the dose to start with (heldout23 w014, own paraphrase)
    ("Which methotrexate doses were compared in JALSG ALL202-O?",
     "If HD-MTX is chosen, 3 g/m2 as compared in JALSG ALL202-O is the appropriate starting dose.", False),
    # ... not to a patient's question
    ("58F Ph-negative ALL in CR1: which methotrexate dose from JALSG ALL202-O?",
     "In JALSG ALL202-O, consolidation methotrexate was randomised between 3 g/m2 and 0.5 g/m2.", False),
])
def test_a_trials_arm_doses_stand_as_its_design_only(by_section, question: str, sentence: str, kept: bool) -> None:
    from assistant.facts import read_facts

    chunk = next(c for c in by_section["evidence/jalsg-all202-o"] if "3 g/m2" in c.text)
    issues = check_tiers(question, read_facts(question), draft_of(sentence, chunk), [chunk])
    assert ("DOSE-001" not in ids(issues)) is kept
