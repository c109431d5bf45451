"""Helpers for the eval tests: tiny chunks, citations and answers (imported by the test modules)."""

from __future__ import annotations

from typing import Any

from assistant.models import Answer, Chunk, Citation

G04 = ("For adults with Ph-positive ALL aged 65 or older, the JSH 2023 guideline recommends induction with a TKI "
       "plus a corticosteroid.")
G13 = ("For adults with relapsed or refractory CD19-positive B-ALL, the JSH 2023 guideline recommends blinatumomab, "
       "a bispecific T-cell engager that binds CD3 and CD19.")
G11 = ("For adults with ALL whose MRD after induction is 0.01% or higher (10^-4 or higher), the JSH 2023 guideline "
       "regards the risk of relapse as high.")
EVID = "In TOWER, median overall survival was 7.7 months with blinatumomab and 4.0 months with chemotherapy (HR 0.71)."
CNS = ("Cranial irradiation is not required for every adult with ALL; the JSH 2023 guideline accepts it as an option "
       "for high-risk patients.")


def chunk(cid: str, section: str, text: str, tier: str = "guideline") -> Chunk:
    return Chunk(chunk_id=cid, doc_id=cid, section_id=section, title=section, heading_path=[section], tier=tier,
                 source="test", chunk_no=0, char_start=0, char_end=len(text), text=text)


CHUNKS = {
    "g04": chunk("g04", "jsh2023-all/ph-pos/older", G04 + " The age cut-off of 65 years matches the age split."),
    "g13": chunk("g13", "jsh2023-all/relapsed/b-all-antibodies", G13 + " Inotuzumab ozogamicin targets CD22."),
    "g11": chunk("g11", "jsh2023-all/mrd", G11 + " MRD stands for measurable residual disease."),
    "e14": chunk("e14", "evidence/tower", EVID + " TOWER was published in 2017.", tier="evidence"),
    "g12": chunk("g12", "jsh2023-all/cns-prophylaxis", CNS + " Intrathecal chemotherapy is combined with HD-MTX."),
    "c05": chunk("c05", "context/definitions", "Ph-like ALL is Ph-negative ALL with a Ph-like profile.",
                 tier="context"),
}


def source(cid: str) -> Chunk | None:
    return CHUNKS.get(cid)


def cit(marker: int, cid: str, quote: str | None = None) -> Citation:
    c = CHUNKS[cid]
    return Citation(marker=marker, chunk_id=c.chunk_id, doc_id=c.doc_id, section_id=c.section_id,
                    section_title=c.section_title, tier=c.tier, source=c.source,
                    quote=quote if quote is not None else c.text.split(". ")[0] + ".")


def answer(text: str, citations: list[Citation] | None = None, **kw: Any) -> Answer:
    return Answer(question=kw.pop("question", "q"), answer=text, citations=citations or [],
                  verdict=kw.pop("verdict", "pass"), **kw)
