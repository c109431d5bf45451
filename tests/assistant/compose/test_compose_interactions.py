"""A named drug's safety line that names another treatment named (assistant/compose/interactions.py), on a real
index: the VOD/SOS risk of inotuzumab when a transplant follows."""

from __future__ import annotations

import pytest
from compose_helpers import cited, run

from assistant.compose.interactions import Interactions, asks_cautions, named_treatments
from assistant.compose.pipeline import compose

_VOD = ("VOD/SOS", "HSCT")
_CRS = ("cytokine release syndrome",)


@pytest.mark.parametrize("question, expected", [
    ("inotuzumab then a transplant — anything to watch?", _VOD),
    ("Inotuzumab ozogamicin before allo-HSCT, VOD risk?", _VOD),
    ("my dad had inotuzimab and now they want to do a bone marrow transplant, is that dangerous?", _VOD),
    ("My sister is going to have a bone marrow transplant for ALL next month after inotuzumab. what should we know?",
     _VOD),
    # what to report to the team is a safety question, answered by the drug's harm lines first (rja57 q12)
    ("Nurse: relapsed B-ALL starting blinatumomab. Which symptoms should I report to the doctor?", _CRS),
    ("What warning signs on blinatumomab should we tell the doctor about?", _CRS),
])
def test_a_safety_question_leads_with_the_drugs_harm_line(make_plan, question: str, expected: tuple) -> None:
    """A drug before a transplant leads with its transplant safety line; signs to report, with the drug's harms."""
    plan, src = make_plan(question)
    assert asks_cautions(plan)
    first = compose(plan, src, max_sentences=8)[0].answer.splitlines()[0]
    assert all(w in first for w in expected), first


def test_a_drug_given_earlier_counts_as_named() -> None:
    """ "had inotuzumab": a drug already given is what makes the transplant riskier."""
    assert named_treatments("my dad had inotuzumab and now they want to do a bone marrow transplant") == [
        "inotuzumab", "allo_hsct"]


def test_the_safety_line_follows_the_rules_when_the_question_asks_something_else_first(make_plan) -> None:
    plan, src = make_plan("My dad is 72 and has relapsed B-ALL, CD22 positive. Is inotuzumab recommended, and is "
                          "there a liver risk before a transplant?")
    assert not asks_cautions(plan)
    lines = compose(plan, src, max_sentences=8)[0].answer.splitlines()
    assert "recommends inotuzumab" in lines[0]
    assert any("VOD/SOS" in line and "HSCT" in line for line in lines)


def test_a_transplant_to_watch_for_after_the_salvage_the_answer_gives(make_plan) -> None:
    """ "What salvage, and anything to watch regarding the transplant plan?" names no drug: the drugs the answer
    gives are the ones whose risk with the transplant is asked (r36 u12: inotuzumab's VOD/SOS line after HSCT)."""
    plan, src = make_plan(
        "48-year-old woman with Ph-negative B-ALL, first marrow relapse 14 months into CR1. Blasts CD19+ (95%) and "
        "CD22+ (70%). HBcAb positive, HBV DNA undetectable, on entecavir. She will likely go to allo-HSCT if she gets "
        "CR2. What salvage does JSH suggest, and is there anything to watch regarding the transplant plan?")
    lines = compose(plan, src, max_sentences=8)[0].answer.splitlines()
    assert "recommends blinatumomab" in lines[0] and "recommends inotuzumab" in lines[1], lines
    assert any("VOD/SOS" in line and "HSCT" in line for line in lines), lines


