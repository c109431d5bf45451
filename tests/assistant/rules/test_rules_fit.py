"""Does an asked treatment fit the patient, and what does the guideline give instead (assistant/rules/fit.py)."""

from __future__ import annotations

import pytest

from assistant.models import PatientFacts
from assistant.rules.fit import alternatives, misfits
from assistant.rules.logic import default_rulebook


@pytest.mark.parametrize("question, facts, expected", [
    # CAR-T at 41 after relapse (lineage, CD19, CD22 unknown): the antibodies by antigen, then a later TKI if Ph+
    ("my brother relapsed after his transplant, hes 41, can he get car-t?",
     PatientFacts(age=41, age_band="40-64", phase="relapsed", transplant="done"),
     ["RR-BLIN-020", "RR-INO-021", "RR-PHTKI-027"]),
    ("Can she have the engineered T-cell treatment? She is 52 and her leukemia came back.",
     PatientFacts(age=52, age_band="40-64", phase="relapsed"), ["RR-BLIN-020", "RR-INO-021", "RR-PHTKI-027"]),
    # T-ALL asking for blinatumomab: nelarabine, the rule the patient meets
    ("T-ALL relapse, is blinatumomab an option?", PatientFacts(lineage="T", phase="relapsed"), ["RR-NELA-TALL-026"]),
    # a CD19-positive relapse asking for CAR-T at 45: blinatumomab, then inotuzumab, which only the CD22 result
    # decides (r56 k08, r57 m08 missed it); not the Ph-positive branch (no antigen decides it)
    ("45yo relapsed CD19-positive B-ALL, can he get tisagenlecleucel?",
     PatientFacts(age=45, age_band="40-64", lineage="B", cd19=True, phase="relapsed"), ["RR-BLIN-020", "RR-INO-021"]),
])
def test_a_no_for_the_asked_treatment_brings_the_rules_of_the_patients_phase(question, facts, expected) -> None:
    assert misfits(question, facts)
    assert [r.id for r in alternatives(question, facts, default_rulebook())] == expected


@pytest.mark.parametrize("question, facts", [
    ("Can he get CAR-T?", PatientFacts(age=22, lineage="B", phase="relapsed")),  # it fits: no "No", no list
    ("Can he get CAR-T at 41?", PatientFacts(age=41)),  # no phase: nothing to offer in its place
])
def test_no_alternatives_without_a_misfit_or_a_phase(question, facts) -> None:
    assert alternatives(question, facts, default_rulebook()) == []


@pytest.mark.parametrize("question", [
    "Is brexu-cel (Tecartus) an option for my 52-year-old patient with relapsed B-ALL?",
    "Could obecabtagene autoleucel be used at 60 for refractory B-ALL?",
])
def test_the_age_limit_of_tisagenlecleucel_is_not_another_car_t_products(question) -> None:
    """The CAR-T age limit is tisagenlecleucel's (ALL Hub summary, Japanese label): another product (brexu-cel,
    obe-cel) is not told "No, too old" by it; it still needs B-lineage, and CAR-T itself keeps the limit."""
    older = PatientFacts(age=52, lineage="B", phase="relapsed")
    assert misfits(question, older) == []
    assert misfits(question, PatientFacts(age=52, lineage="T", phase="relapsed"))  # (CD19-directed: B-lineage)
    assert misfits("Can he get CAR-T?", older)  # (tisagenlecleucel, or CAR-T unnamed: the age limit stands)


@pytest.mark.parametrize("question, facts, reason", [
    ("Relapsed B-ALL, 23 years old, blasts now CD19-negative after blinatumomab. Is CAR-T still possible?",
     PatientFacts(age=23, lineage="B", cd19=False, phase="relapsed"), "CAR-T cell therapy targets CD19"),
    ("CD19-negative relapse: can we give blinatumomab again?",
     PatientFacts(lineage="B", cd19=False, phase="relapsed"), "blinatumomab targets CD19"),
    ("Blasts are CD22-negative. Would inotuzumab work?",
     PatientFacts(lineage="B", cd22=False, phase="relapsed"), "inotuzumab ozogamicin targets CD22"),
])
def test_a_treatment_whose_antigen_the_blasts_lack_does_not_fit(question, facts, reason) -> None:
    """The lexicon's `fits: antigen`: a CD19-directed treatment for CD19-negative blasts is told "No" first."""
    assert [why.split(",")[0] for why in misfits(question, facts)] == [reason]
    assert misfits(question, facts.model_copy(update={"cd19": True, "cd22": True})) == []  # (positive: it fits)


def test_an_age_no_names_the_product_whose_limit_it_is() -> None:
    """rja57 q18, rja60 q18: "No" to CAR-T at 45 read as all CAR-T ruled out; the limit is tisagenlecleucel's."""
    from assistant.rules.fit import misfit_reasons

    reasons = misfit_reasons("My husband is 45 and relapsed. Can he get CAR-T?",
                             PatientFacts(age=45, lineage="B", phase="relapsed"))
    assert reasons and all(r.startswith("Tisagenlecleucel, a CAR-T product approved in Japan,")
                           for r in reasons.values()), reasons


def test_a_treatment_asked_of_a_supposed_relapse_is_not_told_no_for_the_remission() -> None:
    """r84 q35: "in remission ... and if it comes back after a transplant, could CAR-T be used?" opened "CAR-T is
    not a treatment for a patient in first remission"; the supposed relapse is what CAR-T is asked of (the age is
    still checked)."""
    from assistant.rules.fit import misfit_reasons

    q = ("My sister is 38 with Ph-negative ALL, in remission on the pediatric plan. Is a transplant needed, and if the "
         "leukemia comes back after a transplant, could CAR-T be used?")
    reasons = misfit_reasons(q, PatientFacts(age=38, age_band="aya", ph_status="negative", phase="cr1"))
    assert reasons and not any("first remission" in r for r in reasons.values()), reasons
    assert any("38" in r for r in reasons.values()), reasons
