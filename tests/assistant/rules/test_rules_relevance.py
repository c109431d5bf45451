"""Relevance: an asked treatment the answer does not name is a warning (table-driven, both ways)."""

from __future__ import annotations

import pytest

from assistant.models import PatientFacts
from assistant.rules import Draft, check
from assistant.rules.relevance import RELEVANCE_RULE, asked_treatments, check_relevance

ASKED = [
    ("Is venetoclax an option for relapsed T-ALL?", ["venetoclax"]),
    ("He is on dasatinib. Should we switch to ponatinib?", ["ponatinib"]),
    ("Relapsed ALL 35yo after hyperCVAD, what salvage?", []),  # history
    ("CR1 after dasatinib + hyperCVAD, transplant?", ["allo_hsct"]),
    ("Can my mom get the engineered T-cell therapy?", ["car_t"]),  # lay words
    ("Is blinatumomob recommended?", ["blinatumomab"]),  # misspelt
    ("What does TOWER show for blinatumomab?", []),  # a trial's answer covers its arms
    ("Our unit usually uses hyper-CVAD. What induction?", []),  # background, not the asking sentence
    # a bare question naming only the disease asks about the treatment before it (rja90 q37, as read in English)
    ("Head radiation frightens me. ALL everyone?", ["cranial_irradiation"]),
]


@pytest.mark.parametrize(("question", "ids"), ASKED)
def test_asked_treatments(question: str, ids: list[str]) -> None:
    assert asked_treatments(question) == ids


CASES = [
    # (question, answer, fires)
    ("Is venetoclax an option for relapsed T-ALL?", "Nelarabine is an option for relapsed T-ALL.[1]", True),
    ("Is venetoclax an option for relapsed T-ALL?", "No line covers venetoclax in this corpus.[1]", False),
    ("Is asciminib recommended after ponatinib failure?", "Ponatinib is not the first-line TKI.[1]", True),
    ("Is asciminib recommended after ponatinib failure?", "A later-generation TKI can be considered.[1]", False),
    ("Should we use the adult hyper-CVAD in a 17-year-old?", "Pediatric-type chemotherapy is recommended.[1]", False),
    ("Is a bone marrow transplant needed in CR1?", "Allo-HSCT in CR1 is recommended.[1]", False),
    ("Is imatinib still used?", "TKIs are combined with chemotherapy.[1]", False),
    ("What is the first branch of the algorithm?", "Ph status is the first branch.[1]", False),  # nothing asked
    ("CR1, MRD 0.02%: go to allo or keep chemo?", "Consider allo-HSCT in CR1.[1]", False),  # the comparator
    ("Is chemo enough?", "Allo-HSCT is recommended.[1]", False),  # a generic class is never demanded
    ("Should she get the children's chemo?", "Pediatric-type chemotherapy is recommended.[1]", False),
    ("Which CQ and grade does JSH give blinatumomab?", "The corpus holds no CQ numbers or grades.[1]", False),
    ("Entecavir for HBV during ALL chemotherapy?", "No supportive-care statements were found.[1]", False),
    # (the high-dose form names the drug: "methotrexate in high dose" is answered by the HD-MTX line)
    ("The doctor mentioned methotrexate in high dose?", "A regimen with high-dose methotrexate (HD-MTX) is recommended.[1]", False),
]


@pytest.mark.parametrize(("question", "answer", "fires"), CASES)
def test_check_relevance(question: str, answer: str, fires: bool) -> None:
    issues = check_relevance(question, PatientFacts(), Draft(answer=answer), [])
    assert bool(issues) is fires
    assert all(i.finding.rule_id == RELEVANCE_RULE and i.finding.severity == "warn" for i in issues)


def test_an_answer_off_the_asked_treatment_is_not_pass() -> None:
    result = check("Is venetoclax an option?", PatientFacts(), Draft(answer="Nelarabine is an option."), [])
    assert RELEVANCE_RULE in {f.rule_id for f in result.findings}
    assert result.verdict != "pass"


# ---------------------------------------------------------------------- fit: an asked treatment for the wrong patient

FIT_CASES = [
    ("My uncle has T-cell ALL that came back. Is blinatumomab an option?", {"lineage": "T"}, "B-lineage"),
    ("Can he get the CAR-T?", {"age": 42, "lineage": "B"}, "the patient is 42"),
    ("Should we add imatinib?", {"ph_status": "negative"}, "Ph-positive"),
    ("Nelarabine for relapsed B-ALL?", {"lineage": "B"}, "T-lineage"),
    ("Can he get the CAR-T?", {"age": 22, "lineage": "B"}, None),
    ("Is dasatinib an option?", {"ph_status": "positive"}, None),
    ("Is blinatumomab an option?", {}, None),  # nothing said about the patient: nothing to contradict
]


@pytest.mark.parametrize(("question", "facts", "says"), FIT_CASES)
def test_misfits(question: str, facts: dict[str, object], says: str | None) -> None:
    from assistant.rules.fit import misfits

    found = misfits(question, PatientFacts(**facts))
    assert (says in found[0]) if says else found == []


