"""A question's premise or proposal judged by the claim frames (rules/frames.py `premise_form`, `judge_question`;
rules/logic.py `premise_conflicts`)."""

import pytest

from assistant.facts import read_facts
from assistant.rules import premise_conflicts
from assistant.rules.frames import judge_question, premise_form
from assistant.rules.logic import default_rulebook


@pytest.mark.parametrize("question, tagged, confirms, compares, proposal", [
    ("Inotuzumab is anti-CD19, right?", True, False, False, None),
    ("Auto-HSCT is standard in CR1, isn't it?", True, False, False, None),
    ("R/R B-ALL CD19+ -> blina? CD22+ -> ino?", False, False, False, None),  # "ino?" is no "no?" tag
    ("Is that correct?", True, False, False, None),
    ("Confirm that JSH recommends ponatinib frontline.", False, True, False, None),
    ("Blinatumomab vs inotuzumab for CD19+ CD22+ relapse?", False, False, True, None),
    ("MRD 0.01% or more after induction: transplant?", False, False, False, None),
    ("T315I after dasatinib, can we switch to nilotinib?", False, False, False, "option"),
    ("Should every Ph+ patient get a TKI after HSCT?", False, False, False, "recommended"),
    ("JSH 2023 dropped allo-HSCT in CR1 for Ph+ ALL, didn't it?", True, False, False, None),
    ("The guideline no longer lists nelarabine for T-ALL, hasn't it?", True, False, False, None),
])
def test_premise_form(question, tagged, confirms, compares, proposal):
    f = premise_form(question)
    assert (f.tagged, f.confirms, f.compares, f.proposal) == (tagged, confirms, compares, proposal)


@pytest.mark.parametrize("question, kind, rule_id", [
    ("JSH 2023 recommends ponatinib as frontline for all Ph+ ALL — which dose?", "contradict", "PHPOS-PONATINIB-064"),
    ("ponatinib is the first-line TKI per JSH for newly dx Ph+ ALL, right?", "contradict", "PHPOS-PONATINIB-064"),
    ("Is CAR-T recommended as first-line therapy for newly diagnosed adult B-ALL?", "contradict", "RR-CART-028"),
    ("T315I positive after imatinib and dasatinib — can we switch to nilotinib next?", "contradict", "RR-T315I-036"),
    ("Autologous transplant is recommended in CR1 for Ph-negative high-risk ALL, isn't it?", "unsupported", None),
    ("Relapsed CD19-positive B-ALL: can we give blinatumomab?", "agree", "RR-BLIN-020"),
    # a statement, then an open question about it: the statement is the premise ("what's the grade?" asks nothing)
    ("After E1910, JSH 2023 lists blinatumomab as standard consolidation for MRD-negative Ph- B-ALL - what's the "
     "recommendation grade?", "unsupported", None),
    ("JSH 2023 lists blinatumomab consolidation for MRD-negative Ph- B-ALL; which grade did it get?", "unsupported",
     None),
])
def test_question_claims_judged_by_frames(question, kind, rule_id):
    judged = judge_question(premise_form(question).text, default_rulebook(), read_facts(question))
    kinds = [v.kind for _, _, v in judged]
    assert kind in kinds, judged
    if rule_id:
        assert any(v.rule_id == rule_id for _, _, v in judged if v.kind == kind)


@pytest.mark.parametrize("question, rule_id", [
    ("JSH 2023 recommends ponatinib as frontline for all Ph+ ALL — which dose?", "PHPOS-PONATINIB-064"),
    ("Is CAR-T recommended as first-line therapy for newly diagnosed adult B-ALL?", "RR-CART-028"),
    ("Is CAR-T the recommended frontline treatment for newly diagnosed B-ALL?", "RR-CART-028"),
    ("T315I positive after imatinib and dasatinib — can we switch to nilotinib next?", "RR-T315I-036"),
    ("pt w/ T315I, ok to go back to dasatinib?", "RR-T315I-036"),
    ("Inotuzumab is anti-CD19, right?", "RR-TARGETNEG-022"),
    # "could X work for him?" proposes X for him, wherever the sentence starts (r28 g08)
    ("my son has relapsed T-ALL. could blinatumomab work for him?", "RR-TARGETNEG-022"),
    ("his T cell ALL came back. someone in the waiting room mentioned blinatumomab, could that work for him?",
     "RR-TARGETNEG-022"),
    # one option claimed as the only one, the other denied, to be confirmed (rja59 q09, as read in English)
    ("My grandmother is 81 with Ph-negative ALL. At her age it will be steroids only, no chemotherapy, right?",
     "PHNEG-OLDEROPT-014"),
])
def test_false_premise_leads_with_its_rule(question, rule_id):
    assert premise_conflicts(question, read_facts(question))[0].id == rule_id


