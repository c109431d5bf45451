"""The one Settings object: env prefix, nesting, validation, and the ingest config built from it."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from assistant.settings import Settings


def test_defaults() -> None:
    s = Settings()
    assert s.store.path == Path(".allguide")
    assert s.chroma.host is None and s.retrieval.k == 5 and s.llm.enabled is False
    assert (s.corpus_dir() / "manifest.yaml").is_file()


def test_env_nesting(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("ALLGUIDE_STORE__PATH", str(tmp_path))
    monkeypatch.setenv("ALLGUIDE_CHROMA__HOST", "127.0.0.1")
    monkeypatch.setenv("ALLGUIDE_CHROMA__PORT", "9001")
    monkeypatch.setenv("ALLGUIDE_RETRIEVAL__K", "7")
    monkeypatch.setenv("ALLGUIDE_API__TOKEN", "s3cret")
    s = Settings()
    cfg = s.ingest_config()
    assert cfg.store_path == tmp_path and cfg.chroma_host == "127.0.0.1" and cfg.chroma_port == 9001
    assert s.retrieval.k == 7
    assert s.api.token is not None and s.api.token.get_secret_value() == "s3cret"
    assert "s3cret" not in s.model_dump_json()


@pytest.mark.parametrize("env,value", [
    ("ALLGUIDE_RETRIEVAL__K", "0"),
    ("ALLGUIDE_RETRIEVAL__MODE", "magic"),
    ("ALLGUIDE_CHUNKING__MAX_WORDS", "abc"),
])
def test_bad_values_are_rejected(monkeypatch: pytest.MonkeyPatch, env: str, value: str) -> None:
    monkeypatch.setenv(env, value)
    with pytest.raises(ValidationError):
        Settings()


def test_every_field_has_a_description() -> None:
    for name, field in Settings.model_fields.items():
        assert field.description, name
        sub = field.annotation
        for sname, sfield in sub.model_fields.items():  # type: ignore[union-attr]
            assert sfield.description, f"{name}.{sname}"
