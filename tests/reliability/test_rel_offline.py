"""Offline guarantee: ingest, ask and a small eval make no outbound network attempt.

`offline_probe.py` runs in a fresh interpreter with an audit-hook socket guard installed before anything else is
imported, and with HF_HUB_OFFLINE / TRANSFORMERS_OFFLINE / telemetry switches removed from the environment, so
what is proved is that the code itself never tries the network, not that an environment variable stopped it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from rel_helpers import ROOT

PROBE = Path(__file__).with_name("offline_probe.py")
DOC = """# Ward notes

## Infection control

Antifungal prophylaxis during induction is reviewed weekly by the ward team for adults with ALL. Blood counts are
checked twice weekly during induction, and fever during neutropenia is treated as an emergency by the ward team.
"""
_SWITCHES = ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "HF_DATASETS_OFFLINE", "ANONYMIZED_TELEMETRY",
             "HF_HUB_DISABLE_TELEMETRY", "DO_NOT_TRACK")


def test_ingest_ask_eval_never_touch_the_network(store_copy: Path, tmp_path: Path) -> None:
    doc = tmp_path / "ward.md"
    doc.write_text(DOC, encoding="utf-8")
    out = tmp_path / "result.json"
    env = {k: v for k, v in os.environ.items() if k not in _SWITCHES and not k.startswith("ALLGUIDE_")}
    run = subprocess.run([sys.executable, str(PROBE), str(store_copy), str(doc), str(out), str(tmp_path / "runs")],
                         cwd=ROOT, env=env, capture_output=True, text=True, timeout=240)
    assert run.returncode == 0, run.stderr[-3000:]
    result = json.loads(out.read_text())

    assert result["ingest"] == {"embedded": 1, "documents_added": ["ward"]}
    first, refused = result["answers"]
    assert first["verdict"] in ("pass", "warn") and first["citations"] > 0 and refused["verdict"] == "refused"
    assert result["eval"]["questions"] == 5
    assert result["canary_recorded"] and "blocked by the offline guard" in result["canary"]  # the guard was live
    assert result["attempts"] == [], "\n\n".join(f"{a['event']} {a['host']}\n{a['where']}" for a in result["attempts"])
