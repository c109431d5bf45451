"""Fixtures for the front-end tests: one index built from the bundled corpus, one shared Assistant,
and a helper that serves an ASGI app over real HTTP on 127.0.0.1."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from assistant.settings import Settings

WARM_UP = "Ph-positive ALL induction"


@pytest.fixture(scope="session")
def fe_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An index of the bundled corpus, built once per session (about 30 s on CPU)."""
    from ingest import run_ingest

    store = tmp_path_factory.mktemp("fe-store")
    settings = Settings(store={"path": store})
    run_ingest(None, settings.ingest_config(), corpus_dir=settings.corpus_dir())
    return store


@pytest.fixture(scope="session")
def fe_settings(fe_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    feedback = tmp_path_factory.mktemp("fe-feedback") / "nested" / "feedback.jsonl"
    return Settings(store={"path": fe_store, "feedback_path": feedback})


@pytest.fixture(scope="session")
def bot(fe_settings: Settings) -> Any:
    """ONE Assistant shared by the front-end tests (model and index load once)."""
    from assistant import Assistant

    assistant = Assistant.from_settings(fe_settings)
    assistant.ask(WARM_UP)
    return assistant


@pytest.fixture
def app_env(monkeypatch: pytest.MonkeyPatch, fe_store: Path, tmp_path: Path) -> Path:
    """Point the Streamlit app (which builds Settings from the environment) at the test index."""
    feedback = tmp_path / "fb" / "feedback.jsonl"
    monkeypatch.setenv("ALLGUIDE_STORE__PATH", str(fe_store))
    monkeypatch.setenv("ALLGUIDE_STORE__FEEDBACK_PATH", str(feedback))
    return feedback


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serve_http(app: Any) -> Iterator[str]:
    """Run `app` with uvicorn in a background thread on 127.0.0.1; yield its base URL."""
    import uvicorn

    config = uvicorn.Config(app, host="127.0.0.1", port=free_port(), log_level="warning", lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{config.port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture(scope="session")
def api_url(fe_settings: Settings, bot: Any) -> Iterator[str]:
    """The API over real HTTP, sharing the session Assistant, no auth."""
    from assistant.frontends.api import create_app

    with serve_http(create_app(fe_settings, assistant=bot)) as url:
        yield url
