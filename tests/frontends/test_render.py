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


# -- issue 16: finding words by verdict, no reason twice, scope words, chat text, plain text ----------------------

@pytest.mark.parametrize(
    ("verdict", "severity", "word"),
    [("repaired", "block", "Corrected:"), ("refused", "block", "Reason:"), ("pass", "warn", "Caution:"),
     ("warn", "info", "Note:"), (None, "block", "Blocked:")],
)
def test_finding_words_follow_the_verdict(verdict: str | None, severity: str, word: str) -> None:
    f = RuleFinding(rule_id="PHPOS-INDUCT-001", severity=severity, message="Chemotherapy alone contradicts X.")
    assert finding_text(f, verdict=verdict).startswith(word)


def test_a_reason_the_answer_already_says_is_not_listed_again() -> None:
    from assistant.frontends.render import shown_findings

    reason = RuleFinding(rule_id="SCOPE-DISEASE-001", severity="block",
                         message="The question is about AML, not adult acute lymphoblastic leukemia")
    other = RuleFinding(rule_id="X-2", severity="warn", message="Something else")
    a = Answer(question="q", answer="_I can only answer ALL._\n\n_The question is about AML, not adult acute "
               "lymphoblastic leukemia._", verdict="refused", findings=[reason, other], scope="out_of_scope")
    assert shown_findings(a) == [other]
    md = answer_markdown(a)
    assert md.count("The question is about AML") == 1 and "Reason:" not in md


@pytest.mark.parametrize(("scope", "words"), [("in_scope", "in scope"), ("out_of_scope", "out of scope"),
                                              ("unsafe", "unsafe request")])
def test_scope_words(scope: str, words: str) -> None:
    from assistant.frontends.render import scope_words

    assert scope_words(scope) == words


def test_chat_text_has_answer_sources_verdict_and_one_disclaimer() -> None:
    from assistant.frontends.render import chat_text

    text = chat_text(_answer("warn"))
    answer, sources, verdict = text.split("\n\n")
    assert answer == "Use a TKI with steroids.[1]"
    assert sources == "**Sources**\n1. Ph+ induction (guideline; jsh/ph-pos) - Hatta Y et al. 2024"
    assert verdict.startswith("⚠️ **Warning**. Decision support only") and "Caution: Trial data cited" in verdict
    carried = _answer().model_copy(update={"answer": "X.[1]\n\n_Decision support only: this summarises..._"})
    assert chat_text(carried).count("Decision support only") == 1


@pytest.mark.parametrize(
    ("markdown", "plain"),
    [
        ("**bold** and _italic_ and *it*", "bold and italic and it"),
        ("## Heading\n- item", "Heading\n- item"),
        ("see [JSH](https://www.jshem.or.jp/)", "see JSH (https://www.jshem.or.jp/)"),
        ("2 * 3 * 4 and snake_case_name", "2 * 3 * 4 and snake_case_name"),
        ("Use a TKI.[1][2]", "Use a TKI.[1][2]"),
    ],
)
def test_plain_text(markdown: str, plain: str) -> None:
    from assistant.frontends.render import plain_text

    assert plain_text(markdown) == plain


def test_each_verdict_has_its_own_icon_and_emoji() -> None:
    infos = [verdict_info(v) for v in ("pass", "warn", "repaired", "refused")]
    assert len({i.icon for i in infos}) == 4 and len({i.emoji for i in infos}) == 4
    assert len({i.slack_emoji for i in infos}) == 4 and len({i.colour for i in infos}) == 4


# -- Japanese answers: labels and finding messages in the answer's language ---------------------------------------

def test_japanese_labels_and_finding_messages() -> None:
    from assistant.frontends.render import answer_markdown, finding_text, shown_findings
    from assistant.models import Answer, Citation, RuleFinding

    reason = RuleFinding(rule_id="SCOPE-DOMAIN-002", severity="block", message="The question does not appear to be "
                         "about adult ALL treatment; ask about the JSH 2023 ALL guideline")
    refused = Answer(question="q", lang="ja", verdict="refused", findings=[reason],
                     answer="_成人ALLの治療に関するご質問ではないようです。JSH 2023 ALLガイドラインについてご質問ください。_")
    assert shown_findings(refused) == []  # the reason is the answer text, in Japanese: not listed twice
    assert finding_text(reason, verdict="refused", lang="ja").startswith("理由: 成人ALLの治療に関するご質問ではない")
    unknown = RuleFinding(rule_id="R-9", severity="warn", message="A message the table does not know.")
    assert finding_text(unknown, lang="ja") == "注意: A message the table does not know. (ルール R-9)"
    cited = Answer(question="q", lang="ja", verdict="pass", answer="- TKIを用いる。[1]", citations=[Citation(
        marker=1, chunk_id="c", doc_id="d", section_id="s", section_title="Title", tier="guideline", source="x",
        quote="Use a TKI.", quote_ja="TKIを用いる。", section_title_ja="題")])
    md = answer_markdown(cited)
    assert "### 出典" in md and "[1] 題 (guideline; s)" in md and "> TKIを用いる。" in md and "> 英語版: Use a TKI." in md
    assert "**判定:** ✅ 合格 (pass)" in md
