"""Which language a question is in (owned by the Japanese reading work; this first version counts characters).

>>> detect("What induction for a 70-year-old with Ph+ ALL?")
'en'
>>> detect("70歳のPh陽性ALLの寛解導入は？")
'ja'
"""

from __future__ import annotations

from typing import Literal

Lang = Literal["en", "ja"]


def _is_japanese(ch: str) -> bool:
    return "\u3040" <= ch <= "\u30ff" or "\u4e00" <= ch <= "\u9fff" or "\uff66" <= ch <= "\uff9f"


def detect(text: str) -> Lang:
    """'ja' when Japanese script carries the question (mixed Japanese/English included), else 'en'."""
    letters = [ch for ch in text if ch.isalpha()]
    if not letters:
        return "en"
    return "ja" if sum(map(_is_japanese, letters)) / len(letters) > 0.2 else "en"
