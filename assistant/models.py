"""Typed boundaries shared by the core, the front ends and the evals.

`Answer` is the public contract (versioned by `SCHEMA_VERSION`).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from ingest.models import Chunk, Tier

SCHEMA_VERSION = "1.1"  # 1.1: lang, question_en, Citation.quote_ja and section_title_ja (additive)

Severity = Literal["info", "warn", "block"]
Verdict = Literal["pass", "warn", "repaired", "refused"]
Scope = Literal["in_scope", "out_of_scope", "unsafe"]
AgeBand = Literal["child", "aya", "40-64", "65+"]
Phase = Literal["newly_diagnosed", "cr1", "cr2", "relapsed", "refractory", "post_hsct"]


class PatientFacts(BaseModel):
    """Facts read deterministically from a question; unknowns are None."""

    model_config = ConfigDict(frozen=True)

    age: int | None = Field(default=None, description="Age in years")
    age_band: AgeBand | None = Field(default=None, description="child <15, aya 15-39, 40-64, 65+")
    age_bands: list[AgeBand] = Field(
        default_factory=list,
        description="The age bands an age range open at one end allows when no one band is known (\"under 65\": "
                    "aya and 40-64)")
    ph_status: Literal["positive", "negative"] | None = Field(default=None, description="Ph / BCR::ABL1 status")
    lineage: Literal["B", "T"] | None = Field(default=None, description="B- or T-lineage")
    cd19: bool | None = Field(default=None, description="CD19 expressed")
    cd22: bool | None = Field(default=None, description="CD22 expressed")
    phase: Phase | None = Field(default=None, description="Disease phase")
    mrd_status: Literal["positive", "negative"] | None = Field(default=None, description="MRD result")
    mrd_level_pct: float | None = Field(default=None, description="MRD level in percent (1e-4 = 0.01)")
    mrd_timepoint: Literal["after_induction", "post_hsct", "other"] | None = Field(
        default=None, description="When the MRD was measured, if said"
    )
    t315i: bool | None = Field(default=None, description="ABL1 T315I mutation present")
    prior_tkis: list[str] = Field(default_factory=list, description="TKIs already given, lower-case names")
    transplant: Literal["done", "planned", "eligible", "ineligible", "not_done"] | None = Field(
        default=None, description="Allogeneic HSCT status"
    )
    donor: bool | None = Field(default=None, description="A donor is available")
    fitness: Literal["fit", "unfit"] | None = Field(default=None, description="Fitness for intensive therapy")
    regimen: Literal["pediatric", "adult"] | None = Field(
        default=None, description="The chemotherapy regimen given so far: pediatric-type, or an adult one (hyper-CVAD)"
    )

    def known(self) -> dict[str, object]:
        """The facts that are set, for display as chips."""
        return {k: v for k, v in self.model_dump().items() if v not in (None, [], "")}


class RetrievedChunk(BaseModel):
    model_config = ConfigDict(frozen=True)

    chunk: Chunk
    score: float = Field(description="Fused score (higher is better)")
    rank: int = Field(description="1-based rank after fusion")
    dense_rank: int | None = None
    bm25_rank: int | None = None


class Citation(BaseModel):
    model_config = ConfigDict(frozen=True)

    marker: int = Field(description="The number used in the answer, e.g. 1 for [1]")
    chunk_id: str
    doc_id: str
    section_id: str
    section_title: str
    tier: Tier
    source: str
    page: int | None = None
    quote: str = Field(description="Verbatim span of the cited chunk (English: the language the corpus and checks use)")
    quote_ja: str | None = Field(default=None, description="Japanese answers: the aligned Japanese sentence of `quote`, "
                                 "verbatim from corpus/ja/ (None when the sentence has no Japanese text)")
    section_title_ja: str | None = Field(default=None, description="Japanese answers: the section title in Japanese")

    @classmethod
    def from_chunk(cls, chunk: Chunk, *, marker: int, quote: str) -> Citation:
        """A citation of `chunk`; the title reads "Document title › Section" when they differ."""
        title = chunk.title if chunk.section_title in ("", chunk.title) else f"{chunk.title} › {chunk.section_title}"
        return cls(marker=marker, chunk_id=chunk.chunk_id, doc_id=chunk.doc_id, section_id=chunk.section_id,
                   section_title=title, tier=chunk.tier, source=chunk.source, page=chunk.page, quote=quote)


class RuleFinding(BaseModel):
    model_config = ConfigDict(frozen=True)

    rule_id: str = Field(description="Stable rule identifier, e.g. PHPOS-POSTHSCT-004")
    severity: Severity
    message: str = Field(description="What was found, in plain words")
    section_id: str | None = Field(default=None, description="Guideline section the rule rests on")


class Answer(BaseModel):
    """The one answer shape used by the CLI, UI, HTTP API, Slack bot and evals."""

    model_config = ConfigDict(frozen=True)

    schema_version: str = SCHEMA_VERSION
    question: str = Field(description="The question as asked (in its own language)")
    answer: str = Field(description="Markdown; each fact sentence ends with markers such as [1] or [1][3]")
    lang: Literal["en", "ja"] = Field(default="en", description="The language of `answer`: the question's, "
                                      "detected, or the `lang` asked for")
    question_en: str | None = Field(default=None, description="Japanese questions: the canonical English text the "
                                    "pipeline read (facts, retrieval, checks)")
    citations: list[Citation] = Field(default_factory=list)
    verdict: Verdict
    findings: list[RuleFinding] = Field(default_factory=list)
    patient: PatientFacts = Field(default_factory=PatientFacts)
    scope: Scope = "in_scope"
    mode: Literal["extractive", "llm"] = "extractive"
    timings_ms: dict[str, float] = Field(default_factory=dict, description="retrieve, draft, check, total")
    retrieved: list[str] = Field(default_factory=list, description="chunk_ids retrieved, best first")


__all__ = [
    "SCHEMA_VERSION",
    "Answer",
    "Chunk",
    "Citation",
    "PatientFacts",
    "RetrievedChunk",
    "RuleFinding",
]
