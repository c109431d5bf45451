"""bench/bench.py: choosing parts, and the target table of a partial run (the benchmark itself is `make bench`)."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from bench.bench import (
    PARTS,
    RECORDED_ANSWERS_FILE,
    bench_check,
    bench_warm_ja,
    ja_questions,
    parse_check_time,
    parse_parts,
    target_table,
)


def test_parts_are_parsed_and_an_unknown_one_is_named() -> None:
    assert parse_parts("api, cold") == ["api", "cold"]
    assert parse_parts("ja,check") == ["ja", "check"]
    assert set(PARTS) == {"ingest", "warm", "ja", "check", "cold", "api", "large"}
    with pytest.raises(argparse.ArgumentTypeError, match="unknown part.*apis.*choose from ingest, warm, ja, check"):
        parse_parts("apis,cold")
    with pytest.raises(argparse.ArgumentTypeError, match="none given"):
        parse_parts(" , ")


def test_a_partial_run_marks_what_it_did_not_measure() -> None:
    results = {"api": {"1": {"latency_ms": {"p50": 12.0}, "overhead_ms": {"p50": 2.1}},
                       "8": {"requests_per_s": 120.0, "errors": 0}},
               "cold_start_ask_s": 2.5}
    rows = {key: (value, target, verdict) for _text, key, value, target, verdict in target_table(results)}
    assert rows["api.8.requests_per_s"] == ("120.0", ">= 100", "ok")
    assert rows["cold_start_ask_s"] == ("2.5", "<= 2", "MISSED")
    assert rows["api.1.latency_ms.p50"][2] == "n/a"  # (its target needs the in-process p50: part "warm")
    assert rows["warm_latency_ms.total.p50"] == ("", "<= 12", "n/a")


def test_the_japanese_and_check_keys_have_their_targets() -> None:
    results = {"warm_latency_ms_ja": {"total": {"p50": 31.0, "p95": 92.5}},
               "check_ms": {"n": 423, "p50": 1.2, "p95": 4.9, "max": 30.0}}
    rows = {key: (value, target, verdict) for _text, key, value, target, verdict in target_table(results)}
    assert rows["warm_latency_ms_ja.total.p50"] == ("31.0", "<= 40", "ok")
    assert rows["warm_latency_ms_ja.total.p95"] == ("92.5", "<= 80", "MISSED")
    assert rows["check_ms.p95"] == ("4.9", "<= 5", "ok")
    assert rows["check_ms.p50"] == ("1.2", "", "")
    assert rows["warm_latency_ms.total.p50"][2] == "n/a"  # (part "warm" not run)


def test_check_time_output_is_read_and_a_missing_line_is_no_number() -> None:
    from evals.check_time import percentiles

    text = f"gold, cold: {percentiles([3.0, 1.0])}\ngold, warm: {percentiles([1.0, 2.0])}\nnoise: not a dict\n"
    parsed = parse_check_time(text)
    assert parsed == {"gold, cold": {"n": 2, "p50": 2.0, "p95": 3.0, "max": 3.0},
                      "gold, warm": {"n": 2, "p50": 1.5, "p95": 2.0, "max": 2.0}}


@pytest.fixture
def tiny_store(tiny_corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    from assistant.settings import Settings
    from ingest import run_ingest

    settings = Settings(store={"path": tmp_path / "store"})
    run_ingest(None, settings.ingest_config(), corpus_dir=tiny_corpus)
    return settings


@pytest.mark.integration
def test_the_check_part_runs_evals_check_time_on_the_store(tiny_store, tmp_path: Path) -> None:
    """`check_ms` comes from `python -m evals.check_time` itself (a fresh process on the benchmark's store)."""
    lines = RECORDED_ANSWERS_FILE.read_text(encoding="utf-8").splitlines()[:3]
    recorded = tmp_path / "three.jsonl"
    recorded.write_text("\n".join(lines) + "\n", encoding="utf-8")
    timed = bench_check(Path(tiny_store.store.path), recorded=recorded, suite="quick")
    assert timed["recorded"]["n"] == 3
    assert timed["gold_warm"]["n"] == timed["gold_cold"]["n"] == 43  # (evals/data/quick.jsonl)
    for key in ("recorded", "gold_cold", "gold_warm"):
        assert 0.0 <= timed[key]["p50"] <= timed[key]["p95"] <= timed[key]["max"]
    assert timed["recorded"]["max"] > 0.0  # (a generated answer is checked: it takes time)
    with pytest.raises(RuntimeError, match="check_time failed"):
        bench_check(Path(tiny_store.store.path), recorded=tmp_path / "missing.jsonl", suite="quick")


@pytest.mark.integration
def test_japanese_warm_latency_asks_every_question_each_round_as_a_new_text(tiny_store) -> None:
    from assistant.core import Assistant

    asked: list[str] = []
    bot = Assistant.from_settings(tiny_store)
    real_ask = bot.ask

    def ask(q: str, **kw):
        asked.append(q)
        return real_ask(q, **kw)

    bot.ask = ask  # type: ignore[method-assign]
    questions = ja_questions()[:3]
    stages, wall = bench_warm_ja(bot, questions, rounds=2)
    assert asked[:3] == questions  # (the warm-up: each once, not timed)
    assert asked[3:] == [f"{q} (case {r})" for r in (1, 2) for q in questions]
    assert stages["total"]["n"] == wall["n"] == 6
    assert 0 < stages["total"]["p50"] <= stages["total"]["p95"]
    assert len(ja_questions()) >= 80 and all(q.strip() for q in ja_questions())


@pytest.mark.integration
def test_the_api_is_warmed_through_one_connection_on_each_worker(tiny_store, tmp_path: Path) -> None:
    """Each API worker has its own listener, so one warm-up connection would warm one worker of four: the bench
    connects until every worker holds one of its connections."""
    import os
    import sys

    import psutil

    from bench.bench import _one_client_per_worker
    from evals.processes import free_port, running

    port = free_port()
    env = {**os.environ, "ALLGUIDE_STORE__PATH": str(tiny_store.store.path), "HF_HUB_OFFLINE": "1"}
    cmd = [sys.executable, "-m", "assistant.frontends.cli", "serve", "--port", str(port), "--workers", "2"]
    with running(cmd, ready_url=f"http://127.0.0.1:{port}/readyz", log_path=tmp_path / "serve.log", env=env,
                 timeout=180) as proc:
        clients = _one_client_per_worker(f"http://127.0.0.1:{port}", proc.pid, port, 2)
        try:
            owners = {w.pid for w in psutil.Process(proc.pid).children(recursive=True) for k in w.net_connections("tcp")
                      if k.raddr and k.raddr.port in {c.local_port() for c in clients}}
            assert len(clients) == 2 and len(owners) == 2
        finally:
            for c in clients:
                c.close()
