"""Shared formatting: verdict words, fact chips, findings in plain words, Markdown export."""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime

import pytest

from assistant.frontends.render import (
    answer_markdown,
    conversation_markdown,
    fact_chips,
    finding_text,
    verdict_info,
)
from assistant.models import Answer, Citation, PatientFacts, RuleFinding


def _answer(verdict: str = "pass") -> Answer:
    cit = Citation(marker=1, chunk_id="c1", doc_id="d1", section_id="jsh/ph-pos", section_title="Ph+ induction",
                   tier="guideline", source="Hatta Y et al. 2024", page=None, quote="Use a TKI with steroids.")
    return Answer(question="72F Ph+ ALL?", answer="Use a TKI with steroids.[1]", citations=[cit], verdict=verdict,
                  findings=[RuleFinding(rule_id="TIER-EVID-004", severity="warn", message="Trial data cited.")],
                  patient=PatientFacts(age=72, age_band="65+", ph_status="positive"))


@pytest.mark.parametrize(
    ("verdict", "word", "colour"),
    [("pass", "Passed", "green"), ("warn", "Warning", "orange"), ("repaired", "Repaired", "blue"),
     ("refused", "Refused", "red"), ("odd", "Odd", "gray")],
)
def test_verdict_info(verdict: str, word: str, colour: str) -> None:
    v = verdict_info(verdict)
    assert (v.word, v.colour) == (word, colour)
    assert v.icon.startswith(":material/")


@pytest.mark.parametrize(
    ("facts", "chips"),
    [
        (PatientFacts(), []),
        (PatientFacts(age=35, age_band="aya", ph_status="negative", lineage="B"), ["Age 35 (aya)", "Ph−", "B-lineage"]),
        (PatientFacts(age_band="65+", cd19=True, cd22=False), ["Age band 65+", "CD19+", "CD22−"]),
        (PatientFacts(mrd_status="positive", mrd_level_pct=0.05, mrd_timepoint="after_induction"),
         ["MRD+ 0.05% after induction"]),
        (PatientFacts(phase="post_hsct", transplant="done"), ["after HSCT", "HSCT done"]),
        (PatientFacts(t315i=True, prior_tkis=["imatinib"]), ["T315I+", "prior imatinib"]),
    ],
)
def test_fact_chips(facts: PatientFacts, chips: list[str]) -> None:
    assert fact_chips(facts) == chips


def test_finding_text_is_plain_words() -> None:
    f = RuleFinding(rule_id="PHPOS-POSTHSCT-002", severity="block", message="Sentence replaced.",
                    section_id="jsh/ph-pos")
    assert finding_text(f) == "Blocked: Sentence replaced. (rule PHPOS-POSTHSCT-002, section jsh/ph-pos)"


def test_answer_markdown() -> None:
    md = answer_markdown(_answer("warn"))
    assert md.startswith("Use a TKI with steroids.[1]\n\n### Sources\n\n- [1] Ph+ induction (guideline; jsh/ph-pos)")
    assert "  > Use a TKI with steroids." in md
    assert "**Verdict:** ⚠️ Warning (warn)" in md and "- Caution: Trial data cited. (rule TIER-EVID-004)" in md
    assert "**Patient facts understood:** Age 72 (65+), Ph+" in md


def test_conversation_markdown() -> None:
    turns = [{"role": "user", "content": "72F Ph+ ALL?"}, {"role": "assistant", "answer": _answer()},
             {"role": "user", "content": "and MRD?"}, {"role": "assistant", "error": "index unreadable"}]
    md = conversation_markdown(turns, now=datetime(2025, 1, 2, 3, 4))
    assert md.startswith("# allguide conversation (2025-01-02 03:04)\n\n> Decision support only.")
    assert md.index("## Question: 72F Ph+ ALL?") < md.index("Use a TKI") < md.index("## Question: and MRD?")
    assert md.rstrip().endswith("_No answer: index unreadable_")


def test_core_does_not_import_front_end_frameworks() -> None:
    code = ("import sys, assistant, assistant.core, assistant.frontends.render; "
            "bad = [m for m in ('streamlit', 'fastapi', 'slack_bolt') if m in sys.modules]; "
            "assert not bad, bad")
    subprocess.run([sys.executable, "-c", code], check=True)
