"""Japanese LLM answers read through the Japanese concept forms and checked by the rule layer (assistant/ja_check.py).

The Japanese sentences here are this file's own (not taken from evals/data/generated_ja.jsonl, which is held out).
The model is a replay of scripted answers (evals.recorded.ReplayChatModel: the one fake here, a hosted LLM cannot
run); the index, the reader, the rule layer and the aligned Japanese corpus are the real ones.
"""

from __future__ import annotations

import time
from typing import Any

import pytest
from langchain_core.messages import HumanMessage, SystemMessage

from assistant.core import Assistant
from assistant.ja_check import (
    JapaneseAnswerModel,
    Source,
    numbered_sources,
    read_sentence,
    split_japanese,
    unsupported_trial_values,
)
from assistant.prompts import LLM_JAPANESE_INSTRUCTION, format_context
from evals.recorded import RecordedAnswer, ReplayChatModel

Q = "同種移植後にMRD陰性のPh陽性ALLでは予防的TKIを続けるべきですか？"
SECTION = "jsh2023-all/ph-pos/post-hsct-tki"


# -- splitting and reading ------------------------------------------------------------------------------------

def test_sentences_split_at_japanese_full_stops_with_their_markers() -> None:
    lines = split_japanese("いいえ。TKIは推奨されません[1]。MRDが出たら先制的に使います。[2][3]\n- 箇条書きの文です[4]")
    (p1, first), (p2, second) = lines
    assert (p1, [(s.text, s.markers) for s in first]) == (
        "", [("いいえ。", ""), ("TKIは推奨されません。", "[1]"), ("MRDが出たら先制的に使います。", "[2][3]")])
    assert p2 == "- " and [(s.text, s.markers) for s in second] == [("箇条書きの文です", "[4]")]


def test_markers_written_as_a_list_are_kept() -> None:
    [(_, [s])] = split_japanese("頭蓋照射は全例には必要ありません[1, 2]。")
    assert s.markers == "[1][2]"


@pytest.mark.parametrize(("ja", "english"), [
    ("同種移植後にMRD陰性なら予防的TKI維持療法は推奨されません", "not recommended"),
    ("頭蓋照射は必須ではありません", "not required"),
    ("髄注化学療法だけで十分です", "sufficient"),
    ("ブリナツモマブはCD19を標的とする二重特異性抗体です", "targeting CD19"),
])
def test_the_stance_of_a_sentence_is_read(ja: str, english: str) -> None:
    s = read_sentence(ja, "[1]")
    assert english in s.reading and s.readable, s


def test_an_uncited_opening_is_read_as_yes_or_no() -> None:
    assert read_sentence("いいえ。").reading == "No." and read_sentence("はい。").reading == "Yes."


@pytest.mark.parametrize("ja", [
    "この問題は施設ごとの慣習に委ねられています",  # its predicate (委ねる) is not read
    "移植を急ぐのではなく化学療法を続けます",  # a contrasted clause the reader has no rendering for
    "患者の嗜好や価値観、生活背景、就労状況を勘案して方針を立てる",  # unread words dominate
])
def test_a_sentence_the_reader_cannot_read_is_not_guessed_at(ja: str) -> None:
    s = read_sentence(ja, "[1]")
    assert not s.readable, s


def test_a_trials_value_taken_from_another_trial_is_found() -> None:
    s = read_sentence("TOWER試験では完全寛解率が78%でした", "[1][2]")
    sources = {1: Source("evidence", "tower", "In TOWER, the CR rate was 34% with blinatumomab."),
               2: Source("evidence", "blast", "The BLAST trial found a complete MRD response in 78% of patients.")}
    assert unsupported_trial_values(s, sources) == ["78%"]
    assert unsupported_trial_values(read_sentence("TOWER試験では完全寛解率が34%でした", "[1]"), sources) == []


def test_the_numbered_sources_come_from_the_prompts_chunks(bot) -> None:
    chunks = [c for c in bot.retriever.chunks if c.section_id == SECTION][:1] + [
        next(c for c in bot.retriever.chunks if c.tier == "evidence" and c.section_title.startswith("TOWER"))]
    sources = numbered_sources(chunks)
    assert [s.text for s in sources.values()] == [c.text for c in chunks]
    assert sources[1].trial == "" and sources[2].trial == "tower"
    assert f"[2] (tier=evidence; section={chunks[1].section_id}" in format_context(chunks)  # (the same numbering)


