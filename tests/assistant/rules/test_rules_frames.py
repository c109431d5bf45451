"""Claim frames and the frame checker: the rules' own examples, the claim reader, numbers compared as numbers, the
closed world for "JSH recommends", and repair that keeps the model's correct sentences as written."""

from __future__ import annotations

from pathlib import Path

import pytest
from rule_helpers import cite

from assistant.claims import claim_vocabulary, read_claims
from assistant.models import PatientFacts
from assistant.rules import Draft, check
from assistant.rules.frames import (
    GRADE_ID,
    TRIAL_AS_REC_ID,
    UNSUPPORTED_ID,
    QualifierSpec,
    judge_sentence,
    qualifier_conflict,
)
from assistant.rules.logic import default_rulebook, load_rulebook

BOOK = default_rulebook()
EXAMPLES = [(r.id, r.examples) for r in BOOK.rules if r.examples is not None]


def _facts(ex) -> PatientFacts:
    return PatientFacts(**ex.facts)


# ---------------------------------------------------------------------------------------------- the rules' examples


def test_most_treatment_rules_carry_structured_claims_and_examples() -> None:
    with_asserts = [r for r in BOOK.rules if r.asserts]
    assert len(with_asserts) >= 25
    assert all(r.examples and r.examples.agree and r.examples.contradict for r in with_asserts)


@pytest.mark.parametrize(("rule_id", "ex"), EXAMPLES, ids=[i for i, _ in EXAMPLES])
def test_agreeing_examples_pass_the_frame_check(rule_id: str, ex) -> None:
    for sentence in ex.agree:
        v = judge_sentence(sentence, BOOK, _facts(ex))
        assert v.kind in ("agree", "unrelated"), (sentence, v)


@pytest.mark.parametrize(("rule_id", "ex"), EXAMPLES, ids=[i for i, _ in EXAMPLES])
def test_contradicting_examples_are_flagged(rule_id: str, ex) -> None:
    for sentence in ex.contradict:
        v = judge_sentence(sentence, BOOK, _facts(ex))
        assert v.kind in ("contradict", "unsupported"), (sentence, v)
        assert v.why, sentence


def test_a_contradiction_names_the_rule_it_breaks() -> None:
    v = judge_sentence("TKI maintenance can be stopped after 2 years.", BOOK,
                       PatientFacts(ph_status="positive", transplant="not_done"))
    assert (v.kind, v.rule_id) == ("contradict", "PHPOS-MAINT-008")
    assert "5 years" in v.why


# ---------------------------------------------------------------------------------------------- the claim reader


@pytest.mark.parametrize(("sentence", "stance"), [
    ("No: the JSH 2023 guideline does not recommend prophylactic TKI maintenance.", "not_recommended"),
    ("Yes, a TKI plus chemotherapy is recommended.", "recommended"),
    ("Prophylactic TKI is not advised.", "not_recommended"),
    ("Cranial irradiation should never be given routinely.", "not_recommended"),
    ("Cranial irradiation is not required for every adult.", "not_required"),
    ("Allo-HSCT may be recommended for some patients.", "option"),
    ("The guideline recommends considering allo-HSCT.", "option"),
    ("No standard therapy has been established.", "no_standard"),
    ("Ponatinib has activity against T315I.", "effective"),
    ("Imatinib does not overcome T315I.", "ineffective"),
    ("Blinatumomab works for relapsed CD19-positive B-ALL.", "effective"),  # a lay "does it work?"
    ("Could blinatumomab work for him?", "effective"),
    # a risk after "at" says who the position is for, not a position
    ("For adults at high risk of CNS relapse, cranial irradiation is mandatory.", "required"),
    # a stance set aside by "rather than" is denied
    ("MRD testing is worthwhile where available rather than required.", "not_required"),
    ("In older adults a transplant is expected once a donor is found.", "required"),
    # contracted negations deny as written-out ones do
    ("Cranial irradiation shouldn't be given to everyone.", "not_recommended"),
    ("The guideline doesn’t recommend prophylactic TKI after transplant.", "not_recommended"),
    ("JSH 2023 doesn't consider CAR-T an option at 45.", "not_required"),
    # a stop put as advice is no recommendation of the treatment ("should" alone would be)
    ("Once 5 years are reached the TKI should be stopped while MRD stays negative.", "not_required"),
    # a choice named as the one to make, and a permission in the guideline's voice
    ("The guideline names ponatinib as the TKI to use when T315I appears.", "recommended"),
    ("As the guideline allows, nelarabine can follow in relapsed disease.", "option"),
    # a stance said of stopping a treatment is the opposite stance on the treatment
    ("Stopping the TKI before 5 years goes against the recommendation.", "recommended"),
    ("Discontinuing the TKI after two years is an option.", "not_required"),
    # ... also when the treatment is the one before ("..., and stopping early is not consistent with that")
    ("The TKI is continued for at least 5 years, and stopping early goes against the recommendation.",
     "recommended"),
    ("The guideline recommends the TKI for at least 5 years, and stopping before then is not consistent with that "
     "recommendation.", "recommended"),
])
def test_stance_with_negation_and_hedges(sentence: str, stance: str) -> None:
    assert read_claims(sentence)[-1].stance == stance  # (the last clause: "..., and stopping early ...")


def test_a_yes_no_opening_does_not_negate_the_claim() -> None:
    a = read_claims("No: for adults with Ph-positive ALL who are MRD-negative after allo-HSCT, the JSH 2023 guideline "
                    "does not recommend prophylactic TKI maintenance.")[0]
    b = read_claims("For adults with Ph-positive ALL who are MRD-negative after allo-HSCT, the JSH 2023 guideline "
                    "does not recommend prophylactic TKI maintenance.")[0]
    assert (a.stance, a.interventions, a.population) == (b.stance, b.interventions, b.population)
    assert a.population["mrd_status"] == "negative" and a.population["transplant"] == "done"


def test_population_is_read_without_the_stance_words() -> None:
    """"not recommended for ... CD19-positive" must not read as CD19-negative."""
    c = read_claims("Blinatumomab is not recommended for relapsed CD19-positive B-ALL.")[0]
    assert c.population.get("cd19") is True and c.stance == "not_recommended"


def test_antigens_and_phrasal_denials_are_read_where_they_belong() -> None:
    # a requirement in a relative clause belongs to the drug before it, not the next one named
    c = read_claims("With CD19 lost, blinatumomab, which needs CD19 on the blasts, no longer fits, and CD22 should be "
                    "checked before inotuzumab.")[0]
    assert dict(c.targets) == {"blinatumomab": frozenset({"cd19"}), "inotuzumab": frozenset({"cd22"})}
    # ... and an antigen to be confirmed a few words on is the one the drug needs
    d = read_claims("Inotuzumab is listed for relapse, and CD19 expression should be confirmed first.")[0]
    assert dict(d.targets) == {"inotuzumab": frozenset({"cd19"})}
    # a phrasal verb split by its object
    assert read_claims("Her CD22-negative relapse rules inotuzumab out.")[0].stance == "not_recommended"
    # "— and" starts a new claim: the patient's blasts are not the population of the recommendation before it
    a, b = read_claims("Blinatumomab is recommended for CD19-positive B-ALL — and these blasts are CD19-negative.")
    assert (a.population.get("cd19"), b.population.get("cd19")) == (True, False)


def test_a_list_after_a_colon_takes_the_stance_before_it() -> None:
    a, b = read_claims("The guideline recommends one approach whatever the age: a TKI with intensive chemotherapy.")
    assert (a.stance, a.interventions, b.stance) == ("recommended", (), "recommended") and "tki" in b.interventions
    # a patient's denied fact before the colon gives no stance to what follows
    c = read_claims("62M, Ph+ ALL, no transplant: TKI maintenance for at least 5 years.")[-1]
    assert c.stance is None and c.interventions == ("tki",)


def test_clauses_are_claims_and_a_pronoun_keeps_the_treatment() -> None:
    a, b = read_claims("Cranial irradiation is not required for every adult; the guideline accepts it as an option "
                       "for patients at high risk.")
    assert a.interventions == b.interventions == ("cranial_irradiation",)
    assert (a.stance, a.universal, b.stance) == ("not_required", True, "option")


@pytest.mark.parametrize(("sentence", "kind", "op", "value", "unit"), [
    ("Continue TKI maintenance for at least 5 years.", "duration", ">=", 5, "year"),
    ("Stop after 18 months.", "duration", "=", 18, "month"),
    ("MRD of 10^-4 or higher is high risk.", "threshold", ">=", 0.01, "percent"),
    ("MRD ≥0.1% marks high risk.", "threshold", ">=", 0.1, "percent"),
    ("CAR-T is for patients up to age 40.", "age", "<=", 40, "year"),
    ("For patients aged 65 or older.", "age", ">=", 65, "year"),
    ("Patients younger than 25 years.", "age", "<", 25, "year"),
])
def test_qualifiers_carry_numbers_units_and_comparators(sentence, kind, op, value, unit) -> None:
    q = read_claims(sentence)[0].qualifiers[0]
    assert (q.kind, q.op, q.unit) == (kind, op, unit) and q.value == pytest.approx(value)


def test_attribution_targets_and_grades() -> None:
    c = read_claims("Inotuzumab ozogamicin, an anti-CD19 antibody, is the JSH standard based on INO-VATE (CQ 5).")[0]
    assert {"jsh", "trial"} <= c.attribution
    assert ("inotuzumab", frozenset({"cd19"})) in c.targets
    b = read_claims("Blinatumomab binds CD3 and CD19, and inotuzumab targets CD22.")[0]
    assert dict(b.targets) == {"blinatumomab": frozenset({"cd3", "cd19"}), "inotuzumab": frozenset({"cd22"})}
    assert read_claims("This is a grade 1A recommendation in CQ5.")[0].grades == ("grade 1a", "cq5")


def test_vocabulary_is_data_and_checked(tmp_path: Path) -> None:
    src = (Path(__file__).resolve().parents[3] / "assistant/lexicon/claims.yaml").read_text(encoding="utf-8")
    (tmp_path / "claims.yaml").write_text(src.replace("negated: not_required", "negated: not_a_stance"),
                                          encoding="utf-8")
    with pytest.raises(ValueError, match="not_a_stance"):
        claim_vocabulary(tmp_path)


# ---------------------------------------------------------------------------------------------- numbers


@pytest.mark.parametrize(("spec", "sentence", "bad"), [
    ({"kind": "duration", "op": ">=", "value": 5}, "for 2 years", True),
    ({"kind": "duration", "op": ">=", "value": 5}, "for at least 5 years", False),
    ({"kind": "duration", "op": ">=", "value": 5}, "for 60 months", False),
    ({"kind": "duration", "op": ">=", "value": 5}, "for 3 to 5 years", True),
    ({"kind": "age", "op": "<", "value": 25, "also": [25, 26]}, "patients up to age 40", True),
    ({"kind": "age", "op": "<", "value": 25, "also": [25, 26]}, "patients under 25 years", False),
    ({"kind": "age", "op": "<", "value": 25, "also": [25, 26]}, "patients aged 25 or younger", False),
    ({"kind": "threshold", "op": ">=", "value": 0.01, "unit": "percent"}, "MRD of 0.1% or more", True),
    ({"kind": "threshold", "op": ">=", "value": 0.01, "unit": "percent"}, "MRD ≥ 0.01%", False),
    ({"kind": "threshold", "op": ">=", "value": 0.01, "unit": "percent"}, "MRD below 10^-4", False),
])
def test_qualifiers_are_compared_numerically(spec, sentence, bad) -> None:
    q = read_claims(sentence)[0].qualifiers[0]
    assert (qualifier_conflict(QualifierSpec(**spec), q) is not None) is bad


# ---------------------------------------------------------------------------------------------- closed world


@pytest.mark.parametrize(("sentence", "facts", "rule_ids"), [
    ("The JSH 2023 guideline recommends allo-HSCT in first remission for all adults with Ph-negative ALL who are "
     "fit for it.", {"ph_status": "negative", "phase": "cr1"}, {"PHNEG-POSTREM-011", "PHNEG-POSTREM-HR-012", "PHNEG-MIDPOST-041"}),
    ("Ponatinib is the JSH 2023 frontline standard for Ph-positive ALL, supported by PhALLCON.",
     {"ph_status": "positive", "phase": "newly_diagnosed"}, None),
    ("The guideline also recommends adding blinatumomab to consolidation, based on E1910.",
     {"ph_status": "negative", "phase": "cr1"}, {TRIAL_AS_REC_ID}),
    ("JSH 2023 recommends nelarabine for relapsed B-ALL.", {"lineage": "B", "phase": "relapsed"}, None),
    ("The guideline recommends venetoclax for relapsed T-ALL.", {"lineage": "T", "phase": "relapsed"},
     {UNSUPPORTED_ID}),
    ("Dasatinib is the JSH 2023 recommended TKI for newly diagnosed Ph-positive ALL.",
     {"ph_status": "positive"}, {UNSUPPORTED_ID}),
    ("The guideline lists CAR T-cell therapy as an option for relapsed T-ALL.", {"lineage": "T", "phase": "relapsed"},
     None),
    ("The JSH 2023 guideline recommends inotuzumab first, with blinatumomab kept for later lines.",
     {"lineage": "B", "phase": "relapsed"}, {"RR-TARGETNEG-022"}),
    # another society's category, named by its meaning, given as the JSH 2023 grade (heldout15 w024, own words)
    ("Under JSH 2023, allo-HSCT in CR1 for Ph-positive ALL carries the grade S (standard of care).",
     {"ph_status": "positive", "phase": "cr1"}, {GRADE_ID}),
    # a grade given by a verb to the object before "as", whose own meaning ("not recommended") denies no grade
    ("JSH 2023 classifies allo-HSCT for standard-risk Ph-negative patients in CR1 as GNR (generally not "
     "recommended).", {"ph_status": "negative", "phase": "cr1"}, None),
    # a study named as the basis of a JSH position, and a trial protocol named as the regimen to use
    ("The guideline cites the JSHCT registry analysis as the basis for its transplant recommendation.", {},
     {TRIAL_AS_REC_ID}),
    ("The JSH 2023 guideline specifies the JALSG ALL202-U protocol as the pediatric-type regimen to use for AYA "
     "patients.", {"ph_status": "negative", "age": 20}, {TRIAL_AS_REC_ID}),
    # intrathecal chemotherapy called enough without the systemic part
    ("The JSH 2023 guideline treats intrathecal chemotherapy as sufficient for standard-risk adults in remission, "
     "keeping HD-MTX for high-risk ones.", {}, {"CNS-PROPH-017"}),
    # a treatment named as the one put in place ("with X instead") is not denied with the other
    ("The guideline allows the transplant to be left out for MRD-negative patients in CR1, with TKI maintenance "
     "instead.",
     {"ph_status": "positive", "phase": "cr1", "mrd_status": "negative", "age": 38, "age_band": "aya"},
     {"PHPOS-HSCTCR1-003"}),
    # an engager named by its antigens
    ("A further course of blinatumomab, a CD3×CD22 engager, is an option.", {"lineage": "B", "phase": "relapsed"},
     {"RR-BLIN-020"}),
    # a ranking of the two add-ons the summary names side by side at 65 or older
    ("At 70, the guideline prefers RIC allo-HSCT to maintenance chemotherapy whenever a donor is found.",
     {"ph_status": "positive", "age": 70, "age_band": "65+", "phase": "cr1"}, {"PHPOS-OLDERPOST-005"}),
])
def test_recommendations_put_in_jsh_mouth_must_be_backed(sentence, facts, rule_ids) -> None:
    v = judge_sentence(sentence, BOOK, PatientFacts(**facts))
    assert v.kind in ("contradict", "unsupported"), v
    if rule_ids is not None:
        assert v.rule_id in rule_ids, v


