"""bench/bench.py: choosing parts, and the target table of a partial run (the benchmark itself is `make bench`)."""

from __future__ import annotations

import argparse

import pytest

from bench.bench import PARTS, parse_parts, target_table


def test_parts_are_parsed_and_an_unknown_one_is_named() -> None:
    assert parse_parts("api, cold") == ["api", "cold"]
    assert set(PARTS) == {"ingest", "warm", "cold", "api", "large"}
    with pytest.raises(argparse.ArgumentTypeError, match="unknown part.*apis.*choose from ingest, warm"):
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