def test_unasked_the_transplant_caution_comes_only_with_inotuzumab_and_right_after_it(make_plan) -> None:
    """Unasked, a relapse with a transplant planned gets inotuzumab's VOD/SOS caution right after inotuzumab's line
    (RR-INOVOD-072, r49 a08: a hematologist would say it); the Interactions composer adds nothing more, and a relapse
    with no transplant in view gets no caution."""
    plan, src = make_plan("Relapsed CD19+ CD22+ B-ALL, transplant planned if she gets CR2. What salvage does JSH "
                          "suggest?")
    lines = [ln for ln in compose(plan, src, max_sentences=8)[0].answer.splitlines() if ln.startswith("- ")]
    at = next(i for i, ln in enumerate(lines) if "recommends inotuzumab" in ln)
    assert "VOD/SOS" in lines[at + 1] and sum("VOD/SOS" in ln for ln in lines) == 1, lines
    plan, src = make_plan("Relapsed CD19+ CD22+ B-ALL. What salvage does JSH suggest?")
    assert not any("VOD/SOS" in line for line in compose(plan, src, max_sentences=8)[0].answer.splitlines())


@pytest.mark.parametrize("question", [
    "Inotuzumab dose for relapsed CD22-positive B-ALL?",  # one treatment: nothing to interact with
    "Blinatumomab then transplant: any safety concerns?",  # no line names blinatumomab with a transplant
])
def test_no_safety_line_without_a_line_naming_both(make_plan, question: str) -> None:
    plan, src = make_plan(question)
    assert not any("VOD/SOS" in line for line in cited(run([Interactions()], plan, src)))


def test_a_drug_asked_about_by_itself_leads_with_its_safety_line_when_cautions_are_asked(make_plan) -> None:
    """ "Inotuzumab planned - anything to watch for?": its VOD/SOS line first, even with no transplant named."""
    plan, src = make_plan("50M relapsed CD22+ B-ALL, fatty liver and drinks alcohol. Inotuzumab planned - anything "
                          "to watch for?")
    first = compose(plan, src, max_sentences=8)[0].answer.splitlines()[0]
    assert "VOD/SOS" in first, first


def test_a_clinicians_emergency_on_a_drug_names_that_drugs_toxicity(make_plan) -> None:
    """ "Day 2 of blinatumomab: fever 39.2, BP 85/50, now confused": the clinician's words for fever, hypotension
    and new confusion are adverse events, so blinatumomab's CRS/neurotoxicity line is given (beside the emergency
    note), not its relapse recommendation."""
    from assistant.compose.interactions import asks_cautions

    for q in ("Day 2 of blinatumomab: fever 39.2, BP 85/50, now confused. What is this and do we continue?",
              "Pt febrile and hypotensive on day 3 of blinatumomab. What is going on?",
              "Became confused overnight with rigors on blina - continue?",
              # (the setting named, the signs in clauses of their own: "temp 39.5, BP 85/50, new confusion")
              "61F on day 3 of blinatumomab for relapsed Ph- B-ALL: temperature 39.8, BP 80/45, acute confusion and "
              "trouble finding words. Also on amlodipine. What is happening and what should we do?"):
        plan, src = make_plan(q)
        assert asks_cautions(plan), q
        draft, _ = compose(plan, src, max_sentences=6)
        assert "cytokine release" in draft.answer.split("\n")[0] or "cytokine release" in draft.answer.split("\n")[1], (
            q, draft.answer)


def test_two_drugs_weighed_with_a_transplant_planned_after_them_get_the_transplant_safety_line(make_plan) -> None:
    # rja18 n11: "blina or ino first? then allo": inotuzumab's VOD/SOS with a following HSCT is no weighing of the
    # two drugs, so it follows the rules
    from assistant.compose.interactions import asks_other_things
    plan, _ = make_plan("relapsed B-ALL, CD19 and CD22 positive. blinatumomab or inotuzumab first? we want to go to "
                        "allo afterwards")
    assert asks_other_things(plan)
    plan2, _ = make_plan("Ph- B-ALL in relapse, CD19+ CD22+, bridge to allo-HSCT. Blinatumomab or inotuzumab — what "
                         "should weigh the choice?")
    assert not asks_other_things(plan2)  # (what weighs the choice: each drug's toxicity alike)