@pytest.mark.parametrize(("sentence", "facts"), [
    ("For relapsed CD19-positive B-ALL, JSH 2023 recommends blinatumomab.", {"lineage": "B", "phase": "relapsed"}),
    ("JSH 2023 recommends a TKI combined with chemotherapy for Ph-positive ALL.", {"ph_status": "positive"}),
    ("TOWER is evidence for blinatumomab in relapsed B-ALL, which matches the JSH 2023 recommendation of "
     "blinatumomab for relapsed or refractory CD19-positive B-ALL.", {"phase": "relapsed"}),
    ("In E1910, adding blinatumomab to consolidation improved survival; this is trial evidence, not a JSH 2023 "
     "recommendation.", {"ph_status": "negative"}),
    ("The JSH 2023 guideline recommends considering allo-HSCT in CR1 when unfavourable prognostic factors are "
     "present.", {"ph_status": "negative", "phase": "cr1"}),
    ("Without a transplant, imatinib or another TKI should be continued as maintenance for at least five years.",
     {"ph_status": "positive", "transplant": "not_done"}),
    ("The TKI should not be stopped before 5 years of maintenance.", {"ph_status": "positive", "transplant": "not_done"}),
    ("An MRD level below 0.01% after induction is not in the high-risk range.", {}),
    ("Nelarabine is not used for B-ALL; CD19- or CD22-directed antibodies are the options there.",
     {"lineage": "B", "phase": "relapsed"}),
    ("The JALSG Ph+ALL213 protocol gave prophylactic dasatinib, but the JSH 2023 guideline does not recommend "
     "prophylactic TKI for MRD-negative patients after allo-HSCT.", {}),
    ("Ponatinib is a third-generation TKI with activity against T315I, and after relapse on an earlier-generation TKI "
     "the guideline says a later-generation TKI can be considered.", {"ph_status": "positive", "phase": "relapsed"}),
    # the meaning of a foreign category, or where a list comes from, is no grade and no trial basis of a JSH position
    ("That list comes from the general literature and trial data; its exact JSH 2023 wording is unverified.", {}),
    ("For Ph-positive ALL at 65 or older, the summary names neither the TKI nor the corticosteroid.",
     {"ph_status": "positive", "age": 70, "age_band": "65+"}),
    ("Over 65, RIC allo-HSCT and/or maintenance chemotherapy follow where feasible, with neither preferred.",
     {"ph_status": "positive", "age": 70, "age_band": "65+"}),
])
def test_backed_recommendations_and_trial_evidence_pass(sentence, facts) -> None:
    assert judge_sentence(sentence, BOOK, PatientFacts(**facts)).kind in ("agree", "unrelated")


def test_an_invented_grade_is_unsupported_unless_the_source_says_it() -> None:
    s = "Blinatumomab is recommended for relapsed CD19-positive B-ALL (grade 1A)."
    f = PatientFacts(phase="relapsed", lineage="B", cd19=True)
    assert judge_sentence(s, BOOK, f).rule_id == GRADE_ID
    assert judge_sentence(s, BOOK, f, cited_text="... grade 1A ...").kind == "agree"
    other = "The separate JSHCT transplant guideline categorises autologous HSCT for Ph-negative ALL as GNR."
    assert read_claims(other)[0].grades == ("gnr",)
    assert judge_sentence(other, BOOK, PatientFacts(), cited_text="... auto-HSCT: GNR ...").kind != "unsupported"


def test_a_clinician_can_add_a_rule_claim_in_yaml_only() -> None:
    text = """
rules:
  - id: TEST-VENETO-900
    title: Venetoclax for relapsed T-ALL (test rule)
    section_ids: [jsh2023-all/rr-t-all]
    statement: "Test statement."
    asserts:
      - {about: [venetoclax], population: {lineage: T, phase: [relapsed]}, stance: option, why: "a test rule"}
"""
    book = load_rulebook(text)
    s = "The guideline lists venetoclax as an option for relapsed T-ALL."
    assert judge_sentence(s, book, PatientFacts(lineage="T", phase="relapsed")).kind == "agree"
    # an option put in JSH's mouth as its recommendation is not what the rule says
    s = "The guideline recommends venetoclax for relapsed T-ALL."
    assert judge_sentence(s, book, PatientFacts(lineage="T", phase="relapsed")).kind == "contradict"
    s = "If nothing else works, the guideline may recommend venetoclax for relapsed T-ALL."
    assert judge_sentence(s, book, PatientFacts(lineage="T", phase="relapsed")).kind == "agree"
    assert judge_sentence("Venetoclax has no role in relapsed T-ALL.", book,
                          PatientFacts(lineage="T", phase="relapsed")).kind == "contradict"
    with pytest.raises(ValueError, match="unknown concept"):
        load_rulebook(text.replace("venetoclax]", "venetoclaxx]"))


# ---------------------------------------------------------------------------------------------- repair


def _chunk_with(by_section, section: str, needle: str):
    return next(c for c in by_section[section] if needle in c.text)


def test_repair_keeps_correct_sentences_verbatim_and_replaces_the_wrong_one(by_section) -> None:
    post = _chunk_with(by_section, "jsh2023-all/ph-pos/post-hsct-tki", "does not recommend prophylactic TKI")
    good1 = ("No: for adults with Ph-positive ALL who are MRD-negative after allo-HSCT, the JSH 2023 guideline does "
             "not recommend prophylactic TKI maintenance.")
    good2 = "If MRD becomes detectable after the transplant, the guideline recommends pre-emptive TKI therapy."
    bad = "Even so, prophylactic dasatinib maintenance is recommended for every patient after allo-HSCT."
    draft = Draft(answer=f"{good1}[1] {good2}[1] {bad}[1]", citations=[cite(post, 1)])
    facts = PatientFacts(ph_status="positive", transplant="done", mrd_status="negative", phase="post_hsct")
    result = check("Prophylactic TKI after allo-HSCT, MRD negative?", facts, draft, [post])
    assert good1 in result.draft.answer and good2 in result.draft.answer
    assert bad.rstrip(".") not in result.draft.answer
    assert result.verdict == "repaired"
    f = next(f for f in result.findings if f.rule_id == "PHPOS-POSTHSCT-MRDNEG-006")
    assert "prophylactic dasatinib" in f.message and "MRD-negative" in f.message


def test_verdict_is_pass_only_when_nothing_changed(by_section) -> None:
    post = _chunk_with(by_section, "jsh2023-all/ph-pos/post-hsct-tki", "does not recommend prophylactic TKI")
    good = ("No: for adults with Ph-positive ALL who are MRD-negative after allo-HSCT, the JSH 2023 guideline does "
            "not recommend prophylactic TKI maintenance.")
    facts = PatientFacts(ph_status="positive", transplant="done", mrd_status="negative", phase="post_hsct")
    result = check("Prophylactic TKI after allo-HSCT, MRD negative?", facts,
                   Draft(answer=f"{good}[1]", citations=[cite(post, 1)]), [post])
    assert result.verdict == "pass", result.findings
    assert result.draft.answer == f"{good}[1]"


# ---------------------------------------------------------------------------------------------- generated-answer styles


@pytest.mark.parametrize(("section", "needle", "sentence", "facts", "question"), [
    ("jsh2023-all/ph-pos/post-hsct-tki", "does not recommend prophylactic TKI",
     "No: for adults with Ph-positive ALL who are MRD-negative after allo-HSCT, the JSH 2023 guideline does not "
     "recommend prophylactic TKI maintenance.",
     {"ph_status": "positive", "transplant": "done", "mrd_status": "negative", "phase": "post_hsct"},
     "Ph+ ALL after allo-HSCT, MRD negative: prophylactic dasatinib?"),
    ("jsh2023-all/cns-prophylaxis", "Cranial irradiation is not required",
     "Cranial irradiation is not required for every adult; the guideline accepts it as an option for patients at "
     "high risk.", {}, "Is cranial irradiation needed for all adults?"),
    ("jsh2023-all/ph-pos/older", "TKI plus a corticosteroid",
     "At 72, she is in the group aged 65 or older, for whom the JSH 2023 guideline recommends induction with a TKI "
     "plus a corticosteroid.", {"ph_status": "positive", "age": 72, "age_band": "65+"}, "72F Ph+ ALL, what induction?"),
])
def test_correct_generated_sentences_pass_untouched(by_section, section, needle, sentence, facts, question) -> None:
    """The issue's false alarms: a "No:" opening, a paraphrase of a two-part rule, the patient's age repeated."""
    chunk = _chunk_with(by_section, section, needle)
    result = check(question, PatientFacts(**facts), Draft(answer=f"{sentence}[1]", citations=[cite(chunk, 1)]),
                   [chunk])
    assert result.verdict == "pass", result.findings
    assert result.draft.answer == f"{sentence}[1]"


def test_a_framing_sentence_needs_no_source_but_a_claim_does(by_section) -> None:
    chunk = _chunk_with(by_section, "jsh2023-all/ph-pos/tki-maintenance", "at least 5 years")
    kind = "I'm sorry you are both facing this."
    fact = ("For adults with Ph-positive ALL who do not undergo allo-HSCT in CR1, the guideline recommends continuing "
            "TKI maintenance for at least 5 years.")
    facts = PatientFacts(ph_status="positive", transplant="not_done")
    ok = check("How long is TKI maintenance?", facts,
               Draft(answer=f"{kind} {fact}[1]", citations=[cite(chunk, 1)]), [chunk])
    assert ok.verdict == "pass" and kind in ok.draft.answer, ok.findings
    bad = check("How long is TKI maintenance?", facts,
                Draft(answer=f"{kind} TKI maintenance may be stopped early.", citations=[]), [chunk])
    assert "CIT-MARKER-001" in {f.rule_id for f in bad.findings}


def test_a_duration_contradiction_says_both_numbers() -> None:
    v = judge_sentence("The guideline recommends TKI maintenance for 2 years.", BOOK,
                       PatientFacts(ph_status="positive", transplant="not_done"))
    assert v.rule_id == "PHPOS-MAINT-008" and "2 years" in v.why and "5 years" in v.why


def test_a_short_uncited_opening_reply_is_kept_but_still_judged(by_section) -> None:
    chunk = _chunk_with(by_section, "jsh2023-all/ph-pos/tki-maintenance", "at least 5 years")
    fact = ("For adults with Ph-positive ALL who do not undergo allo-HSCT in CR1, the guideline recommends continuing "
            "TKI maintenance for at least 5 years.")
    facts = PatientFacts(ph_status="positive", transplant="not_done")
    ok = check("How long is TKI maintenance?", facts,
               Draft(answer=f"Five years at least. {fact}[1]", citations=[cite(chunk, 1)]), [chunk])
    assert ok.verdict == "pass" and "Five years at least." in ok.draft.answer, ok.findings
    # the lead is judged like any sentence: a wrong duration in it is still a contradiction
    bad = check("How long is TKI maintenance?", facts,
                Draft(answer=f"Keep the TKI going for at least 2 years. {fact}[1]", citations=[cite(chunk, 1)]),
                [chunk])
    assert bad.verdict != "pass" and "2 years" not in bad.draft.answer, bad.findings
    # only the opening reply: an uncited sentence later on is removed as before
    later = check("How long is TKI maintenance?", facts,
                  Draft(answer=f"{fact}[1] MRD after induction is a key prognostic factor.",
                        citations=[cite(chunk, 1)]), [chunk])
    assert "CIT-MARKER-001" in {f.rule_id for f in later.findings}


def test_a_reason_clause_does_not_set_the_stance_of_the_main_clause() -> None:
    from assistant.claims import read_claims

    s = "Because a trial showed better survival, the JSH 2023 guideline recommends adding blinatumomab to consolidation."
    assert [c.stance for c in read_claims(s)] == ["recommended"]
    assert [c.stance for c in read_claims("Since the trial, blinatumomab has improved survival.")] == ["effective"]


# ------------------------------------------------------------------------------------ session 22: classes fixed


@pytest.mark.parametrize(("sentence", "facts"), [
    # "X when A and no Y when B": each half is its own claim with its own patients
    ("JSH 2023 advises a pre-emptive TKI once MRD reappears and no prophylactic TKI while MRD stays negative.",
     {"ph_status": "positive", "transplant": "done", "phase": "post_hsct"}),
    # ", which is X": the denial is of the subject ("these figures"), not of X
    ("Those figures reflect local habits, not the guideline's recommendation, which is a pre-emptive TKI when MRD is "
     "detected after allo-HSCT.", {"ph_status": "positive", "transplant": "done"}),
    # a restriction is compared on the group it names, not on the rest of the sentence
    ("Its role in MRD-positive disease in remission is uncertain, since the summary lists blinatumomab only for "
     "relapsed or refractory CD19-positive B-ALL.", {}),
    # wondering whether a ranking exists ranks nothing
    ("The summary names HD-MTX or high-dose cytarabine, and whether the full text favours one is not known.", {}),
    # a stance cue before an antigen is a condition on the blasts
    ("Blinatumomab needs CD19 on the blasts, so it does not suit this relapse.", {"phase": "relapsed", "cd19": False}),
    # an antibody's own antigen named beside another drug's
    ("For relapse the guideline recommends blinatumomab for CD19-positive and inotuzumab for CD22-positive B-ALL.",
     {"phase": "relapsed"}),
    # a short heading names the group of its clause
    ("T-lineage: above 100×10^9/L; B-lineage: a presenting white count above 30×10^9/L.", {}),
    # values for several groups in one clause, none pinned down
    ("An adverse presenting WBC is above 30×10^9/L (B) or above 100×10^9/L (T).", {}),
])
def test_session22_correct_sentences_pass(sentence: str, facts: dict) -> None:
    v = judge_sentence(sentence, BOOK, PatientFacts(**facts))
    assert v.kind in ("agree", "unrelated"), v


