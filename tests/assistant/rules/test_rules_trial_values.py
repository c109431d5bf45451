"""A trial's values put on the wrong thing (assistant/rules/trial_values.py): a sentence about a trial giving a
number its cited sources give for something else (the AYA group's upper age as the trial's) is unsupported; the
trial's own numbers, and a sentence not about a trial, are kept."""

from __future__ import annotations

import pytest
from rule_helpers import draft_of

from assistant.models import PatientFacts
from assistant.rules import check_citations
from assistant.rules.trial_values import misbound_trial_values


def _chunks(by_section, needle: str):
    return [c for chunks in by_section.values() for c in chunks if needle in c.text]


@pytest.mark.parametrize("sentence,value", [
    # heldout13 w045, own paraphrase: the trial enrolled 15 to 24; 39 is where the AYA group ends
    ("In JALSG ALL202-U, 139 adolescents and young adults aged 15 to 39 were treated on the pediatric protocol.",
     "39"),
    ("ALL202-U enrolled patients up to age 39 with Ph-negative ALL.", "39"),
])
def test_a_value_the_sources_give_for_something_else_is_not_the_trials(by_section, sentence, value) -> None:
    chunks = _chunks(by_section, "ALL202-U enrolled patients up to age 24")
    assert chunks
    found = misbound_trial_values(sentence, chunks)
    assert any(f.startswith(f"{value} ") for f in found), found
    issues = check_citations("What did ALL202-U show?", PatientFacts(), draft_of(sentence, chunks[0]), chunks[:1])
    assert [i.finding.rule_id for i in issues] == ["CIT-SUPPORT-004"], issues


@pytest.mark.parametrize("sentence", [
    "In JALSG ALL202-U, 139 patients aged 15 to 24 were treated on the Japanese pediatric protocol.",
    "ALL202-U stopped at age 24, while the AYA group in Japan reaches age 39.",
    # not about the trial: the AYA group's ages
    "The AYA group conventionally extends to age 39, beyond the ages ALL202-U enrolled.",
])
def test_the_trials_own_values_and_other_subjects_are_kept(by_section, sentence) -> None:
    chunks = _chunks(by_section, "ALL202-U enrolled patients up to age 24")
    assert misbound_trial_values(sentence, chunks) == set()


def test_the_patients_own_values_are_not_the_trials(by_section) -> None:
    chunks = _chunks(by_section, "ALL202-U enrolled patients up to age 24")
    sentence = "ALL202-U treated patients aged 15 to 24, so at 39 he would have been outside it."
    assert misbound_trial_values(sentence, chunks, given=frozenset({39.0})) == set()


def test_a_value_its_source_sets_against_the_trial_is_not_the_trials(by_section) -> None:
    """heldout14 w010 (own paraphrase): the BLAST page gives 0.01% only as the JSH threshold its entry threshold
    differs from; BLAST in capitals is the trial (claims.yaml value_contrast_openers)."""
    chunks = _chunks(by_section, "BLAST MRD entry threshold")
    assert chunks
    wrong = "BLAST took patients in complete remission whose MRD was 0.01% or higher."
    assert any(f.startswith("0.01%") for f in misbound_trial_values(wrong, chunks))
    assert misbound_trial_values("BLAST took patients in complete remission whose MRD was 10^-3 or higher.",
                                 chunks) == set()
    # the standard of a comparison is not the trial's (heldout11 c048, own paraphrase)
    assert misbound_trial_values("BLAST required MRD of 10^-3 or more, a level higher than the JSH 2023 high-risk "
                                 "threshold of 0.01%.", chunks) == set()


@pytest.mark.parametrize("sentence,flagged", [
    # a chunk naming several trials gives BLAST only its own sentence's values; "in remission but with MRD of ..." is
    # still the trial's (heldout22 w040, own paraphrase)
    ("BLAST treated adults in remission but with MRD of 10^-4 or more.", True),
    ("BLAST treated adults in remission but with MRD of 10^-3 or more.", False),
])
def test_a_trials_values_come_from_the_sentences_naming_it(by_section, sentence: str, flagged: bool) -> None:
    chunks = [c for c in _chunks(by_section, "The BLAST trial found") if "10^-4" in c.text]
    assert chunks
    assert bool(misbound_trial_values(sentence, chunks[:1])) is flagged
