"""assistant.lang: the answer language of short, mixed and other-language questions (real lingua)."""

from __future__ import annotations

import pytest

from assistant.lang import detect, has_japanese, other_script


@pytest.mark.parametrize("q", [
    "70歳 Ph陽性ALLの寛解導入は？", "Ph+ ALLの寛解導入は？", "70歳 Ph陽性ALL", "母（71歳）がフィラデルフィア染色体陽性のALLです",
    "CR1 MRD陰性", "頭蓋照射 必要?", "同種移植後にMRD陰性だったら予防的TKIは必要ですか", "allo後のTKIは？",
    "ダサチニブ", "７０歳、Ph陽性", "再発・難治B-ALLにブリナツモマブ", "CAR-Tの適応は何歳まで？",
])
def test_japanese_questions_are_japanese(q: str) -> None:
    assert detect(q) == "ja"


@pytest.mark.parametrize("q", [
    "What induction for a 70-year-old with Ph+ ALL?", "Ph陽性 ALL induction?", "72F Ph+ ALL what induction",
    "What is 寛解導入 for Ph+ ALL?", "同種移植 in CR1 for a 45-year-old man?", "", "12345 ?", "MRD 0.01%",
    "急性淋巴细胞白血病怎么治疗",  # Chinese: not read (the scope check refuses it)
])
def test_english_and_not_japanese_questions_are_english(q: str) -> None:
    assert detect(q) == "en"


@pytest.mark.parametrize(("q", "script"), [
    ("급성 림프구성 백혈병 치료는?", "Hangul"), ("Лечение острого лимфобластного лейкоза?", "Cyrillic"),
    ("成人费城染色体阳性急性淋巴细胞白血病怎么治疗", "Chinese"), ("70歳 Ph陽性ALL", None), ("Ph+ ALL induction?", None),
    ("寛解導入療法について教えてください", None),
])
def test_other_script_names_the_languages_not_read(q: str, script: str | None) -> None:
    assert other_script(q) == script


def test_has_japanese() -> None:
    assert has_japanese("Ph陽性") and has_japanese("かな") and not has_japanese("Ph+ ALL")


@pytest.mark.parametrize("q", ["Ph+ALL CR1 MRD(-) allo適応?", "CR1 auto移植は？", "haplo移植の適応"])
def test_latin_shorthand_inside_japanese_is_not_english_prose(q: str) -> None:
    assert detect(q) == "ja"
