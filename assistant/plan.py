"""One reading of a question, built once: what retrieval, drafting and the checks read.

    >>> p = read_question("Relapsed B-ALL, 30 yo: is engineered T-cell treatment an option?")
    >>> p.text
    'Relapsed B-ALL, 30 yo: is car-t therapy an option?'
    >>> p.concepts
    ['relapse', 'b_lineage', 'car_t']
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from assistant.concepts import read_concepts

__all__ = ["QuestionPlan", "read_question"]


class QuestionPlan(BaseModel):
    """The question as asked, the same question in the lexicon's canonical terms, and its concepts."""

    model_config = ConfigDict(frozen=True)

    question: str = Field(description="The question as asked (cleaned)")
    text: str = Field(description="The question with lay words and misspellings in canonical terms")
    concepts: list[str] = Field(default_factory=list, description="Concept ids named, in order (others' left out)")


def read_question(question: str) -> QuestionPlan:
    """Read a question into a plan (pure; the lexicon is loaded once per process)."""
    reading = read_concepts(question.lower(), source=question)
    ids = list(dict.fromkeys(i for i in reading.ids() if i != "all"))
    return QuestionPlan(question=question, text=reading.text, concepts=ids)
