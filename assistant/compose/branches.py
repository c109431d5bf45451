"""Missing deciding facts, read from one table (`branches.yaml`): when a patient's treatment question gives no
fact a rule needs (Ph status, lineage, CD19/CD22) and so no rule applies, each branch of the table is tried — the
given facts plus the branch's values — and the rule that leads for it is shown; the facts that decide are named.
The same for every such fact, not per question."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from assistant.compose.cues import says
from assistant.concepts import quantities
from assistant.facts import assumed, compared_groups
from assistant.models import PatientFacts
from assistant.rules import applicable_rules
from assistant.rules.logic import GuidelineRule, RuleBook

__all__ = ["compared_leads", "deciding_branches", "other_side_facts", "BRANCHES_PATH"]

BRANCHES_PATH = Path(__file__).with_name("branches.yaml")


@lru_cache(maxsize=1)
def _data() -> dict[str, Any]:
    data = yaml.load(BRANCHES_PATH.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    fields = set(PatientFacts.model_fields)
    if not set(data.get("other_sides", [])) <= fields:
        raise ValueError(f"{BRANCHES_PATH}: other_sides names unknown facts {sorted(set(data['other_sides']) - fields)}")
    for name, branches in data.items():
        if name in ("other_sides", "decided_in", "refine", "compared_in"):
            continue
        for b in branches:
            if not set(b) <= fields:
                raise ValueError(f"{BRANCHES_PATH}: table {name!r} names unknown facts {sorted(set(b) - fields)}")
    return data


def _table() -> dict[str, list[dict[str, Any]]]:
    """The deciding-facts tables, by phase."""
    return {k: v for k, v in _data().items() if k not in ("other_sides", "decided_in", "refine", "compared_in")}


def decided_phase(treatments: Sequence[str]) -> str | None:
    """The phase the guideline decides the first of these treatments in (`decided_in`), if any."""
    table = _data().get("decided_in", {})
    return next((table[t] for t in treatments if t in table), None)


def _refined(branch: dict[str, Any], known: PatientFacts) -> list[dict[str, Any]]:
    """The branch with each value of the `refine` facts it leaves open (and the facts leave unknown)."""
    out = [branch]
    for fact, values in _data().get("refine", {}).items():
        if fact not in branch and getattr(known, fact) is None:
            out = [{**b, fact: v} for b in out for v in values]
    return out[1:] if len(out) > 1 else []


def other_side_facts() -> frozenset[str]:
    """The facts whose other values' rules are shown beside a branch (`other_sides` in the table)."""
    return frozenset(_data().get("other_sides", []))


def deciding_branches(question: str, facts: PatientFacts, book: RuleBook, sections: Sequence[str] = (),
                      treatments: Sequence[str] = ()) -> tuple[list[GuidelineRule], list[str]]:
    """(the leading rule of each branch, in table order, once each; the facts that decide, not given).
    `treatments`: the treatments asked about; one the guideline decides at one phase sets a missing phase."""
    table = _table()
    leads: list[GuidelineRule] = []
    missing: list[str] = []
    # (and for a newly diagnosed patient, the transplant is decided later: "just told I have ALL ... will I need a
    # transplant?" is answered for CR1)
    phase = decided_phase(treatments) if facts.phase in (None, "newly_diagnosed") else None
    told = facts.phase is not None
    if phase is not None:
        facts = facts.model_copy(update={"phase": phase})
    known = facts.model_copy(update=assumed(facts))  # (the implications table: T-ALL is Ph-negative unless said)
    if known.phase != facts.phase:  # (an assumed phase: "MRD positive after induction" is measured in CR1)
        facts = facts.model_copy(update={"phase": known.phase})
    for branch in table.get(facts.phase or "", table["default"]):
        unknown = [k for k, v in branch.items() if getattr(known, k) is None]
        if any(getattr(known, k) not in (None, v) for k, v in branch.items()):
            continue  # (a given or implied fact rules the branch out)
        found = bool(unknown) and _lead(question, facts, branch, unknown, book, sections, leads)
        for sub in [] if found else _refined(branch, known):  # (no rule for the branch as a whole, or the branch
            # given in full: its parts — a Ph-positive patient of unknown age, the rule under 65 and the one at 65+)
            _lead(question, facts, sub, [k for k in sub if getattr(known, k) is None], book, sections, leads)
    for lead in leads:
        missing += [k for k in lead.when if getattr(known, k) is None and k not in missing]
    if leads and phase is not None and not told:
        missing.append("phase")
    return leads, missing


