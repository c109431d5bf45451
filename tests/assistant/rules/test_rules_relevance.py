"""Relevance: an asked treatment the answer does not name is a warning (table-driven, both ways)."""

from __future__ import annotations

import pytest
from rule_helpers import cite, draft_of

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


# ---------------------------------------------------------------------- elliptic answers: the subject from the source

def _chunk_with(by_section, section: str, words: str):
    return next(c for c in by_section[section] if words in c.text)


ELLIPTIC = [
    # (question, sentence, section of its source, words the source chunk holds, fires)
    ("What is the main toxicity of nelarabine?",
     "Neurotoxicity, affecting both the central and the peripheral nervous system.",
     "jsh2023-all/relapsed/t-all-nelarabine", "neurotoxicity", False),
    ("Is a 25-year-old eligible for tisagenlecleucel?",
     "Label: yes, 25 or younger at infusion qualifies, with the other conditions met.",
     "jsh2023-all/relapsed/car-t", "infusion", False),
    # a line its source does not word: not read as speaking of the source's treatment
    ("What is the main toxicity of nelarabine?", "Hepatic veno-occlusive disease, rather than neurotoxicity.",
     "jsh2023-all/relapsed/t-all-nelarabine", "neurotoxicity", True),
    # the source is about two treatments: which one the line speaks of is not known
    ("Can blinatumomab replace inotuzumab for relapsed B-ALL?",
     "Each drug is used only when the blasts express its own target antigen.",
     "jsh2023-all/relapsed/b-all-antibodies", "target antigen", True),
    # the line names another treatment: no ellipsis
    ("What is the main toxicity of nelarabine?", "Neurotoxicity is rare with blinatumomab.",
     "jsh2023-all/relapsed/t-all-nelarabine", "neurotoxicity", True),
]


@pytest.mark.parametrize(("question", "sentence", "section", "words", "fires"), ELLIPTIC)
def test_an_elliptic_answer_speaks_of_its_sources_treatment(by_section, question: str, sentence: str, section: str,
                                                            words: str, fires: bool) -> None:
    chunk = _chunk_with(by_section, section, words)
    issues = check_relevance(question, PatientFacts(), draft_of(sentence, chunk), [chunk])
    assert bool(issues) is fires


def test_one_unsupported_elliptic_line_keeps_the_warning(by_section) -> None:
    chunk = _chunk_with(by_section, "jsh2023-all/relapsed/t-all-nelarabine", "neurotoxicity")
    good = "Neurotoxicity, affecting both the central and the peripheral nervous system."
    bad = "Hepatic veno-occlusive disease, rather than neurotoxicity."
    draft = Draft(answer=f"{bad}[1] {good}[1]", citations=[cite(chunk, 1)])
    assert check_relevance("What is the main toxicity of nelarabine?", PatientFacts(), draft, [chunk])


def test_a_stance_on_an_unnamed_treatment_keeps_the_warning(by_section) -> None:
    chunk = _chunk_with(by_section, "jsh2023-all/relapsed/t-all-nelarabine", "neurotoxicity")
    draft = draft_of("Yes, it is recommended for every adult with relapsed T-ALL.", chunk)
    assert check_relevance("Is nelarabine recommended for relapsed T-ALL?", PatientFacts(), draft, [chunk])
