"""Fixtures for the reliability and security tests: one index of the bundled corpus per session (copied
when a test needs to break or change it), one shared Assistant, and the API over real HTTP on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from rel_helpers import copy_store, serve_http

from assistant.settings import Settings

WARM_UP = "Ph-positive ALL induction"


@pytest.fixture(scope="session")
def rel_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An index of the bundled corpus, built once per session (about 20 s on 2 CPU cores)."""
    from ingest import run_ingest

    store = tmp_path_factory.mktemp("rel-store") / "store"
    settings = Settings(store={"path": store})
    run_ingest(None, settings.ingest_config(), corpus_dir=settings.corpus_dir())
    return store


@pytest.fixture(scope="session")
def rel_settings(rel_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    feedback = tmp_path_factory.mktemp("rel-feedback") / "feedback.jsonl"
    return Settings(store={"path": rel_store, "feedback_path": feedback})


@pytest.fixture(scope="session")
def rel_bot(rel_settings: Settings) -> Any:
    """ONE extractive Assistant on the session index (model and index load once)."""
    from assistant import Assistant

    bot = Assistant.from_settings(rel_settings)
    bot.ask(WARM_UP)
    return bot


@pytest.fixture(scope="session")
def embedder(rel_bot: Any) -> Any:
    """The session Assistant's embedding model (saves re-loading it for every copied store).

    Overrides the root conftest's `embedder` for this folder so only one model instance is loaded.
    """
    return rel_bot.index.embedder


@pytest.fixture(scope="session")
def rel_api(rel_settings: Settings, rel_bot: Any) -> Iterator[str]:
    """The API over real HTTP (uvicorn in a thread on 127.0.0.1), sharing the session Assistant, no auth."""
    from assistant.frontends.api import create_app

    with serve_http(create_app(rel_settings, assistant=rel_bot)) as url:
        yield url


@pytest.fixture
def store_copy(rel_store: Path, tmp_path: Path) -> Path:
    """A private copy of the session index, free to break."""
    return copy_store(rel_store, tmp_path / "store")
