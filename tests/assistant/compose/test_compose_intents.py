"""What a question asks, read once into `QuestionPlan.intents` (assistant/compose/intents.py)."""

from __future__ import annotations

import pytest

from assistant.compose.intents import read_intents
from assistant.plan import QuestionPlan, read_question


@pytest.mark.parametrize("question,field,expected", [
    ("Does JSH 2023 recommend blinatumomab consolidation for MRD-negative Ph- B-ALL?", "status", True),
    ("Why is allo-HSCT recommended in CR1 for Ph+ ALL?", "status", False),
    ("Why is allo-HSCT recommended in CR1 for Ph+ ALL?", "why", True),
    ("72F Ph+ ALL, what induction?", "status", False),
    ("What age range is meant by AYA?", "definition", True),
    ("Treat AYA how?", "definition", False),
    ("What evidence supports TKI plus chemotherapy in Ph+ ALL?", "evidence", True),
    ("How long should maintenance last per JSH?", "duration", True),
    ("How long should maintenance last per JSH?", "status", True),
    ("Blinatumomab or inotuzumab for R/R B-ALL: which does JSH prefer?", "either_or", True),
    ("Blinatumomab or inotuzumab for R/R B-ALL: which does JSH prefer?", "status", True),
    ("Blinatumomab for R/R B-ALL?", "either_or", False),
    ("JSH recommends ponatinib first-line, correct?", "confirm", True),
    ("Is ponatinib used first-line?", "confirm", False),
    ("What recommendation grade does JSH give allo-HSCT in CR1?", "grade", True),
    ("Where was the JSH 2023 guideline published?", "reference", True),
    ("What does the corpus say about Ph-like ALL?", "sources", True),
    ("65M Ph- B-ALL, what treatment now?", "treatment", True),
])
def test_intents_read_from_the_question(question: str, field: str, expected: bool) -> None:
    assert getattr(read_intents(question), field) is expected


def test_stated_grades_are_taken_out_of_the_rest_of_the_question() -> None:
    it = read_intents("JSH 2023 CQ5 gives ponatinib first-line a category 1 recommendation - can you quote it?")
    assert it.grades == ["CQ5", "category 1"]
    assert "CQ5" not in it.rest and "ponatinib first-line" in it.rest
    # a toxicity grade is no recommendation grade
    assert read_intents("58F Ph+ ALL with grade 1 neuropathy from vincristine, what induction?").grades == []


def test_trials_asking_clause_and_parts() -> None:
    it = read_intents("TOWER vs INO-VATE: what did they show?")
    assert set(it.trials) == {"tower", "ino_vate"} and it.trial_named and it.comparison
    assert read_intents("48yo Ph-neg in CR1, MRD neg. is allo in CR1 recommended?").asking == \
        "is allo in CR1 recommended?"
    assert read_intents("When is MRD assessed and what level is high risk? What is MRD used to decide?").parts == [
        "When is MRD assessed", "what level is high risk", "What is MRD used to decide"]


def test_the_plan_reads_intents_from_its_focus_and_again_when_refocused() -> None:
    plan = read_question("34M Ph- B-ALL, BMI 31, ferritin 900. Does JSH recommend blinatumomab for MRD?")
    assert plan.intents == read_intents(plan.focus) and plan.intents.status
    assert plan.refocus(plan.focus) is plan
    other = plan.refocus("What did the TOWER trial show?")
    assert other.focus == "What did the TOWER trial show?" and other.intents.trials == ["tower"]
    assert not other.intents.status and other.question == plan.question
    assert QuestionPlan.of_text("Is X recommended by JSH?").intents.status


def test_a_yes_no_question_on_what_a_trial_did_to_the_guideline_is_a_status_question() -> None:
    from assistant.compose.intents import is_status_question

    assert is_status_question("52F Ph- B-ALL, MRD neg. Has E1910 changed JSH so she should get blina consolidation?")
    assert is_status_question("Did PhALLCON change the JSH guideline for first-line TKI?")
    assert not is_status_question("What did E1910 show?")  # (an open question about the trial)
    # (the auxiliary and the verb in one sentence: "he is 35 ... last year. His doctor says ..." is none, r37 t34)
    assert not is_status_question("my brother is 35 and had a transplant last year. His doctor says there is MRD. "
                                  "What does that mean and what do the guidelines suggest?")


