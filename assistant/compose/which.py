"""A question that asks which member of a class to use ("which TKI for maintenance, and how long?", "68歳 Ph+ 寛解導入
TKI何? イマチニブ?ダサチニブ?"): after the rules, the line that says the summary names none ("does not name the TKI
for maintenance"), the one for the patient's setting; with no such line and no guideline line naming a member, a
note that the sources do not say which. A rule that recommends the class ("TKI maintenance for at least 5 years")
does not answer which one."""

from __future__ import annotations

from dataclasses import dataclass

from assistant.claims import broader_chain
from assistant.compose.asked import _quotable
from assistant.compose.builder import Builder
from assistant.compose.cues import cue, says
from assistant.compose.selection import DraftPlan, Sources
from assistant.compose.sentences import _headed_sentences
from assistant.compose.subject import asking_sentences
from assistant.concepts import Mention, concept_ids, load_lexicon, read_concepts
from assistant.models import Chunk
from assistant.prompts import RELEVANCE_NOTE
from assistant.rules.logic import stated_facts
from assistant.rules.relevance import concept_label

__all__ = ["WhichOne", "asked_classes"]

#: Concept kinds of what a member of a class is (a procedure named beside it, "allo-HSCT", is none).
_AGENTS = frozenset({"drug", "drug_class", "regimen", "treatment"})


def _members(cls: str) -> frozenset[str]:
    """The concepts under the class, at any depth (pediatric-type regimens are intensive chemotherapy, which is
    chemotherapy)."""
    return frozenset(c for c in load_lexicon().concepts if cls in broader_chain(c)[1:])


def _class_of(concept: str) -> str | None:
    """The class the lexicon files a concept under (dasatinib -> tki), or None."""
    c = load_lexicon().concepts.get(concept)
    return c.broader if c else None


def _named(text: str) -> list[Mention]:
    """The concepts a lower-cased text names for the patient now (not another person's, denied or given before)."""
    return [m for m in read_concepts(text).mentions if not (m.other_person or m.negated or m.historical)]


def _classes() -> frozenset[str]:
    """The classes of treatments (a TKI, chemotherapy): "what does MRD mean?" asks no member of MRD's methods."""
    return frozenset(c.broader for c in load_lexicon().concepts.values() if c.broader and c.kind in _AGENTS)


def _asked_right_before(text: str, surface: str) -> bool:
    """ "which TKI", "what specific TKI": an asking word of cues.yaml asks_which within the two words before, and
    the class is what is asked, not a word qualifying the noun after it ("what TKI maintenance duration?")."""
    at = text.find(surface)
    if at < 0 or not says(" ".join(text[:at].split()[-2:]), "asks_which"):
        return False
    after = text[at + len(surface):].split()[:1]
    return not after or after[0].strip(",.?;:!") not in cue("class_modifies")


def _alternatives(text: str, a: str, b: str) -> bool:
    """Two names offered as alternatives: only joining words and signs between them ("imatinib or dasatinib",
    "imatinib? dasatinib?", "imatinib vs dasatinib")."""
    i, j = text.find(a), text.find(b)
    if i < 0 or j < 0 or j <= i:
        return False
    between = text[i + len(a):j].replace("?", " ").replace(",", " ").replace("/", " ").split()
    return all(w in cue("joins_alternatives") for w in between)


def asked_classes(question: str) -> list[str]:
    """The classes the asking sentences ask a member of: "which TKI", or two members offered as alternatives.

    >>> asked_classes("Ph+ ALL in CR1, no transplant: which TKI for maintenance and how long?")
    ['tki']
    >>> asked_classes("what induction for a 68-year-old with Ph+ ALL? imatinib? dasatinib?")
    ['tki']
    >>> asked_classes("Is TKI maintenance needed after transplant?"), asked_classes("switched from imatinib to dasatinib, why?")
    ([], [])
    >>> asked_classes("CR1 no allo-HSCT Ph-positive ALL, what TKI maintenance duration?")
    []
    """
    text = asking_sentences(question).lower()
    mentions = _named(text)
    classes, out = _classes(), []
    for m in mentions:
        if m.concept in classes and _asked_right_before(text, m.surface.lower()):
            out.append(m.concept)
    named = list(dict.fromkeys(m.concept for m in mentions if m.concept in classes))
    if len(named) == 1 and says(text, "asks_which_one"):
        out.append(named[0])  # ("pre-emptive TKI? which one?": the one class named, asked by "which one", r56 k17)
    # (a member named and whether a better one exists: "taking imatinib. Is that the best pill or are there stronger
    # ones?", r57 m23; the member is named in the case, "that" in the asking sentence)
    if says(text, "asks_better"):
        out += [c for m in _named(question.lower()) if (c := _class_of(m.concept)) in classes]
    for a in mentions:
        cls = _class_of(a.concept)
        if cls and any(b.concept != a.concept and b.concept in _members(cls)
                       and _alternatives(text, a.surface.lower(), b.surface.lower()) for b in mentions):
            out.append(cls)
    return list(dict.fromkeys(out))


