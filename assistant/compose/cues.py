"""The cue-word lists of `assistant/lexicon/cues.yaml` (the wording around the clinical concepts: what kind of
question, what kind of line), loaded once, and the test whether a text says one of them.

    >>> says("Does JSH prefer blinatumomab?", "prefer_words"), says("Is it standard?", "prefer_words")
    (True, False)
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml

from assistant.text import first_of, has_any

__all__ = ["cue", "says", "without"]

CUES_PATH = Path(__file__).resolve().parents[1] / "lexicon" / "cues.yaml"


@lru_cache(maxsize=1)
def _cues() -> dict[str, tuple[str, ...]]:
    data = yaml.load(CUES_PATH.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    return {name: tuple(str(t).lower() for t in terms) for name, terms in data.items()}


def cue(name: str) -> tuple[str, ...]:
    """The terms of one cue list (KeyError naming the list when there is none)."""
    try:
        return _cues()[name]
    except KeyError:
        raise KeyError(f"no cue list {name!r} in {CUES_PATH}") from None


def says(text: str, name: str) -> bool:
    """`text` contains a term of the cue list `name`."""
    return has_any(text, cue(name))


def without(text: str, name: str) -> str:
    """`text` with each term of the cue list `name` blanked out ("on treatment" out of "on treatment for ALL").

    >>> without("My son is on treatment for ALL. What is MRD?", "treatment_state")
    'My son is   for ALL. What is MRD?'
    """
    while (span := first_of(text, cue(name))) is not None:
        text = text[:span[0]] + " " + text[span[1]:]
    return text


def reworded_kinds(text: str) -> list[str]:
    """The kinds X of cues.yaml `answered_in_other_words` the text asks (a term of asks_X, and of context_X where that
    list exists): its answer is in the words of reports_X ("must my doctor follow it?": "rather than binding")."""
    return list(_reworded_kinds(text))


@lru_cache(maxsize=1024)
def _reworded_kinds(text: str) -> tuple[str, ...]:
    """reworded_kinds, memoised: every candidate chunk's best sentences read it of the same question."""
    return tuple(k for k in cue("answered_in_other_words") if says(text, f"asks_{k}")
                 and (f"context_{k}" not in _cues() or says(text, f"context_{k}")))