@pytest.mark.parametrize(("sentence", "facts", "rule_id"), [
    ("For MRD-positive patients before the graft, JSH 2023 recommends prophylactic dasatinib afterwards, as in "
     "JALSG Ph+ALL213.", {"ph_status": "positive"}, TRIAL_AS_REC_ID),
    ("The guideline specifies the PhALLCON regimen for newly diagnosed Ph-positive ALL.", {}, TRIAL_AS_REC_ID),
    ("When both antigens are expressed, JSH 2023 recommends inotuzumab over blinatumomab.",
     {"phase": "relapsed", "cd19": True, "cd22": True}, "RR-TARGETNEG-022"),
    ("For T-ALL a presenting leukocyte count above 30×10^9/L is already adverse.", {}, "RISK-WBC-056"),
    ("JSH 2023 sets the adverse presenting white cell count of B-lineage ALL at over 30×10^9/L.", {}, "RISK-WBC-056"),
])
def test_session22_wrong_sentences_are_flagged(sentence: str, facts: dict, rule_id: str) -> None:
    v = judge_sentence(sentence, BOOK, PatientFacts(**facts))
    assert v.kind in ("contradict", "unsupported") and v.rule_id == rule_id, v


def test_a_white_cell_count_is_no_mrd_level() -> None:
    spec = QualifierSpec(kind="threshold", op=">=", value=0.01, unit="percent")
    q = read_claims("MRD and a white count above 30×10^9/L were both adverse.")[0].qualifiers
    assert q and q[0].unit == "cells" and qualifier_conflict(spec, q[0]) is None


@pytest.mark.parametrize(("sentence", "anchor"), [
    ("The age limit applies at the time of diagnosis.", "diagnosis"),
    ("Patients diagnosed at 25 or younger are eligible.", "diagnosis"),
    ("She must be 25 or younger at infusion.", "infusion"),
    ("Ph status must be known at diagnosis.", None),  # no age limit in sight
])
def test_when_an_age_limit_is_measured(sentence: str, anchor: str | None) -> None:
    assert read_claims(sentence)[0].age_at == anchor


def test_a_treatment_in_the_history_is_not_denied() -> None:
    """"..., not for relapse after allo-HSCT": the transplant is history, so the denial is of the treatment before."""
    c = read_claims("The guideline lists CAR-T for failure to reach CR2, not for relapse after allo-HSCT.")[-1]
    assert c.interventions == ("car_t",) and c.polarity < 0


@pytest.mark.parametrize(("sentence", "interventions", "negated"), [
    # the treatment is the time of the advice, not what the advice is about (heldout23 c037)
    ("Patients should not drive or operate machinery while blinatumomab is being given.", (), ()),
    ("Avoid grapefruit juice while taking dasatinib.", (), ()),
    ("During nelarabine, report any numbness or tingling at once.", ("nelarabine",), ()),  # (no stance before it)
    # a denial of the treatment itself stays one
    ("Blinatumomab should not be given during pregnancy.", ("blinatumomab",), ()),
    ("No prophylactic TKI while MRD stays negative.", (), ("tki",)),
])
def test_a_treatment_after_while_is_the_time_of_the_advice(sentence: str, interventions: tuple, negated: tuple) -> None:
    c = read_claims(sentence)[0]
    assert (c.interventions, c.negated) == (interventions, negated)


def test_a_pointer_after_while_does_not_carry_the_treatment_before(by_section) -> None:
    """"Blinatumomab runs from a pump. Patients should not drive while it is being given.": no position on
    blinatumomab, so no contradiction of its recommendation (heldout23 c037)."""
    chunk = _chunk_with(by_section, "context/toxicity-notes", "dangerous machinery")
    answer = ("- Blinatumomab runs as a continuous intravenous infusion from a portable pump.[1]\n- Patients should "
              "not drive or operate dangerous machinery while it is being given.[1]")
    facts = PatientFacts(lineage="B", phase="relapsed")
    result = check("We start blinatumomab tomorrow for relapsed B-ALL. What should we watch for?", facts,
                   Draft(answer=answer, citations=[cite(chunk, 1)]), [chunk])
    assert not [f for f in result.findings if f.rule_id.startswith("RR-BLIN")], result.findings
    assert result.draft.answer == answer


@pytest.mark.parametrize(("sentence", "stance"), [
    ("Such protocols typically include pegylated asparaginase and high-dose methotrexate.", None),
    ("The consolidation phase contains cytarabine blocks.", None),
    ("JSH 2023 includes a TKI in every phase for Ph-positive ALL.", "recommended"),
])
def test_a_regimen_listing_its_parts_takes_no_stance(sentence: str, stance: str | None) -> None:
    assert read_claims(sentence)[0].stance == stance


@pytest.mark.parametrize(("sentence", "targets"), [
    ("Here the bispecific blinatumomab shares the CD22 target of inotuzumab.", {"blinatumomab": {"cd22"}}),
    ("Inotuzumab's CD22 target is on most B-lineage blasts.", {"inotuzumab": {"cd22"}}),
    ("Blinatumomab does not share the CD22 antigen; it binds CD19.", {"blinatumomab": {"cd19"}}),
])
def test_antigens_said_of_each_drug(sentence: str, targets: dict) -> None:
    assert {d: set(a) for d, a in read_claims(sentence)[0].targets} == targets


# ---------------------------------------------------------------------------------------------- memoised verdicts


def test_judge_sentence_is_memoised_on_every_input_it_reads() -> None:
    """A memoised verdict is the one a fresh reading gives, whatever was judged before with other facts, another
    cited text or another rule book (the keys leave out nothing the verdict depends on)."""
    from assistant.rules.frames import _judge_sentence

    other_book = load_rulebook()
    cases = [(s, PatientFacts(**ex.facts)) for _, ex in EXAMPLES for s in [*ex.agree, *ex.contradict]]
    cases += [(s, PatientFacts()) for s, _ in cases]
    cited = ["", "blinatumomab 28 micrograms per day", "grade 1b"]
    cases += [("Blinatumomab is given at 28 micrograms per day for relapsed B-ALL.", PatientFacts())] * 2
    seen_facts, seen_cited = 0, 0
    for _ in range(2):  # (the second pass reads the memo)
        for sentence, facts in cases:
            for c in cited:
                for book in (BOOK, other_book):
                    fresh = _judge_sentence(sentence, book, facts, frozenset(), (), c)
                    assert judge_sentence(sentence, book, facts, cited_text=c) == fresh, (sentence, facts, c)
            seen_cited += len({_judge_sentence(sentence, BOOK, facts, frozenset(), (), c).kind for c in cited}) > 1
            seen_facts += (_judge_sentence(sentence, BOOK, facts, frozenset(), (), "").kind
                           != _judge_sentence(sentence, BOOK, PatientFacts(), frozenset(), (), "").kind)
    assert seen_facts and seen_cited  # (cases whose verdict does depend on the facts and on the cited text)


def test_closed_world_reads_every_assert_that_supports_a_claim() -> None:
    """The assert index `_closed_world` reads by holds every assert `_supports` finds a treatment in (the claims of
    every example sentence of the rule book, each against every assert)."""
    from assistant.claims import read_claims
    from assistant.rules.frames import _about_named, _supports
    from assistant.rules.logic import default_rulebook

    book = default_rulebook()
    supported = 0
    for rule in book.rules:
        for text in [rule.statement, *((rule.examples.agree + rule.examples.contradict) if rule.examples else [])]:
            for claim in read_claims(text):
                merged = dict(claim.population)
                picked = {id(a) for _, a in _about_named(claim, book)}
                for r in book.rules:
                    for a in r.asserts:
                        if _supports(a, claim, merged):
                            assert id(a) in picked, (text, r.id)
                            supported += 1
    assert supported > 20


# ---------------------------------------------------------------------------------------------- session 24: classes
# Each case is a class of misreading found on the held-out recorded answers, written in new words (not the held-out
# sentences), so a pass is evidence for the class.

_PHPOS_POST_NEG = {"ph_status": "positive", "phase": "post_hsct", "transplant": "done", "mrd_status": "negative",
                   "mrd_timepoint": "post_hsct"}
_PHPOS_POST_POS = {**_PHPOS_POST_NEG, "mrd_status": "positive"}


@pytest.mark.parametrize(("sentence", "facts"), [
    # a treatment written before a noun of what is known about it: the clause is about the dose or schedule
    ("The retrieved sources carry no blinatumomab schedule for this setting.", {"lineage": "B", "phase": "relapsed"}),
    ("There is no imatinib dosing anywhere in the summary, so the protocol decides it.", {"ph_status": "positive"}),
    ("No HD-MTX details beyond its inclusion are given for patients aged 40 to 64.",
     {"ph_status": "negative", "age": 50, "age_band": "40-64"}),
    # a denial of the name only, not of the treatment
    ("Induction pairs chemotherapy with a TKI, without a specific TKI being designated.", {"ph_status": "positive"}),
    # an embedded question states no position
    ("Whether JSH 2023 favours dasatinib as the first-line TKI could not be confirmed from these sources.",
     {"ph_status": "positive"}),
    ("It remains unverified whether the guideline recommends ponatinib upfront.", {"ph_status": "positive"}),
    # each clause is about the MRD result it names, whatever the patient's own result
    ("Should the BCR::ABL1 signal become detectable again after the transplant, a TKI is advised right away.",
     _PHPOS_POST_NEG),
    ("After allo-HSCT the guideline advises a TKI as soon as MRD is detected and does not advise one for patients "
     "whose MRD is negative.", _PHPOS_POST_POS),
    ("A TKI is started once MRD is detected after transplant, and no preventive TKI while MRD stays negative.",
     _PHPOS_POST_POS),
    # TKI maintenance denied for a post-transplant group is not a denial of TKI-combined induction
    ("Preventive TKI maintenance for patients who are MRD-negative after transplant is not what JSH 2023 advises.",
     {"ph_status": "positive"}),
])
def test_session24_correct_sentences_of_the_misread_classes_pass(sentence: str, facts: dict) -> None:
    v = judge_sentence(sentence, BOOK, PatientFacts(**facts))
    assert v.kind in ("agree", "unrelated"), (sentence, v)


@pytest.mark.parametrize(("sentence", "facts", "rule_id"), [
    # the same classes do not hide a wrong position
    ("Once MRD turns positive after the transplant, a TKI should not be given.", _PHPOS_POST_NEG,
     "PHPOS-POSTHSCT-MRDPOS-007"),
    ("Following the transplant, a TKI is advised when MRD is detected and is advised too for patients whose MRD is "
     "negative.",
     _PHPOS_POST_POS, "PHPOS-POSTHSCT-MRDNEG-006"),
    # "outside studies" names no voice: the clause is still the guideline's
    ("JSH 2023 treats pre-emptive TKI after transplant as experimental and does not advise it outside clinical "
     "trials.", _PHPOS_POST_POS, "PHPOS-POSTHSCT-MRDPOS-007"),
])
def test_session24_wrong_sentences_of_the_same_classes_are_flagged(sentence: str, facts: dict, rule_id: str) -> None:
    v = judge_sentence(sentence, BOOK, PatientFacts(**facts))
    assert (v.kind, v.rule_id) == ("contradict", rule_id), (sentence, v)


def test_a_consequence_clause_is_its_own_claim_only_when_both_sides_state_a_position() -> None:
    two = read_claims("The guideline advises a TKI with chemotherapy, so a trial result should not be called its "
                      "recommendation.")
    one = read_claims("At 58 she is below the older-adult pathway, which begins at 65, so TKI-plus-chemotherapy "
                      "induction would apply.")
    assert len(two) == 2 and two[0].stance == "recommended"
    assert any(c.qualifiers and c.interventions for c in one)


@pytest.mark.parametrize("sentence", [
    "For this group the guideline's category is CO, a clinical option.",
    "Dev (developmental), the grade JSH 2023 gives to an autologous transplant in this setting.",
    # the value named before its grade word (heldout17 w034, heldout18 w037; own paraphrases)
    "Since JSH 2023 took over the transplant society's categories, CO is the official grade for this group.",
    "The guideline took the JSHCT table as is, so S/CO is its recommendation grade here.",
    # a verb giving two slash-joined values glossed with their meaning (heldout23 w028, own paraphrase)
    "JSH 2023 rates allo-HSCT for standard-risk disease in CR1 as GNR/CO, meaning generally not recommended.",
])
def test_session24_another_societys_category_put_in_jsh_mouth_is_an_invented_grade(sentence: str) -> None:
    v = judge_sentence(sentence, BOOK, PatientFacts())
    assert (v.kind, v.rule_id) == ("unsupported", GRADE_ID), (sentence, v)


def test_session24_a_category_given_as_the_other_societys_own_is_no_jsh_grade() -> None:
    source = ("In the JSHCT guideline, allo-HSCT for Ph-positive ALL in CR1 is categorised S (standard) for matched "
              "sibling donors, matched unrelated donors and cord blood.")
    for sentence in ("JSHCT lists allo-HSCT for Ph-positive ALL in first remission under S (standard).",
                     "That S category is a separate society's label, not something JSH 2023 assigns.",
                     "In the JSHCT guideline, S is the category for allo-HSCT in Ph-positive ALL in CR1."):
        v = judge_sentence(sentence, BOOK, PatientFacts(), cited_text=source)
        assert v.kind in ("agree", "unrelated"), (sentence, v)


def test_session24_an_editions_year_is_no_age_and_a_group_that_ends_at_an_age_is_a_limit() -> None:
    (c,) = read_claims("At 47 she is treated as a 40 to 64 patient under JSH 2023.")
    assert all(q.value != 2023 for q in c.qualifiers)
    limit = [q for c in read_claims("In this reading the AYA band ends at 30.") for q in c.qualifiers]
    assert [(q.kind, q.op, q.value) for q in limit] == [("age", "<=", 30.0)]


@pytest.mark.parametrize(("sentence", "facts"), [
    # a trial's criterion set apart from the guideline's ("unlike")
    ("BLAST required MRD of 0.1% or more for entry, unlike the 0.01% level the guideline calls high risk.",
     {"lineage": "B"}),
    # an embedded question names both moments and picks neither
    ("Nothing here says whether the age limit is taken at diagnosis or at infusion.", {"lineage": "B"}),
    # the conditional mood offers; a position said not to reach a group is its own claim
    ("At 81 she would be given either combination chemotherapy or palliative steroids, as her condition allows.",
     {"age": 81, "age_band": "65+", "ph_status": "negative"}),
])
def test_session24_correct_sentences_of_more_misread_classes_pass(sentence: str, facts: dict) -> None:
    v = judge_sentence(sentence, BOOK, PatientFacts(**facts))
    assert v.kind in ("agree", "unrelated"), (sentence, v)


@pytest.mark.parametrize("sentence,treatment", [
    # a denied name is no denied treatment
    ("No TKI named, no doses in this corpus.", "tki"),
    ("No regimen specified for this group in the summary.", None),
    # a stance word in an embedded question states no position
    ("The summary doesn't list which unfavourable factors should prompt transplant.", "allo_hsct"),
])
def test_saying_what_the_source_does_not_name_is_no_position(sentence: str, treatment: str | None) -> None:
    claims = read_claims(sentence)
    assert all(c.stance is None and c.polarity == 0 for c in claims), [(c.stance, c.text) for c in claims]
    assert all(not c.negated for c in claims)


