"""The policy table (policy.yaml): what the assistant does with each kind of finding.

    >>> p = default_policy()
    >>> p.refusal({"SAFE-DOSE-003", "SAFE-INJECT-004"}).reply
    'injection'
    >>> p.scope({"SAFE-CHILD-006"}), p.skips_retrieval({"SCOPE-DISEASE-001"}), p.skips_retrieval({"SAFE-DOSE-003"})
    ('out_of_scope', True, False)
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field

from assistant.models import RuleFinding, Severity

#: libyaml's safe loader when present (4x faster at start), else the pure-Python one: same results
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

__all__ = ["Policy", "PolicyEntry", "default_policy"]

POLICY_PATH = Path(__file__).with_name("policy.yaml")


class PolicyEntry(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    outcome: Literal["refuse", "plain", "note", "none"] = "none"
    scope: Literal["out_of_scope", "unsafe"] | None = None
    retrieve: Literal["true", "false", "always"] = "true"
    reply: Literal["never_event", "pediatric", "dose", "injection", "reason", "out_of_scope"] | None = None
    precedence: int = 99
    note: str | None = None
    patient: bool = False
    order: int = 50
    unless: list[str] = Field(default_factory=list)
    lifted_by_follow_up: bool = False
    part_note: str | None = None
    keeps_whole: bool = False  # a question with this finding is never answered part by part (self-treatment, bypass)
    per_finding: bool = False  # one note per finding (each names its own subject: "On hair loss ...", "On memory ...")


class Event(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    rule_id: str
    severity: Severity


class Policy(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    findings: dict[str, PolicyEntry]
    events: dict[str, Event]

    def entry(self, rule_id: str) -> PolicyEntry:
        return self.findings.get(rule_id, PolicyEntry())

    def refusal(self, blocked: Iterable[str]) -> PolicyEntry | None:
        """The refusal that decides the reply among the blocking findings, or None."""
        refusals = sorted((self.entry(r) for r in blocked if self.entry(r).outcome == "refuse"),
                          key=lambda e: e.precedence)
        return refusals[0] if refusals else None

    def part_note(self, blocked: Iterable[str]) -> str | None:
        """The note that declines only the blocked part, when every blocking finding declines only its own part
        (a dose asked beside another question), else None.

        >>> default_policy().part_note({"SAFE-DOSE-003"}), default_policy().part_note({"SAFE-DOSE-003", "SAFE-NEVER-009"})
        ('dose_part', None)
        """
        keys = {self.entry(r).part_note for r in blocked}
        return next(iter(keys)) if len(keys) == 1 and None not in keys else None

    def scope(self, blocked: Iterable[str]) -> str:
        return "out_of_scope" if any(self.entry(r).scope == "out_of_scope" for r in blocked) else "unsafe"

    def skips_retrieval(self, blocked: Iterable[str]) -> bool:
        kinds = {self.entry(r).retrieve for r in blocked if self.entry(r).outcome == "refuse"}
        return "false" in kinds and "always" not in kinds

    def plain(self, findings: Sequence[RuleFinding]) -> bool:
        """Answer in plain words (a patient asking about their own treatment, a frightened one)."""
        return any(self.entry(f.rule_id).outcome == "plain" for f in findings)

    def notes(self, findings: Sequence[RuleFinding], *, patient: bool) -> list[tuple[str, RuleFinding]]:
        """(note key, finding) for the findings that carry a note, in order; `patient` selects the safety notes
        for a patient or relative, else the other notes."""
        ids = {f.rule_id for f in findings}
        out: dict[tuple[str, str], tuple[int, str, RuleFinding]] = {}
        for f in findings:
            e = self.entry(f.rule_id)
            slot = (e.note or "", f.message if e.per_finding else "")
            if e.note and e.patient == patient and not ids & set(e.unless) and slot not in out:
                out[slot] = (e.order, e.note, f)
        return [(key, f) for _, key, f in sorted(out.values(), key=lambda t: t[0])]

    def event(self, name: str, message: str, section_id: str | None = None) -> RuleFinding:
        """A finding the pipeline itself makes (premise, llm_failed, ungrounded)."""
        ev = self.events[name]
        return RuleFinding(rule_id=ev.rule_id, severity=ev.severity, message=message, section_id=section_id)


@lru_cache(maxsize=4)
def load_policy(path: Path = POLICY_PATH) -> Policy:
    return Policy.model_validate(yaml.load(path.read_text(encoding="utf-8"), Loader=_YAML_LOADER))


def default_policy() -> Policy:
    return load_policy()