def test_a_treatment_named_only_for_another_phase_does_not_answer_the_patients() -> None:
    """CR2, "does JSH recommend allo?": a CR1 line on allo-HSCT does not answer it (the warning names the phase); a
    line for CR2 or later remission does; a relapse line answers a CR2 question (the salvage that reached it)."""
    from assistant.models import PatientFacts
    from assistant.rules.base import Draft
    from assistant.rules.relevance import check_relevance

    q = "36M Ph- B-ALL in CR2 after blinatumomab. Does JSH recommend allo in CR2?"
    facts = PatientFacts(ph_status="negative", lineage="B", phase="cr2")
    cr1 = Draft(answer="For adults with Ph-negative ALL in CR1, the guideline uses MRD to decide on allo-HSCT.[1]")
    issues = check_relevance(q, facts, cr1, [])
    assert [i.finding.message for i in issues] == [
        "The answer does not address allogeneic hematopoietic stem cell transplantation in second remission (CR2), "
        "which the question asks about"]
    cr2 = Draft(answer="In the JSHCT guideline, allo-HSCT for Ph-negative ALL in CR2 or later remission is "
                       "categorised S.[1]")
    assert check_relevance(q, facts, cr2, []) == []
    q2 = "CR2 after salvage: keep giving blinatumomab?"
    rr = Draft(answer="For adults with relapsed or refractory CD19-positive B-ALL, blinatumomab is recommended.[1]")
    assert check_relevance(q2, facts, rr, []) == []


def test_a_treatment_denied_for_the_patients_phase_answers_it() -> None:
    """ "Is nelarabine first-line for T-ALL?" answered "listed for relapsed T-ALL, not for first-line", "CAR-T in
    CR1?" answered "after relapse ..., not in first remission": the denial answers the patient's phase."""
    from assistant.models import PatientFacts
    from assistant.rules.base import Draft
    from assistant.rules.relevance import check_relevance

    no = Draft(answer="No: the summary lists nelarabine for relapsed or refractory T-ALL and does not list it for "
                      "first-line therapy.[1]")
    assert check_relevance("Is nelarabine recommended first-line for T-ALL?",
                           PatientFacts(lineage="T", phase="newly_diagnosed"), no, []) == []
    cart = Draft(answer="The JSH 2023 summary places CAR T-cell therapy for B-ALL after failure to reach a second "
                        "remission or after relapse following allo-HSCT, not in first remission.[1]")
    assert check_relevance("Should CAR-T be used in first remission for high-risk B-ALL?",
                           PatientFacts(lineage="B", phase="cr1"), cart, []) == []


def test_another_phase_is_read_from_the_sentence_as_the_checkers_read_it() -> None:
    """A bullet, citation markers and a bold lead-in change nothing in the other-phase test (the sentence is read
    as parse_lines gives it, so the other checkers' readings are reused); with no phase of the patient's there is no
    other phase."""
    from assistant.rules.base import sentence_body
    from assistant.rules.relevance import for_other_phase

    cr2 = PatientFacts(ph_status="negative", lineage="B", phase="cr2")
    plain = "For adults with Ph-negative ALL in CR1, the guideline uses MRD to decide on allo-HSCT."
    marked = "- **Transplant:** For adults with Ph-negative ALL in CR1, the guideline uses MRD to decide on allo-HSCT .[1][2]"
    assert sentence_body(marked) == plain
    assert for_other_phase(plain, cr2) and for_other_phase(marked, cr2)
    assert not for_other_phase(marked, PatientFacts(ph_status="negative", lineage="B"))
    assert not for_other_phase(marked, cr2.model_copy(update={"phase": "cr1"}))


@pytest.mark.parametrize(("question", "asked"), [
    ("My daughter is 19 with ALL. Will her hair fall out? Will she be able to have children later?",
     ["concern_hair", "concern_fertility"]),
    # a worry stated, not asked, is asked about too (r46 o22)
    ("Are they going to radiate my head too? I'm worried about my memory.", ["concern_memory"]),
    ("blinatumomab: what side effects? must I stay in hospital?", ["concern_hospital_stay"]),
    ("My memory was fine before. What induction for Ph+ ALL at 70?", []),  # (background, not asked or feared)
])
def test_a_life_concern_asked_is_a_condition_the_answer_must_address(question: str, asked: list[str]) -> None:
    from assistant.rules.relevance import asked_conditions

    assert asked_conditions(question) == asked
    if asked:  # an answer that does not name it says so
        issues = check_relevance(question, PatientFacts(), Draft(answer="- Cranial irradiation is an option.[1]"), [])
        assert len([i for i in issues if "which the question asks about" in i.finding.message]) >= len(asked)


@pytest.mark.parametrize(("q", "concern"), [
    ("What does CAR-T cost, and will national health insurance cover it?", "concern_costs"),
    ("How much does tisagenlecleucel cost in Japan?", "concern_costs"),
    ("My son relapsed after the transplant. What are his chances?", "concern_prognosis"),
])
def test_a_price_or_ones_own_outlook_is_a_concern_no_source_covers(q: str, concern: str) -> None:
    """r88 q32, q27: a price asked with the treatment named, and "what are my chances?", are asked of no source."""
    from assistant.rules.relevance import asked_concerns

    assert concern in asked_concerns(q)
    assert asked_concerns("Is blinatumomab worth the toxicity it costs?") == []