def test_a_relative_which_still_states_a_position() -> None:
    claims = read_claims("For Ph-positive ALL in CR1, the guideline names allo-HSCT, which should be offered in CR1.")
    assert any(c.stance == "recommended" for c in claims)


def test_no_treatment_is_still_a_denial() -> None:
    (claim,) = read_claims("No TKI is recommended after transplant when MRD is negative.")
    assert claim.polarity < 0 and "tki" in claim.negated


@pytest.mark.parametrize(("lead", "after", "flagged"), [
    # the opening sums up the sentence after it, in that sentence's population
    ("Then no TKI is recommended.",
     "For Ph-positive patients who are MRD-negative after allo-HSCT, JSH 2023 does not recommend prophylactic TKI "
     "maintenance.", False),
    # ... which does not excuse it when that population is the one the guideline gives a TKI
    ("No TKI is needed.",
     "For adults with newly diagnosed Ph-positive ALL, JSH 2023 recommends induction with chemotherapy.", True),
])
def test_a_short_opening_is_read_in_the_population_of_the_sentence_after_it(by_section, lead: str, after: str,
                                                                              flagged: bool) -> None:
    from assistant.rules.frames import check_frames

    chunk = by_section["jsh2023-all/ph-pos/post-hsct-tki"][0]
    draft = Draft(answer=f"{lead} {after}[1]", citations=[cite(chunk, 1)])
    facts = PatientFacts(ph_status="positive")
    found = [i.finding.rule_id for i in check_frames("And if MRD stays negative?", facts, draft, [chunk])
             if i.sentence == 0]
    assert bool(found) is flagged, found


def test_a_position_kept_to_a_group_the_reader_cannot_pin_down_is_not_put_to_the_patient() -> None:
    from assistant.rules.frames import judge_sentence

    # (a 45-year-old asks about CAR-T: the summary's mention "only for young patients" is no recommendation to him)
    v = judge_sentence("The JSH 2023 summary mentions CAR T-cell therapy only for young patients.", default_rulebook(),
                       PatientFacts(age=45, ph_status="negative", lineage="B", phase="relapsed"))
    assert v.kind not in ("contradict", "unsupported"), v


def test_a_relapsed_refractory_clause_is_in_the_relapsed_setting() -> None:
    # (its own setting, not the "first-line" of the clause after it)
    claims = read_claims("The summary lists blinatumomab only for relapsed/refractory disease, not for first-line "
                         "consolidation.")
    assert [c.setting for c in claims] == ["relapsed", "frontline"]


@pytest.mark.parametrize(("sentence", "target"), [
    # the antigen a requirement names is the target of the drug that needs it
    ("Confirm CD22 expression before inotuzumab is given.", ("inotuzumab", frozenset({"cd22"}))),
    ("Before the first cycle, check CD19 on the blasts, because blinatumomab depends on it.",
     ("blinatumomab", frozenset({"cd19"}))),
])
def test_a_required_antigen_is_the_target_of_the_drug_that_needs_it(sentence: str, target: tuple) -> None:
    assert target in read_claims(sentence)[0].targets


def test_a_required_antigen_with_two_drugs_before_it_goes_to_the_one_after_it() -> None:
    claims = read_claims("After blinatumomab failure, check CD22 before switching to inotuzumab.")
    assert ("blinatumomab", frozenset({"cd22"})) not in {t for c in claims for t in c.targets}


def test_a_body_weight_is_no_age() -> None:
    # ("adults (45 kg or more)": r27/rja20 q05 read it as aged 45 or more and raised a false premise)
    assert read_claims("Blinatumomab for adults (45 kg or more): what daily dose?")[0].qualifiers == ()
    assert read_claims("For patients aged 45 or older.")[0].qualifiers[0].kind == "age"


@pytest.mark.parametrize(("sentence", "facts"), [
    # a patient beyond an assert's age limit: "not an option for him" is what the limit says (heldout7 review)
    ("CAR-T is listed for young patients who relapse after allo-HSCT, so at 58 it is not an option for her.",
     {"phase": "relapsed", "lineage": "B", "cd19": True, "age": 58}),
    # "doesn't rule anything out": no treatment between the split verb, no stance on the one before
    ("Blinatumomab is recommended here; with no earlier antibody, that doesn't rule anything out.",
     {"phase": "relapsed", "lineage": "B", "cd19": True}),
    # "not an equal alternative" ranks the options; it denies neither
    ("If she reaches CR1 and can be transplanted, allo-HSCT is recommended; TKI maintenance is for patients who are "
     "not transplanted, not an equal alternative.", {"ph_status": "positive", "age": 50}),
])
def test_sentences_that_deny_nothing_the_rules_say(sentence: str, facts: dict) -> None:
    v = judge_sentence(sentence, BOOK, PatientFacts(**facts))
    assert v.kind != "contradict", v


@pytest.mark.parametrize(("sentence", "rule"), [
    # a bound after a value's bracketed equivalent is the bound of both
    ("The guideline regards MRD of 10^-3 (0.1%) or higher after induction as high relapse risk.", "MRD-THRESHOLD-015"),
    # "is added" gives the treatment, here to everyone
    ("Cranial irradiation is added for every adult in remission.", "CNS-CRANIAL-018"),
    # the antigen a drug needs, its requirement cue later in the antigen's clause
    ("Before blinatumomab is started, CD22 expression on the blasts should be confirmed.", "RR-BLIN-020"),
    # "and also for" says the clause before's stance of another group
    ("The guideline lists nelarabine for relapsed T-ALL, and also for relapsed B-ALL that lost CD19.",
     "RR-NELA-BALL-025"),
    # a condition of eligibility only is no exemption from "not by default"
    ("For Ph-negative ALL in CR1 after a pediatric-type protocol, the guideline recommends allo-HSCT whenever a "
     "sibling donor is available.", "PHNEG-POSTREM-011"),
    # "priority" ranks, the other drug named in the sentence's other clause
    ("The guideline recommends blinatumomab for CD19-positive and inotuzumab for CD22-positive relapse, and when "
     "both antigens are present it gives inotuzumab priority.", "RR-TARGETNEG-022"),
    # children under the adult guideline
    ("The JSH 2023 recommendations apply to children as well as adults.", "SCOPE-CHILD-074"),
])
def test_model_phrasings_that_contradict_a_rule(sentence: str, rule: str) -> None:
    v = judge_sentence(sentence, BOOK, PatientFacts())
    assert (v.kind, v.rule_id) == ("contradict", rule), v


@pytest.mark.parametrize("sentence", [
    "For Ph-negative ALL in CR1 after a pediatric-type protocol, allo-HSCT is considered when unfavourable factors "
    "are present and a donor is available.",
    "Blinatumomab is for CD19-positive disease; inotuzumab is preferred when CD19 is lost.",
    "Pediatric ALL in Japan is covered by the separate JSPHO guideline.",
    "The adult JSH recommendations do not apply to children.",
    "Before inotuzumab is started, CD22 expression on the blasts should be confirmed.",
])
def test_model_phrasings_that_agree(sentence: str) -> None:
    assert judge_sentence(sentence, BOOK, PatientFacts()).kind != "contradict"


def test_a_group_set_aside_is_no_population_and_the_recommendation_is_unsupported_for_everyone() -> None:
    claims = read_claims("Combining a TKI with chemotherapy is the standard first treatment for adults with ALL "
                         "whether or not the Philadelphia chromosome is present.")
    assert "ph_status" not in claims[-1].population and "ph_status" in claims[-1].set_aside
    v = judge_sentence("Combining a TKI with chemotherapy is the standard first treatment for adults with ALL "
                       "whether or not the Philadelphia chromosome is present.", BOOK, PatientFacts())
    # (unsupported for everyone, or since session 52 the Ph-positive rule's position spread over both Ph statuses)
    assert v.kind in ("unsupported", "contradict"), v
    # the same words for a recommendation that holds for every group stand
    assert judge_sentence("CNS prophylaxis is recommended for all adults in remission, whether or not they are "
                          "Ph-positive.", BOOK, PatientFacts()).kind == "agree"


def test_a_denied_donor_does_not_deny_the_verb_after_it() -> None:
    claim = read_claims("For patients without a suitable donor the guideline accepts autologous transplantation.")[0]
    assert claim.stance == "option" and claim.population.get("donor") is False


def test_a_transplant_societys_category_written_with_its_meaning_is_a_grade_given_to_jsh() -> None:
    v = judge_sentence("JSH 2023 classifies allo-HSCT for standard-risk Ph-negative ALL in CR1 as GNR, generally not "
                       "recommended.", BOOK, PatientFacts())
    assert v.kind == "unsupported" and v.rule_id == "CLAIM-GRADE-053", v


def test_a_list_item_is_read_under_the_sentence_that_opens_the_list(by_section) -> None:
    from assistant.rules.frames import check_frames

    chunk = _chunk_with(by_section, "jsh2023-all/cns-prophylaxis", "cranial")
    draft = Draft(answer="All adults in remission get CNS prophylaxis [1]. JSH 2023 recommends:\n"
                         "- intrathecal chemotherapy, and\n- cranial irradiation for every patient [1].",
                  citations=[cite(chunk)])
    issues = check_frames("CNS prophylaxis, who and how?", PatientFacts(), draft, [chunk])
    assert [i.finding.rule_id for i in issues] == ["CNS-CRANIAL-018"]


@pytest.mark.parametrize("sentence", [
    "JSH 2023 does not recommend allo-HSCT in CR1 for adults with Ph-positive ALL.",
    "Now that TKIs are so effective, a transplant in first remission is no longer recommended for Ph+ ALL.",
])
def test_a_flat_denial_for_the_recommendations_group_with_its_age_open_contradicts(sentence: str) -> None:
    # the age is not given: the denial still reaches the adults under 65 the recommendation is for
    verdict = judge_sentence(sentence, default_rulebook(), PatientFacts(ph_status="positive"))
    assert (verdict.kind, verdict.rule_id) == ("contradict", "PHPOS-HSCTCR1-003")


@pytest.mark.parametrize("sentence", [
    "No preventive TKI while MRD stays negative after the transplant.",  # (not the TKI of induction at 65)
    "For patients aged 65 or older, allo-HSCT in CR1 is not the default.",
    "If she is not fit, allo-HSCT in CR1 is not recommended.",
])
def test_a_denial_about_another_group_or_condition_is_no_flat_denial(sentence: str) -> None:
    verdict = judge_sentence(sentence, default_rulebook(), PatientFacts(ph_status="positive"))
    assert verdict.kind != "contradict", verdict


@pytest.mark.parametrize(("sentence", "facts"), [
    # a position the sources do not confirm is no position
    ("Ponatinib as the first-line TKI remains unverified in these sources.", {"ph_status": "positive"}),
    # "based on" pointing at MRD across a contrast, not at the trial named before it
    ("In Ph+ALL213 prophylactic dasatinib followed the protocol for patients MRD-positive before transplant, whereas "
     "the JSH 2023 position is based on the MRD after allo-HSCT.", {"ph_status": "positive"}),
    # a harm's grade is no recommendation grade
    ("Nelarabine is usually stopped for neurological adverse reactions of grade 2 or higher.", {"lineage": "T"}),
    # a value the rule gives for one of the groups the sentence leaves open
    ("A presenting WBC above 30x10^9/L is on the adverse side of the threshold.", {}),
    # whom a statement is for, with its age limit after the bound
    ("The CAR-T statement of JSH 2023 covers young patients, giving under 25 as the age limit.", {}),
])
def test_model_phrasings_of_heldout10_classes_pass(sentence: str, facts: dict) -> None:
    verdict = judge_sentence(sentence, default_rulebook(), PatientFacts(**facts))
    assert verdict.kind in ("agree", "unrelated"), verdict


@pytest.mark.parametrize(("sentence", "facts"), [
    ("Based on the E1910 trial, JSH 2023 recommends blinatumomab consolidation for MRD-negative adults.", {}),
    ("The CAR-T statement of JSH 2023 covers young patients, giving under 40 as the age limit.", {}),
    ("A presenting WBC above 50x10^9/L is the adverse threshold in adult ALL.", {}),
    ("A white count of more than 50,000/µL is where adult ALL turns high risk.", {}),
    ("Once the MRD test is negative, the leukaemia can be considered cured.", {}),
])
def test_the_same_shapes_with_the_error_are_still_flagged(sentence: str, facts: dict) -> None:
    verdict = judge_sentence(sentence, default_rulebook(), PatientFacts(**facts))
    assert verdict.kind in ("contradict", "unsupported"), verdict


def test_a_consequence_after_a_dash_is_its_own_claim() -> None:
    # "... each is used only when the blasts express its own target—so with CD19-negative blasts, blinatumomab is
    # not supported": the denial is its own claim, not the drug offered to the CD19-negative population
    s = ("Each antibody is used only when the blasts express its own target—so with CD19-negative blasts, "
         "blinatumomab is not supported, while inotuzumab for CD22-positive disease is recommended.")
    verdict = judge_sentence(s, default_rulebook(), PatientFacts(lineage="B", cd19=False, cd22=True, phase="relapsed"))
    assert verdict.kind != "contradict", verdict


def test_another_societys_guideline_named_before_guideline_is_its_voice() -> None:
    # "the JSHCT adult ALL guideline categorises ... as S": the JSHCT's category, no JSH grade (heldout10); "the
    # guideline cites the JSHCT registry analysis": the guideline comes first, JSH's voice
    jshct = read_claims("The JSHCT adult ALL guideline categorises allo-HSCT in CR1 for Ph+ ALL as S (standard).")
    cites = read_claims("The guideline cites the JSHCT registry analysis as the basis for its transplant advice.")
    assert "jsh" not in jshct[0].attribution and "jsh" in cites[0].attribution


# --- session 43: model phrasings of heldout11 classes (own paraphrases) ------------------------------------------


@pytest.mark.parametrize(("sentence", "facts"), [
    # a risk word naming a line, not a stance
    ("A post-induction MRD under 0.01% sits on the good side of the 0.01% high-risk cut-off.", {}),
    # a denial with the source named between the verb and the noun
    ("Upfront ponatinib is not a JSH 2023 recommendation; PhALLCON is trial data only.", {"ph_status": "positive"}),
    # a clause pointing at the case, beside a clause naming another lineage
    ("Nelarabine is not an option for her; it is a T-ALL drug.", {"lineage": "B", "phase": "relapsed"}),
    # the MRD named before, by a pronoun
    ("After the transplant, pre-emptive TKI is given when MRD is detected, and no prophylactic TKI when it is "
     "negative.", {"ph_status": "positive", "transplant": "done", "phase": "post_hsct"}),
    # a way to proceed for the fit, where no standard is established
    ("If he is fit enough for combination chemotherapy, its intensity is adapted to him.",
     {"ph_status": "negative", "age": 71, "age_band": "65+"}),
])
def test_model_phrasings_of_heldout11_classes_pass(sentence: str, facts: dict) -> None:
    verdict = judge_sentence(sentence, default_rulebook(), PatientFacts(**facts))
    assert verdict.kind in ("agree", "unrelated"), verdict


