"""The Streamlit chat UI with streamlit.testing.v1.AppTest (in process, against the test index)."""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from assistant.localise import polite, unglossed

APP = str(Path(__file__).resolve().parents[2] / "app.py")
QUESTION = "72-year-old woman with newly diagnosed Ph+ ALL: what induction?"


def _run(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _fresh() -> AppTest:
    return _run(AppTest.from_file(APP, default_timeout=120))


def _texts(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption] + [e.label for e in at.expander]
    return "\n".join(str(p) for p in parts)


def test_missing_index_page(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("ALLGUIDE_STORE__PATH", str(tmp_path / "no-index-here"))
    at = _fresh()
    assert "has not been built" in at.error[0].value
    assert [c.value for c in at.code] == ["make ingest", "allguide ingest"]
    assert not at.chat_input  # no chat without an index
    assert "Decision support only" in at.warning[0].value


def test_ask_shows_answer_sources_verdict_and_facts(app_env: Path) -> None:
    at = _fresh()
    assert "Decision support only" in at.warning[0].value
    at.chat_input[0].set_value(QUESTION)
    _run(at)
    assert [m.name for m in at.chat_message] == ["user", "assistant"]
    assert not at.status  # the status line goes once the checked answer is shown; the badge tells the verdict
    text = _texts(at)
    assert "[1]" in at.chat_message[1].markdown[0].value  # the answer with markers
    assert "Verdict:" in text and ":green-badge[guideline]" in text  # verdict badge and tier badge
    assert any(e.label.startswith("[1] ") for e in at.expander)  # numbered sources
    assert ":gray-badge[Age 72 (65+)]" in text and ":gray-badge[Ph+]" in text  # fact chips
    # the sidebar shows what was understood
    assert at.sidebar.number_input(key="fact_age").value == 72
    assert at.sidebar.selectbox(key="fact_ph_status").value == "positive"


def test_example_button_and_correction_reask(app_env: Path) -> None:
    at = _fresh()
    at.button(key="example_0").click()
    _run(at)
    first = [m for m in at.chat_message if m.name == "assistant"]
    assert len(first) == 1
    at.sidebar.number_input(key="fact_age").set_value(50)
    at.sidebar.selectbox(key="fact_lineage").set_value("B")
    at.sidebar.button[0].click()  # "Re-ask with these facts"
    _run(at)
    assert [m.name for m in at.chat_message] == ["user", "assistant", "user", "assistant"]
    text = _texts(at)
    assert "Re-ask with corrected facts: age=50, lineage=B" in text
    assert ":gray-badge[Age 50 (40-64)]" in text and ":gray-badge[B-lineage]" in text
    assert at.sidebar.number_input(key="fact_age").value == 50


def test_feedback_is_saved_with_question_answer_and_findings(app_env: Path) -> None:
    at = _fresh()
    at.chat_input[0].set_value(QUESTION)
    _run(at)
    at.feedback[0].set_value(1)
    _run(at)
    rows = [json.loads(line) for line in app_env.read_text(encoding="utf-8").splitlines()]
    assert len(rows) == 1 and rows[0]["rating"] == "up"
    assert rows[0]["question"].startswith("72-year-old") and "[1]" in rows[0]["answer"]
    assert isinstance(rows[0]["findings"], list) and rows[0]["verdict"] in ("pass", "warn", "repaired")


def test_export_and_clear(app_env: Path) -> None:
    at = _fresh()
    at.chat_input[0].set_value(QUESTION)
    _run(at)
    export = at.sidebar.get("download_button")[0]
    assert "Export" in export.proto.label and not export.proto.disabled
    at.sidebar.button[1].click()  # "Clear conversation"
    _run(at)
    assert not at.chat_message and at.button(key="example_0")


def test_refused_question_shows_refused_badge(app_env: Path) -> None:
    at = _fresh()
    at.chat_input[0].set_value("How do I bake sourdough bread?")
    _run(at)
    assert "Verdict: Refused" in _texts(at)


def test_refusal_states_its_reason_once_and_cannot_be_reasked(app_env: Path) -> None:
    at = _fresh()
    at.chat_input[0].set_value("What is the induction for AML?")
    _run(at)
    text = _texts(at)
    assert text.count("not adult acute lymphoblastic leukemia") == 1, text  # in the answer, not again as a finding
    assert "Blocked:" not in text and not at.status
    assert at.sidebar.button(key="reask").disabled  # re-asking a refused question with other facts makes no sense
    at.chat_input[0].set_value(QUESTION)
    _run(at)
    assert not at.sidebar.button(key="reask").disabled


def test_footer_says_in_scope_and_the_short_disclaimer(app_env: Path) -> None:
    at = _fresh()
    at.chat_input[0].set_value(QUESTION)
    _run(at)
    footer = [c.value for c in at.chat_message[1].caption if "mode ·" in c.value]
    assert len(footer) == 1 and "extractive mode · in scope · " in footer[0] and "scope in scope" not in footer[0]
    page = _texts(at) + "\n".join(w.value for w in at.warning)
    assert page.count("Decision support only. allguide summarises") == 1  # the full disclaimer once, at the top
    answer = "\n".join([m.value for m in at.chat_message[1].markdown] + [c.value for c in at.chat_message[1].caption])
    assert answer.count("Decision support only") == 1  # and one short line per answer
    refused = _fresh()  # a refusal carries no disclaimer in its text: the footer line does
    refused.chat_input[0].set_value("How do I bake sourdough bread?")
    _run(refused)
    footer = [c.value for c in refused.chat_message[1].caption if "mode ·" in c.value]
    assert footer[0].startswith("extractive mode · out of scope · ")
    assert footer[0].endswith(" · Decision support only: check the cited sources before acting.")


def test_follow_up_sent_alone_gets_the_no_history_note(app_env: Path) -> None:
    at = _fresh()
    at.chat_input[0].set_value("and if she were 60?")
    _run(at)
    answer = at.chat_message[1].markdown[0].value
    assert "no earlier messages came with it" in answer
    assert "I can only answer questions about" not in answer  # not an off-topic refusal


def test_question_error_is_a_message_not_a_traceback(app_env: Path) -> None:
    at = _fresh()
    at.chat_input[0].set_value("   ")
    _run(at)
    assert "question is empty" in at.error[0].value
    assert at.status[0].label == "Could not answer"


def test_an_over_long_message_is_refused_clearly_and_kept(app_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ALLGUIDE_API__MAX_QUESTION_CHARS", "40")  # another config: another cached Assistant
    at = _fresh()
    assert "up to 40 characters" in at.chat_input[0].placeholder  # the limit is visible before sending
    long = "A 72-year-old woman with Ph+ ALL, newly diagnosed: which induction is recommended?"
    at.chat_input[0].set_value(long)
    _run(at)
    assert not at.chat_message  # not sent
    assert f"{len(long)} characters long; the limit is 40" in at.error[0].value
    assert at.code[0].value == long  # nothing lost: the whole text is shown back to copy


def test_llm_mode_streams_then_shows_the_checked_answer(app_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from langchain_core.language_models import GenericFakeChatModel
    from langchain_core.messages import AIMessage

    import assistant.factories

    reply = AIMessage(content="Older adults with Ph-positive ALL receive a TKI plus a corticosteroid.[1]")
    calls: list[Any] = []

    def fake_llm(settings: Any) -> Any:
        calls.append(settings)
        return GenericFakeChatModel(messages=itertools.repeat(reply))

    monkeypatch.setattr(assistant.factories, "make_llm", fake_llm)
    monkeypatch.setenv("ALLGUIDE_LLM__ENABLED", "true")
    monkeypatch.setenv("ALLGUIDE_LLM__BASE_URL", "http://127.0.0.1:9/v1")
    at = _fresh()
    at.chat_input[0].set_value(QUESTION)
    _run(at)
    assert calls, "the app did not build the Assistant through the factories"
    assert not at.status
    text = _texts(at)
    assert "Answer mode: llm" in text
    # the final checked answer replaces the streamed draft (here the fake's ungrounded draft falls back)
    assert "Draft (being checked)" not in text
    assert "[1]" in at.chat_message[1].markdown[0].value


def test_a_remote_address_is_refused_unless_allowed(app_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from streamlit import config

    before = config.get_option("server.address")
    config.set_option("server.address", "0.0.0.0")
    try:
        at = _fresh()
        assert "ALLGUIDE_UI__ALLOW_REMOTE" in at.error[0].value and not at.chat_input
        monkeypatch.setenv("ALLGUIDE_UI__ALLOW_REMOTE", "true")
        at = _fresh()
        assert not at.error and at.chat_input
    finally:
        config.set_option("server.address", before)


def test_streamlit_config_hides_deploy_and_the_file_watcher() -> None:
    import tomllib

    cfg = tomllib.loads((Path(APP).parent / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert cfg["client"]["toolbarMode"] == "minimal"  # no Deploy button
    assert cfg["server"]["fileWatcherType"] == "none"  # no inotify watcher, no "queue overflowed" lines
    assert cfg["server"]["address"] == "127.0.0.1" and cfg["browser"]["gatherUsageStats"] is False


# -- Japanese (issue 17): the language switch, Japanese examples, labels in the answer's language ----------------

@pytest.fixture
def ja_app_env(app_env: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    from tests.ja_fixture import make_ja_corpus

    monkeypatch.setenv("ALLGUIDE_STORE__CORPUS_PATH", str(make_ja_corpus(tmp_path / "corpus")))
    return app_env


def test_language_switch_japanese_examples_and_labels(ja_app_env: Path) -> None:
    from app import EXAMPLES_JA
    from tests.ja_fixture import JA

    at = _fresh()
    assert at.sidebar.radio(key="lang").value == "auto"
    at.sidebar.radio(key="lang").set_value("ja")
    _run(at)
    assert at.button(key="example_0").label == EXAMPLES_JA[0] and "質問の例" in _texts(at)
    at.chat_input[0].set_value(QUESTION)  # an English question, answered in Japanese by the switch
    _run(at)
    text = _texts(at)
    assert polite(next(iter(JA["g04-ph-pos-older"][2].values()))) in unglossed(at.chat_message[1].markdown[0].value)
    assert "判定: 合格" in text and "**出典**" in text and "読み取った患者情報" in text
    assert ":gray-badge[72歳（65歳以上）]" in text and ":gray-badge[初発]" in text  # the fact chips too
    assert "英語版: For adults with Ph-positive ALL aged 65 or older" in text  # the English quote, one click away
    assert any(e.label.startswith("[1] 65歳以上のPh陽性ALL") for e in at.expander)
    at.sidebar.radio(key="lang").set_value("en")
    at.chat_input[0].set_value("and if she were 60?")
    _run(at)
    assert "Verdict:" in _texts(at) and "Sources" in _texts(at)  # the next answer in English, the first kept
    assert "判定: 合格" in _texts(at)


def test_auto_answers_a_japanese_question_in_japanese(ja_app_env: Path) -> None:
    at = _fresh()
    at.chat_input[0].set_value("72歳の女性、Ph+ ALL、寛解導入 induction therapy は？")
    _run(at)
    text = _texts(at)
    assert "判定:" in text and "Verdict:" not in text
