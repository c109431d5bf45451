"""The `allguide` CLI against the real session index."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant.frontends.cli import app
from assistant.models import Answer

runner = CliRunner()


@pytest.fixture()
def env(live_settings, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    monkeypatch.setenv("ALLGUIDE_STORE__PATH", str(live_settings.store.path))
    return {"ALLGUIDE_STORE__PATH": str(live_settings.store.path)}


def test_ask_text(env) -> None:
    r = runner.invoke(app, ["ask", "72F Ph+ ALL what induction"])
    assert r.exit_code == 0, r.output
    assert "TKI plus a corticosteroid" in r.output
    assert "Sources:" in r.output and "[1]" in r.output and "Verdict: pass" in r.output


def test_ask_json_is_the_answer_model(env) -> None:
    r = runner.invoke(app, ["ask", "--json", "Is cranial irradiation required for all adults with ALL?"])
    assert r.exit_code == 0, r.output
    a = Answer.model_validate_json(r.stdout.strip().splitlines()[-1])
    assert a.verdict == "pass" and a.schema_version == "1.1" and a.citations


def test_ask_batch(env, tmp_path: Path) -> None:
    f = tmp_path / "q.jsonl"
    f.write_text('{"id": "a", "question": "72F Ph+ ALL what induction"}\n'
                 '{"id": "b", "question": "What is the induction for AML?"}\n'
                 '{"id": "c", "question": "   "}\n', encoding="utf-8")
    r = runner.invoke(app, ["ask", "--json", "--batch", str(f)])
    rows = [json.loads(x) for x in r.stdout.strip().splitlines()]
    assert [row["id"] for row in rows] == ["a", "b", "c"]
    assert rows[0]["verdict"] == "pass" and rows[1]["verdict"] == "refused"
    assert "empty" in rows[2]["error"]
    assert r.exit_code == 1  # one line failed


def test_ask_without_question_is_a_usage_error(env) -> None:
    r = runner.invoke(app, ["ask"])
    assert r.exit_code == 2


def test_ask_without_index_says_how_to_build(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("ALLGUIDE_STORE__PATH", str(tmp_path / "empty"))
    r = runner.invoke(app, ["ask", "72F Ph+ ALL what induction"])
    assert r.exit_code == 1
    assert "allguide ingest" in r.output


def test_index_status(env) -> None:
    r = runner.invoke(app, ["index", "status", "--json"])
    assert r.exit_code == 0, r.output
    info = json.loads(r.stdout)
    from ingest.loaders import corpus_files

    assert info["exists"] and info["documents_total"] == len(corpus_files(Path(__file__).resolve().parents[2] / "corpus"))
    assert set(info["chunks_by_tier"]) == {"guideline", "evidence", "context"}
    assert info["embedding_model"] and info["corpus_hash"] and info["built_at"]


def test_settings_show(env) -> None:
    r = runner.invoke(app, ["settings", "show", "--json"])
    assert r.exit_code == 0
    assert json.loads(r.stdout)["retrieval"]["k"] == 5


def test_ingest_bad_file_names_it_and_keeps_the_index(env, tmp_path: Path) -> None:
    before = runner.invoke(app, ["index", "status", "--json"])
    bad = tmp_path / "empty.txt"
    bad.write_text("", encoding="utf-8")
    r = runner.invoke(app, ["ingest", str(bad)])
    assert r.exit_code == 1
    assert "empty.txt" in r.output
    after = runner.invoke(app, ["index", "status", "--json"])
    assert json.loads(before.stdout)["build_id"] == json.loads(after.stdout)["build_id"]


def test_reingest_unchanged_corpus_writes_nothing(env) -> None:
    r = runner.invoke(app, ["ingest"])
    assert r.exit_code == 0, r.output
    out = " ".join(r.output.split())
    from ingest.chunking import chunk_documents
    from ingest.loaders import load_documents

    n = len(chunk_documents(load_documents(corpus_dir=Path(__file__).resolve().parents[2] / "corpus")))
    assert f"0 added, 0 updated, {n} unchanged, 0 removed" in out and "nothing to write" in out


def test_readme_settings_table_is_current() -> None:
    from assistant.frontends.cli import settings_markdown

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    block = readme.split("<!-- settings-table:start -->")[1].split("<!-- settings-table:end -->")[0]
    assert block.strip() == settings_markdown().strip(), "run `allguide settings table` and paste it into README"


# -- issue 16: version, stdin, rendering, chat, one-line usage errors ----------------------------------------------

def test_version() -> None:
    from importlib.metadata import version

    r = runner.invoke(app, ["--version"])
    assert r.exit_code == 0 and r.stdout.strip() == f"allguide {version('allguide')}"


def test_ask_dash_reads_stdin(env) -> None:
    r = runner.invoke(app, ["ask", "--json", "-"], input="72F Ph+ ALL\nwhat induction?\n")
    assert r.exit_code == 0, r.output
    a = Answer.model_validate_json(r.stdout.strip().splitlines()[-1])
    assert a.question == "72F Ph+ ALL what induction?" and a.patient.age == 72


def test_ask_dash_with_empty_stdin_is_a_usage_error(env) -> None:
    r = runner.invoke(app, ["ask", "-"], input="  \n")
    assert r.exit_code == 2 and "stdin was empty" in r.output


def test_piped_text_is_plain_and_full_width(env) -> None:
    r = runner.invoke(app, ["ask", "Is cranial irradiation required for all adults with ALL?"])
    assert r.exit_code == 0, r.output
    assert "**" not in r.stdout and "\x1b[" not in r.stdout  # no Markdown marks, no colours
    assert max(len(line) for line in r.stdout.splitlines()) > 100  # not cut at 80 columns
    assert "Verdict: pass" in r.stdout


def test_terminal_output_is_rendered_markdown(env, monkeypatch: pytest.MonkeyPatch) -> None:
    from rich.console import Console

    from assistant.frontends import cli as cli_mod

    monkeypatch.setattr(cli_mod, "console", Console(force_terminal=True, width=100, color_system="standard"))
    r = runner.invoke(app, ["ask", "72F Ph+ ALL what induction"])
    assert r.exit_code == 0, r.output
    assert "\x1b[" in r.stdout and "Sources" in r.stdout and "[1]" in r.stdout  # styled by rich
    assert "**" not in r.stdout and "Passed" in r.stdout


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["eval", "run", "--suite", "nope"], "no suite 'nope'"),
        (["eval", "run", "--mode", "bogus"], "'bogus' is not one of"),
        (["eval", "run", "--suite", "missing.jsonl"], "no suite 'missing.jsonl'"),
        (["ask", "--bogus"], "No such option: --bogus"),
        (["nosuch"], "No such command 'nosuch'"),
        (["serve", "--workers", "0"], "--workers"),
        (["serve", "--port", "http"], "--port"),
        (["ingest", "--tier", "secret"], "--tier must be"),
    ],
)
def test_bad_options_are_one_line_errors_with_exit_code_2(args: list[str], fragment: str) -> None:
    r = runner.invoke(app, args)
    assert r.exit_code == 2, r.output
    lines = r.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error:") and fragment in lines[0], r.output
    assert "Traceback" not in r.output


def test_chat_carries_history_and_corrects_facts(env) -> None:
    script = "\n".join([
        "72-year-old woman with newly diagnosed Ph+ ALL: what induction?",
        "and if she were 60?",
        "/facts",
        "/facts age=50",
        "/facts cd19=maybe-not",
        "/facts colour=blue",
        "/clear",
        "and if she were 60?",
        "/quit",
    ]) + "\n"
    r = runner.invoke(app, ["chat"], input=script)
    assert r.exit_code == 0, r.output
    out = r.stdout
    facts = [line for line in out.splitlines() if line.startswith("Patient facts: age=")]
    assert facts[0].startswith("Patient facts: age=72") and "ph_status=positive" in facts[0]
    assert facts[1].startswith("Patient facts: age=60") and "ph_status=positive" in facts[1]  # history carried
    assert "Patient facts: Age 60 (40-64), Ph+" in out  # /facts shows the last answer's facts
    assert "Corrected: age=50" in out
    assert facts[2].startswith("Patient facts: age=50") and "ph_status=positive" in facts[2]  # re-asked
    assert "Not changed:" in r.output and "unknown fact 'colour'" in r.output
    assert "New conversation." in out
    assert out.count("no earlier messages") == 1  # only after /clear


def test_chat_ends_on_eof(env) -> None:
    r = runner.invoke(app, ["chat"], input="")
    assert r.exit_code == 0 and "decision support only" in r.stdout


# -- Japanese answers (issue 17): --lang, detection, labels, a bad value --------------------------------------

@pytest.fixture()
def ja_env(env, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> dict[str, str]:
    """The session index plus the fixture's aligned Japanese corpus (tests/ja_fixture.py)."""
    from tests.ja_fixture import make_ja_corpus

    corpus = make_ja_corpus(tmp_path / "corpus")
    monkeypatch.setenv("ALLGUIDE_STORE__CORPUS_PATH", str(corpus))
    return {**env, "ALLGUIDE_STORE__CORPUS_PATH": str(corpus)}