@pytest.mark.parametrize(("sentence", "facts"), [
    ("An MRD of 0.001% after induction is above the high-risk threshold, so it counts as high risk.", {}),
    ("Upfront ponatinib is a JSH 2023 recommendation for Ph-positive ALL.", {"ph_status": "positive"}),
    ("Nelarabine is the recommended option for her relapsed B-ALL.", {"lineage": "B", "phase": "relapsed"}),
    ("The JSH 2023 standard for Ph-negative ALL at 65 or older is hyper-CVAD for anyone fit enough.",
     {"ph_status": "negative", "age": 71, "age_band": "65+"}),
    # an antigen said in lay words ("a marker called CD22")
    ("Blinatumomab works by linking T cells to a protein called CD22 on the leukemia cells.", {}),
    # a drug named as the listed one for the other lineage
    ("After both antibodies fail, nelarabine is the JSH-listed salvage agent for relapsed B-ALL.",
     {"lineage": "B", "phase": "relapsed"}),
    # the line a source uses, given wrongly
    ("JSH 2023 calls MRD after induction essential, and the high-risk threshold it uses is 0.1%.", {}),
    # the other lineage added after "but also"
    ("JSH 2023 lists nelarabine for relapsed T-ALL but also for relapsed B-ALL.", {"lineage": "T", "phase": "relapsed"}),
    # a stopping rule the summary does not give
    ("JSH 2023 recommends giving the pre-emptive TKI until MRD is negative twice in a row.",
     {"ph_status": "positive", "transplant": "done", "phase": "post_hsct", "mrd_status": "positive",
      "mrd_timepoint": "post_hsct"}),
    # a trial's level taken as the guideline's definition
    ("JSH 2023 took the 0.1% MRD level as its definition of high relapse risk after induction.", {}),
    # a treatment put off until the disease is back
    ("The guideline's approach is to hold the TKI until there is haematological relapse.",
     {"ph_status": "positive", "transplant": "done", "phase": "post_hsct", "mrd_status": "positive",
      "mrd_timepoint": "post_hsct"}),
])
def test_the_same_heldout11_shapes_with_the_error_are_still_flagged(sentence: str, facts: dict) -> None:
    verdict = judge_sentence(sentence, default_rulebook(), PatientFacts(**facts))
    assert verdict.kind in ("contradict", "unsupported"), verdict


def test_no_cure_without_a_treatment_is_the_treatment_required() -> None:
    claims = read_claims("Without an allogeneic transplant, adult ALL cannot be cured.")
    assert any(c.stance == "required" and "allo_hsct" in c.interventions for c in claims), claims


def test_a_pronoun_names_the_one_treatment_of_the_sentence_before(by_section) -> None:
    """heldout11 w078: "... nelarabine ... JSH 2023 lists it for ALL of either lineage, also B-ALL" passed."""
    chunk = _chunk_with(by_section, "jsh2023-all/relapsed/t-all-nelarabine", "nelarabine")
    text = ("Neurotoxicity is the main harm of nelarabine[1]. JSH 2023 lists it for relapsed ALL of either lineage, "
            "mostly T-ALL but also B-ALL[1].")
    found = check("Nelarabine for relapsed T-ALL: what to watch?", PatientFacts(lineage="T", phase="relapsed"),
                  Draft(answer=text, citations=[cite(chunk, 1)]), [chunk])
    assert "RR-NELA-BALL-025" in {f.rule_id for f in found.findings}, found.findings


def test_a_treatment_held_until_a_change_is_not_for_those_with_it() -> None:
    verdict = judge_sentence("No prophylactic TKI is given; the TKI is held until MRD turns positive after the "
                             "transplant.", default_rulebook(),
                             PatientFacts(ph_status="positive", transplant="done", phase="post_hsct",
                                          mrd_status="negative", mrd_timepoint="post_hsct"))
    assert verdict.kind in ("agree", "unrelated"), verdict


@pytest.mark.parametrize(("section", "needle", "answer", "facts", "question"), [
    # each antibody with its own antigen, joined by "or" (own paraphrase of heldout11 c066)
    ("jsh2023-all/relapsed/b-all-antibodies", "Blinatumomab targets CD19",
     "Besides a newer TKI, blinatumomab for CD19-positive disease or inotuzumab for CD22-positive disease may "
     "apply[1].", {"ph_status": "positive", "lineage": "B", "phase": "relapsed", "cd19": True},
     "Relapsed Ph+ B-ALL after two TKIs: other options?"),
    # a trial's protocol feature set apart from the JSH position (heldout11 c013)
    ("jsh2023-all/ph-pos/post-hsct-tki", "prophylactic",
     "Ph+ALL213 gave prophylactic dasatinib after the transplant to patients MRD-positive before it, a protocol "
     "feature that differs from the JSH recommendation[1].",
     {"ph_status": "positive", "transplant": "done", "phase": "post_hsct", "mrd_status": "negative"},
     "Day +90 after allo-HSCT for Ph+ ALL, MRD negative: prophylactic dasatinib?"),
    # an opening that states its own claim, before a list (heldout11 c057)
    ("jsh2023-all/relapsed/b-all-antibodies", "Blinatumomab targets CD19",
     "With CD19 lost but CD22 still expressed, the antigen-matched option is inotuzumab ozogamicin[1]:\n"
     "- Blinatumomab needs CD19 on the blasts, so it no longer fits[1].",
     {"lineage": "B", "phase": "relapsed", "cd19": False, "cd22": True},
     "Relapsed B-ALL now CD19-negative, CD22-positive: what is left?"),
])
def test_correct_generated_answers_of_heldout11_classes_pass(by_section, section, needle, answer, facts,
                                                             question) -> None:
    chunk = _chunk_with(by_section, section, needle)
    result = check(question, PatientFacts(**facts), Draft(answer=answer, citations=[cite(chunk, 1)]), [chunk])
    assert not any(f.severity == "block" and not f.rule_id.startswith("CIT-") for f in result.findings), \
        result.findings


def test_each_lineage_with_its_own_count_is_no_contradiction() -> None:
    verdict = judge_sentence("Adverse factors include a WBC above 30x10^9/L in B-lineage or above 100x10^9/L in "
                             "T-lineage disease.", default_rulebook(), PatientFacts(lineage="B", age=45))
    assert verdict.kind in ("agree", "unrelated"), verdict


# --- session 44: model phrasings of heldout12 classes (own paraphrases) ------------------------------------------


@pytest.mark.parametrize(("sentence", "facts"), [
    # no position either way
    ("JSH 2023 recommends allo-HSCT in CR1 for eligible Ph+ adults, but the summary gives no donor type, so it "
     "neither endorses nor excludes a cord blood graft.", {"ph_status": "positive", "phase": "cr1"}),
    # another age band's patients on the pathway every age shares
    ("Patients with Ph-positive ALL aged 40-64 go down the TKI-based route.", {"ph_status": "positive"}),
    # a test named in the condition of a stance on a treatment
    ("Post-transplant TKI follows MRD in JSH 2023: it is recommended when MRD is detected, and prophylactic "
     "maintenance is not recommended when MRD is negative.",
     {"ph_status": "positive", "transplant": "done", "phase": "post_hsct"}),
    # a stop denied before its time, in the passive
    ("Without a transplant, JSH 2023 does not let TKI maintenance be stopped before five years.",
     {"ph_status": "positive", "transplant": "not_done"}),
    # a transplant turned down
    ("Having refused the transplant, he falls under the maintenance recommendation for the non-transplanted.",
     {"ph_status": "positive", "age": 70, "age_band": "65+", "transplant": "not_done"}),
])
def test_model_phrasings_of_heldout12_classes_pass(sentence: str, facts: dict) -> None:
    verdict = judge_sentence(sentence, default_rulebook(), PatientFacts(**facts))
    assert verdict.kind in ("agree", "unrelated"), verdict


@pytest.mark.parametrize(("sentence", "facts"), [
    ("Patients with Ph-positive ALL aged 40-64 get TKI plus corticosteroid induction under JSH 2023.",
     {"ph_status": "positive"}),
    ("JSH 2023 recommends a just-in-case TKI after the transplant even when MRD stays negative.",
     {"ph_status": "positive", "transplant": "done", "phase": "post_hsct"}),
    ("MRD testing after induction is not recommended by JSH 2023 when the patient is in remission.", {}),
    # leave to stop a treatment, said in the passive after it
    ("Once MRD is undetectable, JSH 2023 permits TKI maintenance to be discontinued early in patients who were not "
     "transplanted.", {"ph_status": "positive", "transplant": "not_done"}),
    # the guideline's algorithm by another name, said to cover children
    ("The same Ph-first algorithm also covers childhood ALL, so it applies to children too.", {}),
    # a ranking within the claim's own age band is still a ranking (not another age band's rule)
    ("Of the two add-ons, the guideline prefers maintenance chemotherapy and keeps RIC allo-HSCT for the fittest.",
     {"ph_status": "positive", "age": 72, "age_band": "65+", "phase": "cr1"}),
])
def test_the_same_heldout12_shapes_with_the_error_are_still_flagged(sentence: str, facts: dict) -> None:
    verdict = judge_sentence(sentence, default_rulebook(), PatientFacts(**facts))
    assert verdict.kind in ("contradict", "unsupported"), verdict


def test_a_bold_label_naming_a_treatment_is_the_lines_subject(by_section) -> None:
    """heldout12 c042: "**CAR-T:** not an option for T-ALL, as it is CD19-directed" read "it" as the nelarabine of the
    line before, once the label was stripped."""
    chunk = _chunk_with(by_section, "jsh2023-all/relapsed/t-all-nelarabine", "nelarabine")
    text = ("- **What JSH 2023 lists for relapsed T-ALL:** nelarabine[1].\n"
            "- **CAR-T:** not an option in T-ALL, because it is directed at CD19[1].")
    found = check("Relapsed T-ALL at 30: what is listed?", PatientFacts(lineage="T", phase="relapsed", age=30),
                  Draft(answer=text, citations=[cite(chunk, 1)]), [chunk])
    assert "RR-NELA-TALL-026" not in {f.rule_id for f in found.findings}, found.findings



# ------------------------------------------------------------------------------ session 50 (heldout13's classes)
# Paraphrases of the classes heldout13 showed, not its sentences.

_PH_NEG_AYA_CR1 = {"ph_status": "negative", "age": 23, "age_band": "aya", "phase": "cr1", "regimen": "pediatric"}


@pytest.mark.parametrize(("sentence", "facts"), [
    # a qualifier inside the negation ("does not necessarily mean")
    ("A negative MRD after induction does not necessarily mean the leukaemia is cured.",
     {"mrd_status": "negative", "mrd_timepoint": "after_induction"}),
    # a thing said not to exist, with a relative clause ("no cut-off below which ...")
    ("There is no MRD cut-off below which allo-HSCT in CR1 may be dropped.",
     {"ph_status": "positive", "age": 41, "age_band": "40-64", "phase": "cr1", "mrd_status": "negative"}),
    # a recommendation's reach denied
    ("The HD-MTX advice for ages 40 to 64 does not carry over to a 70-year-old.",
     {"ph_status": "negative", "age": 70, "age_band": "65+"}),
    # a treatment named as the history a choice must allow for
    ("Re-induction is chosen taking into account his earlier hyper-CVAD.",
     {"lineage": "T", "phase": "relapsed", "age": 30, "age_band": "aya"}),
    ("Any choice must allow for his prior imatinib and dasatinib, with the T315I mutation in mind.",
     {"ph_status": "positive", "phase": "relapsed", "prior_tkis": ["imatinib", "dasatinib"]}),
    # an antigen named for one drug of a list only
    ("JSH 2023 lists CAR-T for CD19-positive relapse after transplant, and it does not take the place of inotuzumab "
     "as an option.", {"lineage": "B", "phase": "relapsed", "transplant": "done", "age": 22, "age_band": "aya"}),
    # values said of children
    ("The Rome criteria call children aged 1 to 9 with a white count below 50×10^9/L standard risk.",
     {"lineage": "B", "age": 30, "age_band": "aya"}),
    # the pediatric-protocol rule's own exception: an MRD of 0.01% or more
    ("With MRD at 0.03% after induction, a transplant should be considered for her.",
     {**_PH_NEG_AYA_CR1, "mrd_status": "positive", "mrd_level_pct": 0.03}),
    # each treatment of a list with its own age group
    ("By age, Ph-negative ALL gets pediatric-type chemotherapy in AYA, an HD-MTX-containing regimen at 40 to 64 and "
     "individual treatment at 65 or older.", {}),
    # the older group named by a pointer
    ("For the older group, the summary says no standard therapy exists and lists combination chemotherapy or "
     "palliative steroids as options.", {"ph_status": "negative", "age": 64, "age_band": "40-64"}),
    # a group the patient has left
    ("At 45 she is no longer in the AYA group, so pediatric-type chemotherapy is not her recommendation.",
     {"ph_status": "negative", "age": 45, "age_band": "40-64", "phase": "newly_diagnosed"}),
])
def test_correct_sentences_of_these_shapes_are_not_contradicted(sentence, facts) -> None:
    v = judge_sentence(sentence, BOOK, PatientFacts(**facts))
    assert v.kind in ("agree", "unrelated"), v


@pytest.mark.parametrize(("sentence", "facts", "kinds"), [
    # a cure claim before its consequence
    ("Guideline-wise, an MRD under 0.01% after induction is regarded as meaning the disease is gone for good, so "
     "no transplant is required.", {"mrd_status": "negative", "mrd_timepoint": "after_induction"}, {"contradict"}),
    # a stop at the minimum, said as what happens
    ("Maintenance runs for 5 years, after which the TKI is discontinued as long as MRD stays negative.",
     {"ph_status": "positive", "transplant": "not_done"}, {"contradict"}),
    # a grade after "of"
    ("The guideline gives TKI maintenance without transplant a category of 2A.",
     {"ph_status": "positive", "transplant": "not_done"}, {"unsupported"}),
    # a recommendation stretched over both Ph statuses
    ("For patients aged 40 to 64 the guideline recommends HD-MTX-based therapy whatever their Ph status.",
     {"ph_status": "positive", "age": 55, "age_band": "40-64"}, {"unsupported", "contradict"}),
    # a recommendation for Ph-like ALL (Ph-negative by definition) no rule gives
    ("Per JSH 2023, Ph-like ALL with an ABL-class fusion should have a TKI added to its chemotherapy.", {},
     {"unsupported", "contradict"}),
    # the patient's age put in a group it is not in
    ("Aged 45, she still counts as AYA, so a pediatric-type regimen is recommended.",
     {"ph_status": "negative", "age": 45, "age_band": "40-64", "phase": "newly_diagnosed"},
     {"contradict", "unsupported"}),
    ("At 47 he still belongs to the AYA group, which is why pediatric-type chemotherapy is the recommendation.",
     {"ph_status": "negative", "age": 47, "age_band": "40-64", "phase": "newly_diagnosed"}, {"contradict"}),
])
def test_wrong_sentences_of_these_shapes_are_caught(sentence, facts, kinds) -> None:
    v = judge_sentence(sentence, BOOK, PatientFacts(**facts), question=f"{facts.get('age', '')} question")
    assert v.kind in kinds, v


