"""Builders for test inputs (PDFs via reportlab, bad files) and a small config factory."""

from __future__ import annotations

import io
import json
import textwrap
from pathlib import Path

from ingest.config import IngestConfig

META = {"doc_id": "tiny-ph", "title": "Ph-positive ALL", "section_id": "tiny/ph-positive", "tier": "guideline",
            "source": "Tiny guideline 2023", "edition": "2023", "provenance": "synthetic test text"}


def write_md(path: Path, meta: dict[str, str], body: str) -> Path:
    """A corpus Markdown file with YAML front matter (fields in the given order)."""
    head = "\n".join(f"{k}: {v!r}" if k == "edition" else f"{k}: {v}" for k, v in meta.items())
    path.write_text(f"---\n{head}\n---\n{textwrap.dedent(body).lstrip()}", encoding="utf-8")
    return path


PAGE_SENTENCES = [
    ["Alpha page one talks about induction.", "Imatinib is started on day eight.", "Steroids are tapered."],
    ["Beta page two covers transplantation.", "Donors are searched at diagnosis.", "Conditioning is reduced."],
    ["Gamma page three is about relapse.", "Blinatumomab is an option.", "Inotuzumab is another one."],
]


def make_pdf(path: Path, pages: list[list[str]] = PAGE_SENTENCES, *, title: str | None = None) -> Path:
    """One page per list of sentences (each on its own line)."""
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path))
    if title:
        c.setTitle(title)
    for sentences in pages:
        y = 780
        for s in sentences:
            c.drawString(72, y, s)
            y -= 18
        c.showPage()
    c.save()
    return path


def make_blank_pdf(path: Path) -> Path:
    """A PDF whose only page holds a drawn rectangle (no text)."""
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path))
    c.rect(100, 100, 200, 200, fill=1)
    c.showPage()
    c.save()
    return path


def make_encrypted_pdf(path: Path) -> Path:
    from pypdf import PdfReader, PdfWriter

    buf = io.BytesIO()
    tmp = path.with_suffix(".plain.pdf")
    make_pdf(tmp)
    reader = PdfReader(str(tmp))
    writer = PdfWriter()
    for page in reader.pages:
        writer.add_page(page)
    writer.encrypt(user_password="secret", owner_password="owner")
    writer.write(buf)
    tmp.unlink()
    path.write_bytes(buf.getvalue())
    return path


def make_config(store: Path, **kw) -> IngestConfig:
    """Small chunks so the tiny corpus yields several chunks per document."""
    return IngestConfig(store_path=store, **{"min_words": 8, "max_words": 40, "batch_size": 16, **kw})


def live_json(store: Path) -> dict:
    return json.loads((store / "LIVE.json").read_text())


def build_dirs(store: Path) -> list[str]:
    builds = store / "builds"
    return sorted(p.name for p in builds.iterdir()) if builds.is_dir() else []


def write_corpus(corpus: Path) -> Path:
    """A two-document corpus (for module-scoped fixtures, which can't use `tiny_corpus`)."""
    corpus.mkdir(parents=True, exist_ok=True)
    write_md(corpus / "ph.md", META, """
        # Ph-positive ALL

        ## Induction

        Adults with Ph-positive ALL receive a tyrosine kinase inhibitor with chemotherapy. Imatinib or
        dasatinib is started during induction. Response is measured by BCR::ABL1 qPCR.

        ## Transplant

        Allogeneic stem cell transplantation in first remission is recommended for eligible adults.
        A TKI is continued after transplantation when it is tolerated.
        """)
    write_md(corpus / "care.md", {**META, "doc_id": "care", "section_id": "tiny/care", "tier": "context"}, """
        # Supportive care

        Antifungal prophylaxis is used during induction. Blood counts are checked twice weekly.
        """)
    return corpus


def synthetic_corpus(corpus: Path, *, docs: int, sections: int, sentences: int, words: int = 12) -> Path:
    """Many generated Markdown documents (for the crash test and the benchmark)."""
    corpus.mkdir(parents=True, exist_ok=True)
    vocab = ["imatinib", "dasatinib", "ponatinib", "blinatumomab", "inotuzumab", "remission", "relapse", "transplant", "donor", "marrow", "induction", "consolidation", "maintenance", "steroid", "infection", "platelet", "neutrophil", "dose"]
    for d in range(docs):
        lines = [f"# Synthetic document {d}", ""]
        for s in range(sections):
            lines += [f"## Section {s}", ""]
            para = []
            for k in range(sentences):
                body = " ".join(vocab[(d * 7 + s * 3 + k + j) % len(vocab)] for j in range(words - 3))
                para.append(f"Document {d} sentence {s}-{k} {body}.".capitalize())
            lines += [" ".join(para), ""]
        meta = {**META, "doc_id": f"syn-{d}", "section_id": f"syn/{d}", "title": f"Synthetic document {d}"}
        write_md(corpus / f"syn_{d:04d}.md", meta, "\n".join(lines))
    return corpus