def test_ask_lang_ja_answers_in_japanese_with_japanese_labels(ja_env) -> None:
    from assistant.localise import polite, unglossed
    from tests.ja_fixture import JA

    ja1 = next(iter(JA["g04-ph-pos-older"][2].values()))
    r = runner.invoke(app, ["ask", "--lang", "ja", "72F Ph+ ALL what induction"])
    assert r.exit_code == 0, r.output
    assert polite(ja1) in unglossed(r.stdout) and "出典:" in r.stdout and "判定: pass" in r.stdout
    assert "英語版: For adults with Ph-positive ALL aged 65 or older" in r.stdout  # the English one line away
    assert "[1] 65歳以上のPh陽性ALL (guideline" in r.stdout  # the Japanese title


def test_ask_detects_a_japanese_question_and_lang_en_overrides(ja_env) -> None:
    q = "72歳の女性、Ph+ ALL、寛解導入 induction therapy は？"
    auto = Answer.model_validate_json(runner.invoke(app, ["ask", "--json", q]).stdout.strip().splitlines()[-1])
    en = Answer.model_validate_json(runner.invoke(app, ["ask", "--json", "--lang", "en", q]).stdout
                                    .strip().splitlines()[-1])
    assert (auto.lang, en.lang) == ("ja", "en") and auto.question == q
    assert "TKI plus a corticosteroid" in en.answer and "TKI plus a corticosteroid" not in auto.answer