def test_a_superscript_digit_beside_a_named_group_is_no_age() -> None:
    # ("²" is a digit to str.isdigit but no number to int(): the recorded answers' "×10⁹/L" and "m²")
    v = judge_sentence("In the AYA group a count above 30×10⁹/L and 3 g/m² of HD-MTX belong to the protocol.", BOOK,
                       PatientFacts(ph_status="negative", age=24, age_band="aya"), question="24 years old")
    assert v.kind in ("agree", "unrelated", "contradict", "unsupported")


def test_a_treatment_followed_by_only_is_given_alone() -> None:
    claim = read_claims("Dasatinib only cures it.")[0]
    assert claim.alone and "dasatinib" in claim.alone_of and claim.stance == "cured"
    restricted = read_claims("A TKI only for older adults is what the guideline says.")[0]
    assert not restricted.alone


@pytest.mark.parametrize(("sentence", "kind"), [
    # both lineages listed for the one treatment: the claim is about B-ALL too (heldout13 w032, own paraphrase)
    ("The guideline lists nelarabine for relapsed T-ALL as well as for refractory B-ALL without CD19 or CD22.",
     "contradict"),
    ("Nelarabine is listed in relapsed T-ALL and also in relapsed B-ALL.", "contradict"),
    # each lineage with its own treatment: no list
    ("Blinatumomab is for relapsed B-ALL and nelarabine for relapsed T-ALL.", "agree"),
    ("Nelarabine is used in relapsed T-ALL, not in B-ALL.", "agree"),
])
def test_both_lineages_listed_for_one_treatment_are_both_its_population(sentence: str, kind: str) -> None:
    verdict = judge_sentence(sentence, BOOK, PatientFacts(phase="relapsed"), question="Nelarabine: who is it for?")
    assert (verdict.kind == "contradict") == (kind == "contradict"), verdict


def test_this_at_a_sentences_start_is_the_statement_before_with_its_voice(by_section) -> None:
    """heldout13 w024: "JSH 2023 recommends pediatric-type chemotherapy for AYA. This applies whatever the Ph
    status" passed (own paraphrase)."""
    chunk = _chunk_with(by_section, "jsh2023-all/ph-neg/aya", "pediatric")
    q = "19-year-old, Ph-negative B-ALL: which regimen?"
    facts = PatientFacts(age=19, age_band="aya", ph_status="negative", lineage="B")
    wrong = ("JSH 2023 recommends a pediatric-type regimen for adolescents and young adults[1]. This "
             "recommendation holds for AYA patients regardless of the Ph status[1].")
    right = ("JSH 2023 recommends a pediatric-type regimen for adolescents and young adults[1]. This applies to "
             "AYA patients with Ph-negative ALL[1].")
    found = check(q, facts, Draft(answer=wrong, citations=[cite(chunk, 1)]), [chunk])
    # (unsupported for everyone, or the Ph-negative rule's position spread over both Ph statuses)
    assert {"CLAIM-UNSUPPORTED-051", "PHNEG-AYA-009"} & {f.rule_id for f in found.findings}, found.findings
    kept = check(q, facts, Draft(answer=right, citations=[cite(chunk, 1)]), [chunk])
    assert not {f.rule_id for f in kept.findings} & {"CLAIM-UNSUPPORTED-051", "PHNEG-AYA-009"}, kept.findings


@pytest.mark.parametrize(("sentence", "facts"), [
    # a denied equivalence states no position on the treatment (heldout14 c003, own paraphrase)
    ("Without a transplant, TKI maintenance for at least 5 years is what the guideline advises, not an equal option "
     "to allo-HSCT.", {"ph_status": "positive", "phase": "cr1"}),
    # whom a trial enrolled, and whether JSH cites it, are not JSH's age band (heldout14 c030)
    ("The trial supports the JSH 2023 HD-MTX recommendation for ages 40 to 64, though it enrolled patients aged 25 "
     "to 64 and whether the guideline cites it is unknown.", {"ph_status": "negative"}),
    # a treatment that a decision is about is not recommended by the clause (heldout14 c077)
    ("At 52 with Ph-negative ALL, JSH 2023 relies on MRD to steer later treatment, including whether and when to "
     "proceed to allo-HSCT.", {"ph_status": "negative", "age": 52, "age_band": "40-64"}),
    # whom a treatment is kept to says nothing of how strongly it is recommended (heldout14 c054)
    ("The JSH summary brings up CAR T-cell therapy only for young patients.", {"phase": "relapsed"}),
    # what a treatment's harms include is no position on it (heldout14 c036)
    ("Further asparaginase side effects to watch for include liver injury, pancreatitis and low fibrinogen.", {}),
])
def test_clauses_that_state_no_position_on_the_treatment_are_not_judged_as_one(sentence: str, facts: dict) -> None:
    verdict = judge_sentence(sentence, BOOK, PatientFacts(**facts))
    assert verdict.kind in ("agree", "unrelated"), verdict


@pytest.mark.parametrize("sentence", [
    "TKI maintenance and allo-HSCT are equivalent options in CR1.",
])
def test_an_equivalence_affirmed_is_still_judged(sentence: str) -> None:
    verdict = judge_sentence(sentence, BOOK, PatientFacts(ph_status="positive", phase="cr1", age=50, age_band="40-64"))
    assert verdict.kind == "contradict", verdict


@pytest.mark.parametrize(("sentence", "facts", "flagged"), [
    # a treatment named by its band, stretched to the patient (heldout15 w012, heldout14 w032; own paraphrase)
    ("The HD-MTX-containing regimen JSH 2023 recommends for ages 40 to 64 could be applied to her as well.",
     {"age": 71, "age_band": "65+", "ph_status": "negative"}, True),
    ("The HD-MTX-containing regimen JSH 2023 recommends for ages 40 to 64 applies to her.",
     {"age": 51, "age_band": "40-64", "ph_status": "negative"}, False),
    # an equivalence in other words, its treatment named by a member (heldout15 w003, own paraphrase)
    ("The summary treats 5 years of TKI maintenance as an equally appropriate alternative to the transplant, so she "
     "can simply stay on imatinib.", {"age": 50, "age_band": "40-64", "ph_status": "positive", "phase": "cr1"}, True),
])
def test_a_treatment_stretched_to_the_patient_or_called_equal_is_judged_for_the_patient(sentence, facts,
                                                                                       flagged) -> None:
    verdict = judge_sentence(sentence, BOOK, PatientFacts(**facts))
    assert (verdict.kind in ("contradict", "unsupported")) == flagged, verdict


def test_a_conjugate_said_to_carry_its_toxin_to_the_wrong_antigen_is_caught(by_section) -> None:
    """heldout15 w079 (own paraphrase): "inotuzumab ... carries its toxin to CD19-expressing blasts" names CD19 as
    inotuzumab's target (claims.yaml `targets`), so the sentence no longer reads as agreeing."""
    chunk = _chunk_with(by_section, "jsh2023-all/relapsed/b-all-antibodies", "CD22")
    text = "Inotuzumab ozogamicin carries its toxin to CD19-positive blasts, much like blinatumomab[1]."
    found = check("Inotuzumab and CD19?", PatientFacts(lineage="B", phase="relapsed"),
                  Draft(answer=text, citations=[cite(chunk, 1)]), [chunk])
    assert found.verdict != "pass", found.findings
    assert read_claims("Inotuzumab carries its toxin to CD22-positive blasts.")[0].targets == (
        ("inotuzumab", frozenset({"cd22"})),)


def test_a_pronoun_keeps_its_treatment_across_a_sentence_naming_none(by_section) -> None:
    """heldout17 w069 (own paraphrase): "That drug is nelarabine ... Its main harm ... It is also the usual fallback
    for relapsed B-ALL when the antibodies cannot be used": "it" is still nelarabine, and a fallback is an option."""
    chunk = _chunk_with(by_section, "jsh2023-all/relapsed/t-all-nelarabine", "nelarabine")
    text = ("The drug meant is nelarabine, for relapsed T-ALL[1]. Nerve damage is its main harm[1]. It is also the "
            "go-to choice for relapsed B-ALL if blinatumomab cannot be given[1].")
    found = check("And its side effects?", PatientFacts(phase="relapsed"),
                  Draft(answer=text, citations=[cite(chunk, 1)]), [chunk])
    assert "RR-NELA-BALL-025" in {f.rule_id for f in found.findings}, found.findings


@pytest.mark.parametrize(("sentence", "kind"), [
    # the option is the sentence's own claim; the trial is named only in the concession (heldout18 w009, own
    # paraphrase)
    ("Blinatumomab may be considered for relapsed T-ALL too, though the TOWER trial only enrolled B-ALL.",
     "contradict"),
    # the trial speaks in the whole sentence: its report, not the sentence's position
    ("In TOWER, blinatumomab was given to relapsed B-ALL patients.", "agree|unrelated"),
])
def test_a_trial_named_in_a_concession_does_not_voice_the_main_clause(sentence: str, kind: str) -> None:
    verdict = judge_sentence(sentence, BOOK, PatientFacts(lineage="T", phase="relapsed"))
    assert verdict.kind in kind.split("|"), verdict


@pytest.mark.parametrize(("sentence", "kind"), [
    # the value given before the colon, and "that level" after it (heldout18 w025, own paraphrase)
    ("The answer is 0.1%: MRD at or above that threshold after induction means high relapse risk in JSH 2023.",
     "contradict"),
    ("The answer is 0.01%: MRD at or above that threshold after induction means high relapse risk in JSH 2023.",
     "agree"),
])
def test_a_word_for_the_value_before_reads_as_that_value(sentence: str, kind: str) -> None:
    verdict = judge_sentence(sentence, BOOK, PatientFacts())
    assert verdict.kind == kind, verdict


@pytest.mark.parametrize(("sentence", "kind"), [
    # the age a pathway is applied from, before a colon listing the pathway (heldout18 w028, own paraphrase)
    ("She falls under the older-patient approach, which JSH 2023 applies from age 60: a TKI with a corticosteroid "
     "for induction.", "contradict"),
    ("She falls under the older-patient approach, which JSH 2023 applies from age 65: a TKI with a corticosteroid "
     "for induction.", "agree"),
])
def test_a_list_after_a_colon_takes_the_values_of_the_clause_before(sentence: str, kind: str) -> None:
    verdict = judge_sentence(sentence, BOOK, PatientFacts(ph_status="positive", phase="newly_diagnosed"))
    assert verdict.kind == kind, verdict


@pytest.mark.parametrize(("sentence", "kind"), [
    # a denial for every case where the guideline keeps exceptions (heldout18 w053, own paraphrase)
    ("After a pediatric-type protocol, JSH 2023 rules out allo-HSCT in CR1 regardless of risk factors.", "contradict"),
    ("After a pediatric-type protocol, JSH 2023 does not make allo-HSCT in CR1 the default; unfavourable factors can "
     "change that.", "agree"),
])
def test_a_denial_for_every_case_contradicts_a_rule_with_exceptions(sentence: str, kind: str) -> None:
    verdict = judge_sentence(sentence, BOOK, PatientFacts(ph_status="negative", phase="cr1", age=30, age_band="aya"))
    assert verdict.kind == kind, verdict


def test_an_opening_it_after_the_guidelines_voice_is_the_guideline(by_section) -> None:
    """heldout18 w004 (own paraphrase): "... JSH 2023 says no standard has been established. It favours multi-agent
    chemotherapy ..." puts a ranking in the guideline's mouth, as "The guideline favours ..." does."""
    chunk = _chunk_with(by_section, "jsh2023-all/ph-neg/older", "standard")
    text = ("For Ph-negative ALL at 65 or older, JSH 2023 says no standard treatment has been established[1]. It "
            "prefers multi-agent chemotherapy for fit patients and keeps steroids alone for the rest[1].")
    found = check("Ph-negative ALL at 72: what now?", PatientFacts(age=72, age_band="65+", ph_status="negative"),
                  Draft(answer=text, citations=[cite(chunk, 1)]), [chunk])
    assert found.verdict != "pass", found.findings


@pytest.mark.parametrize(("sentence", "kind"), [
    # a rule for either lineage kept to one (heldout18 w008, own paraphrase)
    ("JSH 2023 keeps pediatric-type chemotherapy for B-ALL in young adults.", "contradict"),
    ("JSH 2023 recommends pediatric-type chemotherapy only for AYA patients with Ph-negative ALL.", "agree"),
    # a group sent down a treatment path from the outset (heldout18 w008, own paraphrase)
    ("Under JSH 2023, T-ALL is channelled to nelarabine from the outset.", "unsupported"),
])
def test_a_lineage_kept_or_routed_is_judged(sentence: str, kind: str) -> None:
    verdict = judge_sentence(sentence, BOOK, PatientFacts(age=29, age_band="aya", ph_status="negative"))
    assert verdict.kind == kind, verdict


@pytest.mark.parametrize("sentence", [
    # a test done before a treatment: the requirement is the test's (heldout18 c017, own paraphrase)
    "CD19 on the leukemia cells has to be checked again before CAR-T.",
    # the summary's own limit, beside the label's in the next clause (heldout18 c062, own paraphrase)
    "The summary's CAR-T option is for patients under 25, while the label limit is 25 or younger at infusion.",
])
def test_correct_sentences_about_car_t_limits_and_tests_pass(sentence: str) -> None:
    verdict = judge_sentence(sentence, BOOK, PatientFacts(age=24, lineage="B", phase="relapsed", cd19=True,
                                                          transplant="done"))
    assert verdict.kind in ("agree", "unrelated"), verdict


@pytest.mark.parametrize(("sentence", "kind"), [
    # a treatment said to be used "whether" for one lineage or the other: into the one it is not for (heldout18 w048,
    # own paraphrases)
    ("CRS management stays the same whether tisagenlecleucel is used in B-ALL or in T-ALL.", "contradict"),
    ("Blinatumomab is used for relapsed ALL whether B-lineage or T-lineage.", "contradict"),
    ("JSH 2023 recommends pediatric-type chemotherapy for AYA whether B-lineage or T-lineage.", "agree"),
    # a real question about it stays a question
    ("It is unclear whether tisagenlecleucel is used for relapsed T-ALL.", "unrelated"),
])
def test_a_treatment_spread_over_both_lineages_is_judged_for_the_one_it_is_not_for(sentence: str, kind: str) -> None:
    verdict = judge_sentence(sentence, BOOK, PatientFacts(age=22, age_band="aya", ph_status="negative"))
    assert verdict.kind == kind, verdict


@pytest.mark.parametrize(("sentence", "kind"), [
    # a rating scale named by its poles or its maker, given to the 2023 edition (heldout18 w038, own paraphrase)
    ("The 2023 edition rates every ALL question with Minds-style strong/weak ratings.", "unsupported"),
    # ... or asked about: no grade given (heldout9 c088)
    ("Whether the 2023 edition moved to Minds-style ratings is unknown.", "unrelated"),
])
def test_a_rating_scale_given_to_the_2023_edition_is_an_invented_grade(sentence: str, kind: str) -> None:
    verdict = judge_sentence(sentence, BOOK, PatientFacts())
    assert verdict.kind == kind, verdict


