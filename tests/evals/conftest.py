"""A real index of the bundled corpus (real model, embedded Chroma), built once per session for the eval runs."""

from __future__ import annotations

import pytest

from assistant.settings import Settings


@pytest.fixture(scope="session")
def eval_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    from ingest import run_ingest

    settings = Settings(store={"path": tmp_path_factory.mktemp("eval-index")})
    run_ingest(None, settings.ingest_config(), corpus_dir=settings.corpus_dir())
    return settings