def test_the_prompt_asks_for_japanese_and_shows_the_question_as_written() -> None:
    model = JapaneseAnswerModel(None, Q, budget_s=5)
    out = model.messages([SystemMessage(content="rules"), HumanMessage(content="Sources: ...\n\nQuestion: reading")])
    assert out[0].content.endswith(LLM_JAPANESE_INSTRUCTION)
    assert out[1].content.endswith(f"The question read into English: reading\nQuestion: {Q}")


# -- through the real pipeline ---------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def chunk_id(bot) -> str:
    return next(c.chunk_id for c in bot.retriever.chunks if c.section_id == SECTION and "MRD-negative" in c.text)


def ask(bot, chunk_id: str, answer: str):
    model = ReplayChatModel.from_rows([RecordedAnswer(id="t", question=Q, answer=answer, sources=[chunk_id])])
    model.lookup = bot.source
    return Assistant(settings=bot.settings, retriever=bot.retriever, llm=model, rulebook=bot.rulebook).ask(Q)


@pytest.mark.parametrize("answer", [
    "同種移植後にMRD陰性となったPh陽性ALLの成人には、JSH 2023は予防的なTKI維持療法を推奨していません[1]。",
    "いいえ。JSH 2023は、移植後にMRD陰性のPh陽性ALLに予防的TKI維持療法を推奨していません[1]。MRDが検出されたときにTKIを先制的に使います[1]。",
    "- 移植後MRD陰性なら予防的TKIは推奨されない[1]。\n- MRDが陽性になればTKIを先制的に投与する[1]。",
])
def test_a_correct_japanese_answer_is_shown_as_written(bot, chunk_id: str, answer: str) -> None:
    a = ask(bot, chunk_id, answer)
    assert (a.mode, a.verdict, a.lang) == ("llm", "pass", "ja"), a.findings
    for _, sents in split_japanese(answer):
        for s in sents:
            assert s.text in a.answer
    assert a.citations[0].chunk_id == chunk_id and a.citations[0].quote_ja


def test_a_wrong_japanese_sentence_is_replaced_by_the_aligned_guideline_sentence(bot, chunk_id: str) -> None:
    wrong = "同種移植後にMRD陰性のPh陽性ALLでも、JSH 2023は予防的TKI維持療法を推奨しています"
    a = ask(bot, chunk_id, f"{wrong}[1]。")
    assert a.mode == "llm" and a.verdict == "repaired" and wrong not in a.answer
    assert "PHPOS-POSTHSCT-MRDNEG-006" in {f.rule_id for f in a.findings}
    assert "推奨していません" in a.answer  # the guideline's own sentence, in its aligned Japanese (polite style)


def test_an_unreadable_answer_falls_back_to_the_extractive_japanese_answer(bot, chunk_id: str) -> None:
    a = ask(bot, chunk_id, "この問題は施設ごとの慣習に委ねられています[1]。")
    assert a.mode == "extractive" and a.lang == "ja"
    finding = next(f for f in a.findings if f.rule_id == "LANG-LLM-061")
    assert "委ねる" in finding.message
    assert not any(f.rule_id == "LLM-FALLBACK-032" for f in a.findings)
    assert "慣習" not in a.answer


def test_an_english_answer_to_a_japanese_question_falls_back(bot, chunk_id: str) -> None:
    a = ask(bot, chunk_id, "Prophylactic TKI maintenance is not recommended when MRD is negative.[1]")
    assert a.mode == "extractive" and any("not written in Japanese" in f.message for f in a.findings)


def test_an_english_question_in_llm_mode_is_untouched_by_the_japanese_path(bot, chunk_id: str) -> None:
    english = "Ph+ ALL, MRD negative after allo-HSCT: prophylactic TKI?"
    model = ReplayChatModel.from_rows([RecordedAnswer(
        id="e", question=english, sources=[chunk_id],
        answer="For adults with Ph-positive ALL who are MRD-negative after allo-HSCT, the JSH 2023 guideline does not "
               "recommend prophylactic TKI maintenance.[1]")])
    model.lookup = bot.source
    a = Assistant(settings=bot.settings, retriever=bot.retriever, llm=model, rulebook=bot.rulebook).ask(english)
    assert (a.mode, a.lang) == ("llm", "en")