@pytest.mark.parametrize(("sentence", "kind"), [
    # a trial's own protocol put forward in JSH's voice (heldout19 w079, heldout3 w013; own paraphrases)
    ("JSH 2023 endorses the CALGB 10403 regimen as the protocol for young adults.", "unsupported"),
    ("The guideline lists the JALSG ALL202-U protocol as its pediatric-type regimen.", "unsupported"),
    # ... set apart from the recommendation, or given as evidence
    ("The JALSG Ph+ALL213 protocol's post-transplant dasatinib is not the JSH 2023 recommendation.", "unrelated"),
    ("JSH 2023 recommends pediatric-type chemotherapy for AYA; the CALGB 10403 regimen is evidence for it.", "agree"),
])
def test_a_trials_protocol_in_jshs_voice_is_a_trial_as_recommendation(sentence: str, kind: str) -> None:
    verdict = judge_sentence(sentence, BOOK, PatientFacts(age=30, age_band="aya", ph_status="negative"))
    assert verdict.kind == kind, verdict


@pytest.mark.parametrize(("sentence", "kind"), [
    # a ranking whose lost antigen is only the case the other drug is kept for (heldout19 w075, own paraphrase)
    ("With both markers present JSH 2023 favours blinatumomab, keeping inotuzumab for CD19-negative relapse.",
     "contradict"),
    ("Once CD19 is lost, inotuzumab is the one that still fits.", "agree"),
])
def test_a_ranking_is_not_excused_by_the_case_the_other_drug_is_kept_for(sentence: str, kind: str) -> None:
    verdict = judge_sentence(sentence, BOOK, PatientFacts(lineage="B", phase="relapsed"))
    assert verdict.kind == kind, verdict


def test_a_bold_label_naming_a_group_is_the_group_of_its_line(by_section) -> None:
    """heldout19 c038 (own paraphrase): "**B-lineage:** above 30×10^9/L is adverse; **T-lineage:** above 100" lost
    its first group with its bold label and read 30 as T-lineage's."""
    chunk = _chunk_with(by_section, "jsh2023-all/overview/diagnosis-risk", "100×10^9/L")
    text = "**B-lineage:** a count above 30×10^9/L is adverse; **T-lineage:** above 100×10^9/L[1]."
    found = check("Which white counts are adverse by lineage?", PatientFacts(),
                  Draft(answer=text, citations=[cite(chunk, 1)]), [chunk])
    assert found.verdict == "pass", found.findings


@pytest.mark.parametrize(("sentence", "facts"), [
    # a reason after its main clause is its own claim (heldout19 c013, own paraphrase)
    ("Nelarabine does not fit this relapse, since the summary names it for T-ALL.",
     {"lineage": "B", "phase": "relapsed"}),
    # a relative clause about the group named before (heldout19 c028, own paraphrase)
    ("Nor is it the JSH recommendation at 65 or older, for whom the summary names a TKI with a corticosteroid.",
     {"ph_status": "positive"}),
    # who can take a treatment, and harms foreseen, are no stance on it (heldout19 c041, c077; own paraphrases)
    ("For those fit enough for multi-agent chemotherapy, the intensity is tailored, with no regimen specified.",
     {"ph_status": "negative", "age": 70, "age_band": "65+"}),
    ("The regimen uses a lot of asparaginase, so asparaginase side effects are expected.",
     {"ph_status": "negative", "age": 30, "age_band": "aya"}),
    # a denied showing asserts nothing (heldout19 c080, own paraphrase)
    ("That analysis does not mean that JSH 2023 recommends ponatinib first-line.", {"ph_status": "positive"}),
    # a use said to be missing, with the trial it was tested in (heldout19 c030, own paraphrase)
    ("Blinatumomab in MRD-negative consolidation, as in E1910, is not listed in the JSH 2023 summary.", {}),
    # the TKI of the transplant's aftermath named by its own names (heldout19 c062, own paraphrase)
    ("That advice is a pre-emptive TKI once MRD appears and no prophylactic TKI while MRD is negative.",
     {"ph_status": "positive"}),
    # a patient leaving a recommendation's group (heldout19 c063, own paraphrase)
    ("At 70 he moves out of the HD-MTX recommendation for ages 40 to 64.", {"ph_status": "negative"}),
])
def test_session53_correct_sentences_of_heldout19_classes_pass(sentence: str, facts: dict) -> None:
    verdict = judge_sentence(sentence, BOOK, PatientFacts(**facts))
    assert verdict.kind in ("agree", "unrelated"), verdict


@pytest.mark.parametrize(("sentence", "facts", "kind"), [
    # a transplant put off for another treatment (heldout19 w003, own paraphrase)
    ("With MRD gone, JSH 2023 lets allo-HSCT in CR1 be postponed in favour of TKI maintenance.",
     {"ph_status": "positive", "phase": "cr1", "age": 50, "age_band": "40-64"}, "contradict"),
    # a relapse use and a first-line use claimed together (heldout19 w027, own paraphrase)
    ("JSH 2023 lists blinatumomab for CD19-positive B-ALL at relapse as well as first-line in induction.",
     {"lineage": "B"}, "unsupported"),
    ("JSH 2023 lists blinatumomab for relapsed CD19-positive B-ALL, not for first-line induction.",
     {"lineage": "B"}, "agree"),
])
def test_a_transplant_put_off_or_a_first_line_use_beside_relapse_is_judged(sentence, facts, kind) -> None:
    verdict = judge_sentence(sentence, BOOK, PatientFacts(**facts))
    assert verdict.kind == kind, verdict


@pytest.mark.parametrize(("sentence", "kind"), [
    # a first-line use against a source sentence of a relapse section that names no setting (heldout20 w073, own
    # paraphrase): the section's setting holds
    ("JSH 2023 recommends nelarabine in frontline induction for T-ALL.", "unsupported"),
    ("The guideline lists nelarabine for newly diagnosed T-ALL alongside its relapse use.", "unsupported"),
    ("JSH 2023 lists nelarabine as an option for relapsed T-ALL.", "agree"),
])
def test_a_relapse_sections_source_supports_no_first_line_use(by_section, sentence: str, kind: str) -> None:
    src = _chunk_with(by_section, "jsh2023-all/relapsed/b-all-antibodies", "for which nelarabine is listed")
    verdict = judge_sentence(sentence, BOOK, PatientFacts(lineage="T"), retrieved=[src])
    assert verdict.kind == kind, verdict


@pytest.mark.parametrize(("sentence", "facts", "kind"), [
    # an order of two treatments put in JSH's mouth with "first" and "keep" (heldout20 w064, own paraphrase)
    ("Where both antigens are present, JSH 2023 tells us to give inotuzumab first and keep blinatumomab for its "
     "failures.", {"lineage": "B", "phase": "relapsed"}, "contradict"),
    # a group named as one the claim goes past: either lineage (heldout20 w030, own paraphrase)
    ("This goes beyond T-ALL, since the guideline also lists nelarabine for relapsed B-ALL.", {}, "contradict"),
    ("Nelarabine is not only for T-ALL: JSH 2023 lists it for B-ALL relapse too.", {}, "contradict"),
    # a regimen named with a hyphen (heldout20 w002, own paraphrase)
    ("For her, JSH 2023 recommends TKI plus intensive-chemotherapy induction as given to younger adults.",
     {"ph_status": "positive", "age": 72, "age_band": "65+"}, "unsupported"),
    ("JSH 2023 recommends a children's-style chemotherapy for AYA with Ph-negative ALL.",
     {"ph_status": "negative", "age": 22, "age_band": "aya"}, "agree"),
])
def test_session54_classes_of_heldout20_are_judged(sentence: str, facts: dict, kind: str) -> None:
    verdict = judge_sentence(sentence, BOOK, PatientFacts(**facts))
    assert verdict.kind == kind, verdict


def test_cns_prophylaxis_said_to_lapse_with_a_result_is_removed(by_section) -> None:
    """heldout10 w038 (own paraphrase): CNS prophylaxis said to be no longer needed after a negative MRD."""
    chunk = _chunk_with(by_section, "jsh2023-all/cns-prophylaxis", "intrathecal")
    bad = "After a negative MRD result, CNS prophylaxis is no longer needed."
    result = check("MRD negative now, what next?", PatientFacts(phase="cr1"), Draft(
        answer=f"- {bad}[1]", citations=[cite(chunk, 1)]), [chunk])
    assert any(f.rule_id == "CNS-PROPH-017" for f in result.findings)


@pytest.mark.parametrize(("sentence", "facts", "kind"), [
    # radiation named without its site, beside the brain: cranial irradiation, put ahead of the systemic route
    # (heldout21 w083, own paraphrase)
    ("For high-risk patients the guideline favours radiation over high-dose chemotherapy, as it guards the brain "
     "better.", {"age": 50, "age_band": "40-64"}, "unsupported"),
    ("For high-risk patients the guideline accepts radiation to the brain as an option.", {}, "agree"),
    # a value given another group's as well ("the same period it gives for ...", heldout21 w069, own paraphrase)
    ("JSH 2023 sets Ph-negative maintenance chemotherapy at 5 years or more, the same period it gives for TKI "
     "maintenance in Ph-positive ALL.", {"ph_status": "negative"}, "contradict"),
    # a status denied, not the treatment's use (heldout21 c058, own paraphrase)
    ("This trial supports the JSH 2023 recommendation of blinatumomab for relapsed CD19-positive B-ALL, not a "
     "recommendation in itself.", {}, "agree"),
    # where the doses come from is no stance on the treatment (heldout21 c082, own paraphrase)
    ("The summary names no TKI and gives no doses, so dosing must come from the protocol and the package insert.",
     {"ph_status": "positive", "age": 70, "age_band": "65+"}, "agree"),
    ("Missing from the summary: CQ numbers and recommendation grades.", {}, "unrelated"),
    ("JSH 2023 rates allo-HSCT in CR1 as a category 2A recommendation.", {}, "unsupported"),
    # a grade given by its verb, two values joined by a slash (heldout22 w071, own paraphrase)
    ("Under JSH 2023, allo-HSCT in CR1 for standard-risk Ph-positive ALL is classed S/CO.", {}, "unsupported"),
])
def test_session54_classes_of_heldout21_are_judged(sentence: str, facts: dict, kind: str) -> None:
    verdict = judge_sentence(sentence, BOOK, PatientFacts(**facts))
    assert verdict.kind == kind if kind != "agree" else verdict.kind in ("agree", "unrelated"), verdict


def test_an_earlier_editions_categories_are_no_jsh_2023_grade() -> None:
    """heldout21 c047 (own paraphrase): the 2018 edition's categories, cited to the source that gives them."""
    source = ("As history only, the 2018 edition and its 2020 supplement attached recommendation categories 1, 2A, "
              "2B and 3 to each clinical question.")  # (the corpus's own sentence, c03)
    said = "Historically, the 2018 edition gave its clinical questions recommendation categories 1, 2A, 2B and 3."
    assert judge_sentence(said, BOOK, PatientFacts(), cited_text=source).kind in ("agree", "unrelated")
    claimed = "JSH 2023 kept recommendation categories 1, 2A, 2B and 3 for its clinical questions."
    assert judge_sentence(claimed, BOOK, PatientFacts(), cited_text=source).kind == "unsupported"


@pytest.mark.parametrize(("sentence", "facts", "kind"), [
    # a duration carried to patients after a transplant, whose TKI is MRD-guided (heldout22 w006, own paraphrase)
    ("People who do have a transplant keep taking the TKI for 5 years afterwards too.",
     {"ph_status": "positive", "transplant": "ineligible"}, "contradict"),
    ("Without a transplant she stays on the TKI for at least 5 years.",
     {"ph_status": "positive", "transplant": "ineligible"}, "agree"),
    # the patient's age placed in another band by "would place" (heldout22 w067, own paraphrase)
    ("At 64 and a half, the guideline would place him with the 65-or-older group.",
     {"ph_status": "negative", "age": 64, "age_band": "40-64"}, "contradict"),
    # a preference between MRD methods put in JSH's mouth (heldout22 w069, own paraphrase)
    ("The guideline prefers IG/TR gene rearrangement PCR to flow cytometry for MRD.", {}, "contradict"),
    ("Many centres prefer flow cytometry over PCR, which is practice rather than a JSH statement.", {}, "agree"),
    # an aside between commas is no clause break (heldout22 w075, own paraphrase)
    ("Blinatumomab is, however, recommended in CR1 for CD19-positive B-ALL when MRD persists after induction.",
     {"lineage": "B"}, "unsupported"),
    # a convention's values printed in a journal, not JSH's (heldout22 c010, own paraphrase)
    ("AYA conventionally means 15 to 39 in Japan, a convention from a hematology journal that fits the guideline's "
     "40-to-64 band.", {"ph_status": "negative", "age": 38, "age_band": "aya"}, "agree"),
])
def test_session55_frames(sentence: str, facts: dict, kind: str) -> None:
    v = judge_sentence(sentence, BOOK, PatientFacts(**facts))
    assert v.kind == kind or (kind == "agree" and v.kind == "unrelated"), v


@pytest.mark.parametrize(("sentence", "facts", "kind"), [
    # the engager's arms named with the wrong antigen (heldout23 w051, own paraphrase)
    ("Blinatumomab connects CD3 on T cells to CD22 on the blasts.", {"lineage": "B", "phase": "relapsed"},
     "contradict"),
    ("Blinatumomab connects CD3 on T cells to CD19 on the blasts.", {"lineage": "B", "phase": "relapsed"}, "agree"),
    # a duration written as a word, carried to transplanted patients (own paraphrase)
    ("After a transplant, patients stay on the TKI for five years.", {"ph_status": "positive", "transplant": "done"},
     "contradict"),
])
def test_session55_later_frames(sentence: str, facts: dict, kind: str) -> None:
    v = judge_sentence(sentence, BOOK, PatientFacts(**facts))
    assert v.kind == kind, v


def test_session55_readings_of_clauses_and_targets() -> None:
    """heldout23 c035, c037 (own paraphrases): a person subject opens a clause of its own; an antigen after another
    drug is not the first drug's target."""
    pump = read_claims("Blinatumomab runs from a portable pump, and patients should not change its settings.")
    assert not any(c.polarity < 0 and "blinatumomab" in c.interventions for c in pump), pump
    rank = read_claims("The summary does not rank blinatumomab against inotuzumab when both CD19 and CD22 are present.")
    assert not any(c.targets for c in rank), rank
    assert read_claims("Inotuzumab, which targets CD19, is used.")[0].targets == (("inotuzumab", frozenset({"cd19"})),)


