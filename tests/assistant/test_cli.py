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
    assert a.verdict == "pass" and a.schema_version == "1.0" and a.citations


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
