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

from assistant.models import PatientFacts
from assistant.rules import applicable_rules
from assistant.rules.logic import GuidelineRule, RuleBook

__all__ = ["deciding_branches", "BRANCHES_PATH"]

BRANCHES_PATH = Path(__file__).with_name("branches.yaml")


@lru_cache(maxsize=1)
def _table() -> dict[str, list[dict[str, Any]]]:
    data = yaml.load(BRANCHES_PATH.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    fields = set(PatientFacts.model_fields)
    for name, branches in data.items():
        for b in branches:
            if not set(b) <= fields:
                raise ValueError(f"{BRANCHES_PATH}: table {name!r} names unknown facts {sorted(set(b) - fields)}")
    return data


def deciding_branches(question: str, facts: PatientFacts, book: RuleBook,
                      sections: Sequence[str] = ()) -> tuple[list[GuidelineRule], list[str]]:
    """(the leading rule of each branch, in table order, once each; the facts that decide, not given)."""
    table = _table()
    leads: list[GuidelineRule] = []
    missing: list[str] = []
    for branch in table.get(facts.phase or "", table["default"]):
        unknown = [k for k, v in branch.items() if getattr(facts, k) is None]
        if not unknown or any(getattr(facts, k) not in (None, v) for k, v in branch.items()):
            continue  # (nothing missing, or a given fact rules the branch out)
        sure, _ = applicable_rules(question, facts.model_copy(update=branch), rulebook=book, sections=sections)
        lead = next((r for r in sure if set(r.when) & set(unknown) and r not in leads), None)
        if lead is not None:
            leads.append(lead)
            missing += [k for k in unknown if k in lead.when and k not in missing]
    return leads, missing