@pytest.mark.parametrize(("sentence", "facts", "kinds"), [
    # a post-transplant denial is no claim about induction at 65 or older (heldout23 c003, own paraphrase)
    ("No: after allo-HSCT, with MRD negative, JSH 2023 does not recommend a prophylactic TKI.",
     {"ph_status": "positive", "transplant": "done", "mrd_status": "negative", "phase": "post_hsct"},
     ("agree", "unrelated")),
])
def test_session55_later_agreements(sentence: str, facts: dict, kinds: tuple) -> None:
    assert judge_sentence(sentence, BOOK, PatientFacts(**facts)).kind in kinds


def test_another_schemes_category_its_source_gives_is_supported() -> None:
    """heldout23 c053 (own paraphrase): "in the JSHCT scheme ... is rated GNR or CO", cited to the JSHCT note."""
    source = "In the JSHCT guideline, allo-HSCT for Ph-negative ALL in CR1 with standard risk is categorised GNR or CO."
    v = judge_sentence("In the JSHCT scheme, standard-risk CR1 is rated GNR or CO.", BOOK, PatientFacts(),
                       cited_text=source)
    assert v.kind in ("agree", "unrelated"), v


# ------------------------------------------------ session 56: heldout24's classes (own paraphrases of each class)

@pytest.mark.parametrize(("sentence", "facts"), [
    # a clause about what is known of a treatment takes no treatment from the clause before
    ("JSH 2023 recommends a TKI with chemotherapy for Ph-positive ALL, and no doses are given, so dosing has to "
     "come from the protocol.", {"ph_status": "positive", "phase": "newly_diagnosed", "age": 50, "age_band": "40-64"}),
    # under the line is not high risk
    ("An MRD under 0.01% after induction falls below the high-risk threshold.", {}),
    # a treatment set aside a few words after "rather than"
    ("Her fitness feeds into that decision rather than being a reason for mandatory transplant.",
     {"ph_status": "positive", "age": 68, "age_band": "65+"}),
    # a denial between commas is an aside: the recommendation after it stands
    ("INO-VATE is evidence for, not part of, the JSH 2023 recommendation of inotuzumab for relapsed CD22-positive "
     "B-ALL.", {"phase": "relapsed"}),
    # an age within the limit
    ("CAR-T is an option for him at 22.", {"phase": "relapsed", "cd19": True, "lineage": "B"}),
    # a treatment named in apposition to what the patient already received, and one after "after two or more"
    ("Salvage should take account of what she has already received, here blinatumomab.", {"phase": "relapsed"}),
    ("She must also meet a label condition, such as no remission after two or more chemotherapy regimens.",
     {"phase": "relapsed"}),
    # the asker's CQ number repeated where the corpus says it holds none
    ("This assistant holds no CQ numbers or grades, so 'CQ7' cannot be matched to a grade.", {}),
    # a patient's level beside a trial's entry level given with its bracketed equivalent
    ("Her 0.3% sits above that trial's 10^-3 (0.1%) entry level.", {}),
    # a denial in Japan for an age the label does not allow
    ("Being 26, she no longer qualifies for CAR-T in Japan.",
     {"age": 26, "phase": "relapsed", "cd19": True, "lineage": "B"}),
])
def test_session56_correct_sentences_pass(sentence: str, facts: dict) -> None:
    v = judge_sentence(sentence, BOOK, PatientFacts(**facts))
    assert v.kind in ("agree", "unrelated"), v


@pytest.mark.parametrize(("sentence", "facts", "rule_id"), [
    # an age the sentence states beyond the assert's age limit
    ("Under JSH 2023, CAR-T is an option for a 38-year-old with relapsed CD19-positive B-ALL.",
     {"phase": "relapsed", "cd19": True, "lineage": "B"}, "RR-CART-028"),
    # a course the guideline is said to expect is required
    ("After remission the guideline expects a reduced-intensity transplant to follow.",
     {"ph_status": "positive", "age": 70, "age_band": "65+"}, "PHPOS-OLDERPOST-005"),
    # a capitalised opening no longer shifts where the stance words are cut out ("be" of "below")
    ("For Ph-positive ALL, the summary lets allo-HSCT be skipped once MRD is below 0.01% after induction.",
     {"phase": "cr1"}, "MRD-NOOMIT-069"),
    # a denial in Japan for an age the Japanese label allows (25 or younger at infusion)
    ("Being 25, she no longer qualifies for CAR-T in Japan.",
     {"age": 25, "phase": "relapsed", "cd19": True, "lineage": "B"}, "RR-CART-028"),
    # "it" is the treatment left out when another is said to take its place
    ("Ph-positive patients in CR1 go to allo-HSCT, but the guideline allows it to be omitted once MRD is below "
     "0.01%, with TKI maintenance taking its place.", {}, "MRD-NOOMIT-069"),
])
def test_session56_wrong_sentences_are_flagged(sentence: str, facts: dict, rule_id: str) -> None:
    v = judge_sentence(sentence, BOOK, PatientFacts(**facts))
    assert v.kind == "contradict" and v.rule_id == rule_id, v


def test_the_askers_cq_number_beside_the_corpus_saying_it_holds_none_stands() -> None:
    """The tiers check removes a CQ number; not one the corpus says it cannot match (heldout24 c022's class)."""
    from assistant.rules.tiers import check_tiers

    said = "This assistant holds no CQ numbers or grades, so 'CQ7' cannot be matched to a grade.[1]"
    stated = "The grade for CQ7 in JSH 2023 is 1A.[1]"
    q = "Which grade does CQ7 of the JSH 2023 ALL chapter give?"
    assert not check_tiers(q, PatientFacts(), Draft(answer=said), [])
    assert [i.finding.rule_id for i in check_tiers(q, PatientFacts(), Draft(answer=stated), [])] == ["TIER-CQ-002"]


# ---------------------------------------------------------------------------------------------- session 57

_RELAPSED_30 = {"age": 30, "age_band": "aya", "phase": "relapsed", "cd19": True, "lineage": "B",
                "transplant": "done"}


@pytest.mark.parametrize("sentence", [
    # the position given to the patient asked about, whose age is beyond the limit (own paraphrases of the class)
    "CAR-T is one of the options open to her now.",
    "She is eligible for tisagenlecleucel.",
    "For this patient, CAR T-cell therapy is an option.",
    "Yes, because the guideline lists CAR-T for CD19-positive relapse after a transplant.",
    "**CAR-T:** Yes, the summary lists it for CD19-positive B-ALL relapsing after allo-HSCT.",
])
def test_a_position_given_to_a_patient_beyond_its_age_limit_contradicts(sentence: str) -> None:
    v = judge_sentence(sentence, BOOK, PatientFacts(**_RELAPSED_30))
    assert v.kind == "contradict" and v.rule_id == "RR-CART-028" and "not at 30" in v.why, v


@pytest.mark.parametrize("sentence", [
    # the general position, restated without pointing at her
    "JSH 2023 lists CAR T-cell therapy for young patients with CD19-positive B-ALL that relapses after allo-HSCT.",
    # her age kept outside it
    "CAR-T is listed for young patients only, so at 30 she is outside it.",
    # a conditional
    "If she were under 25, CAR-T would be an option for her.",
    # another treatment with no age limit
    "Blinatumomab is an option for her.",
])
def test_a_position_not_given_to_the_patient_or_within_its_limit_stands(sentence: str) -> None:
    v = judge_sentence(sentence, BOOK, PatientFacts(**_RELAPSED_30))
    assert v.kind in ("agree", "unrelated"), v


def test_the_same_position_given_to_a_patient_within_the_limit_agrees() -> None:
    v = judge_sentence("CAR-T is one of the options open to her now.", BOOK,
                       PatientFacts(**{**_RELAPSED_30, "age": 22}))
    assert v.kind == "agree", v


@pytest.mark.parametrize("sentence", [
    "JSH 2023 recommends entecavir prophylaxis for HBsAg-positive adults before chemotherapy starts.",
    "The guideline asks for G-CSF after each consolidation course.",
    "Per JSH 2023, allopurinol or rasburicase is required during induction to prevent tumour lysis.",
])
def test_a_supportive_care_measure_put_in_jshs_mouth_contradicts_the_corpus_holding_none(sentence: str) -> None:
    v = judge_sentence(sentence, BOOK, PatientFacts())
    assert v.kind == "contradict" and v.rule_id == "SUPPORT-NONE-040", v


@pytest.mark.parametrize("sentence", [
    "Entecavir is commonly given to HBsAg-positive patients, but the JSH 2023 summary says nothing on it.",
    "Antifungal prophylaxis follows institutional protocols; no JSH 2023 statement covers it.",
])
def test_a_supportive_care_measure_said_to_be_outside_the_summary_agrees(sentence: str) -> None:
    v = judge_sentence(sentence, BOOK, PatientFacts())
    assert v.kind in ("agree", "unrelated"), v


@pytest.mark.parametrize(("sentence", "kind"), [
    # a level put below a named line is judged by the level's side of the threshold (own paraphrases)
    ("An MRD result of 1 x 10^-4 lies just under the guideline's high-risk threshold of 0.01%.", "contradict"),
    ("At one in ten thousand, her MRD is below the JSH 2023 high-risk cut-off.", "contradict"),
    ("His 0.004% MRD sits just below the JSH 2023 high-risk threshold of 0.01%.", "agree"),
    ("Her MRD of 0.002% is below the high-risk threshold.", "agree"),
])
def test_a_level_put_below_the_high_risk_line_is_judged_by_its_value(sentence: str, kind: str) -> None:
    v = judge_sentence(sentence, BOOK, PatientFacts())
    assert v.kind == kind and (kind == "agree" or v.rule_id == "MRD-THRESHOLD-015"), v


@pytest.mark.parametrize(("sentence", "facts", "rule_id"), [
    # "usable", "available for": a treatment open to a group (own paraphrases)
    ("Even after CD19 is lost, blinatumomab stays usable because it engages CD3 on T cells.",
     {"phase": "relapsed", "cd19": False, "lineage": "B"}, "RR-CD19NEG-023"),
    ("CAR-T cells are also available for young adults with relapsed T-ALL.", {"phase": "relapsed"}, "RR-CART-028"),
])
def test_a_treatment_said_usable_or_available_for_a_group_it_is_not_for_contradicts(
        sentence: str, facts: dict, rule_id: str) -> None:
    v = judge_sentence(sentence, BOOK, PatientFacts(**facts))
    assert v.kind == "contradict" and v.rule_id == rule_id, v


def test_a_fact_only_a_condition_clause_gives_is_not_the_whole_sentences() -> None:
    """heldout25 w006's class (own paraphrase): the MRD-positive of "if BCR::ABL1 reappears" belongs to that clause;
    the clause before it, given to an MRD-negative patient, is judged for MRD-negative."""
    facts = PatientFacts(ph_status="positive", phase="post_hsct", transplant="done", mrd_status="negative")
    v = judge_sentence("After the transplant JSH 2023 favours ongoing TKI maintenance, and if BCR::ABL1 reappears the "
                       "TKI simply continues as pre-emptive therapy.", BOOK, facts)
    assert v.kind == "contradict" and v.rule_id == "PHPOS-POSTHSCT-MRDNEG-006", v


@pytest.mark.parametrize(("text", "rule_id"), [
    # a duration with no treatment after a sentence giving one treatment's position: that treatment's duration
    # (heldout25 w010's class, own paraphrase)
    ("JSH 2023 recommends TKI maintenance when no allo-HSCT is done in CR1[1]. The recommended minimum is 2 years, "
     "after which the team may individualise the duration[1].", "PHPOS-MAINT-008"),
    # a bound named anywhere in the clause ("the minimum ... is 2 years")
    ("Without a transplant in CR1, the recommended minimum for TKI maintenance is 2 years[1].", "PHPOS-MAINT-008"),
])
def test_a_duration_stated_apart_from_its_treatment_is_judged(by_section, text: str, rule_id: str) -> None:
    chunk = _chunk_with(by_section, "jsh2023-all/ph-pos/tki-maintenance", "5 years")
    q = "Ph+ ALL in CR1, no transplant: can the TKI be stopped after 2 years?"
    found = check(q, PatientFacts(ph_status="positive", phase="cr1", transplant="not_done"),
                  Draft(answer=text, citations=[cite(chunk, 1)]), [chunk])
    assert rule_id in {f.rule_id for f in found.findings}, found.findings


def test_the_right_minimum_stated_apart_from_its_treatment_stands(by_section) -> None:
    chunk = _chunk_with(by_section, "jsh2023-all/ph-pos/tki-maintenance", "5 years")
    text = ("JSH 2023 recommends TKI maintenance when no allo-HSCT is done in CR1[1]. The recommended minimum is 5 "
            "years[1].")
    found = check("Ph+ ALL in CR1, no transplant: how long is the TKI given?",
                  PatientFacts(ph_status="positive", phase="cr1", transplant="not_done"),
                  Draft(answer=text, citations=[cite(chunk, 1)]), [chunk])
    assert not [f for f in found.findings if f.severity == "block"], found.findings


@pytest.mark.parametrize(("sentence", "age", "kind"), [
    # the companion the guideline requires set aside for a patient under the limit (heldout25 w003's class, own
    # paraphrase); at 70 the same sentence is the older pathway's
    ("So his induction would be a TKI with prednisolone-type steroids instead of TKI-combined chemotherapy.", 63,
     "contradict"),
    ("So his induction would be a TKI with prednisolone-type steroids instead of TKI-combined chemotherapy.", 70,
     "agree"),
])
def test_a_required_companion_set_aside_under_the_age_limit_contradicts(sentence: str, age: int, kind: str) -> None:
    facts = PatientFacts(ph_status="positive", phase="newly_diagnosed", age=age,
                         age_band="40-64" if age < 65 else "65+")
    v = judge_sentence(sentence, BOOK, facts)
    assert v.kind == kind, v


@pytest.mark.parametrize(("sentence", "polarity"), [
    # a framing verb denied however long its object ("does not present X, as tested in Y, as the standard")
    ("The summary does not describe ponatinib, the drug tested in PhALLCON, as the preferred first-line TKI.", -1),
    ("The guideline doesn't present chemotherapy-free induction as the standard for older adults.", -1),
    ("JSH 2023 presents a TKI with chemotherapy as the standard for Ph-positive ALL.", 1),
])
def test_a_denied_framing_verb_denies_the_stance_after_as(sentence: str, polarity: int) -> None:
    assert read_claims(sentence)[0].polarity == polarity, read_claims(sentence)


def test_a_regimen_put_in_jshs_mouth_is_not_carried_by_a_source_that_denies_it(by_section) -> None:
    """heldout25 w044's class (own paraphrase): the induction section's line that the summary does not present the
    chemotherapy-free regimen as the standard is no source for it, and a relapse-only antibody rule agrees with
    nothing said of first-line treatment."""
    chunks = by_section["jsh2023-all/ph-pos/induction"] + by_section["jsh2023-all/relapsed/b-all-antibodies"]
    v = judge_sentence("For fit older adults with Ph-positive ALL, JSH 2023 makes dasatinib followed by blinatumomab "
                       "the standard.", BOOK, PatientFacts(), retrieved=chunks)
    assert v.kind == "unsupported", v