def test_the_japanese_answer_streams_in_japanese(bot, chunk_id: str) -> None:
    answer = "同種移植後にMRD陰性のPh陽性ALLには、JSH 2023は予防的TKI維持療法を推奨していません[1]。"
    model = ReplayChatModel.from_rows([RecordedAnswer(id="s", question=Q, answer=answer, sources=[chunk_id])])
    model.lookup = bot.source
    events = list(Assistant(settings=bot.settings, retriever=bot.retriever, llm=model, rulebook=bot.rulebook)
                  .stream(Q))
    streamed = "".join(e["data"] for e in events if e["event"] == "text")
    assert streamed.startswith("同種移植後に")  # the model's Japanese, not the English reading the checks see
    final = events[-1]["data"]
    assert final["mode"] == "llm" and final["lang"] == "ja" and "予防的TKI維持療法を推奨していません" in final["answer"]


class _SlowReplay(ReplayChatModel):
    """The recorded answer's first 80-character piece at once, then one piece every 3 s (a model past its budget)."""

    def _stream(self, messages: Any, stop: Any = None, run_manager: Any = None, **kwargs: Any) -> Any:
        for k, piece in enumerate(super()._stream(messages, stop, run_manager, **kwargs)):
            if k:
                time.sleep(3)
            yield piece


def test_the_time_budget_cuts_the_japanese_answer_at_a_finished_sentence(bot, chunk_id: str) -> None:
    first = "移植後MRD陰性なら予防的TKIは推奨されない[1]。"
    model = _SlowReplay.from_rows([RecordedAnswer(
        id="b", question=Q, sources=[chunk_id], answer=first + "MRDが陽性になればTKIを先制的に投与する[1]。" * 4)])
    model.lookup = bot.source
    settings = bot.settings.model_copy(update={"llm": bot.settings.llm.model_copy(update={"time_budget_s": 2.0})})
    a = Assistant(settings=settings, retriever=bot.retriever, llm=model, rulebook=bot.rulebook).ask(Q)
    assert a.mode == "llm" and a.verdict == "warn" and "LLM-BUDGET-055" in {f.rule_id for f in a.findings}
    # (the first piece ends inside the third sentence; the next comes after the budget)
    assert a.answer.startswith("移植後MRD陰性なら予防的TKIは推奨されない。") and a.answer.count("投与する") < 4
    assert a.answer.rstrip().endswith("]")


def test_two_conditions_in_one_sentence_are_two_clauses() -> None:
    s = read_sentence("MRDが陽性なら先制的TKIを使い、陰性なら予防的TKIは推奨されない", "[1]")
    assert "; if negative" in s.reading and s.reading.endswith("not recommended."), s.reading


def test_a_negative_attribution_is_read_in_english_order() -> None:
    s = read_sentence("移植後の予防的TKIはJSH 2023では推奨されていない", "[1]")
    assert "JSH 2023 does not recommend" in s.reading, s.reading


def test_a_bold_label_frames_and_an_uncited_sentence_with_nothing_read_is_not_dropped_silently(bot, chunk_id) -> None:
    assert read_sentence("**補足**").reading == "**Note**"
    a = ask(bot, chunk_id, "移植後MRD陰性なら予防的TKIは推奨されない[1]。ええ、そうかもしれませんね。")
    assert a.mode == "extractive" and any("nothing in it could be read" in f.message for f in a.findings)