def _silent_on(text: str, cls: str) -> bool:
    """The line says the summary does not name which one of the class ("does not name which TKI", "does not
    specify which TKI to use", "does not name the TKI for maintenance"); not "does not state whether TKI
    maintenance is combined with chemotherapy"."""
    low = text.lower()
    if says(text, "prefer_line") and len(concept_ids(low) & _members(cls)) >= 2 and (
            says(text, "summary_silent") or says(text, "names_none") or " not " in f" {low} "):
        return True  # "does not rank blinatumomab against inotuzumab": which of the two, left open
    for term in (*cue("summary_silent"), *cue("names_none")):
        at = low.find(term)
        if at >= 0:
            after = low[at + len(term):].split()[:4]
            return bool(after) and after[0] not in ("whether", "if") and (
                any(w.strip(",.;") in cue("unnamed_member") for w in after) or cls in concept_ids(" ".join(after)))
    return False


@dataclass(frozen=True)
class WhichOne:
    """For each class the question asks a member of, when no line says which: the summary's "does not name"
    line for the patient's setting; with `note` (last, after every line), the not-addressed note when no line says
    which and no guideline line names a member (see the module)."""

    note: bool = False

    def run(self, plan: DraftPlan, pool: Sources, builder: Builder) -> None:
        if not builder.count():
            return
        said = [t for k, t in builder.lines if k != "note"]
        # (the question as written too: its focus may leave out a closing "which one?")
        for cls in dict.fromkeys([*asked_classes(plan.q), *asked_classes(plan.question.text)]):
            if any(_silent_on(t, cls) for t in said):
                continue
            if self.note:
                if not any(_names_a_treatment(t, cls) for t in said):
                    builder.note(RELEVANCE_NOTE.format(what=f"which {concept_label(cls)} to use"))
                continue
            found = self._silent_line(cls, plan, pool, said)
            if found is not None:
                builder.add(found[1].tier, found[0], found[1], asked=True)

    @staticmethod
    def _silent_line(cls: str, plan: DraftPlan, pool: Sources, said: list[str]) -> tuple[str, Chunk] | None:
        asked = set(concept_ids(plan.q.lower()))
        best = None
        for rank, chunk in enumerate([*pool.top(8), *pool.chunks]):
            for _, s in _headed_sentences(chunk):
                if s in said or not _silent_on(s, cls):
                    continue
                if not _quotable(s, chunk, plan.facts, pool.book, plan.q):
                    continue
                band, ids = stated_facts(s).get("age_band"), concept_ids(s.lower())
                # (the most of the question's concepts, the patient's age group, the fewest others: "maintenance" is not asked first-line)
                key = (len(ids & asked), band is not None and band == plan.facts.age_band,
                       -len(ids - asked - _members(cls) - {cls}), chunk.tier == "guideline", -rank)
                if best is None or key > best[0]:
                    best = (key, s, chunk)
        return (best[1], best[2]) if best else None


def _names_a_treatment(text: str, cls: str) -> bool:
    """The line names a treatment other than the class itself (a member, or a drug the lexicon files elsewhere:
    "nelarabine" for "which chemo?"): the note would say too much."""
    lex = load_lexicon()
    return any(c != cls and c in lex.concepts and (lex.concepts[c].kind in _AGENTS or cls in broader_chain(c))
               for c in concept_ids(text.lower()))