@pytest.mark.parametrize("question", [
    "R/R B-ALL CD19+ -> blina? CD22+ -> ino?",  # the misfire: "ino?" was read as a "no?" tag
    "Relapsed CD22-positive B-ALL — can we give inotuzumab?",
    "Ph+ ALL, newly diagnosed: TKI plus chemotherapy is the standard, right?",
    "Blinatumomab vs inotuzumab for CD19+ CD22+ relapse?",
    "Relapsed CD19-positive B-ALL in an adult: could blinatumomab work for her?",
])
def test_right_premise_gets_no_no(question):
    assert premise_conflicts(question, read_facts(question)) == []


def test_unsupported_recommendation_answered_by_a_rule_for_that_population():
    q = "Autologous transplant is recommended in CR1 for Ph-negative high-risk ALL, isn't it?"
    rules = premise_conflicts(q, read_facts(q))
    assert rules and rules[0].id == "PHNEG-POSTREM-HR-012"  # (allo-HSCT in CR1 for unfavourable factors)


def test_a_trial_named_in_another_sentence_is_the_trial_presented_as_the_position():
    """ "Blinatumomab consolidation is recommended now, correct? Based on E1910." is a trial result presented as
    JSH's position (the corpus's own line on the trial answers it), not a claim that another rule for Ph-negative
    patients (HD-MTX at 40-64) denies."""
    q = "For MRD-negative Ph- B-ALL, JSH recommends adding blinatumomab in consolidation now, correct? Based on E1910."
    assert premise_conflicts(q, read_facts(q)) == []
    q = "Autologous transplant is recommended in CR1 for Ph-negative high-risk ALL, isn't it?"  # (no trial named)
    assert premise_conflicts(q, read_facts(q))


def test_a_rule_for_exactly_this_patient_outweighs_a_general_one():
    """MRD 0.3% in CR1 is an unfavourable factor: "does she need a transplant?" is no false premise."""
    q = ("My daughter (28) has Ph-negative ALL and is in remission after the first round of chemo, but the MRD test "
         "says 0.3%. Does she need a bone marrow transplant now?")
    assert premise_conflicts(q, read_facts(q)) == []


def test_a_drug_the_rules_call_ineffective_stays_wrong_beside_a_general_option():
    q = "T315I positive after imatinib and dasatinib — can we switch to nilotinib next?"
    assert premise_conflicts(q, read_facts(q))[0].id == "RR-T315I-036"
    q2 = "T315I positive after imatinib and dasatinib — can we switch to ponatinib next?"
    assert "RR-T315I-036" not in {r.id for r in premise_conflicts(q2, read_facts(q2))}


@pytest.mark.parametrize("question, rule_id", [
    ("Are steroids alone acceptable for an 80-year-old with Ph-negative ALL?", None),  # one of the options
    ("Is intrathecal methotrexate alone enough for CNS prophylaxis?", "CNS-PROPH-017"),  # paired with systemic
    ("Is allo-HSCT mandatory for a 68-year-old with Ph-positive ALL?", "PHPOS-OLDERPOST-005"),
    ("Which TKIs does the T315I mutation make ineffective?", None),  # asks openly
    ("Up to what age can tisagenlecleucel be given for ALL?", None),
])
def test_yes_no_and_open_questions(question, rule_id):
    found = [r.id for r in premise_conflicts(question, read_facts(question))]
    assert (found[0] if found else None) == rule_id


def test_a_rule_whose_exclusions_the_patient_meets_does_not_deny_the_claim():
    q = ("48yo Ph-negative on adult HD-MTX regimen, CR1, MRD neg, standard risk cytogenetics. is allo in CR1 "
         "recommended?")
    assert "PHNEG-POSTREM-011" not in {r.id for r in premise_conflicts(q, read_facts(q))}


