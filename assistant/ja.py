"""Japanese questions read into the canonical English the rest of the pipeline reads (owned by the Japanese
reading work: the lexicon's `ja:` forms, Japanese numbers, negation, family and hypothetical cues).

This first version returns the text unchanged; the interface is what the answer side builds on.
"""

from __future__ import annotations


def to_english(question: str) -> str:
    """The question in canonical English concept terms (patient facts, plan, scope and retrieval read this)."""
    return question
