"""Imports go one way: corpus -> ingest -> assistant core -> {frontends, app.py, evals}."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out.add(node.module)
    return out


def files(pkg: str, exclude: str | None = None) -> list[Path]:
    return [p for p in (ROOT / pkg).rglob("*.py") if not (exclude and exclude in p.parts)]


def top(mod: str) -> str:
    return mod.split(".")[0]


@pytest.mark.parametrize("path", files("ingest"), ids=lambda p: str(p.relative_to(ROOT)))
def test_ingest_never_imports_assistant_or_frontends(path: Path) -> None:
    bad = {m for m in imported_modules(path) if top(m) in {"assistant", "evals", "app", "streamlit", "fastapi",
                                                            "slack_bolt"}}
    assert not bad


@pytest.mark.parametrize("path", files("assistant", exclude="frontends"), ids=lambda p: str(p.relative_to(ROOT)))
def test_core_never_imports_front_ends(path: Path) -> None:
    bad = {m for m in imported_modules(path)
           if top(m) in {"streamlit", "fastapi", "slack_bolt", "uvicorn", "evals", "app"}
           or m.startswith("assistant.frontends")}
    assert not bad


@pytest.mark.parametrize("path", files("assistant/rules"), ids=lambda p: str(p.relative_to(ROOT)))
def test_rule_layer_is_pure(path: Path) -> None:
    """No I/O, model, clock or randomness libraries in the rule checkers (YAML is read once by logic.py)."""
    bad = {m for m in imported_modules(path)
           if top(m) in {"os", "time", "random", "datetime", "chromadb", "torch", "sentence_transformers", "httpx",
                         "requests", "socket", "subprocess", "ingest"}}
    assert not bad


def test_cli_help_is_fast_and_lazy() -> None:
    """`import assistant` and the CLI module must not pull the heavy dependencies: chromadb, torch, ONNX Runtime and
    langchain-core load only when an index is opened, and `ingest`'s pipeline only when something is ingested
    (a cold `allguide ask` pays for what it uses, `allguide --help` for nothing)."""
    import subprocess
    import sys

    heavy = ("torch", "chromadb", "onnxruntime", "langchain_core", "numpy", "yaml", "ingest.pipeline",
             "ingest.store", "ingest.embeddings", "assistant.core")
    code = f"import sys, assistant, ingest.models, assistant.frontends.cli; print([m for m in {heavy!r} if m in sys.modules])"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert out.stdout.strip() == "[]"


def test_ingest_package_names_load_on_first_use() -> None:
    """`ingest`'s public names are imported lazily (PEP 562) but still all there; an unknown one is an AttributeError."""
    import subprocess
    import sys

    code = ("import sys, ingest; assert 'ingest.pipeline' not in sys.modules; "
            "names = [getattr(ingest, n) for n in ingest.__all__]; "
            "print(ingest.run_ingest.__module__, ingest.LiveIndex.__module__, 'ingest.pipeline' in sys.modules); "
            "getattr(ingest, 'no_such_name')")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert out.stdout.strip() == "ingest.pipeline ingest.store True"
    assert "AttributeError: module 'ingest' has no attribute 'no_such_name'" in out.stderr
