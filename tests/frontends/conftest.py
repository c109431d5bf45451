"""Fixtures for the front-end tests: one index built from the bundled corpus, one shared Assistant,
and a helper that serves an ASGI app over real HTTP on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator
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


from tests.servers import free_port, serve_http  # noqa: E402,F401


@pytest.fixture(scope="session")
def api_url(fe_settings: Settings, bot: Any) -> Iterator[str]:
    """The API over real HTTP, sharing the session Assistant, no auth."""
    from assistant.frontends.api import create_app

    with serve_http(create_app(fe_settings, assistant=bot)) as url:
        yield url
