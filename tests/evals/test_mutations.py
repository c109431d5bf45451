"""Tests of every mutation kind (pure), of the `caught` judgement, and of mutants through the real rule layer."""

from __future__ import annotations

import pytest
from eval_helpers import CHUNKS, CNS, EVID, G04, G11, G13, cit

from assistant.models import PatientFacts
from assistant.rules import Draft
from evals import mutations as MU

POOL = list(CHUNKS.values())


def draft(*sents: tuple[str, str]) -> Draft:
    lines, cits = [], []
    for i, (text, cid) in enumerate(sents, 1):
        lines.append(f"- {text}[{i}]")
        cits.append(cit(i, cid, CHUNKS[cid].text.split(". ")[0] + "."))
    return Draft(answer="\n".join(lines), citations=cits)


@pytest.mark.parametrize(
    ("kind", "sent", "cid", "must_contain"),
    [
        ("swap_target", G13, "g13", "binds CD3 and CD22"),
        ("threshold", G11, "g11", "0.1% or higher (10^-3 or higher)"),
        ("negate", G04, "g04", "does not recommend induction"),
        ("negate", CNS, "g12", "Cranial irradiation is required for every adult"),
        ("age_band", G04, "g04", "aged 40 to 64"),
        ("invented_cq", G04, "g04", "corticosteroid (CQ 3)."),
        ("insert_dose", G04, "g04", "corticosteroid at 140 mg daily."),
    ],
)
def test_text_mutations_change_one_sentence(kind, sent, cid, must_contain):
    d = draft((sent, cid))
    m = MU.mutators(POOL)[kind](d, POOL)
    assert m is not None and m.kind == kind
    assert must_contain in m.draft.answer
    assert m.original == sent and m.mutated != sent
    assert m.draft.citations == d.citations


@pytest.mark.parametrize(
    ("kind", "sent", "cid"),
    [
        ("swap_target", G04, "g04"),  # no CD antigen
        ("swap_target", "B-ALL is treated according to CD19 or CD22 expression.", "g13"),  # no targeted drug
        ("threshold", EVID, "e14"),
        ("age_band", G13, "g13"),
        ("negate", EVID, "e14"),
    ],
)
def test_mutation_not_applicable_returns_none(kind, sent, cid):
    assert MU.mutators(POOL)[kind](draft((sent, cid)), POOL) is None


def test_notes_are_never_mutated():
    d = Draft(answer="_The guideline recommends X._", citations=[])
    assert MU.negate(d, POOL) is None and MU.drop_citation(d, POOL) is None


def test_drop_citation():
    m = MU.drop_citation(draft((G04, "g04")), POOL)
    assert m is not None and "[1]" not in m.draft.answer and m.drop_marker


def test_wrong_chunk_plants_other_section_with_verbatim_quote():
    m = MU.mutators(POOL)["wrong_chunk"](draft((G04, "g04")), POOL)
    assert m is not None and m.planted_chunk != "g04"
    planted = CHUNKS[m.planted_chunk]
    assert planted.section_id != CHUNKS["g04"].section_id
    new = m.draft.citations[-1]
    assert new.chunk_id == planted.chunk_id and new.quote in planted.text
    assert m.draft.answer.endswith(f"[{new.marker}]")


def test_evidence_as_rec_rewrites_evidence_sentence():
    d = Draft(answer=f"- {G04}[1]\n- **Evidence (trial data):** {EVID}[2]", citations=[cit(1, "g04"), cit(2, "e14")])
    m = MU.mutators(POOL)["evidence_as_rec"](d, POOL)
    assert m is not None and m.mutated.startswith("The JSH 2023 guideline recommends")
    assert CHUNKS[m.planted_chunk].tier == "evidence"


def test_evidence_as_rec_without_evidence_sentence_recites_guideline_sentence():
    m = MU.mutators(POOL)["evidence_as_rec"](draft((CNS, "g12")), POOL)
    assert m is not None and "recommended" in m.mutated and CHUNKS[m.planted_chunk].tier == "evidence"


# ---------------------------------------------------------------------------------------------- caught()


def _mutant(**kw):
    base = {"kind": "negate", "draft": Draft(answer="x"), "pool": [], "original": "A.", "mutated": "B is bad."}
    base.update(kw)
    return MU.Mutant(**base)


@pytest.mark.parametrize(
    ("mutant_kw", "verdict", "repaired_text", "want"),
    [
        ({}, "refused", "- B is bad.[1]", True),
        ({}, "pass", "- C.[1]", False),  # pass is never a catch
        ({}, "repaired", "- C.[1]", True),
        ({}, "repaired", "- B is bad.[1]", False),  # still there
        ({"drop_marker": True}, "repaired", "- B is bad.", False),  # uncited sentence survived
        ({"drop_marker": True}, "repaired", "- B is bad.[1]", True),  # re-cited
        ({"planted_chunk": "e14"}, "repaired", "- B is bad.[1]", False),  # still cites the planted chunk
        ({"planted_chunk": "g04"}, "repaired", "- B is bad.[1]", True),  # planted chunk no longer cited
    ],
)
def test_caught(mutant_kw, verdict, repaired_text, want):
    repaired = Draft(answer=repaired_text, citations=[cit(1, "e14")])
    assert MU.caught(_mutant(**mutant_kw), verdict, repaired) is want


# ---------------------------------------------------------------------------------------------- real rule layer


@pytest.mark.parametrize("kind", ["invented_cq", "insert_dose", "drop_citation", "evidence_as_rec", "swap_target"])
def test_rule_layer_catches_mutants(kind):
    d = draft((G13, "g13"), (G04, "g04"))
    m = MU.mutators(POOL)[kind](d, POOL)
    assert m is not None
    res = MU.run_mutant("relapsed B-ALL", PatientFacts(), m)
    assert res["caught"], res


def test_false_alarm_on_correct_answer_is_none():
    d = draft((G13, "g13"), (G04, "g04"))
    assert MU.false_alarm("q", PatientFacts(), d, POOL)["false_alarm"] is False


def test_false_alarm_detected_on_uncited_sentence():
    d = Draft(answer=f"- {G04}", citations=[])
    res = MU.false_alarm("q", PatientFacts(), d, POOL)
    assert res["false_alarm"] is True and "CIT-MARKER-001" in res["rule_ids"]
