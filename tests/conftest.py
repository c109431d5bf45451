"""Shared fixtures: clean environment, the real embedding model (once per session), a tiny corpus."""

from __future__ import annotations

import os
import sys
import textwrap
from pathlib import Path

import pytest

# tests/ingest (no __init__.py) would otherwise shadow the `ingest` package when pytest is run as
# `.venv/bin/pytest` (rootdir not on sys.path): put the project root first.
_ROOT = str(Path(__file__).resolve().parent.parent)
if sys.path[0] != _ROOT:
    sys.path.insert(0, _ROOT)

# Set before any session fixture loads a model (the autouse fixture below is function-scoped).
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

# One ONNX export of the embedding model for the whole session (and the processes tests start), not one per store.
import tempfile  # noqa: E402

MODEL_CACHE = Path(os.environ.get("ALLGUIDE_TEST_MODEL_CACHE") or Path(tempfile.gettempdir()) / "allguide-test-models")


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """No ALLGUIDE_* setting leaks in from the developer's shell; never touch the network."""
    for key in list(os.environ):
        if key.startswith("ALLGUIDE_"):
            monkeypatch.delenv(key)
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("TRANSFORMERS_OFFLINE", "1")
    monkeypatch.setenv("ALLGUIDE_EMBEDDING__CACHE_DIR", str(MODEL_CACHE))


@pytest.fixture(scope="session")
def embedder():
    """The real all-MiniLM-L6-v2 embedder on the default (ONNX) backend, loaded once per test session."""
    from ingest.config import IngestConfig
    from ingest.embeddings import make_embedder

    emb = make_embedder(IngestConfig(batch_size=32, model_cache=MODEL_CACHE))
    emb.embed_query("warm-up")
    return emb


TINY_DOCS = {
    "ph_positive.md": (
        {"doc_id": "tiny-ph", "title": "Ph-positive ALL", "section_id": "tiny/ph-positive", "tier": "guideline",
             "source": "Tiny guideline 2023", "edition": "2023", "provenance": "synthetic test text"},
        """
        # Ph-positive ALL

        ## Induction

        Adults with Ph-positive ALL receive a tyrosine kinase inhibitor with chemotherapy. Imatinib or
        dasatinib is started during induction, e.g. from day 8. Older patients may receive a TKI with
        steroids alone. Response is measured by BCR::ABL1 qPCR with a sensitivity of 0.01%.

        ## Transplant

        Allogeneic stem cell transplantation in first remission is recommended for eligible adults.
        MRD below 10^-4 vs. detectable MRD changes the relapse risk. A TKI is continued after
        transplantation when it is tolerated. The donor search starts at diagnosis.
        """,
    ),
    "mrd_evidence.md": (
        {"doc_id": "tiny-mrd", "title": "MRD evidence", "section_id": "tiny/mrd", "tier": "evidence",
             "source": "Tiny et al. Int J Hematol. 2024", "edition": "2024", "provenance": "synthetic test text"},
        """
        # MRD evidence

        ## Trials

        Measurable residual disease after consolidation predicted relapse in every cohort. Patients who
        stayed MRD negative had a five-year survival above seventy percent. The hazard ratio for relapse
        was 3.2 in MRD positive patients. Flow cytometry and PCR gave similar results.
        """,
    ),
    "supportive_care.md": (
        {"doc_id": "tiny-care", "title": "Supportive care", "section_id": "tiny/supportive-care", "tier": "context",
             "source": "Tiny handbook", "edition": "1", "provenance": "synthetic test text"},
        """
        # Supportive care

        ## Infection prophylaxis

        Antifungal prophylaxis is used during induction. Pneumocystis prophylaxis continues through
        maintenance. Tumour lysis syndrome is prevented with hydration and allopurinol. Blood counts
        are checked twice weekly during induction.
        """,
    ),
}


def write_md(path: Path, meta: dict[str, str], body: str) -> Path:
    """Write a corpus Markdown file with YAML front matter (fields in the given order)."""
    head = "\n".join(f"{k}: {v!r}" if k == "edition" else f"{k}: {v}" for k, v in meta.items())
    path.write_text(f"---\n{head}\n---\n{textwrap.dedent(body).lstrip()}", encoding="utf-8")
    return path


@pytest.fixture
def tiny_corpus(tmp_path: Path) -> Path:
    """A corpus folder with three small Markdown documents (guideline, evidence, context tiers)."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name, (meta, body) in TINY_DOCS.items():
        write_md(corpus / name, meta, body)
    return corpus
