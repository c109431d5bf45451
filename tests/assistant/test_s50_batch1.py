"""Session 50, batch 1 (rja119 q23, q24, q13, q27): claims heard from a person, cure claims, a case supposed before
the question, a negative MRD as no exception to the transplant in CR1. Paraphrases, not the reviewers' sentences."""

from __future__ import annotations

import pytest

from assistant.claims import read_claims
from assistant.facts import read_facts
from assistant.ja import to_english


def _leads_no(answer) -> bool:
    head = answer.answer.lstrip()[:40]
    return "**No**" in head or "いいえ" in head


@pytest.mark.parametrize(("q", "source"), [
    ("薬だけで治ると姉から聞きました。本当でしょうか", "sister told me"),
    ("飲み薬だけで大丈夫って友人に言われたんですが、本当ですか", "my friend told me"),
])
def test_a_claim_heard_from_a_person_names_its_source(q: str, source: str) -> None:
    english = to_english(q)
    assert source in english and "cured my" not in english, english


def test_a_treatment_followed_by_only_is_given_alone() -> None:
    claim = read_claims("Dasatinib only cures it.")[0]
    assert claim.alone and "dasatinib" in claim.alone_of and claim.stance == "cured"
    restricted = read_claims("A TKI only for older adults is what the guideline says.")[0]
    assert not restricted.alone


def test_a_transplant_left_out_in_a_concession_is_no_status() -> None:
    assert read_facts("Someone said steroids and a TKI cure it even without a transplant. Is that true?").transplant is None
    assert read_facts("He did not have a transplant. How long should the TKI go on?").transplant == "not_done"


@pytest.mark.parametrize("q", ["His MRD came back zero after induction.", "MRDはゼロでした。"])
def test_an_mrd_of_zero_is_negative(q: str) -> None:
    assert read_facts(to_english(q) if "MRD" in q and "ゼ" in q else q).mrd_status == "negative"


@pytest.mark.parametrize("q", [
    "If her MRD turns negative, does that mean she is cured?",
    "MRDが検出されなくなったら、完全に治ったということでしょうか？",
])
def test_a_cure_supposed_after_a_negative_mrd_is_denied(bot, q: str) -> None:
    a = bot.ask(q)
    assert _leads_no(a) and a.citations, a.answer


@pytest.mark.parametrize("q", [
    "Ph-positive ALL in first remission with negative MRD: we can skip the allogeneic transplant, correct?",
    "Ph陽性ALLで第一寛解、MRD陰性なので同種移植は省いてよいという認識でOKですか？",
])
def test_a_negative_mrd_is_no_exception_to_the_transplant_in_cr1(bot, q: str) -> None:
    a = bot.ask(q)
    assert _leads_no(a), a.answer


def test_a_ph_negative_patient_of_50_gets_no_pediatric_protocol_rule(bot) -> None:
    a = bot.ask("うちの夫は55歳で、治療が効いて落ち着いています。Ph陰性です。移植は絶対に受けないといけませんか？")
    assert a.patient.phase == "cr1"
    assert "小児型" not in a.answer.split("出典")[0].split("ことばの説明")[0], a.answer
