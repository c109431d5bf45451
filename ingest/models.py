"""Typed records that ingest produces and the assistant consumes.

`ingest` never imports `assistant`; `assistant.models` re-exports `Chunk`.

Example:
    >>> Chunk(chunk_id="ab", doc_id="d", section_id="s", title="T", heading_path=["T"],
    ...       tier="guideline", source="Hatta 2024", text="Some text.", chunk_no=0,
    ...       char_start=0, char_end=10).section_title
    'T'
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Tier = Literal["guideline", "evidence", "context"]
TIERS: tuple[str, ...] = ("guideline", "evidence", "context")

HEADING_SEP = " > "


class Document(BaseModel):
    """One loaded source document (a corpus Markdown file or a user's PDF/HTML/text)."""

    model_config = ConfigDict(frozen=True)

    doc_id: str
    title: str
    section_id: str
    tier: Tier
    source: str
    edition: str = ""
    provenance: str = ""
    path: str = Field(description="File the document was read from")
    text: str = Field(description="Body text (front matter removed)")
    section_tiers: dict[str, Tier] = Field(
        default_factory=dict,
        description="Heading text -> tier for sections whose tier differs from the document's (front matter "
                    "`section_tiers`); a section takes the tier of the innermost heading named here",
    )
    section_sources: dict[str, str] = Field(
        default_factory=dict,
        description="Heading text -> source for sections whose source differs from the document's (front matter "
                    "`section_sources`: a guideline summary's section of trial results cites the trials)",
    )
    pages: list[tuple[int, int, int]] = Field(
        default_factory=list,
        description="For PDFs: (page_number, char_start, char_end) spans of `text`",
    )


class Chunk(BaseModel):
    """A retrievable piece of a document, with everything needed to cite it."""

    model_config = ConfigDict(frozen=True)

    chunk_id: str = Field(description="sha256(section_id|chunk_no|text)[:16]")
    doc_id: str
    section_id: str
    title: str = Field(description="Document title")
    heading_path: list[str] = Field(default_factory=list, description="Headings above the chunk, outermost first")
    tier: Tier
    source: str
    edition: str = ""
    provenance: str = ""
    page: int | None = Field(default=None, description="1-based PDF page where the chunk starts")
    chunk_no: int
    char_start: int
    char_end: int
    text: str

    @property
    def section_title(self) -> str:
        return self.heading_path[-1] if self.heading_path else self.title

    def to_metadata(self) -> dict[str, str | int]:
        """Flat metadata for Chroma (no None values, lists joined)."""
        return {
            "doc_id": self.doc_id,
            "section_id": self.section_id,
            "title": self.title,
            "heading_path": HEADING_SEP.join(self.heading_path),
            "tier": self.tier,
            "source": self.source,
            "edition": self.edition,
            "provenance": self.provenance,
            "page": self.page if self.page is not None else -1,
            "chunk_no": self.chunk_no,
            "char_start": self.char_start,
            "char_end": self.char_end,
        }

    @classmethod
    def from_record(cls, chunk_id: str, text: str, meta: dict) -> Chunk:
        """Inverse of `to_metadata` for a record read back from Chroma."""
        page = int(meta.get("page", -1))
        hp = str(meta.get("heading_path", ""))
        return cls(
            chunk_id=chunk_id,
            text=text,
            doc_id=str(meta["doc_id"]),
            section_id=str(meta["section_id"]),
            title=str(meta.get("title", "")),
            heading_path=hp.split(HEADING_SEP) if hp else [],
            tier=meta["tier"],
            source=str(meta.get("source", "")),
            edition=str(meta.get("edition", "")),
            provenance=str(meta.get("provenance", "")),
            page=page if page >= 0 else None,
            chunk_no=int(meta.get("chunk_no", 0)),
            char_start=int(meta.get("char_start", 0)),
            char_end=int(meta.get("char_end", 0)),
        )