def test_a_treatment_put_to_the_guideline_tersely_is_a_status_question() -> None:
    """r46 o31 "blina per JSH? or straight to allo?" and "is X part of JSH 2023?" ask the guideline's position; the
    alternative after "or" is asked with the question before it."""
    from assistant.compose.intents import asking_clause, is_status_question

    assert is_status_question("55yo Ph- B-ALL CR1, MRD+ at 0.1%, no donor yet. blina per JSH? or straight to allo?")
    assert is_status_question("Is blinatumomab consolidation in CR1 part of JSH 2023?")
    assert not is_status_question("What does JSH say about blinatumomab?")
    assert asking_clause("55yo Ph- B-ALL CR1. blina per JSH? or straight to allo?") == "blina per JSH? or straight to allo?"


def test_a_status_line_on_the_asked_treatment_is_found_after_a_long_case(bot) -> None:
    """r46 o31: the case's words led retrieval to the post-remission sections; the summary's own line on
    blinatumomab in MRD-positive remission (BLAST, status unverified) answers "blina per JSH?", not E1910's."""
    a = bot.ask("55yo Ph- B-ALL CR1 after consolidation, MRD+ at 0.1%, no donor yet. blina per JSH? or straight to allo?")
    assert "as tested in BLAST, is trial evidence and its JSH 2023 status is unverified" in a.answer, a.answer
    assert "as tested in E1910" not in a.answer


@pytest.mark.parametrize("question", [
    "dad is 70, Ph-negative. what treatment is there for someone his age, is there a standard one?",
    "What induction does she get, and is there a standard regimen for her age?",
])
def test_a_yes_no_part_after_an_open_part_makes_a_status_question(question: str) -> None:
    intents = read_intents(question)
    assert len(intents.parts) == 2
    assert intents.status


def test_a_case_then_one_yes_no_question_stays_one_part() -> None:
    intents = read_intents("Ph+ ALL in CR1, is transplant recommended?")
    assert intents.parts == ["Ph+ ALL in CR1, is transplant recommended?"]


@pytest.mark.parametrize("question", [
    "Ph- B-ALL, CR1 MRD negative. E1910 blinatumomab consolidation JSH 2023 recommended?",
    "E1910 blinatumomab consolidation recommended by JSH 2023?",
])
def test_a_terse_yes_no_on_what_the_guideline_recommends_is_a_status_question(question: str) -> None:
    assert read_intents(question).status


def test_a_terse_open_question_on_the_guideline_is_not_a_yes_no() -> None:
    assert not read_intents("Ph+ induction: what is recommended by JSH 2023?").status


def test_a_second_question_led_by_its_setting_is_a_part() -> None:
    """r21 g53: "..., and from what age is a patient considered elderly?" is a second question."""
    from assistant.compose.intents import question_parts

    assert question_parts("How does JSH 2023 define AYA, and from what age is a patient considered elderly?") == [
        "How does JSH 2023 define AYA", "from what age is a patient considered elderly"]


def test_asking_for_proof_asks_for_the_evidence() -> None:
    # r26 k15: "is there any real proof the transplant helps?" asks for the trials behind the recommendation
    from assistant.compose.intents import asks_evidence
    assert asks_evidence("Is there any real proof the transplant helps compared with just staying on the pill?")
    assert asks_evidence("has it been proven to work?")