def test_an_answer_naming_no_treatment_whose_sources_all_name_the_asked_one_answers_it(by_section) -> None:
    """heldout, heldout2 (own paraphrase): "Nelarabine's main harm?" - "Neurotoxicity, central and peripheral [1]"
    is about nelarabine without naming it; an answer about another treatment still is not."""
    from rule_helpers import cite

    chunk = next(c for c in by_section["context/toxicity-notes"] if "Nelarabine causes neurotoxicity" in c.text)
    q = "What harm should we expect most from nelarabine?"
    unnamed = Draft(answer="Neurotoxicity, affecting both the central and the peripheral nervous system.[1]",
                    citations=[cite(chunk, 1)])
    assert check_relevance(q, PatientFacts(), unnamed, [chunk]) == []
    other = Draft(answer="Blinatumomab causes cytokine release syndrome.[1]", citations=[cite(chunk, 1)])
    assert [i.finding.rule_id for i in check_relevance(q, PatientFacts(), other, [chunk])] == [RELEVANCE_RULE]


# ------------------------------------------------------------ a part of a several-part question no line touches

PART_CASES = [
    # (question, answer, the parts left open)
    ("What CNS prophylaxis should an adult in CR get? And which presenting WBC is adverse in T-ALL?",
     "For CNS prophylaxis, intrathecal chemotherapy and systemic HD-MTX or HD-AraC are recommended.[1]",
     ["And which presenting WBC is adverse in T-ALL"]),
    ("Blinatumomab or inotuzumab at relapse? And which one carries more VOD risk?",
     "Both are options for relapsed B-ALL: blinatumomab if CD19-positive, inotuzumab if CD22-positive.[1]",
     ["And which one carries more VOD risk"]),
    ("Blinatumomab or inotuzumab at relapse? And which one carries more VOD risk?",
     "Both are options at relapse.[1] In INO-VATE, VOD/SOS occurred in 14% with inotuzumab.[2]", []),
    # (a part asking a treatment: the warning on that treatment says it, RELEVANCE-050, not a second note)
    ("What CNS prophylaxis should an adult in CR get? And does a T-ALL with WBC 150k need cranial irradiation?",
     "For CNS prophylaxis, intrathecal chemotherapy and systemic HD-MTX or HD-AraC are recommended.[1]", []),
    # (one shared word is enough: what is flagged was left out, not answered in other words)
    ("What MRD level after induction is high risk? And at which time points is it measured?",
     "MRD of 0.01% or more after induction means high relapse risk.[1]", []),
    # (a part naming no subject of its own, or asking why or how, is answered in other words)
    ("What did JALSG ALL202-O show, and how does it relate to the JSH recommendation?",
     "High-dose methotrexate gave better DFS than the intermediate dose.[1]", []),
    ("Which edition is the JSH 2023 guideline, and who led it?", "It is the 3rd edition.[1]", []),
    ("What induction for Ph+ ALL at 50?", "TKI plus chemotherapy is recommended.[1]", []),  # one part
]


@pytest.mark.parametrize(("question", "answer", "parts"), PART_CASES)
def test_a_part_no_line_touches_gets_a_note(question: str, answer: str, parts: list[str]) -> None:
    from assistant.rules.relevance import PART_MESSAGE, PART_RULE

    issues = [i for i in check_relevance(question, PatientFacts(), Draft(answer=answer), [])
              if i.finding.rule_id == PART_RULE]
    assert [i.finding.message for i in issues] == [PART_MESSAGE.format(what=p) for p in parts]
    assert all(i.finding.severity == "info" and i.action == "none" for i in issues)


def test_an_open_part_is_a_note_not_a_verdict() -> None:
    """The note tells the reader what went unanswered; the checked statements themselves still pass."""
    from assistant.rules.relevance import PART_RULE

    draft = Draft(answer="For CNS prophylaxis, intrathecal chemotherapy and systemic HD-MTX are recommended.[1]")
    result = check("What CNS prophylaxis in CR? And which presenting WBC is adverse in T-ALL?",
                   PatientFacts(), draft, [])
    alone = check("What CNS prophylaxis in CR?", PatientFacts(), draft, [])
    assert PART_RULE in {f.rule_id for f in result.findings}
    assert PART_RULE not in {f.rule_id for f in alone.findings}
    assert result.verdict == alone.verdict and result.draft == alone.draft


def test_a_part_asking_a_treatment_gets_the_treatments_warning_only() -> None:
    """"..., and what is the role of rituximab?": RELEVANCE-050 names rituximab; no second note for the part."""
    from assistant.rules.relevance import PART_RULE

    q = "What induction is recommended for Ph+ ALL at 50, and what is the role of rituximab?"
    answer = Draft(answer="Induction with a TKI plus chemotherapy is recommended.[1]")
    issues = check_relevance(q, PatientFacts(), answer, [])
    assert [i.finding.rule_id for i in issues] == [RELEVANCE_RULE]
    assert PART_RULE not in {i.finding.rule_id for i in issues}
