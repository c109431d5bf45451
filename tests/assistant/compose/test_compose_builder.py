"""The answer being built (assistant/compose/builder.py): citations numbered once, repeated and near-duplicate
lines left out, trial results from a guideline document labelled as evidence, notes and evidence set apart."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.compose.builder import Builder
from assistant.compose.sentences import EVIDENCE_LEAD
from assistant.models import Chunk, RuleFinding
from assistant.text import chunk_sentences

CORPUS = Path(__file__).resolve().parents[3] / "corpus"


@pytest.fixture(scope="module")
def chunks() -> list[Chunk]:
    from ingest.chunking import chunk_documents
    from ingest.loaders import load_documents

    return chunk_documents(load_documents(corpus_dir=CORPUS))


def _chunk_with(chunks: list[Chunk], text: str) -> Chunk:
    return next(c for c in chunks if text in c.text)


def test_lines_are_cited_once_and_numbered_in_order(chunks) -> None:
    a = _chunk_with(chunks, "recommends induction with a TKI plus a corticosteroid")
    b = Builder(8)
    first = "For adults with Ph-positive ALL aged 65 or older, the JSH 2023 guideline recommends induction with a " \
            "TKI plus a corticosteroid."
    assert b.add("rule", first, a) and not b.add("rule", first, a)  # the same line twice: once
    assert b.count() == 1 and b.citations[0].marker == 1 and b.citations[0].quote == first
    assert b.lines[0] == ("rule", f"{first}[1]")


def test_a_near_duplicate_from_another_document_is_left_out(chunks) -> None:
    a = _chunk_with(chunks, "In TOWER, median overall survival was 7.7 months")
    b = Builder(8)
    assert b.add("evidence", "In TOWER, median overall survival was 7.7 months with blinatumomab and 4.0 months "
                             "with chemotherapy (HR 0.71).", a, lead=EVIDENCE_LEAD)
    other = next(c for c in chunks if c.chunk_id != a.chunk_id)
    assert not b.add("guideline", "In TOWER, median overall survival was 7.7 months with blinatumomab and 4.0 "
                                  "months with chemotherapy.", other)


def test_render_sets_notes_and_evidence_apart_and_findings_are_kept(chunks) -> None:
    a = _chunk_with(chunks, "recommends induction with a TKI plus a corticosteroid")
    ev = _chunk_with(chunks, "In TOWER, median overall survival was 7.7 months")
    b = Builder(2)
    b.note("_A note._")
    b.add("rule", "For adults with Ph-positive ALL aged 65 or older, the JSH 2023 guideline recommends induction "
                  "with a TKI plus a corticosteroid.", a)
    b.add("evidence", "In TOWER, median overall survival was 7.7 months with blinatumomab and 4.0 months with "
                      "chemotherapy (HR 0.71).", ev, lead=EVIDENCE_LEAD)
    b.finding(RuleFinding(rule_id="X-1", severity="info", message="m"))
    assert b.full() and not b.full(spare=-1)
    text = b.render().answer.split("\n")
    assert text[0] == "_A note._" and text[1] == "" and text[2].startswith("- For adults")
    assert text[3] == "" and text[4].startswith(f"- {EVIDENCE_LEAD} In TOWER")
    assert [f.rule_id for f in b.findings] == ["X-1"]


def test_a_trial_documents_remark_that_reports_no_study_is_labelled_context(chunks) -> None:
    """r19 e57: the insurance remark in the PhALLCON document is not trial data."""
    from assistant.compose.sentences import CONTEXT_LEAD

    remark = "In Japan, the choice of first-line TKI for Ph-positive ALL also depends on insurance approval"
    doc = _chunk_with(chunks, remark)
    b = Builder(8)
    sentence = next(s for s in doc.text.split("\n") if remark in s).strip()
    assert b.add("evidence", sentence, doc, lead=EVIDENCE_LEAD)
    assert b.lines[0][1].startswith(CONTEXT_LEAD)
    trial = _chunk_with(chunks, "In TOWER, median overall survival was 7.7 months")
    assert b.add("evidence", "In TOWER, median overall survival was 7.7 months with blinatumomab and 4.0 months "
                             "with chemotherapy (HR 0.71).", trial, lead=EVIDENCE_LEAD)
    assert b.lines[1][1].startswith(EVIDENCE_LEAD)


def test_a_line_making_the_same_claims_in_other_words_is_said_once(chunks) -> None:
    """rja22 m08: "Cranial irradiation is an acceptable option for high-risk adults, not a mandatory part of CNS
    prophylaxis" after "not required for every adult; an option for high-risk patients" (one chunk, other words)."""
    chunk = _chunk_with(chunks, "Cranial irradiation is not required for every adult")
    b = Builder(6)
    assert b.add("rule", "Cranial irradiation is not required for every adult with ALL; the JSH 2023 guideline accepts "
                 "it as an option for high-risk patients.", chunk)
    assert not b.add("guideline", "Cranial irradiation is an acceptable option for high-risk adults with ALL, not a "
                     "mandatory part of CNS prophylaxis for all adults.", chunk, asked=True)
    assert b.add("guideline", "For all adults with ALL in remission, the JSH 2023 guideline recommends CNS prophylaxis "
                 "with intrathecal chemotherapy combined with either systemic HD-MTX or high-dose cytarabine.", chunk)


