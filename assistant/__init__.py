"""allguide: cited, rule-checked answers from the JSH 2023 adult ALL guideline.

Example:
    >>> from assistant import Assistant, Settings                     # doctest: +SKIP
    >>> answer = Assistant.from_settings(Settings()).ask("72F Ph+ ALL, what induction?")   # doctest: +SKIP
    >>> print(answer.answer)                                          # doctest: +SKIP
"""

from assistant.errors import (
    AssistantError,
    CorpusError,
    GenerationError,
    IndexNotBuiltError,
    RetrievalError,
)
from assistant.models import (
    SCHEMA_VERSION,
    Answer,
    Chunk,
    Citation,
    PatientFacts,
    RetrievedChunk,
    RuleFinding,
)
from assistant.settings import Settings


def __getattr__(name: str):  # lazy: keep `import assistant` light for --help and unit tests
    if name in ("Assistant", "QuestionError"):
        from assistant import core

        return getattr(core, name)
    raise AttributeError(name)


__all__ = [
    "SCHEMA_VERSION",
    "Answer",
    "Assistant",
    "AssistantError",
    "Chunk",
    "Citation",
    "CorpusError",
    "GenerationError",
    "IndexNotBuiltError",
    "PatientFacts",
    "QuestionError",
    "RetrievalError",
    "RetrievedChunk",
    "RuleFinding",
    "Settings",
]
