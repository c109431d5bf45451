"""Helpers for the composer tests: run composers on a fresh builder, read its cited lines."""

from __future__ import annotations

from collections.abc import Sequence

from assistant.compose import Builder, DraftPlan, Sources
from assistant.compose.base import Composer


def run(composers: Sequence[Composer], plan: DraftPlan, sources: Sources, max_sentences: int = 8) -> Builder:
    """Run composers in order on a fresh builder."""
    builder = Builder(max_sentences)
    for composer in composers:
        composer.run(plan, sources, builder)
    return builder


def cited(builder: Builder) -> list[str]:
    """The cited lines (not notes) in order."""
    return [text for kind, text in builder.lines if kind != "note"]