def test_a_line_pointing_back_is_quoted_only_after_the_sentence_it_points_to(chunks) -> None:
    """r37 t50: "These JALSG ALL202-O doses describe the trial arms only ..." quoted without the doses (a line the
    drafter never quotes) pointed at nothing."""
    trial = _chunk_with(chunks, "These JALSG ALL202-O doses describe the trial arms only")
    orphan = next(s for s in chunk_sentences(trial.text) if s.startswith("These JALSG ALL202-O doses"))
    before = chunk_sentences(trial.text)[chunk_sentences(trial.text).index(orphan) - 1]
    b = Builder(8)
    assert not b.add("evidence", orphan, trial, lead=EVIDENCE_LEAD)
    assert b.add("evidence", before, trial, lead=EVIDENCE_LEAD) and b.add("evidence", orphan, trial, lead=EVIDENCE_LEAD)


def test_a_context_line_setting_the_summary_beside_the_label_is_labelled_a_comparison(chunks) -> None:
    """r48 w08/w21: "the summary gives under 25, whereas the Japanese label allows 25 or younger" was labelled "not a
    JSH 2023 recommendation", though half of it is the summary's own age limit; a context line that only says what
    JSH does not say keeps the plain context label."""
    from assistant.compose.sentences import COMPARED_LEAD, CONTEXT_LEAD

    compared = ("The ALL Hub summary of the JSH 2023 guideline gives the age limit for CAR T-cell therapy in B-ALL as "
                "under 25 years, whereas the Japanese tisagenlecleucel label allows patients aged 25 or younger at the "
                "time of infusion.")
    jshct = ("The JSHCT transplant categories for Ph-negative ALL in CR1 (GNR or CO for standard risk, S for high "
             "risk) come from a separate transplant society guideline and are not JSH 2023 recommendation grades.")
    b = Builder(8)
    assert b.add("rule", compared, _chunk_with(chunks, "whereas the Japanese tisagenlecleucel label"), lead=CONTEXT_LEAD)
    assert b.add("context", jshct, _chunk_with(chunks, "The JSHCT transplant categories for Ph-negative"),
                 lead=CONTEXT_LEAD)
    assert b.lines[0][1].startswith(COMPARED_LEAD) and b.lines[1][1].startswith(CONTEXT_LEAD)


def test_a_line_whose_words_a_line_before_says_all_is_left_out(chunks) -> None:
    """r56 k08: the CAR-T age limit twice, "under 25" after "under 25, whereas the label allows 25 or younger";
    a rule's statement is always shown."""
    long = ("The ALL Hub summary of the JSH 2023 guideline gives the age limit for CAR T-cell therapy in B-ALL as under "
            "25 years, whereas the Japanese tisagenlecleucel label allows patients aged 25 or younger at the time of "
            "infusion.")
    short = "The ALL Hub summary of the JSH 2023 guideline gives the age limit for CAR T-cell therapy in B-ALL as under 25 years."
    b = Builder(8)
    assert b.add("context", long, _chunk_with(chunks, long))
    assert not b.add("guideline", short, _chunk_with(chunks, short))
