"""The extractive drafter's sentence choice: the patient-fit filter and the guideline's own yes/no sentence for
"does the guideline recommend X?" questions (real corpus chunks, no model)."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.draft import STATUS_QUESTION, fits_patient, status_sentences, unreported_numbers
from assistant.facts import read_facts
from assistant.models import Chunk, PatientFacts
from assistant.rules.logic import default_rulebook

CORPUS = Path(__file__).resolve().parents[2] / "corpus"


@pytest.fixture(scope="module")
def chunks() -> list[Chunk]:
    from ingest.chunking import chunk_documents
    from ingest.loaders import load_documents

    return chunk_documents(load_documents(corpus_dir=CORPUS))


@pytest.mark.parametrize("patient,sentence", [
    ("48 y/o Ph negative T-ALL", "For adults with Ph-positive ALL, the guideline uses a TKI-based pathway."),
    ("48 y/o Ph negative T-ALL", "Dasatinib with chemotherapy gave a high CR rate."),
    ("28F relapsed T-ALL", "Inotuzumab ozogamicin targets CD22 on B-lymphoblasts."),
    ("35M relapsed B-ALL", "Nelarabine gave responses in relapsed patients."),
    ("58M Ph- B-ALL CR1 MRD+ 0.02%", "In E1910, MRD-negative patients were randomised to blinatumomab."),
    ("58M Ph- B-ALL CR1", "For adults aged 65 or older, no standard therapy has been established."),
    ("58M Ph- B-ALL newly diagnosed", "For relapsed or refractory B-ALL, blinatumomab is an option."),
    ("55M Ph+ ALL relapse after imatinib, no T315I", "The T315I mutation was found in 12 of 17 relapses."),
    # r29 p03: the transplant-eligible are not a frail 71-year-old, nor a patient who refuses the transplant
    ("mum is 71, frail, and has Ph+ ALL", "For adults with Ph-positive ALL who reach CR1 and are eligible for "
     "transplantation, the JSH 2023 guideline recommends allo-HSCT in CR1."),
    ("Ph+ ALL 50F in CR1, refuses transplant", "For adults with Ph-positive ALL who reach CR1 and are eligible for "
     "transplantation, the JSH 2023 guideline recommends allo-HSCT in CR1."),
    # a lineage named after the treatment, not as an opening population (CAR-T's line for a B-ALL patient)
    ("25 year old with relapsed B-ALL", "CAR T-cell therapy with tisagenlecleucel targets CD19 and is not an option "
     "for T-ALL."),
    # a treatment whose target the blasts lack, offered without naming the target (rja52 e31)
    ("relapsed CD19-negative B-ALL, nelarabine?", "The JSH 2023 guideline does not list nelarabine for B-ALL, and "
     "relapsed B-ALL is treated with blinatumomab, inotuzumab ozogamicin or CAR T-cell therapy."),
])
def test_sentences_about_another_population_do_not_fit(patient: str, sentence: str) -> None:
    assert not fits_patient(sentence, read_facts(patient), patient)


@pytest.mark.parametrize("patient,sentence", [
    ("48 y/o Ph negative T-ALL", "For adults aged 40 to 64 with Ph-negative ALL, HD-MTX is recommended."),
    ("28F relapsed T-ALL", "Nelarabine is an option for relapsed or refractory T-ALL."),
    # The question names the drug (a false premise): the sentence that corrects it must stay available.
    ("Is nelarabine an option for relapsed B-ALL?", "Nelarabine is not listed for B-ALL in the guideline."),
    ("45 yo Ph- B-ALL", "E1910 enrolled adults aged 30-70 with Ph-negative B-ALL."),  # a range, not a band
    ("What MRD level means high risk?", "For adults with Ph-positive ALL, MRD is followed as BCR::ABL1."),
    # the line that names the target answers the CD19-negative patient (and the drug the question names)
    ("relapsed CD19-negative B-ALL", "Blinatumomab targets CD19 and inotuzumab ozogamicin targets CD22."),
    ("relapsed CD19-negative B-ALL: blinatumomab again?", "Blinatumomab is an option for relapsed B-ALL."),
])
def test_sentences_about_the_patient_or_a_named_drug_fit(patient: str, sentence: str) -> None:
    assert fits_patient(sentence, read_facts(patient), patient)


@pytest.mark.parametrize("question,expected", [
    ("Does JSH 2023 recommend blinatumomab consolidation for MRD-negative Ph- B-ALL based on E1910?",
     "E1910, is not listed"),
    ("Does the guideline endorse the chemo-free D-ALBA approach (dasatinib + blinatumomab) for newly diagnosed "
     "Ph+ ALL?", "does not present chemotherapy-free induction"),
    ("Does JSH recommend brexucabtagene autoleucel for adult R/R B-ALL?", "no confirmed Japanese approval"),
    ("Is ponatinib the recommended first-line TKI for Ph+ ALL?", "does not recommend ponatinib as the first-line"),
])
def test_status_questions_get_the_guidelines_own_yes_or_no(chunks, question: str, expected: str) -> None:
    found = status_sentences(question, chunks, read_facts(question), default_rulebook())
    assert found and expected in found[0][0], found
    sentence, chunk = found[0]
    assert sentence in chunk.text


@pytest.mark.parametrize("question,topic", [
    ("What recommendation grade does JSH 2023 give to allo-HSCT in CR1 for Ph+ ALL, and what is the CQ number?",
     "No JSH 2023 recommendation grade or CQ number for allo-HSCT"),
    ("Which CQ covers Ph+ ALL maintenance?", "No JSH 2023 recommendation grade or CQ number for TKI maintenance"),
    ("Give me the recommendation grade for CNS prophylaxis", None),
    ("Does the corpus contain CQ numbers?", None),
])
def test_grade_questions_lead_with_the_corpus_wide_line_then_the_topics(chunks, question: str,
                                                                        topic: str | None) -> None:
    """Whatever topic a grade or CQ question names, the corpus-wide "no CQ numbers or grades" line answers it
    first (paraphrases agree), then the topic's own line when there is one; a line that names no grade (the CNS
    recommendation "does not cover treatment") never answers a grade question."""
    found = status_sentences(question, chunks, read_facts(question), default_rulebook())
    assert found and found[0][0].startswith("This assistant contains no CQ numbers or recommendation grades"), found
    if topic is not None:
        assert len(found) >= 2 and topic in found[1][0], found
    assert all("grade" in s.lower() or "cq" in s.lower() for s, _ in found), found


@pytest.mark.parametrize("question", [
    "At what MRD level after induction is relapse risk considered high per JSH?",
    "72F Ph+ ALL what induction",
    "What did the TOWER trial show?",
])
def test_other_questions_are_not_status_questions(chunks, question: str) -> None:
    assert not STATUS_QUESTION.search(question)
    assert status_sentences(question, chunks, PatientFacts(), default_rulebook()) == []


def test_a_treatment_question_without_any_recommendation_is_flagged(chunks) -> None:
    from assistant.draft import draft_extractive
    from assistant.models import RetrievedChunk
    from assistant.rules.logic import RuleBook

    q = "45M Ph- B-ALL, what treatment now?"
    evidence = [c for c in chunks if c.tier == "evidence"][:3]
    retrieved = [RetrievedChunk(chunk=c, score=1.0, rank=i) for i, c in enumerate(evidence, 1)]
    _, findings = draft_extractive(q, read_facts(q), retrieved, pool=evidence, rulebook=RuleBook(rules=[]))
    assert "ANSWER-NOREC-042" in {f.rule_id for f in findings}
    # with the guideline rules and their sections available, the 40-64 Ph- recommendation answers it
    draft, findings = draft_extractive(q, read_facts(q), retrieved, pool=chunks, rulebook=default_rulebook())
    assert "ANSWER-NOREC-042" not in {f.rule_id for f in findings} and "high-dose methotrexate" in draft.answer


def _rare_in(chunks: list[Chunk]):
    """A term is rare when fewer than a tenth of the chunks contain it (as the retriever decides)."""
    from assistant.text import tokenize

    df: dict[str, int] = {}
    for c in chunks:
        for t in set(tokenize(c.text)):
            df[t] = df.get(t, 0) + 1
    return lambda t: 0 < df.get(t, 0) < 0.1 * len(chunks)


def test_the_specific_thing_asked_is_answered_when_the_rules_do_not_name_it(chunks) -> None:
    from assistant.draft import focus_sentences

    q = "Is autologous transplant an option for Ph-negative ALL in CR1?"
    covered = ["For adults with Ph-negative ALL in CR1 on a pediatric-type protocol, continuing chemotherapy is "
               "recommended."]
    found = focus_sentences(q, chunks, read_facts(q), default_rulebook(), covered, rare=_rare_in(chunks))
    assert found and "autologous HSCT for Ph-negative ALL" in found[0][0], found
    assert found[0][0] in found[0][1].text
    # already answered: nothing added; a common word ("matter") is no subject of its own
    assert focus_sentences(q, chunks, read_facts(q), default_rulebook(), [found[0][0]], rare=_rare_in(chunks)) == []
    q2 = "Does WBC count matter?"
    assert all("maintenance" not in s for s, _ in focus_sentences(q2, chunks, PatientFacts(), default_rulebook(), [],
                                                                 rare=_rare_in(chunks)))


def test_a_question_naming_a_heading_gets_that_list_in_order(chunks) -> None:
    from assistant.draft import heading_sentences

    q = "What are the adverse risk factors in adult ALL? Does WBC count matter?"
    found = [s for s, _ in heading_sentences(q, chunks, PatientFacts(), default_rulebook())]
    assert found[0].startswith("The following adult ALL risk factors come from the general literature")
    assert any("above 30×10^9/L" in s for s in found) and any("above 100×10^9/L" in s for s in found)
    assert found.index(next(s for s in found if "Older age" in s)) < found.index(
        next(s for s in found if "MRD positivity" in s))
    # a document title or a one-word heading ("Results") is no list to copy
    assert heading_sentences("ZUMA-3 brexucabtagene results in adults", chunks, PatientFacts(),
                             default_rulebook()) == []


def test_list_items_of_one_chunk_are_not_near_duplicates(chunks) -> None:
    from assistant.draft import draft_extractive
    from assistant.models import RetrievedChunk
    from assistant.rules.logic import RuleBook

    q = "What are the adverse risk factors in adult ALL? Does WBC count matter?"
    risk = [c for c in chunks if "above 100×10^9/L" in c.text]
    retrieved = [RetrievedChunk(chunk=c, score=1.0, rank=i) for i, c in enumerate(risk, 1)]
    draft, _ = draft_extractive(q, PatientFacts(), retrieved, pool=risk, rulebook=RuleBook(rules=[]))
    assert "above 30×10^9/L" in draft.answer and "above 100×10^9/L" in draft.answer


@pytest.mark.parametrize("question,expected", [
    ("Blinatumomab vs inotuzumab for R/R B-ALL: which does JSH prefer and why?", "does not rank blinatumomab"),
    ("HD-MTX vs HD-AraC as systemic CNS prophylaxis, does JSH prefer one over the other?", "leaves the choice"),
    ("Is blinatumomab recommended first-line for Ph- B-ALL?", "not for first-line induction"),
])
def test_preference_questions_get_the_no_preference_line_first(chunks, question: str, expected: str) -> None:
    found = status_sentences(question, chunks, read_facts(question), default_rulebook())
    assert found and expected in found[0][0], found
    assert found[0][1].tier == "guideline"


def test_a_status_line_about_another_setting_does_not_answer_a_relapse_question(chunks) -> None:
    q = "Blinatumomab vs inotuzumab for R/R B-ALL: which does JSH prefer and why?"
    assert all("BLAST" not in s for s, _ in status_sentences(q, chunks, read_facts(q), default_rulebook(), n=3))


def test_why_questions_are_not_yes_or_no_questions() -> None:
    from assistant.draft import is_status_question

    assert is_status_question("Is allo-HSCT recommended in CR1 for Ph+ ALL?")
    assert not is_status_question("why is allo-HSCT recommended in CR1 for Ph+ ALL?")


@pytest.mark.parametrize("question,text,wrong", [
    ("ALL202-O showed 78% vs 52% DFS, right?", "5-year DFS was 58% versus 32%.", ["78%", "52%"]),
    ("ALL202-O showed 58% vs 32% DFS, right?", "5-year DFS was 58% versus 32%.", []),
    ("TOWER OS 7.7 vs 4.0 months?", "median OS 7.7 months versus 4.0 months", []),
    ("TOWER OS 7.7 vs 4 mo?", "median OS 7.7 months versus 4.0 months", []),
    # a number the document has in another unit is not the stated result
    ("OS of 12 months vs 4 months?", "EFS 31% versus 12%; OS 7.7 versus 4.0 months", ["12 months"]),
    ("CR in 20 to 30%?", "found in roughly 20 to 30% of adults", []),
    # thresholds and years are not results
    ("MRD 0.01% at 3 years in GRAAPH-2005?", "", []),
])
def test_results_a_question_states_are_checked_against_the_trial(question: str, text: str, wrong: list[str]) -> None:
    assert unreported_numbers(question, text) == wrong


def test_the_items_of_a_list_of_factors_are_not_its_population() -> None:
    ph_neg = read_facts("22yo Ph neg B-ALL in CR1, MRD negative")
    assert fits_patient("Adverse genetic features in adult ALL include the Ph chromosome (BCR::ABL1), KMT2A "
                        "rearrangement such as t(4;11), hypodiploidy and a complex karyotype.", ph_neg)
    assert fits_patient("Commonly used unfavourable factors in Ph-negative ALL include MRD of 0.01% or more after "
                        "induction, KMT2A rearrangement and late remission.", ph_neg)
    # a population stated before the list still counts
    assert not fits_patient("Adverse features in Ph-positive ALL include T315I.", ph_neg)


def test_a_part_is_answered_only_by_a_line_in_the_questions_population(chunks) -> None:
    from assistant.draft import part_sentences

    mrd_line = "An MRD result below 0.01% after induction does not mean that ALL is cured."
    q = "For Ph+ ALL (a) what is the standard induction approach, (b) when is MRD assessed?"
    found = part_sentences(q, chunks, read_facts(q), default_rulebook(), [mrd_line])
    assert found and "Ph-positive" in found[0][0] and "induction" in found[0][0], found
    assert found[0][0] in found[0][1].text
    # the same parts with no population named: the line on induction answers the induction part; only the
    # MRD part gets a line
    q2 = "(a) what is the standard induction approach, (b) when is MRD assessed?"
    found2 = part_sentences(q2, chunks, read_facts(q2), default_rulebook(), [mrd_line])
    assert len(found2) == 1 and "MRD assessment" in found2[0][0], found2


def test_a_factor_asked_about_in_a_population_gets_that_populations_line_first(chunks) -> None:
    from assistant.draft import focus_sentences
    from assistant.text import tokenize

    q = "Does a high WBC matter prognostically in Ph+ ALL?"
    found = focus_sentences(q, chunks, read_facts(q), default_rulebook(), [], rare=_rare_in(chunks))
    assert found and {"ph_pos", "wbc"} <= set(tokenize(found[0][0])), found
    # not a general list that names a high white cell count among other things
    assert all("CNS risk" not in s for s, _ in found)


def test_a_line_after_allo_hsct_does_not_fit_a_patient_not_transplanted() -> None:
    """An MRD result measured after allo-HSCT (review 7 r50: post-transplant lines in a non-transplanted answer)."""
    facts = read_facts("Ph+ ALL, not transplanted in CR1, TKI for how long?")
    assert facts.transplant == "not_done"
    assert not fits_patient("Prophylactic TKI maintenance for MRD-negative patients after allo-HSCT for Ph-positive ALL "
                            "is not a JSH 2023 recommendation.", facts)


def test_a_status_line_of_a_rule_that_leaves_the_patient_out_is_not_quoted(bot) -> None:
    """r37 t39: "no MRD level at which allo-HSCT can be safely omitted" is the Ph-positive CR1 rule's statement; for
    a Ph-negative husband with negative MRD it implied transplant is the default."""
    a = bot.ask("Does the Japanese guideline say my 45 year old husband needs a stem cell transplant? he has ALL no "
                "Philadelphia, he is in remission and his MRD test came back negative after the first treatment.")
    assert "safely omitted" not in a.answer and "MRD results to guide" in a.answer, a.answer
