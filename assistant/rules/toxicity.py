"""Toxicity claims: an answer clause that gives a treatment another treatment's main harm ("the main toxicity of
nelarabine is veno-occlusive disease"), or calls one of its main harms rare ("cytokine release syndrome is uncommon
with blinatumomab"), against the profiles in `lexicon/toxicities.yaml` (CLAIM-TOX-056, the sentence is removed).

It also flags a harm said to go the wrong way (`directions` in toxicities.yaml): what raises a treatment's harm said
not to, or called the safer way ("a later transplant doesn't add to inotuzumab's VOD/SOS risk"), a harm said to occur
only in a group it is not confined to, a measure the treatment lowers said to rise ("asparaginase raises fibrinogen").

A clause is read for the harms it names and the treatment it names; a clause naming no treatment is about the
treatment of its sentence, else of the question ("nelarabine main tox?" — "Cardiotoxicity, mainly QT prolongation"); a
trial's name stands for its treatment, and a sentence opening with "Its" is about a treatment named before it.
Nothing is judged where the treatment is not one, a clause is negated ("does not cause VOD") or a cited source says
the same in one sentence. Pure; the profiles are read once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path

from assistant.claims import broader_chain, negation_words
from assistant.concepts import (
    LEXICON_DIR,
    TREATMENT_KINDS,
    clauses,
    lexicon_file,
    load_lexicon,
    read_concepts,
    tokens,
    treatments_in,
)
from assistant.models import Chunk, PatientFacts, RuleFinding
from assistant.rules.base import Draft, Issue, cited_chunks, parse_lines
from assistant.text import split_sentences

TOX_ID = "CLAIM-TOX-056"

Phrase = tuple[str, ...]


@dataclass(frozen=True)
class Profiles:
    harms: dict[Phrase, str]  # the words naming a harm -> its id
    longest: int
    main: dict[str, frozenset[str]]  # treatment -> its main harms
    known: dict[str, frozenset[str]]  # treatment -> every harm the corpus gives it
    rare: tuple[Phrase, ...]
    negations: frozenset[str]
    passing: tuple[Phrase, ...] = ()  # a harm called sure to pass ("reliably reversible")
    dismissed: tuple[Phrase, ...] = ()  # a harm called no longer a concern ("need not weigh against it")
    main_cues: tuple[Phrase, ...] = ()  # a harm called the treatment's main one ("the main toxicity is ...")
    conditions: dict[Phrase, frozenset[str]] = field(default_factory=dict)  # a patient's condition -> harms it weighs
    condition_longest: int = 1
    raised_by: dict[str, dict[str, frozenset[str]]] = field(default_factory=dict)  # treatment -> harm -> modifiers
    lowers: dict[str, frozenset[str]] = field(default_factory=dict)  # treatment -> the measures it lowers
    not_only_with: dict[str, dict[str, frozenset[str]]] = field(default_factory=dict)  # treatment -> harm -> groups
    modifiers: dict[Phrase, str] = field(default_factory=dict)  # words -> modifier or measure id
    cues: dict[str, tuple[Phrase, ...]] = field(default_factory=dict)  # no_rise, lowering, rising, modifier_denials
    trials: dict[Phrase, str] = field(default_factory=dict)  # a trial's name -> its treatment
    trial_longest: int = 1
    modifier_heads: frozenset[str] = frozenset()  # the first words of the modifiers' phrases (a cheap first look)
    sentence_only: frozenset[str] = frozenset()  # modifiers judged only about a harm their sentence names
    implied: frozenset[str] = frozenset()  # harms a clause naming one of their modifiers is about, named or not
    alongside: tuple[tuple[tuple[Phrase, ...], tuple[Phrase, ...], str], ...] = ()  # (with, kept, why)
    stop_cues: tuple[Phrase, ...] = ()
    precautions: tuple[tuple[str, tuple[Phrase, ...], str], ...] = ()  # (treatment, activities avoided, why)
    permit_cues: tuple[Phrase, ...] = ()
    permit_conditions: frozenset[str] = frozenset()
    managed_with: dict[str, frozenset[Phrase]] = field(default_factory=dict)  # harm -> what it is managed with first
    management: tuple[tuple[Phrase, ...], tuple[Phrase, ...], tuple[Phrase, ...]] = ((), (), ())  # treatments, cues,
    # pointers

    @cached_property
    def rare_heads(self) -> frozenset[str]:
        """The first words of the `rare` and `passing` phrases (a cheap first look)."""
        return frozenset(p[0] for p in (*self.rare, *self.passing, *self.dismissed) if p)

    @property
    def directed(self) -> frozenset[str]:
        """The treatments `directions` are about."""
        return frozenset(self.raised_by) | frozenset(self.lowers) | frozenset(self.not_only_with)


@lru_cache(maxsize=2)
def profiles(folder: Path = LEXICON_DIR) -> Profiles:
    """Read toxicities.yaml once; a profile naming an unknown harm or treatment is an error."""
    data = lexicon_file(folder, "toxicities.yaml")
    harms = {_phrase(w): h for h, words in data["harms"].items() for w in words}
    harms = {**{_plural(k): h for k, h in harms.items()}, **harms}  # ("these neuropathies", heldout18 w046)
    lex = load_lexicon()
    main, known = {}, {}
    for treatment, p in data["profiles"].items():
        named = set(p.get("main") or []) | set(p.get("known") or [])
        if treatment not in lex.concepts or named - set(data["harms"]):
            raise ValueError(f"toxicities.yaml: profile {treatment!r} names an unknown treatment or harm")
        main[treatment] = frozenset(p.get("main") or [])
        known[treatment] = frozenset(named)
    weighs = {c: frozenset(hs) for c, hs in (data.get("condition_harms") or {}).items()}
    bad = [c for c in data.get("conditions") or {} if c not in weighs] + [
        c for c, hs in weighs.items() if hs - set(data["harms"])]
    if bad:
        raise ValueError(f"toxicities.yaml: condition {bad[0]!r} has no harms in condition_harms, or an unknown one")
    conditions = {_phrase(w): weighs[c] for c, words in (data.get("conditions") or {}).items()
                  for w in words}
    return Profiles(harms=harms, longest=max(len(k) for k in harms), main=main, known=known,
                    rare=_phrases(data["rare"]), negations=negation_words(),
                    passing=_phrases(data.get("passing")),
                    dismissed=_phrases(data.get("dismissed")),
                    main_cues=_phrases(data.get("main_cues")),
                    conditions=conditions, condition_longest=max((len(k) for k in conditions), default=1),
                    managed_with={h: frozenset(_phrases(ws)) for h, ws in (data.get("managed_with") or {}).items()},
                    management=tuple(_phrases(data.get(k))  # type: ignore[arg-type]
                                     for k in ("management_treatments", "management_cues", "management_pointers")),
                    **_directions(data, lex))


def _phrase(word: object) -> Phrase:
    return tuple(tokens(str(word).lower()))


def _phrases(words: object) -> tuple[Phrase, ...]:
    """The phrases of a word list of toxicities.yaml (none for a missing key)."""
    return tuple(_phrase(w) for w in words or ())  # type: ignore[attr-defined]


def _plural(phrase: Phrase) -> Phrase:
    """The phrase with its last word in the plural ("peripheral neuropathy" -> "peripheral neuropathies").

    >>> _plural(("neuropathy",)), _plural(("arterial", "event")), _plural(("seizures",))
    (('neuropathies',), ('arterial', 'events'), ('seizures',))
    """
    last = phrase[-1]
    if not last.isalpha() or last.endswith("s"):
        return phrase
    plural = last[:-1] + "ies" if last.endswith("y") and last[-2:-1] not in "aeiou" else last + "s"
    return (*phrase[:-1], plural)


def _directions(data: dict, lex: object) -> dict:
    """The `directions` of toxicities.yaml, checked: a treatment, harm or modifier it names must exist."""
    modifiers = {_phrase(w): m for m, words in (data.get("modifiers") or {}).items() for w in words}
    raised_by: dict[str, dict[str, frozenset[str]]] = {}
    not_only: dict[str, dict[str, frozenset[str]]] = {}
    lowers: dict[str, frozenset[str]] = {}
    for treatment, d in (data.get("directions") or {}).items():
        by_harm = {**(d.get("raised_by") or {}), **(d.get("not_only_with") or {})}
        named = {m for ms in by_harm.values() for m in ms} | set(d.get("lowers") or [])
        if treatment not in lex.concepts or named - set(modifiers.values()) or set(  # type: ignore[attr-defined]
                by_harm) - set(data["harms"]):
            raise ValueError(f"toxicities.yaml: directions of {treatment!r} name an unknown treatment, harm or modifier")
        raised_by[treatment] = {h: frozenset(ms) for h, ms in (d.get("raised_by") or {}).items()}
        not_only[treatment] = {h: frozenset(ms) for h, ms in (d.get("not_only_with") or {}).items()}
        lowers[treatment] = frozenset(d.get("lowers") or [])
    cues = {k: _phrases(data.get(k) or []) for k in ("no_rise", "lowering", "rising", "modifier_denials", "confined",
                                                   "effect_verbs")}
    trials = {tuple(tokens(str(t).lower())): str(c) for t, c in (data.get("trial_treatments") or {}).items()}
    return dict(raised_by=raised_by, lowers=lowers, not_only_with=not_only, modifiers=modifiers, cues=cues,
                trials=trials, trial_longest=max((len(k) for k in trials), default=1),
                modifier_heads=frozenset(k[0] for k in modifiers if k),
                sentence_only=frozenset(data.get("sentence_only") or []),
                implied=frozenset(data.get("implied_harms") or []),
                alongside=tuple((_phrases(a["with"]), _phrases(a["kept"]), str(a["why"]))
                                for a in data.get("continued_alongside") or []),
                stop_cues=_phrases(data.get("stop_cues") or []),
                precautions=_precautions(data, lex), permit_cues=_phrases(data.get("permit_cues") or []),
                permit_conditions=frozenset(str(w) for w in data.get("permit_conditions") or []))


def _precautions(data: dict, lex: object) -> tuple[tuple[str, tuple[Phrase, ...], str], ...]:
    out = []
    for p in data.get("precautions") or []:
        if p["treatment"] not in lex.concepts:  # type: ignore[attr-defined]
            raise ValueError(f"toxicities.yaml: precaution for unknown treatment {p['treatment']!r}")
        out.append((str(p["treatment"]), _phrases(p["avoid"]), str(p["why"])))
    return tuple(out)


def _phrases_in(toks: Sequence[str], table: dict[Phrase, object], longest: int) -> list[tuple[int, object]]:
    """(token index, value) of each phrase of `table` in `toks`, longest first, left to right."""
    out, i = [], 0
    while i < len(toks):
        for n in range(min(longest, len(toks) - i), 0, -1):
            if (v := table.get(tuple(toks[i:i + n]))) is not None:
                out.append((i, v))
                i += n - 1
                break
        i += 1
    return out


def condition_harms(question: str, pf: Profiles | None = None) -> frozenset[str]:
    """The harms the patient's own conditions weigh (toxicities.yaml `conditions`): "his kidneys are weak" ->
    kidney harm; a condition denied in its clause ("no heart disease") is left out.

    >>> sorted(condition_harms("He had a heart attack last year. Is ponatinib OK?"))
    ['arterial', 'cardiac']
    >>> sorted(condition_harms("No kidney disease; HD-MTX planned")), sorted(condition_harms("Ph+ ALL in CR1"))
    ([], [])
    """
    pf = pf or profiles()
    out: set[str] = set()
    for clause in clauses(question.lower()):
        toks = tokens(clause)
        for i, harms in _phrases_in(toks, pf.conditions, pf.condition_longest):
            if not any(_negating(t, pf) for t in toks[max(0, i - 4):i]):
                out |= harms  # type: ignore[arg-type]
    return frozenset(out)


def harms_in(text: str, pf: Profiles | None = None) -> set[str]:
    """The harms a text names.

    >>> sorted(harms_in("Watch for cytokine release syndrome and ICANS."))
    ['crs', 'neurotoxicity']
    """
    if pf is None:
        return set(_default_harms(text))
    return {h for _, h in _phrases_in(tokens(text.lower()), pf.harms, pf.longest)}  # type: ignore[misc]


@lru_cache(maxsize=8192)
def _default_harms(text: str) -> frozenset[str]:
    """harms_in with the bundled profiles, memoised (every sentence of every answer, and the question, is read)."""
    pf = profiles()
    return frozenset(h for _, h in _phrases_in(tokens(text.lower()), pf.harms, pf.longest))  # type: ignore[misc]


def _negating(token: str, pf: Profiles) -> bool:
    """A negation word of the context layer, or a contracted one ("won't")."""
    return token in pf.negations or token.endswith("n't")


def _has(toks: list[str], phrases: Sequence[Phrase]) -> bool:
    return any(tuple(toks[i:i + len(p)]) == p for p in phrases for i in range(len(toks)))


def _unnegated(toks: list[str], phrases: Sequence[Phrase], pf: Profiles) -> bool:
    """One of the phrases, with no negation in the three words before it ("did not always resolve" is none)."""
    return any(tuple(toks[i:i + len(p)]) == p and not any(_negating(t, pf) for t in toks[max(0, i - 3):i])
               for p in phrases for i in range(len(toks)))


def _said_by_source(treatment: str, harm: str, sources: Sequence[Chunk], said: str | None, pf: Profiles) -> bool:
    """A cited source says the same: a clause of it gives the harm to the treatment (its one treatment, as an answer
    clause is read), or, for a harm called rare (`said` "rare") or sure to pass ("passing"), one of its sentences
    says so too (a passing harm not denied: "these did not always resolve" says the opposite)."""
    for c in sources:
        for s in split_sentences(c.text):
            if harm not in harms_in(s, pf):
                continue
            if said == "rare" and _has(tokens(s.lower()), pf.rare):
                return True
            if said == "dismissed" and _has(tokens(s.lower()), pf.dismissed):
                return True
            if said == "passing" and _unnegated(tokens(s.lower()), pf.passing, pf):
                return True
            if said is None and any(harm in harms_in(cl, pf) and _subject(cl, s, "") == treatment for cl in clauses(s)):
                return True
    return False


def _said_as(wrong: str) -> str | None:
    """What a `wrong_harms` entry says of its harm: "rare", "passing" (sure to pass) or None (another's harm)."""
    return ("passing" if "sure to pass" in wrong else "rare" if "called rare" in wrong
            else "dismissed" if "of no concern" in wrong else None)


def wrong_management(clause: str, before: set[str], pf: Profiles | None = None) -> set[str]:
    """A harm said to be managed first with a treatment it is not managed with (`managed_with`): the harms the clause
    names, or those of `before` (the harms named before it) when it points to them ("both are managed first with
    tocilizumab" after "CRS and ICANS ..."); a management cue denied just before is no claim.

    >>> sorted(wrong_management("both are managed first with tocilizumab", {"crs", "neurotoxicity"}))
    ['neurotoxicity (managed first with tocilizumab)']
    >>> wrong_management("ICANS is managed mainly with corticosteroids", set())
    set()
    >>> wrong_management("ICANS is not treated with tocilizumab", set())
    set()
    """
    pf = pf or profiles()
    treatments, cues, pointers = pf.management
    toks = tokens(clause.lower())
    if "respectively" in toks:  # ("CRS and ICANS are managed with tocilizumab and corticosteroids, respectively")
        return set()
    at = next((i + len(c) for i in range(len(toks)) for c in cues if tuple(toks[i:i + len(c)]) == c
               and not any(_negating(t, pf) for t in toks[max(0, i - 3):i])), None)
    if at is None:
        return set()
    first = next((p for k in range(at, len(toks)) for p in treatments if tuple(toks[k:k + len(p)]) == p), None)
    if first is None:
        return set()
    harms = harms_in(" ".join(toks[:at]), pf)
    if not harms and any(tuple(toks[i:i + len(p)]) == p for p in pointers for i in range(at)):
        harms = before
    return {f"{h} (managed first with {' '.join(first)})" for h in sorted(harms)
            if h in pf.managed_with and first not in pf.managed_with[h]}


def wrong_harms(clause: str, treatment: str, pf: Profiles | None = None) -> set[str]:
    """What a clause about `treatment` says wrongly of its harms: another treatment's main harm it does not have, or
    one of its main harms called rare.

    >>> sorted(wrong_harms("the main toxicity is hepatic veno-occlusive disease", "nelarabine"))
    ['vod_sos (a main harm of another treatment)']
    >>> sorted(wrong_harms("cytokine release syndrome is uncommon", "blinatumomab"))
    ['crs (called rare)']
    >>> wrong_harms("it does not cause veno-occlusive disease", "blinatumomab")
    set()
    >>> sorted(wrong_harms("thrombosis is not a major concern", "asparaginase"))
    ['venous_thrombosis (called rare)']
    >>> sorted(wrong_harms("its chief toxicity is liver injury", "nelarabine"))
    ['liver (called its main harm)']
    >>> wrong_harms("the main toxicity is neurotoxicity, and liver tests are checked too", "nelarabine")
    set()
    """
    pf = pf or profiles()
    toks = tokens(clause.lower())
    rare_at = {k for i, t in enumerate(toks) if t in pf.rare_heads for p in (*pf.rare, *pf.passing, *pf.dismissed)
               if tuple(toks[i:i + len(p)]) == p
               for k in range(i, i + len(p))}  # (a rarity said with a negation of its own: "not a major concern")
    if treatment not in pf.main or any(_negating(t, pf) and i not in rare_at
                                       for i, t in enumerate(toks)):
        return set()
    harms = harms_in(_own_part(toks, treatment), pf)
    others = {h for t, m in pf.main.items() if t != treatment for h in m}
    out = {f"{h} (a main harm of another treatment)" for h in harms - pf.known[treatment] if h in others}
    if _has(toks, pf.rare):
        out |= {f"{h} (called rare)" for h in harms & pf.main[treatment]}
    if _has(toks, pf.dismissed):
        out |= {f"{h} (called of no concern)" for h in harms & pf.main[treatment]}
    if _has(toks, pf.passing):
        out |= {f"{h} (called sure to pass)" for h in harms & pf.main[treatment]}
    if pf.main[treatment] and harms and not harms & pf.main[treatment] and _has(toks, pf.main_cues):
        flagged = {w.split()[0] for w in out}  # ("nelarabine's main toxicity is hepatotoxicity": not its main harm,
        # whether or not the corpus gives it as one of its others)
        out |= {f"{h} (called its main harm)" for h in harms - {"adverse_events"} - flagged}
    return out


def _own_part(toks: list[str], treatment: str) -> str:
    """The clause up to another treatment's possessive: what follows "blinatumomab's" ("... alongside
    blinatumomab's cytokine release syndrome") is that treatment's, not the clause's subject's."""
    for i, t in enumerate(toks):
        if t.endswith(("'s", "’s")) and (owner := treatments_in(t[:-2])) and treatment not in owner:
            return " ".join(toks[:i])
    return " ".join(toks)


def _names_a_trial(low: str, pf: Profiles) -> bool:
    """A cheap look for a trial's name before the token scan (most texts name none)."""
    return any(k[0] in low for k in pf.trials)


def _subject(clause: str, sentence: str, question: str, pf: Profiles | None = None,
             among: frozenset[str] | None = None) -> str | None:
    """The one treatment a clause is about: its own, else its sentence's, else the question's (a trial's name stands
    for the treatment it tested); with `among`, only those treatments count."""
    for text in (clause, sentence, question):
        named = set(treatments_in(text)) if text is not question else _not_denied(question)
        if pf is not None and pf.trials and (among is not None or not named) and _names_a_trial(text.lower(), pf):
            named |= {t for _, t in _phrases_in(tokens(text.lower()), pf.trials, pf.trial_longest)}  # type: ignore[misc]
        if among is not None:
            named &= among
        if len(named) > 1:  # a treatment and its class named together ("high-dose methotrexate ... methotrexate
            # clearance", heldout20 w043): the narrower one
            named = {t for t in named if not any(u != t and t in broader_chain(u) for u in named)}
        if named:
            return next(iter(named)) if len(named) == 1 else None
    return None


def _not_denied(question: str) -> set[str]:
    """The treatments the question names that it does not deny ("no transplant yet" names none a harm is about,
    heldout19 c014)."""
    lex = load_lexicon()
    return {m.concept for m in read_concepts(question.lower()).mentions
            if not m.negated and m.concept in lex.concepts and lex.concepts[m.concept].kind in TREATMENT_KINDS}


#: Words that open a sentence about the treatment of the sentence before ("Its safety concerns include ...").
_POINTING = frozenset({"it", "its", "it's", "they", "their", "this", "these"})


def _points_back(sentence: str) -> bool:
    toks = tokens(sentence.lower())
    while toks and (toks[0] in _LINKING or toks[0] == "," or toks[0].endswith("ly") and toks[1:2] == [","]):
        toks = toks[1:]  # (", but these reliably go away ...", "Reassuringly, these effects ...", heldout23 w044)
    return bool(toks) and toks[0] in _POINTING


#: Words that link a clause to the one before, before its pointing word.
_LINKING = frozenset({"but", "and", "yet", "so", "although", "though", "while", "however"})


def _names_it_back(sentence: str) -> bool:
    """A sentence naming no treatment points back to the one before by a demonstrative and a drug noun ("VOD is the
    safety concern to plan for with this drug", heldout22 c021)."""
    toks = tokens(sentence.lower())
    return not treatments_in(sentence) and any(
        t in _DEMONSTRATIVES and k + 1 < len(toks) and toks[k + 1] in _DRUG_NOUNS for k, t in enumerate(toks))


_DEMONSTRATIVES = frozenset({"this", "that", "these", "those"})
_DRUG_NOUNS = frozenset({"drug", "drugs", "agent", "agents", "medicine", "medicines", "medication", "medications",
                         "antibody", "treatment", "therapy"})


def _modifiers_in(toks: list[str], pf: Profiles) -> list[tuple[int, str]]:
    """(index, modifier id) of each modifier named and not denied just before ("avoiding dual-alkylator ...")."""
    if not pf.modifier_heads & set(toks):  # (most sentences name none: no scan)
        return []
    longest = max((len(k) for k in pf.modifiers), default=1)
    return [(i, m) for i, m in _phrases_in(toks, pf.modifiers, longest)  # type: ignore[misc]
            if not any(tuple(toks[k:k + len(p)]) == p for p in pf.cues["modifier_denials"]
                       for k in range(max(0, i - 3), i))]


def _cued(toks: list[str], phrases: Sequence[Phrase], pf: Profiles, *, denied: bool) -> bool:
    """A phrase of `phrases` with (`denied`) or without a negation up to three words before it."""
    return any(tuple(toks[i:i + len(p)]) == p and any(
        _negating(t, pf) for t in toks[max(0, i - 3):i]) == denied
        for p in phrases for i in range(len(toks)))


def _denied_effect(toks: list[str], pf: Profiles) -> bool:
    """A verb of an effect denied just before it ("does not rise", "do not affect", "won't slow it"): what the clause
    names is said not to raise the harm, whatever the verb (`effect_verbs`)."""
    return _cued(toks, pf.cues["effect_verbs"], pf, denied=True)


def wrong_directions(clause: str, treatment: str, harms: set[str], pf: Profiles | None = None,
                     own: set[str] | None = None) -> set[str]:
    """What a clause about `treatment` says the wrong way round: a modifier that raises one of `harms` (the harms of
    the clause's context) said not to, or called safer; a harm said to occur only in a group it is not confined to;
    a measure the treatment lowers said to rise. A `sentence_only` modifier counts only for a harm of `own` (the
    harms the clause's sentence names: "toxicity in adults was similar to children's" says nothing of thrombosis).

    >>> sorted(wrong_directions("a later transplant did not add to the risk", "inotuzumab", {"vod_sos"}))
    ['vod_sos (not raised by transplant)']
    >>> wrong_directions("the risk is higher when a transplant follows", "inotuzumab", {"vod_sos"})
    set()
    >>> sorted(wrong_directions("it raises fibrinogen", "asparaginase", set()))
    ['fibrinogen_level (said to rise)']
    """
    from assistant.claims import written_out

    pf = pf or profiles()
    toks = tokens(written_out(clause.lower()))  # ("doesn't add to it" as "does not add to it")
    found = _modifiers_in(toks, pf)
    out: set[str] = set()
    raises = pf.raised_by.get(treatment, {})
    harms = harms | (pf.implied & set(raises))
    if found and (any(_has(toks, pf.cues[k]) for k in ("no_rise", "lowering")) or _denied_effect(toks, pf)):
        out |= {f"{h} (not raised by {m.replace('_', ' ')})" for h in harms & set(raises) for _, m in found
                if m in raises[h] and (m not in pf.sentence_only or h in (harms if own is None else own))}
    confined = pf.not_only_with.get(treatment, {})
    if found and _has(toks, pf.cues["confined"]):
        out |= {f"{h} (said to occur only with {m.replace('_', ' ')})" for h in harms & set(confined) for _, m in found
                if m in confined[h]}
    lowered = pf.lowers.get(treatment, frozenset())
    for i, m in found:
        if m in lowered and any(tuple(toks[k:k + len(p)]) == p for p in pf.cues["rising"]
                                for k in (i - len(p), i + 1)):
            out.add(f"{m} (said to rise)")
    return out


def stopped_alongside(sentence: str, pf: Profiles | None = None) -> set[str]:
    """What a sentence says stops though it continues alongside another treatment it names (`continued_alongside`):
    a stop cue not denied just before it.

    >>> stopped_alongside("Once glucarpidase is given, leucovorin can be stopped.")
    {'leucovorin continues alongside glucarpidase'}
    >>> stopped_alongside("Leucovorin is not stopped when glucarpidase is given."), stopped_alongside("Stop NSAIDs.")
    (set(), set())
    """
    from assistant.claims import written_out

    pf = pf or profiles()
    low = sentence.lower()
    if not any(w[0] in low for with_, _, _ in pf.alongside for w in with_):  # (most sentences name none: no scan)
        return set()
    toks = tokens(written_out(low))
    out: set[str] = set()
    for with_, kept, why in pf.alongside:
        if _has(toks, with_) and _has(toks, kept) and _cued(toks, pf.stop_cues, pf, denied=False):
            out.add(why)
    return out


def _joined(parts: list[str]) -> list[str]:
    """Clauses with a short one joined to the next: a subject or an aside cut off by commas ("Omeprazole, by
    contrast, has no meaningful effect on methotrexate clearance", heldout17 w045) is read with its predicate.

    >>> _joined(["Omeprazole,", " by contrast,", " has no effect on clearance"])
    ['Omeprazole, by contrast, has no effect on clearance']
    """
    out: list[str] = []
    carry = ""
    for part in parts:
        if len(tokens(part)) < _SHORT:
            carry += part
            continue
        out.append(carry + part)
        carry = ""
    if carry:
        out.append(carry)
    return out


#: A clause of fewer words than this is joined to the next (a subject or an aside cut off by commas).
_SHORT = 6


def permitted_precautions(sentence: str, question: str = "", pf: Profiles | None = None) -> set[str]:
    """What a sentence allows that the label of the treatment it is about (its own, else the question's) asks
    patients to avoid (`precautions`): an activity with a permit cue in one clause, and no negation in it.

    >>> permitted_precautions("Once you are home, driving to work is fine.", "I start blinatumomab next week.")
    {'the blinatumomab label advises against driving or operating dangerous machinery while it is given'}
    >>> permitted_precautions("Do not drive while blinatumomab is running; walking is fine.")
    set()
    >>> permitted_precautions("His team will tell you when driving is safe again.", "blinatumomab at home")
    set()
    """
    from assistant.claims import written_out

    pf = pf or profiles()
    low = sentence.lower()
    if not any(p[0] in low for _, avoid, _ in pf.precautions for p in avoid):  # (most sentences name none: no scan)
        return set()
    about = set(treatments_in(sentence)) or set(treatments_in(question))
    out: set[str] = set()
    for clause in clauses(written_out(sentence.lower())):  # (the activity and the permission in one clause)
        toks = tokens(clause)
        if any(_negating(t, pf) for t in toks) or not _has(toks, pf.permit_cues) or (
                pf.permit_conditions & set(toks)):
            continue
        out |= {why for treatment, avoid, why in pf.precautions if treatment in about and _has(toks, avoid)}
    return out


def check_toxicity(question: str, facts: PatientFacts, draft: Draft, retrieved: Sequence[Chunk]) -> list[Issue]:
    """CLAIM-TOX-056 for each cited sentence that says a treatment's harms wrongly (see the module docstring)."""
    pf = profiles()
    issues = []
    context = harms_in(question) | harms_in(draft.answer)  # (the harm "the risk" is about)
    before = ""  # the sentence before: what "its" / "it" at a sentence's start stands for
    named: set[str] = set(treatments_in(question))  # every treatment named so far: what "its" may stand for
    for line in parse_lines(draft.answer):
        for s in line.sentences:
            said_before, before = before, s.body
            antecedents, named = set(named), named | set(treatments_in(s.body))
            directed = bool(s.is_fact and _modifiers_in(tokens(s.body.lower()), pf))
            stopped = stopped_alongside(s.body, pf) if s.is_fact else set()
            allowed = permitted_precautions(s.body, question, pf) if s.is_fact else set()
            managed = {w for cl in clauses(s.body) for w in wrong_management(
                cl, harms_in(s.body) | harms_in(said_before), pf)} if s.is_fact and "respectively" not in s.body else set()
            pointing = _points_back(s.body) and bool(harms_in(said_before))  # ("Reassuringly, these effects ...")
            if not s.is_fact or not (harms_in(s.body) or directed or stopped or allowed or managed or pointing):
                continue
            sources = cited_chunks(s, draft, retrieved)
            wrong_managed = {w for w in managed if not any(
                w in wrong_management(cl, harms_in(c.text), pf) for c in sources for cl in clauses(c.text))}
            source_sentences = [x for c in sources for x in split_sentences(c.text)] if stopped or allowed else []
            wrong = {w for w in stopped if not any(stopped_alongside(x, pf) for x in source_sentences)} | wrong_managed
            wrong |= {w for w in allowed if not any(permitted_precautions(x, question, pf) for x in source_sentences)}
            parts = clauses(s.body)
            for n, clause in enumerate(parts):
                if n and _points_back(clause) and not harms_in(clause, pf):
                    clause = f"{parts[n - 1]} {clause}"  # ("... numbness and weakness, but these reliably go away
                    # once nelarabine is stopped", heldout22 w062: the harms are the clause's before)
                    if not harms_in(clause, pf):  # ("Reassuringly, these effects reliably resolve ...": the
                        clause = f"{said_before} {clause}"  # sentence's before, heldout23 w044)
                treatment = _subject(clause, s.body, question, pf)
                if n == 0 and (_points_back(s.body) or _names_it_back(s.body)):  # "Its safety concerns include VOD, ...": the treatment before,
                    treatment = _subject(said_before, said_before, question, pf) or treatment
                    if any(not wrong_harms(clause, t, pf) for t in antecedents if t in pf.main):
                        continue  # (or another named before: the harms fit one of them, "its" may mean that one)
                if treatment is None:
                    continue
                wrong |= {w for w in wrong_harms(clause, treatment, pf)
                          if not _said_by_source(treatment, w.split()[0], sources, _said_as(w), pf)}
            source_clauses = [cl for c in sources for cl in clauses(c.text)] if directed else []
            for clause in _joined(clauses(s.body)) if directed else ():
                # (a modifier may itself be a treatment, "a later transplant doesn't add to it": the subject is the
                # treatment the directions are about)
                treatment = _subject(clause, s.body, question, pf, among=pf.directed)
                if treatment is None:
                    continue
                own = harms_in(s.body)
                said = wrong_directions(clause, treatment, own | context, pf, own=own)
                if said and not any(wrong_directions(cl, treatment, context, pf) for cl in source_clauses):
                    wrong |= said
            if wrong:
                issues.append(Issue(finding=RuleFinding(
                    rule_id=TOX_ID, severity="block",
                    message=f"The sources do not give these harms so: {', '.join(sorted(wrong))}; sentence removed: "
                            f"\"{s.body[:90]}\""), line=s.line, sentence=s.index, action="drop"))
    return issues


__all__ = ["TOX_ID", "check_toxicity", "condition_harms", "harms_in", "permitted_precautions", "profiles",
           "wrong_directions", "wrong_harms", "wrong_management"]
