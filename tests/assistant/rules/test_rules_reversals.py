"""Reversed groups and effects: a sentence saying what its cited trial source says, but of the other group (MRD,
Ph status, lineage) or with the effect turned round, is unsupported (CIT-SUPPORT-004); faithful paraphrases,
sentences naming both groups, shares of patients and the patient's own values are not."""

from __future__ import annotations

import pytest
from rule_helpers import draft_of

from assistant.models import PatientFacts
from assistant.rules import check_citations
from assistant.rules.reversals import reversed_effects, reversed_groups, reversed_risks

F = PatientFacts()


def _chunk(by_section, section_id: str, needle: str):
    return next(c for c in by_section[section_id] if needle in c.text)


@pytest.mark.parametrize("section,needle,sentence,reversed_", [
    ("evidence/e1910", "were MRD-negative",
     "E1910 took MRD-positive adults in remission and randomised them to blinatumomab with consolidation or "
     "consolidation alone.", "mrd_status positive"),
    ("evidence/jalsg-ph-all213", "MRD-positive before transplantation received",
     "In the Ph+ALL213 protocol, dasatinib was given prophylactically after transplantation to patients who had been "
     "MRD-negative before it.", "mrd_status negative"),
])
def test_a_group_turned_round_is_unsupported(by_section, section, needle, sentence, reversed_) -> None:
    chunk = _chunk(by_section, section, needle)
    assert any(t.startswith(reversed_) for t in reversed_groups(sentence, [chunk], F))
    issues = check_citations("q", F, draft_of(sentence, chunk), [chunk])
    assert [i.finding.rule_id for i in issues] == ["CIT-SUPPORT-004"] and issues[0].action == "drop"


@pytest.mark.parametrize("section,needle,sentence", [
    ("evidence/e1910", "were MRD-negative",
     "E1910 randomised MRD-negative adults in remission to blinatumomab with consolidation or consolidation alone."),
    ("evidence/jalsg-ph-all213", "MRD-positive before transplantation received",
     "Ph+ALL213 gave prophylactic dasatinib after transplantation to patients MRD-positive before it."),
    # a share of patients is no MRD level, and a sentence naming both groups sets one against the other
    ("evidence/jalsg-ph-all213", "MRD-negative rate",
     "After induction step 2 of Ph+ALL213, 52.6% of patients were MRD-negative."),
    ("evidence/jalsg-ph-all213", "MRD-positive before transplantation received",
     "Ph+ALL213 gave prophylactic dasatinib after transplant to MRD-positive patients, whereas the guideline gives "
     "no prophylactic TKI to MRD-negative ones."),
])
def test_a_faithful_restatement_is_not_reversed(by_section, section, needle, sentence) -> None:
    chunk = _chunk(by_section, section, needle)
    assert reversed_groups(sentence, [chunk], F) == set()


def test_the_patients_own_group_need_not_be_in_the_source(by_section) -> None:
    chunk = _chunk(by_section, "evidence/e1910", "were MRD-negative")
    s = "E1910 randomised MRD-positive adults to blinatumomab with consolidation, so its result applies to him."
    assert reversed_groups(s, [chunk], F)
    assert reversed_groups(s, [chunk], PatientFacts(mrd_status="positive")) == set()


def test_an_effect_turned_round_is_unsupported_and_a_comparison_is_left_to_the_rules(by_section) -> None:
    chunk = _chunk(by_section, "evidence/graaph-2005", "allo-SCT improved")
    wrong = "In GRAAPH-2005, allo-SCT gave no benefit once imatinib was part of treatment."
    assert reversed_effects(wrong, [chunk]) == {"allo_hsct ineffective (the source: the opposite)"}
    assert reversed_effects("In GRAAPH-2005, allo-SCT improved relapse-free and overall survival.", [chunk]) == set()
    assert reversed_effects("In GRAAPH-2005, allo-SCT was better than no transplant.", [chunk]) == set()
    # guideline-tier sources are judged by the rules, not here
    guideline = next(iter(by_section["jsh2023-all/ph-pos/hsct-cr1"]))
    assert reversed_effects(wrong, [guideline]) == set()


@pytest.mark.parametrize("section,needle,sentence", [
    # (the harm left unnamed, "the extra risk"; a rise where the source says "similar rates")
    ("context/toxicity-notes", "higher when HSCT follows",
     "The extra risk seen with inotuzumab ozogamicin does not increase when a transplant comes afterwards."),
    ("context/safety-notes", "similar rates with ponatinib and imatinib",
     "Arterial occlusive events were more common with ponatinib than with imatinib in PhALLCON."),
    # a trial's arms named by no treatment: the cited trial's (heldout16 w020, own paraphrase)
    ("evidence/jalsg-all202-o", "did not differ significantly",
     "The price was paid in toxicity, with severe adverse events clearly higher on the high-dose side."),
    # ... the treatment named, the trial's sentence naming none; the harm itself "more" (heldout19 w033, own words)
    ("evidence/jalsg-all202-o", "did not differ significantly",
     "High-dose methotrexate improved DFS, but with significantly more serious adverse events."),
])
def test_a_risk_said_to_move_the_other_way_is_unsupported(by_section, section, needle, sentence) -> None:
    chunk = _chunk(by_section, section, needle)
    assert reversed_risks(sentence, [chunk])
    issues = check_citations("q", F, draft_of(sentence, chunk), [chunk])
    assert [i.finding.rule_id for i in issues] == ["CIT-SUPPORT-004"] and issues[0].action == "drop"


@pytest.mark.parametrize("section,needle,sentence", [
    ("context/toxicity-notes", "higher when HSCT follows",
     "The VOD/SOS risk with inotuzumab is higher when a transplant follows, especially after dual-alkylator "
     "conditioning."),
    ("context/safety-notes", "similar rates with ponatinib and imatinib",
     "In PhALLCON, arterial occlusive events were uncommon and similar with ponatinib and imatinib."),
    ("evidence/jalsg-all202-o", "did not differ significantly",
     "Severe adverse events were not more frequent with the higher dose."),
])
def test_a_risk_said_to_move_as_the_source_says_is_supported(by_section, section, needle, sentence) -> None:
    assert not reversed_risks(sentence, [_chunk(by_section, section, needle)])
