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

from assistant.facts import assumed
from assistant.models import PatientFacts
from assistant.rules import applicable_rules
from assistant.rules.logic import GuidelineRule, RuleBook

__all__ = ["deciding_branches", "other_side_facts", "BRANCHES_PATH"]

BRANCHES_PATH = Path(__file__).with_name("branches.yaml")


@lru_cache(maxsize=1)
def _data() -> dict[str, Any]:
    data = yaml.load(BRANCHES_PATH.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    fields = set(PatientFacts.model_fields)
    if not set(data.get("other_sides", [])) <= fields:
        raise ValueError(f"{BRANCHES_PATH}: other_sides names unknown facts {sorted(set(data['other_sides']) - fields)}")
    for name, branches in data.items():
        if name == "other_sides":
            continue
        for b in branches:
            if not set(b) <= fields:
                raise ValueError(f"{BRANCHES_PATH}: table {name!r} names unknown facts {sorted(set(b) - fields)}")
    return data


def _table() -> dict[str, list[dict[str, Any]]]:
    """The deciding-facts tables, by phase."""
    return {k: v for k, v in _data().items() if k != "other_sides"}


def other_side_facts() -> frozenset[str]:
    """The facts whose other values' rules are shown beside a branch (`other_sides` in the table)."""
    return frozenset(_data().get("other_sides", []))


def deciding_branches(question: str, facts: PatientFacts, book: RuleBook,
                      sections: Sequence[str] = ()) -> tuple[list[GuidelineRule], list[str]]:
    """(the leading rule of each branch, in table order, once each; the facts that decide, not given)."""
    table = _table()
    leads: list[GuidelineRule] = []
    missing: list[str] = []
    known = facts.model_copy(update=assumed(facts))  # (the implications table: T-ALL is Ph-negative unless said)
    for branch in table.get(facts.phase or "", table["default"]):
        unknown = [k for k, v in branch.items() if getattr(known, k) is None]
        if not unknown or any(getattr(known, k) not in (None, v) for k, v in branch.items()):
            continue  # (nothing missing, or a given or implied fact rules the branch out)
        sure, _ = applicable_rules(question, facts.model_copy(update=branch), rulebook=book, sections=sections)
        lead = next((r for r in sure if set(r.when) & set(unknown) and r not in leads), None)
        if lead is not None:
            leads.append(lead)
            missing += [k for k in unknown if k in lead.when and k not in missing]
    return leads, missing
