"""Formatting shared by the front ends: verdict words, fact chips, Markdown export, Slack mrkdwn.

Pure functions over the `Answer` contract (no streamlit, fastapi or slack imports here).

Example:
    >>> from assistant.models import Answer
    >>> a = Answer(question="q", answer="**Use a TKI**.[1]", verdict="pass")
    >>> slack_mrkdwn(a.answer)
    '*Use a TKI*.[1]'
    >>> verdict_info("repaired").word
    'Repaired'
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from assistant.localise import ui_text
from assistant.models import Answer, Citation, PatientFacts, RuleFinding

__all__ = [
    "DISCLAIMER",
    "TIER_COLOURS",
    "VerdictInfo",
    "SHORT_DISCLAIMER",
    "answer_markdown",
    "chat_text",
    "conversation_markdown",
    "disclaimer_line",
    "fact_chips",
    "finding_text",
    "plain_text",
    "quote_lines",
    "scope_words",
    "section_title",
    "shown_findings",
    "slack_message",
    "slack_mrkdwn",
    "source_line",
    "verdict_info",
]

DISCLAIMER = (
    "Decision support only. allguide summarises the JSH 2023 adult ALL guideline with cited sources and "
    "deterministic rule checks; it does not replace the treating team's clinical judgement, the full "
    "guideline or the protocol. Check every cited source before acting on it."
)
SHORT_DISCLAIMER = "Decision support only: check the cited sources before acting."


@dataclass(frozen=True)
class VerdictInfo:
    verdict: str
    word: str
    emoji: str  # unicode, for the web UI and Markdown
    slack_emoji: str  # Slack shortcode
    colour: str  # streamlit badge colour
    explanation: str
    icon: str = ":material/help:"  # streamlit Material icon (renders without emoji fonts)


_VERDICTS: dict[str, VerdictInfo] = {
    "pass": VerdictInfo("pass", "Passed", "✅", ":white_check_mark:", "green",
                        "Every statement is cited and no guideline rule was contradicted.", ":material/check_circle:"),
    "warn": VerdictInfo("warn", "Warning", "⚠️", ":warning:", "orange",
                        "The answer is cited, but the checks raised points to keep in mind.", ":material/warning:"),
    "repaired": VerdictInfo("repaired", "Repaired", "🛠️", ":hammer_and_wrench:", "blue",
                            "Statements that contradicted the guideline were replaced by the guideline's own "
                            "cited statement.", ":material/build:"),
    "refused": VerdictInfo("refused", "Refused", "⛔", ":no_entry:", "red",
                           "The question is outside what the guideline can safely answer here.", ":material/block:"),
}

TIER_COLOURS = {"guideline": "green", "evidence": "blue", "context": "gray"}

_SEVERITY_WORDS = {"info": "Note", "warn": "Caution", "block": "Blocked"}
# a blocking finding of a repaired answer was corrected; of a refused one, it is the reason
_BLOCK_WORDS = {"repaired": "Corrected", "refused": "Reason"}
_SCOPE_WORDS = {"in_scope": "in scope", "out_of_scope": "out of scope", "unsafe": "unsafe request"}


def verdict_info(verdict: str, lang: str = "en") -> VerdictInfo:
    """Word, emoji, colour and a one-line explanation for a verdict (unknown verdicts get a neutral entry), in
    `lang` (the answer's language).

    >>> verdict_info("pass", "ja").word
    '合格'
    """
    v = _VERDICTS.get(verdict, VerdictInfo(verdict, verdict.capitalize(), "❔", ":grey_question:", "gray", ""))
    if lang == "en" or verdict not in _VERDICTS:
        return v
    return VerdictInfo(v.verdict, ui_text(f"verdict_{verdict}", lang, v.word), v.emoji, v.slack_emoji, v.colour,
                       ui_text(f"explain_{verdict}", lang, v.explanation), v.icon)


def scope_words(scope: str) -> str:
    """'in_scope' -> 'in scope'.

    >>> scope_words("out_of_scope")
    'out of scope'
    """
    return _SCOPE_WORDS.get(scope, scope.replace("_", " "))


def finding_text(finding: RuleFinding, *, verdict: str | None = None, lang: str = "en") -> str:
    """A finding in plain words: 'Caution: <message> (rule X, section Y)'; a blocking finding of a repaired
    answer reads 'Corrected: ...', of a refused one 'Reason: ...'.

    >>> finding_text(RuleFinding(rule_id="R-1", severity="block", message="Contradicts X."), verdict="repaired")
    'Corrected: Contradicts X. (rule R-1)'
    """
    where = f", {ui_text('section', lang, 'section')} {finding.section_id}" if finding.section_id else ""
    word = _SEVERITY_WORDS.get(finding.severity, finding.severity.capitalize())
    key = f"severity_{finding.severity}"
    if finding.severity == "block" and verdict in _BLOCK_WORDS:
        word, key = _BLOCK_WORDS[verdict], "severity_" + _BLOCK_WORDS[verdict].lower()
    word = ui_text(key, lang, word)
    message = finding_message(finding, lang)
    return f"{word}: {message} ({ui_text('rule', lang, 'rule')} {finding.rule_id}{where})"


def finding_message(finding: RuleFinding, lang: str = "en") -> str:
    """A finding's message in `lang` where the message table has it (else as the rule layer wrote it).

    >>> finding_message(RuleFinding(rule_id="GROUND-NONE-033", severity="block",
    ...     message="No cited statement in the corpus answers this question"), "ja")
    'ここで参照している資料には、このご質問に答える引用可能な記述がありません。'
    """
    english = finding.message.rstrip(".")
    ja = None
    if lang == "ja":
        from assistant.localise import load_messages

        ja = load_messages(lang).field(english)
    return (ja if ja.endswith("。") else ja + "。") if ja else english + "."


def _norm(text: str) -> str:
    return " ".join(text.translate(_NO_MARKS).lower().split()).rstrip(".")


_NO_MARKS = str.maketrans("", "", "_*`")


def disclaimer_line(answer: Answer) -> str:
    """The one short disclaimer line an answer gets: none when its text already carries one.

    >>> disclaimer_line(Answer(question="q", answer="Out of scope.", verdict="refused"))
    'Decision support only: check the cited sources before acting.'
    >>> disclaimer_line(Answer(question="q", answer="X.[1]\\n\\n_Decision support only: ..._", verdict="pass"))
    ''
    """
    lang = answer.lang
    if "decision support only" in answer.answer.lower() or (
            lang != "en" and ui_text("disclaimer_words", lang, "decision support only") in answer.answer):
        return ""
    return ui_text("short_disclaimer", lang, SHORT_DISCLAIMER)


def shown_findings(answer: Answer) -> list[RuleFinding]:
    """The findings worth listing under an answer: those whose message the answer text does not already say."""
    said = _norm(answer.answer)
    return [f for f in answer.findings
            if _norm(f.message) not in said and _norm(finding_message(f, answer.lang)).rstrip(".。") not in said]


_PHASES = {
    "newly_diagnosed": "newly diagnosed", "cr1": "CR1", "cr2": "CR2", "relapsed": "relapsed",
    "refractory": "refractory", "post_hsct": "after HSCT",
}
_TRANSPLANT = {
    "done": "HSCT done", "planned": "HSCT planned", "eligible": "HSCT eligible",
    "ineligible": "HSCT ineligible", "not_done": "no HSCT",
}
_MRD_TIME = {"after_induction": "after induction", "post_hsct": "after HSCT", "other": ""}


def fact_chips(patient: PatientFacts, lang: str = "en") -> list[str]:
    """Short labels for the facts the assistant understood (age, Ph, lineage, CD19/CD22, MRD, phase, HSCT), in
    `lang` (the answer's language; the words from the message table's `chips`).

    >>> fact_chips(PatientFacts(age=72, age_band="65+", ph_status="positive", cd19=True))
    ['Age 72 (65+)', 'Ph+', 'CD19+']
    >>> fact_chips(PatientFacts(age=72, age_band="65+", lineage="B", phase="relapsed", transplant="eligible"), "ja")
    ['72歳（65歳以上）', 'B細胞性', '再発', '移植適応あり']
    >>> fact_chips(PatientFacts(age_bands=["aya", "40-64"], ph_status="positive"))
    ['Age band aya / 40-64', 'Ph+']
    """
    chips = _english_chips(patient)
    if lang != "ja":
        return chips
    from assistant.localise import load_messages

    words = load_messages(lang).ui_words("chip_")
    pattern = re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)))
    out = []
    for chip in chips:
        age = re.fullmatch(r"Age (\d+)(?: \((.+)\))?", chip)
        if age:
            band = words.get(age.group(2) or "", age.group(2) or "")
            out.append(f"{age.group(1)}歳" + (f"（{band}）" if band else ""))
        else:
            out.append(pattern.sub(lambda m: words[m.group(0)], chip))
    return out


def _english_chips(patient: PatientFacts) -> list[str]:
    chips: list[str] = []
    if patient.age is not None:
        chips.append(f"Age {patient.age}" + (f" ({patient.age_band})" if patient.age_band else ""))
    elif patient.age_band:
        chips.append(f"Age band {patient.age_band}")
    elif patient.age_bands:  # (an age range: "under 65" allows the AYA and 40-64 bands)
        chips.append("Age band " + " / ".join(patient.age_bands))
    if patient.ph_status:
        chips.append("Ph+" if patient.ph_status == "positive" else "Ph−")
    if patient.lineage:
        chips.append(f"{patient.lineage}-lineage")
    for name, value in (("CD19", patient.cd19), ("CD22", patient.cd22)):
        if value is not None:
            chips.append(f"{name}{'+' if value else '−'}")
    if patient.mrd_status or patient.mrd_level_pct is not None:
        label = "MRD" + {"positive": "+", "negative": "−", None: ""}[patient.mrd_status]
        if patient.mrd_level_pct is not None:
            label += f" {patient.mrd_level_pct:g}%"
        when = _MRD_TIME.get(patient.mrd_timepoint or "", "")
        chips.append(f"{label} {when}".strip())
    if patient.phase:
        chips.append(_PHASES.get(patient.phase, patient.phase))
    if patient.transplant:
        chips.append(_TRANSPLANT.get(patient.transplant, patient.transplant))
    if patient.t315i is not None:
        chips.append("T315I+" if patient.t315i else "no T315I")
    if patient.prior_tkis:
        chips.append("prior " + ", ".join(patient.prior_tkis))
    if patient.fitness:
        chips.append(patient.fitness)
    if patient.regimen:
        chips.append(f"{patient.regimen} regimen")
    return chips


def source_line(c: Citation, lang: str = "en") -> str:
    """'[1] Section title (guideline; section-id, p. 3) - source' (the Japanese title in a Japanese answer)."""
    page = f", p. {c.page}" if c.page else ""
    return f"[{c.marker}] {section_title(c, lang)} ({c.tier}; {c.section_id}{page}) - {c.source}"


def section_title(c: Citation, lang: str = "en") -> str:
    """The citation's section title in `lang` where it has one."""
    return (c.section_title_ja or c.section_title) if lang == "ja" else c.section_title


def quote_lines(c: Citation, lang: str = "en") -> list[str]:
    """The quote as shown: a Japanese answer quotes the aligned Japanese sentence, then the English original.

    >>> quote_lines(Citation(marker=1, chunk_id="c", doc_id="d", section_id="s", section_title="t",
    ...     tier="guideline", source="x", quote="Use a TKI.", quote_ja="TKIを用いる。"), "ja")
    ['TKIを用いる。', '英語版: Use a TKI.']
    """
    if lang == "ja" and c.quote_ja:
        return [c.quote_ja, f"{ui_text('quote_en', lang, 'English')}: {c.quote}"]
    return [c.quote]


def answer_markdown(answer: Answer, *, heading_level: int = 3) -> str:
    """One answer as Markdown: text, sources with quotes, verdict, findings and facts."""
    lang = answer.lang
    v = verdict_info(answer.verdict, lang)
    h = "#" * heading_level
    out = [answer.answer.strip(), ""]
    if answer.citations:
        out += [f"{h} {ui_text('sources', lang, 'Sources')}", ""]
        for c in answer.citations:
            out.append(f"- {source_line(c, lang)}")
            out += [f"  > {q}" for q in quote_lines(c, lang)]
        out.append("")
    out.append(f"**{ui_text('verdict', lang, 'Verdict')}:** {v.emoji} {v.word} ({answer.verdict}) - {v.explanation}")
    for f in shown_findings(answer):
        out.append(f"- {finding_text(f, verdict=answer.verdict, lang=lang)}")
    chips = fact_chips(answer.patient, lang)
    if chips:
        out += ["", f"**{ui_text('facts', lang, 'Patient facts understood')}:** " + ", ".join(chips)]
    return "\n".join(out).strip() + "\n"


def conversation_markdown(turns: Sequence[Mapping[str, Any]], *, now: datetime | None = None) -> str:
    """A conversation export. Turns: {"role": "user", "content"} or {"role": "assistant", "answer" | "error"}."""
    stamp = (now or datetime.now()).strftime("%Y-%m-%d %H:%M")
    out = [f"# allguide conversation ({stamp})", "", f"> {DISCLAIMER}", ""]
    for t in turns:
        if t.get("role") == "user":
            out += [f"## Question: {t.get('content', '')}".rstrip(), ""]
        else:
            ans = t.get("answer")
            text = str(t.get("content") or t.get("error") or "")
            out += [answer_markdown(ans) if isinstance(ans, Answer) else f"_No answer: {text}_", ""]
    return "\n".join(out).rstrip() + "\n"


# -- Slack ---------------------------------------------------------------------------------------------

_LINK = re.compile(r"\[([^\]]+)\]\((https?://[^)\s]+)\)")
_BOLD = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*|__(?=\S)(.+?)(?<=\S)__")
_ITALIC = re.compile(r"(?<![*\w])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![*\w])")
_HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*$", re.MULTILINE)
_BULLET = re.compile(r"^(\s*)[-*+]\s+", re.MULTILINE)
_BOLD_MARK = "\x01"


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def slack_mrkdwn(markdown: str) -> str:
    """Convert the answer's Markdown to Slack mrkdwn; [n] citation markers are kept as they are.

    >>> slack_mrkdwn("## Induction\\n- **TKI** plus *steroid*.[1][2]\\n- see [JSH](https://jshem.or.jp)")
    '*Induction*\\n• *TKI* plus _steroid_.[1][2]\\n• see <https://jshem.or.jp|JSH>'
    """
    links: list[str] = []

    def _keep_link(m: re.Match[str]) -> str:
        links.append(f"<{m.group(2)}|{_escape(m.group(1))}>")
        return f"\x02{len(links) - 1}\x02"

    text = _LINK.sub(_keep_link, markdown)
    text = _escape(text)
    text = _HEADING.sub(lambda m: f"{_BOLD_MARK}{m.group(1)}{_BOLD_MARK}", text)
    text = _BULLET.sub(lambda m: f"{m.group(1)}• ", text)
    text = _BOLD.sub(lambda m: f"{_BOLD_MARK}{m.group(1) or m.group(2)}{_BOLD_MARK}", text)
    text = _ITALIC.sub(r"_\1_", text)
    text = text.replace(_BOLD_MARK, "*")
    return _restore_links(text, links)


def _restore_links(text: str, links: list[str]) -> str:
    """The links kept aside (as \\x02<n>\\x02) back in their places."""
    parts = text.split("\x02")
    out, i = [parts[0]], 1
    while i < len(parts):
        if i + 1 < len(parts) and parts[i].isdecimal():
            out += [links[int(parts[i])], parts[i + 1]]
            i += 2
        else:
            out.append("\x02" + parts[i])
            i += 1
    return "".join(out)


_PLAIN_EMPHASIS = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*|(?<![\w*])[_*](?=\S)([^_*\n]+?)(?<=\S)[_*](?![\w*])")


def plain_text(markdown: str) -> str:
    """The answer's Markdown as plain text: emphasis marks, heading hashes and link syntax removed.

    >>> plain_text("## Induction\\n- **TKI** plus _steroid_.[1] See [JSH](https://x.jp).")
    'Induction\\n- TKI plus steroid.[1] See JSH (https://x.jp).'
    """
    text = _LINK.sub(lambda m: f"{m.group(1)} ({m.group(2)})", markdown)
    text = _HEADING.sub(lambda m: m.group(1), text)
    text = _PLAIN_EMPHASIS.sub(lambda m: m.group(1) or m.group(2), text)
    return text


def _short_source(source: str, limit: int = 90) -> str:
    return source if len(source) <= limit else source[: limit - 1].rstrip() + "…"


def slack_message(answer: Answer, *, max_findings: int = 5) -> str:
    """The whole Slack reply: answer in mrkdwn, a compact numbered source list and the verdict."""
    lang = answer.lang
    v = verdict_info(answer.verdict, lang)
    parts = [slack_mrkdwn(answer.answer.strip())]
    if answer.citations:
        lines = [f"*{ui_text('sources', lang, 'Sources')}*"]
        for c in answer.citations:
            page = f", p. {c.page}" if c.page else ""
            lines.append(f"[{c.marker}] {_escape(section_title(c, lang))} _({c.tier}; {c.section_id}{page})_ - "
                         f"{_escape(_short_source(c.source))}")
        parts.append("\n".join(lines))
    verdict = f"{v.slack_emoji} *{v.word}* - {_escape(v.explanation)}"
    shown = [f for f in shown_findings(answer) if f.severity != "info"][:max_findings]
    if shown:
        verdict += "\n" + "\n".join(f"• {_escape(finding_text(f, verdict=answer.verdict, lang=lang))}" for f in shown)
    parts.append(verdict)
    return "\n\n".join(parts)



# -- chat tools (OpenAI-compatible endpoint) -----------------------------------------------------------------

def chat_text(answer: Answer) -> str:
    """The reply for a chat tool: the answer (Markdown, [n] markers), numbered sources, the verdict line.

    >>> from assistant.models import Answer
    >>> print(chat_text(Answer(question="q", answer="Use a TKI.[1]", verdict="pass", citations=[Citation(
    ...     marker=1, chunk_id="c", doc_id="d", section_id="g/ph", section_title="Ph+ induction", tier="guideline",
    ...     source="Hatta 2024", quote="TKI.")])))
    Use a TKI.[1]
    <BLANKLINE>
    **Sources**
    1. Ph+ induction (guideline; g/ph) - Hatta 2024
    <BLANKLINE>
    ✅ **Passed**. Decision support only: check the cited sources before acting.
    """
    lang = answer.lang
    v = verdict_info(answer.verdict, lang)
    out = [answer.answer.strip()]
    if answer.citations:
        out.append("\n".join([f"**{ui_text('sources', lang, 'Sources')}**",
                              *(f"{c.marker}. {source_line(c, lang).split('] ', 1)[1]}" for c in answer.citations)]))
    verdict = f"{v.emoji} **{v.word}**. {disclaimer_line(answer)}".rstrip()
    shown = [f for f in shown_findings(answer) if f.severity != "info"][:5]
    if shown:
        verdict += "\n" + "\n".join(f"- {finding_text(f, verdict=answer.verdict, lang=lang)}" for f in shown)
    out.append(verdict)
    return "\n\n".join(out)
