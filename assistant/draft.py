"""Drafting: the deterministic extractive drafter (the composers of `assistant.compose` over one plan), and the
LLM drafter behind langchain-core's chat interface.

The extractive drafter builds an answer from (1) the guideline rules that apply to the patient and question,
(2) the best retrieved guideline sentences, (3) one or two evidence lines marked as trial data, each sentence
cited with a verbatim quote. The LLM drafter asks a chat model to answer from numbered chunks with markers; its
output then goes through the same rule layer. Both read the same `QuestionPlan`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace

from assistant.compose import Sources, compose, plan_draft
from assistant.compose.intents import (
    STATUS_QUESTION,
    asks_position,
    is_definition_question,
    is_status_question,
    question_parts,
)
from assistant.compose.sentences import (
    COMPARED_LEAD,
    CONTEXT_LEAD,
    EVIDENCE_LEAD,
    fits_patient,
    focus_sentences,
    heading_sentences,
    part_sentences,
    status_sentences,
    unreported_numbers,
)
from assistant.models import Chunk, Citation, PatientFacts, RetrievedChunk, RuleFinding
from assistant.plan import QuestionPlan
from assistant.prompts import LLM_SYSTEM_PROMPT, llm_user_prompt
from assistant.rules import Draft
from assistant.rules.logic import GuidelineRule, RuleBook, default_rulebook, statement_chunk

__all__ = [
    "COMPARED_LEAD", "CONTEXT_LEAD", "EVIDENCE_LEAD", "MAX_SENTENCES", "STATUS_QUESTION", "asks_position",
    "draft_extractive", "draft_from_llm_text", "fits_patient",
    "focus_sentences", "heading_sentences", "is_definition_question", "is_status_question",
    "llm_messages", "part_sentences", "question_parts", "status_sentences",
    "unreported_numbers",
]

MAX_SENTENCES = 8


def draft_extractive(
    question: str | QuestionPlan,
    facts: PatientFacts,
    retrieved: Sequence[RetrievedChunk],
    *,
    pool: Sequence[Chunk],
    rulebook: RuleBook | None = None,
    notes: Sequence[str] = (),
    max_sentences: int = MAX_SENTENCES,
    rules_only: bool = False,
    plain: bool = False,
    premise: Sequence[GuidelineRule] = (),
    rare: Callable[[str], bool] | None = None,
    given: frozenset[str] = frozenset(),
    sections: Callable[[Sequence[str]], Sequence[Chunk]] | None = None,
    search: Callable[[str, PatientFacts], Sequence[RetrievedChunk]] | None = None,
) -> tuple[Draft, list[RuleFinding]]:
    """Build a cited answer deterministically from the question plan (or a text, drafted from as it is). Returns
    the draft and findings about missing facts.

    `pool` holds every chunk that may be cited (the retrieved ones plus the sections of applicable rules); `given`
    names facts the question gave in another form (several ages compared): no finding asks only for them.
    `sections` reads whole sections by id: a rule chosen for one part of a several-part question (its own plan
    read the part alone), whose section the pool lacks, is quoted from it (the caller's check then reads the cited chunks from the same store).
    `search` ranks the sections for a text in a patient's setting: each part's plan reads its own.
    """
    qplan = question if isinstance(question, QuestionPlan) else QuestionPlan.of_text(question)
    sources = Sources(retrieved=retrieved, chunks=pool, book=rulebook or default_rulebook(), rare=rare, search=search)
    plan = plan_draft(qplan, facts, sources, notes=notes, plain=plain, rules_only=rules_only, premise=premise,
                      given=given)
    unquoted = [sid for r in plan.chosen if r in plan.for_parts and statement_chunk(r, sources.chunks) is None
                for sid in r.section_ids]
    if unquoted and sections is not None:  # ("..., and what if he relapses while on dasatinib?": the relapse rule
        # chosen for the last part, r88 q34, had been left out for want of its section)
        have = {c.chunk_id for c in sources.chunks}
        sources = replace(sources, chunks=[*sources.chunks, *(c for c in sections(unquoted) if c.chunk_id not in have)])
    return compose(plan, sources, max_sentences=max_sentences)


# --- LLM drafting -----------------------------------------------------------------------------------------
# --- LLM drafting -----------------------------------------------------------------------------------------


def llm_messages(question: str | QuestionPlan, facts: PatientFacts, chunks: Sequence[Chunk],
                 history: Sequence[str] = ()):
    """Messages for a chat model: system rules, numbered chunks, patient facts, what the plan says is asked, the
    question."""
    from langchain_core.messages import HumanMessage, SystemMessage

    plan = question if isinstance(question, QuestionPlan) else None
    facts_line = ", ".join(f"{k}={v}" for k, v in facts.known().items()) or "none stated"
    asked = [] if plan is None else [k for k in ("status", "grades", "definition", "evidence", "duration", "either_or")
                                     if getattr(plan.intents, k)]
    text = plan.question if plan is not None else question
    user = llm_user_prompt(str(text), facts_line, chunks, history, asked)
    return [SystemMessage(content=LLM_SYSTEM_PROMPT), HumanMessage(content=user)]


def draft_from_llm_text(text: str, chunks: Sequence[Chunk]) -> Draft:
    """Turn model output with [n] markers (n = source number) into a Draft with verbatim quotes."""
    from assistant.rules.base import parse_lines
    from assistant.rules.citations import best_quote

    citations: list[Citation] = []
    seen: dict[tuple[int, str], int] = {}
    out_lines: list[str] = []
    for line in parse_lines(text.strip()):
        if not line.sentences:
            out_lines.append("")
            continue
        parts: list[str] = []
        for s in line.sentences:
            if not s.is_fact:
                parts.append(s.raw)
                continue
            new: list[int] = []
            for m in s.markers:
                if 1 <= m <= len(chunks):
                    chunk = chunks[m - 1]
                    quote = best_quote(s.body, chunk)
                    key = (m, quote)
                    if key not in seen:
                        seen[key] = len(citations) + 1
                        citations.append(Citation.from_chunk(chunk, marker=seen[key], quote=quote))
                    new.append(seen[key])
                else:
                    new.append(900 + m)  # dangling on purpose: the citation checker will flag it
            parts.append(s.body + "".join(f"[{n}]" for n in dict.fromkeys(new)))
        out_lines.append(line.prefix + " ".join(parts))
    return Draft(answer="\n".join(out_lines).strip(), citations=citations)