@pytest.mark.parametrize("question, harms", [
    ("Patient on inotuzumab, allo planned. what side effects?", True),
    ("Blinatumomab: which toxicities should I watch for?", True),
    ("I'm on dasatinib. The side effects are awful. Can I just stop it?", False),  # told, then something else asked
    ("side effects, can I stop the dasatinib on my own?", False),
    ("Ph+ ALL in CR1, what maintenance?", False),
    # one question of several asks it (rja39 s22: then "do I have to stay in hospital?")
    ("I'll get blinatumomab by drip. What side effects are common? Do I have to stay in hospital the whole time?",
     True),
    ("What toxicities does inotuzumab have? And is it recommended at first relapse?", True),
])
def test_asking_about_harms_is_read_from_the_asking_clause(question: str, harms: bool) -> None:
    assert read_intents(question).harms is harms


@pytest.mark.parametrize("question, asking", [
    ("Ph+ ALL in CR1. what side effects?", "what side effects?"),  # one word of subject: still what is asked
    ("38M Ph- B-ALL CR1, MRD 0.02%. what next?", "38M Ph- B-ALL CR1, MRD 0.02%. what next?"),  # points on only
])
def test_a_short_asking_clause_that_names_its_subject_is_the_asking_clause(question: str, asking: str) -> None:
    assert read_intents(question).asking == asking


def test_an_asking_clause_naming_only_a_source_asks_about_the_clause_before_it() -> None:
    """rja25 k30 ("…について、JSH2023のALLの章ではどう書かれていますか"): "what does the guideline say JSH2023 ALL?" names
    no subject of its own: the topic is in the clause before."""
    from assistant.compose.intents import asking_clause

    q = "adults ALL chemotherapy hepatitis B reactivation prophylaxis, what does the guideline say JSH2023 ALL?"
    assert asking_clause(q) == q
    assert asking_clause("Ph+ ALL in CR1, what does JSH say about imatinib?") == "what does JSH say about imatinib?"


@pytest.mark.parametrize(("q", "parts"), [
    ("Ph-positive ALL, three points: (1) basics of induction, (2) should we transplant in CR1, (3) TKI when MRD turns "
     "positive after transplant", ["basics of induction", "should we transplant in CR1",
                                   "TKI when MRD turns positive after transplant"]),
    ("1. What share of adult ALL is Ph-positive? 2. Does it rise with age?",
     ["What share of adult ALL is Ph-positive", "Does it rise with age"]),
])
def test_a_numbered_list_is_the_questions_parts_whatever_their_words(q: str, parts: list[str]) -> None:
    from assistant.compose.intents import question_parts

    assert question_parts(q) == parts


@pytest.mark.parametrize(("q", "asking"), [
    ("maintenance pills. can I stop?", "maintenance pills. can I stop?"),
    ("I'm 30 and in remission. can I take a break from the pills?", "can I take a break from the pills?"),
])
def test_a_change_asked_without_its_object_is_about_what_came_before(q: str, asking: str) -> None:
    from assistant.compose.intents import asking_clause

    assert asking_clause(q) == asking


def test_a_long_supposition_before_a_second_question_is_its_own_part() -> None:
    """r89 q34: a supposition of about ninety characters ("..., and if he's transplanted in CR1 and then BCR::ABL1
    MRD turns positive some months after the transplant, what should we do?") had run into the first part."""
    from assistant.compose.intents import question_parts

    q = ("Ph+ ALL at 55: which induction does JSH 2023 recommend, and if she goes to transplant in CR1 and then the "
         "BCR::ABL1 MRD turns positive several months after the transplant, what do we do?")
    parts = question_parts(q)
    assert len(parts) == 2 and parts[0].endswith("recommend"), parts


def test_a_request_after_a_question_is_a_part_of_its_own() -> None:
    from assistant.compose.intents import question_parts

    assert len(question_parts("HD-MTX recommended at 50? its evidence level, please tell me.")) == 2


def test_a_supposition_led_by_an_adverb_is_a_part_of_its_own() -> None:
    """r90 q35: ", and hypothetically if he's MRD-positive after allo-HSCT later on, what do we do?" ran into the
    first part."""
    from assistant.compose.intents import question_parts

    q = "Ph+ ALL at 45: what does MRD after induction mean, and hypothetically if it turns positive after allo, what then?"
    assert question_parts(q)[0].endswith("mean"), question_parts(q)
