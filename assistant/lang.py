"""Which language a question is in: the language the answer is written in ("en" or "ja").

Japanese questions are short and mixed: clinicians write Latin abbreviations inside Japanese ("Ph+ ALLの寛解導入は？",
"70歳 Ph陽性ALL"), and English questions sometimes carry one Japanese term ("Ph陽性 ALL induction?"). A statistical
detector alone is wrong on these (lingua calls "Ph+ ALLの寛解導入は？" English and "70歳 Ph陽性ALL" Chinese), so
the scripts decide first and lingua only where they cannot:

1. kana (hiragana, katakana) anywhere -> "ja": kana are Japanese only, and they carry Japanese grammar (の, は, です).
2. no Japanese script -> "en".
3. kanji without kana: simplified-Chinese-only characters (阳, 阴, 这, 么, 疗 ...) -> "en" (not Japanese: the scope
   check then refuses it as a language this assistant does not read); kanji with no Latin prose words (three or
   more letters, not all capitals) ("70歳 Ph陽性ALL", "頭蓋照射 必要?") -> "ja"; otherwise lingua, restricted to English and Japanese,
   reads the grammar words: "Ph陽性 ALL induction?" and "同種移植 in CR1 for 45M?" -> "en" (an English sentence with a
   Japanese term), "CR1での同種移植適応" -> "ja".

Decided for the mixed case: "Ph陽性 ALL induction?" is English (its grammar is English; the answer is in English).
Japanese terms inside an English question are still read: `assistant.ja.to_english` maps them whatever the
answer language (call it whenever `has_japanese(text)`).

The lingua detector is built once per process, on first use.

>>> detect("What induction for a 70-year-old with Ph+ ALL?")
'en'
>>> detect("70歳のPh陽性ALLの寛解導入は？"), detect("Ph+ ALLの寛解導入は？"), detect("70歳 Ph陽性ALL")
('ja', 'ja', 'ja')
>>> detect("Ph陽性 ALL induction?")
'en'
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Literal

__all__ = ["Lang", "detect", "has_japanese", "other_script"]

Lang = Literal["en", "ja"]

#: Simplified Chinese characters that Japanese does not use (a text with them and no kana is Chinese).
_SIMPLIFIED = frozenset("这们么吗呢吧该说请应还让认为时对关于细阳阴费亲疗剂药恶发乐体检验围导儿东话讲过这样怎")

#: Latin shorthand Japanese clinicians write inside Japanese ("CR1 allo適応?"): not English prose
_SHORTHAND = frozenset({"allo", "auto", "haplo", "blina", "ino", "dex", "pred", "mtx", "vcr", "ara", "hyper", "cvad",
                        "mrd", "cns", "etc", "pre", "post", "neg", "pos"})

#: Scripts this assistant does not read, by code-point range: (first, last, name).
_OTHER_SCRIPTS = (
    (0x0370, 0x03FF, "Greek"), (0x0400, 0x04FF, "Cyrillic"), (0x0590, 0x05FF, "Hebrew"), (0x0600, 0x06FF, "Arabic"),
    (0x0900, 0x097F, "Devanagari"), (0x0E00, 0x0E7F, "Thai"), (0x1100, 0x11FF, "Hangul"), (0xAC00, 0xD7AF, "Hangul"),
    (0x3130, 0x318F, "Hangul"),
)


def _is_kana(ch: str) -> bool:
    return "\u3041" <= ch <= "\u30ff" and ch not in "\u30fb\u30fc" or "\uff66" <= ch <= "\uff9d"


def _is_kanji(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf" or ch in "々〆"


def has_japanese(text: str) -> bool:
    """The text holds Japanese script (kana or kanji): `ja.to_english` has something to read.

    >>> has_japanese("Ph陽性 ALL induction?"), has_japanese("Ph+ ALL induction?")
    (True, False)
    """
    return any(_is_kana(ch) or _is_kanji(ch) for ch in text)


def other_script(text: str) -> str | None:
    """The script of a question written mostly in a language this assistant does not read (Korean, Russian,
    Arabic, ..., simplified Chinese), or None.

    >>> other_script("급성 림프구성 백혈병 치료는?"), other_script("急性淋巴细胞白血病怎么治疗"), other_script("70歳 Ph陽性ALL")
    ('Hangul', 'Chinese', None)
    """
    letters = [ch for ch in text if ch.isalpha()]
    if not letters:
        return None
    counts: dict[str, int] = {}
    for ch in letters:
        o = ord(ch)
        name = next((n for lo, hi, n in _OTHER_SCRIPTS if lo <= o <= hi), None)
        if name:
            counts[name] = counts.get(name, 0) + 1
    if counts:
        name, n = max(counts.items(), key=lambda kv: kv[1])
        if n / len(letters) > 0.3:
            return name
    if not any(map(_is_kana, letters)) and any(ch in _SIMPLIFIED for ch in letters) and (
            sum(map(_is_kanji, letters)) / len(letters) > 0.3):
        return "Chinese"
    return None


@lru_cache(maxsize=1)
def _detector() -> Any:
    """lingua's detector for English and Japanese, built once per process (a few milliseconds)."""
    from lingua import Language, LanguageDetectorBuilder

    return LanguageDetectorBuilder.from_languages(Language.ENGLISH, Language.JAPANESE).build()


def _latin_words(text: str) -> list[str]:
    words, cur = [], []
    for ch in text + " ":
        if ch.isascii() and ch.isalpha():
            cur.append(ch)
        else:
            word = "".join(cur)
            if len(word) >= 3 and not word.isupper() and word.lower() not in _SHORTHAND:  # prose, not ALL, TKI, allo
                words.append(word)
            cur = []
    return words


def detect(text: str) -> Lang:
    """'ja' when the question is Japanese (mixed Japanese/English with Japanese grammar included), else 'en'."""
    letters = [ch for ch in text if ch.isalpha()]
    if any(map(_is_kana, letters)):
        return "ja"
    if not any(map(_is_kanji, letters)) or other_script(text) == "Chinese":
        return "en"
    if not _latin_words(text):
        return "ja"  # kanji and abbreviations only: "70歳 Ph陽性ALL", "CR1 MRD陰性"
    from lingua import Language

    return "ja" if _detector().detect_language_of(text) == Language.JAPANESE else "en"