def test_ask_batch_rows_may_carry_lang(ja_env, tmp_path: Path) -> None:
    f = tmp_path / "q.jsonl"
    f.write_text('{"id": "a", "question": "72F Ph+ ALL what induction", "lang": "ja"}\n'
                 '{"id": "b", "question": "72F Ph+ ALL what induction"}\n'
                 '{"id": "c", "question": "72F Ph+ ALL what induction", "lang": "de"}\n', encoding="utf-8")
    r = runner.invoke(app, ["ask", "--json", "--batch", str(f)])
    rows = {row["id"]: row for row in map(json.loads, r.stdout.strip().splitlines())}
    assert rows["a"]["lang"] == "ja" and rows["b"]["lang"] == "en"
    assert rows["c"]["error"] == "lang must be 'en', 'ja' or 'auto', not 'de'" and r.exit_code == 1


def test_bad_lang_is_a_one_line_error(env) -> None:
    r = runner.invoke(app, ["ask", "--lang", "fr", "72F Ph+ ALL what induction"])
    lines = r.output.strip().splitlines()
    assert r.exit_code == 2 and len(lines) == 1 and lines[0].startswith("Error:") and "'fr' is not one of" in lines[0]


def test_chat_lang_ja(ja_env) -> None:
    r = runner.invoke(app, ["chat", "--lang", "ja"], input="72F Ph+ ALL what induction\n/quit\n")
    assert r.exit_code == 0, r.output
    assert "出典:" in r.stdout and "意思決定の支援のみ" in r.stdout
