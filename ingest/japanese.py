"""Japanese text in a user's own documents: sentence ends, sizes and BM25 terms (SudachiPy, sudachidict-core).

Japanese has no spaces: a sentence ends at 。！？ (and the ASCII ! ? written full-width or not) with no space after,
a sentence's size is counted in characters (two Japanese characters count as one word for chunk sizes), and BM25
terms are SudachiPy's normalized forms of the content words (nouns, verbs, adjectives; 寛解 and 緩解 are one term).
The SudachiPy tokenizer is built once per process, on first use.

    >>> has_japanese("寛解導入"), has_japanese("induction")
    (True, False)
    >>> terms("同種造血幹細胞移植後にMRD陰性でした。")
    ['同種', '造血', '細胞', '移植', '後', '陰性']
    >>> word_count("成人ALLの寛解導入療法について")
    8
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

__all__ = ["SENTENCE_END", "has_japanese", "terms", "word_count"]

#: Characters that end a Japanese sentence (no space follows them)
SENTENCE_END = "。！？!?"
_CONTENT = frozenset({"名詞", "動詞", "形容詞", "形状詞", "接尾辞"})


def is_japanese_char(ch: str) -> bool:
    return "\u3040" <= ch <= "\u30ff" or "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf" or ch in "々〆"


def has_japanese(text: str) -> bool:
    return any(map(is_japanese_char, text))


def word_count(text: str) -> int:
    """Words for chunk sizes: whitespace words, with every two Japanese characters counted as one."""
    ja = sum(map(is_japanese_char, text))
    other = "".join(" " if is_japanese_char(ch) else ch for ch in text).split()
    return len(other) + (ja + 1) // 2


@lru_cache(maxsize=1)
def sudachi_dictionary() -> Any:
    """sudachidict-core, loaded once per process (the question reader and BM25 terms share it)."""
    from sudachipy import Dictionary

    return Dictionary(dict="core")


@lru_cache(maxsize=1)
def _tokenizer() -> Any:
    from sudachipy import SplitMode

    return sudachi_dictionary().create(mode=SplitMode.A)  # short units: 造血/幹細胞/移植 match either way round


def terms(text: str) -> list[str]:
    """BM25 terms of the Japanese in a text: normalized forms of its Japanese content words."""
    out = []
    for m in _tokenizer().tokenize(text):
        pos = m.part_of_speech()
        if pos[0] not in _CONTENT or pos[1] == "数詞" or not m.surface().strip():
            continue
        if not has_japanese(m.surface()):
            continue  # Latin words and numbers are the English tokenizer's
        out.append(m.normalized_form().lower())
    return out
