"""One error tree for the whole project. Front ends map these to what users see in one place."""

from __future__ import annotations


class AssistantError(Exception):
    """Root of every error the assistant raises on purpose."""


class IndexNotBuiltError(AssistantError):
    """No live index exists yet (run `allguide ingest`)."""


class RetrievalError(AssistantError):
    """The index exists but could not be read (server down, corrupted store)."""


class GenerationError(AssistantError):
    """The configured LLM failed."""


class CorpusError(AssistantError):
    """A document could not be ingested (names the file and the problem)."""