@pytest.mark.parametrize("question", [
    "JSH2023 made ponatinib the first choice for newly diagnosed Ph+ ALL because of PhALLCON, didn't it?",
    "per JSH23 ponatinib is first line for Ph+ ALL now, right?",
])
def test_the_guideline_written_without_a_space_and_first_line_in_two_words_are_read(question):
    assert premise_conflicts(question, read_facts(question))[0].id == "PHPOS-PONATINIB-064"


def test_a_rule_the_patients_facts_rule_out_is_not_the_premise_of_their_question():
    """CR1 on dasatinib, never transplanted, MRD negative, wanting to stop: the post-transplant MRD-negative rule
    ("no prophylactic TKI") is not what the question claims; the ≥5-year maintenance rule is."""
    q = ("52M Ph+ ALL, CR1 on imatinib + chemo, MRD negative since month 3. She declined a cord blood transplant. "
         "On imatinib maintenance 18 months and wants to come off it. How long should the maintenance go?")
    ids = [r.id for r in premise_conflicts(q, read_facts(q))]
    assert "PHPOS-POSTHSCT-MRDNEG-006" not in ids, ids


def test_any_in_a_question_asks_whether_there_is_one_and_denies_no_member() -> None:
    """r33 y56: "does JSH recommend any specific therapy for Ph-like ALL, e.g. adding a TKI?" asks whether there is
    one: not the claim "every TKI is recommended", which the ponatinib-first-line rule would deny."""
    q = "Does JSH 2023 recommend any specific therapy for Ph-like ALL, e.g. adding a TKI for ABL-class fusions?"
    assert premise_conflicts(q, read_facts(q), default_rulebook()) == []
    q2 = "Any second-generation TKI overcomes T315I, right?"  # (a statement's "any" is still said of every member)
    assert premise_conflicts(q2, read_facts(q2), default_rulebook())


# --- session 43 -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("question", "rule_id"), [
    # a lead-in clause before the yes/no ("In light of PhALLCON, ...", r71 q18)
    ("In light of PhALLCON, does JSH 2023 now recommend ponatinib as the first TKI for Ph+ ALL?", "PHPOS-PONATINIB-064"),
    # a "why" takes its claim for granted
    ("Why does the JSH 2023 guideline recommend ponatinib up front in Ph-positive ALL?", "PHPOS-PONATINIB-064"),
    # no cure without the transplant: the transplant required of everyone, denied by the Ph-negative CR1 rule
    # (rja84 q40, paraphrased)
    ("Without a bone marrow transplant my leukemia can never be cured, right?", "PHNEG-POSTREM-011"),
])
def test_false_premises_of_session_43(question, rule_id):
    assert premise_conflicts(question, read_facts(question))[0].id == rule_id


@pytest.mark.parametrize("question", [
    "In light of PhALLCON, what does JSH 2023 say about the first TKI?",
    "Why does JSH 2023 recommend allo-HSCT in CR1 for eligible Ph-positive patients?",
    "Can Ph-negative ALL be cured without a transplant?",
])
def test_no_false_premise_of_session_43(question):
    assert premise_conflicts(question, read_facts(question)) == []


def test_a_treatment_called_impossible_for_a_group_it_is_an_option_for_is_answered_no():
    """rja85 q34 (own paraphrase): "at 72 a transplant is out of the question, so TKI and steroids alone will do,
    right?": RIC allo-HSCT stays an option where feasible."""
    q = "She is 72 with Ph-positive ALL. A transplant is out of the question at her age, so TKI and steroids alone will do, right?"
    assert "PHPOS-OLDERPOST-005" in [r.id for r in premise_conflicts(q, read_facts(q))]


def test_a_universal_word_inside_another_word_is_no_premise():
    """r73 q26: "teaches piano" held "each", so asking whether cranial RT is an option for a high-risk patient got
    "No, not for everyone"."""
    q = ("38-year-old man who teaches chemistry, T-ALL with WBC 150k and a mediastinal mass. Is cranial irradiation "
         "an option for him?")
    assert "CNS-CRANIAL-018" not in [r.id for r in premise_conflicts(q, read_facts(q))]