def test_the_prompts_own_chunks_reach_the_japanese_checks(bot) -> None:
    """The numbered sources come from the chunks the prompt was built from (no parsing of the prompt text): a value
    a sentence gives for one trial that its cited source gives only for another is found through the pipeline."""
    question = "再発B-ALLに対するブリナツモマブとイノツズマブの臨床試験の成績は？"
    ino = next(c for c in bot.retriever.chunks if "TOWER trial compared" in c.text and "73.8%" in c.text)
    model = ReplayChatModel.from_rows([RecordedAnswer(
        id="v", question=question, sources=[ino.chunk_id], answer="TOWER試験では完全寛解率が73.8%でした[1]。")])
    model.lookup = bot.source
    a = Assistant(settings=bot.settings, retriever=bot.retriever, llm=model, rulebook=bot.rulebook).ask(question)
    finding = next(f for f in a.findings if f.rule_id == "LANG-LLM-061")
    assert a.mode == "extractive" and "given only for another trial" in finding.message, finding.message


# -- the answer vocabulary (assistant/lexicon/ja_answers.yaml), by class --------------------------------------------

@pytest.mark.parametrize(("ja", "english"), [
    ("70歳の患者は65歳以上の群にあたります", "falls into"),  # scope and fit
    ("再寛解導入療法は前治療を踏まえて選びます", "in light of"),
    ("この結果はJSH 2023の推奨と一致しています", "consistent with"),
    ("維持療法を最後まで完遂することが重要です", "completed"),  # qualifiers
    ("体力に合わせて強度を調整した化学療法も検討されます", "intensity"),  # care and trials
    ("ポナチニブはT315I変異を克服します", "overcomes"),  # mechanism (the claim reader's `effective` cue)
])
def test_answer_vocabulary_classes_are_read(ja: str, english: str) -> None:
    s = read_sentence(ja, "[1]")
    assert english in s.reading and s.readable, s


def test_what_a_clause_recommends_must_itself_be_read() -> None:
    s = read_sentence("JSH 2023はデジタルPCRを推奨しています", "[1]")  # (デジタル: no form, the object of 推奨)
    assert "デジタル" in s.unread and not s.readable, s
    assert read_sentence("デジタルPCRの結果も報告されています。", "[1]").readable  # (no stance in its clause)


@pytest.mark.parametrize("ja", [
    "HD-MTXの推奨は65歳以上には及ばない",  # "extends no to": the reader would misplace the negation
    "髄注単独ではこの推奨を満たしません",
    "TKI維持療法は移植と同等の選択肢としては示されていない",  # negated after a stance in its clause
])
def test_a_negation_the_reader_would_misplace_leaves_the_sentence_unread(ja: str) -> None:
    s = read_sentence(ja, "[1]")
    assert not s.readable, s


def test_a_negation_the_reader_places_is_read() -> None:
    s = read_sentence("要約は維持療法の期間を示していません", "[1]")
    assert s.readable and "no shown" in s.reading, s


def test_a_trial_named_beside_a_position_given_to_jsh_is_not_checked_in_japanese() -> None:
    from assistant.ja_check import _why

    s = read_sentence("JSH 2023はGRAAPH-2005のレジメンを推奨しています", "[1]")
    assert "names a trial" in _why(s, {})
    denial = read_sentence("GRAAPH-2005のレジメンはJSH 2023の推奨ではありません", "[1]")
    assert _why(denial, {}) == "", denial


@pytest.mark.parametrize(("ja", "english"), [
    ("イノツズマブはCD22に結合する抗体です", "targeting CD22"),
    ("全生存期間中央値は7.7か月でした", "7.7 months"),
    ("完全寛解率は34%対16%でした", "34% vs 16%"),
])
def test_japanese_order_around_numbers_is_put_in_english_order(ja: str, english: str) -> None:
    assert english in read_sentence(ja, "[1]").reading


@pytest.mark.parametrize(("text", "reading"), [
    ("ポナチニブは第3世代TKIです", "third-generation TKI"),
    ("第2世代TKIのダサチニブ", "second-generation TKI"),
])
def test_tki_generations_are_read(text: str, reading: str) -> None:
    from assistant.ja_check import read_sentence

    r = read_sentence(text, "[1]")
    assert reading in r.reading and r.readable, (r.reading, r.unread)


def test_standing_words_are_read() -> None:
    from assistant.ja_check import read_sentence

    # (基盤, 全体, 慣例: words the reader left unread in correct answers of generated_ja.jsonl)
    r = read_sentence("HD-MTXは40〜64歳のPh陰性ALLで治療全体の基盤とする慣例です", "[1]")
    assert not r.unread, r.unread