def _lead(question: str, facts: PatientFacts, branch: dict[str, Any], unknown: list[str], book: RuleBook,
          sections: Sequence[str], leads: list[GuidelineRule]) -> bool:
    """Add the rule that leads for `branch` (one whose conditions name an unknown fact) to `leads`; found?"""
    sure, maybe = applicable_rules(question, facts.model_copy(update=branch), rulebook=book, sections=sections)
    cands = [r for r in sure if set(r.when) & set(unknown) and r not in leads]
    if facts.phase is not None:  # (a rule of the patient's phase leads its branch: for Ph-negative 40-64 in CR1 the
        # MRD-guided transplant rule, not the induction regimen)
        cands = [*(r for r in cands if "phase" in r.when), *(r for r in cands if "phase" not in r.when)]
    elif cands:  # (no phase told: the patient is at the start, so the branch's first-line rule, the one later phases
        # rule out, leads: TKI plus a corticosteroid at 75, not the RIC transplant "when feasible" after it)
        cands = [*(r for r in cands if "cr1" in (r.unless.get("phase") or ())),
                 *(r for r in cands if "cr1" not in (r.unless.get("phase") or ()))]
    if says(question, "duration_question"):  # "how long does maintenance last?": the branch's rule that gives a
        # duration leads it (the Ph-positive 5-year TKI line, though the transplant status is not told either)
        timed = [r for r in [*sure, *maybe] if set(r.when) & set(unknown) and r not in leads and _timed(r)]
        cands = timed + [r for r in cands if r not in timed]
    lead = next(iter(cands), None)
    if lead is not None:
        leads.append(lead)
    return lead is not None


def _timed(rule: GuidelineRule) -> bool:
    """The rule's statement gives a duration ("for at least 5 years")."""
    return any(q.kind == "duration" for q in quantities(rule.statement))


def compared_leads(question: str, facts: PatientFacts, book: RuleBook,
                   sections: Sequence[str] = ()) -> list[list[GuidelineRule]]:
    """The rules of each group the question sets side by side ("B-ALL vs T-ALL at relapse", "Ph+ and Ph- over
    65"), in the question's order: each group's facts added to the given ones, its branches' leads (or the rules
    that then apply). [] when the question compares no groups or the facts already decide between them."""
    sides = [side for side in compared_groups(question)
             if all(getattr(facts, k) is None for k in side)]
    phase = next((_data().get("compared_in", {}).get(k) for k in (sides[0] if sides else {})), None)
    if facts.phase is None and phase is not None:  # (lineage: the groups differ at relapse)
        facts = facts.model_copy(update={"phase": phase})
    out: list[list[GuidelineRule]] = []
    # (the read phase named in words too: "relapse drugs" is the relapsed setting the rules' topics ask for)
    question = f"{question} ({facts.phase.replace('_', ' ')})" if facts.phase else question
    for side in sides:
        given = facts.model_copy(update=side)
        leads, _ = deciding_branches(question, given, book, sections)
        if not leads:
            sure, _ = applicable_rules(question, given, rulebook=book, sections=sections)
            known = given.model_copy(update=assumed(given))
            leads = [r for r in sure if set(r.when) & set(side) and r.condition(known) is not False][:3]
        out.append(leads)
    return out if sum(map(bool, out)) >= 2 else []
