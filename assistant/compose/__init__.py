"""The extractive drafter, haystack-style: a `DraftPlan` decided once (`selection`), then an ordered tuple of
small composers (`pipeline.COMPOSERS`), each `run(plan, pool, builder)`, adding the lines of one part of the
answer. The sentence finders they use are in `sentences`; what a question asks (`intents`) is read once into the
`QuestionPlan`."""

from assistant.compose.builder import Builder
from assistant.compose.pipeline import COMPOSERS, compose
from assistant.compose.selection import DraftPlan, Sources, plan_draft

__all__ = ["COMPOSERS", "Builder", "DraftPlan", "Sources", "compose", "plan_draft"]
