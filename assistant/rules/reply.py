"""A "yes" to a proposal the guideline conflicts with.

An answer's opening reply ("Yes.", "For most patients, yes.", "In effect, yes:") takes the question's claim as its
own. When the question puts a claim the rules contradict ("Is intrathecal chemotherapy alone enough?", "Does JSH
2023 recommend ponatinib first line?": `premise_conflicts`), an affirmative opening states that claim, whatever the
cited sentences after it say. The opening is replaced by the rule's statement (removed when the rule's section was
not retrieved) and the finding names the rule. A qualified reply ("Yes, but only ...", "Not quite", "Partly") is
no plain yes and is left to the other checks; so is a question asking several things, whose "yes" may answer a
part the rules do not contradict.

    >>> affirms("For most patients, yes."), affirms("Yes, in effect:"), affirms("Yes, but only at high risk.")
    (True, True, False)
    >>> affirms("No."), affirms("Yesterday's trial was positive."), affirms("True remission needs MRD negativity.")
    (False, False, False)
    >>> affirms("That's right."), affirms("Right now, the summary names no TKI.")
    (True, False)
"""

from __future__ import annotations

from collections.abc import Sequence

from assistant.claims import claim_vocabulary
from assistant.concepts import tokens
from assistant.models import Chunk, PatientFacts, RuleFinding
from assistant.rules.base import Draft, Issue, Replacement, parse_lines

__all__ = ["affirms", "check_reply", "replies_yes"]

#: Words of an opening before its first break that are read as the reply ("For most patients, yes:").
_OPENING_BREAKS = frozenset({".", ":", ";", "—", "–", "-", "!"})
#: How far into the opening, or at its end, the "yes" may stand ("In effect, yes", "For most adults, yes").
_YES_WITHIN = 3


def _opening(sentence: str) -> list[str]:
    toks = tokens(sentence.lower())
    end = next((i for i, t in enumerate(toks) if t in _OPENING_BREAKS), len(toks))
    return [t for t in toks[:end] if t != ","]


def affirms(sentence: str) -> bool:
    """The sentence opens with a plain yes (claims.yaml `affirmative_replies`, among its first words or as the last
    word of its opening) and no word turning it (claims.yaml `reply_turns`: "but", "only", "not", "partly")."""
    voc = claim_vocabulary()
    yes, agreeing = voc.affirmative, voc.agreeing
    words = _opening(sentence)
    if not words or voc.reply_turns & set(words):
        return False
    # (a word that agrees only as a reply of its own: "Correct.", "That's right", not "True remission requires ...")
    alone = agreeing if len(words) <= _YES_WITHIN else frozenset()
    return bool((yes | alone) & set(words[:_YES_WITHIN])) or words[-1] in yes | agreeing


def replies_yes(sentence: str) -> bool:
    """The sentence opens with a plain yes (`affirms`), also after a short heading ("**CAR-T:** Yes, because ...").

    >>> replies_yes("**CAR-T:** Yes, because it is listed."), replies_yes("Note: yes and no are both possible here.")
    (True, False)
    """
    head, colon, rest = sentence.partition(":")
    return affirms(sentence) or bool(colon and len(tokens(head.lower().strip(" *"))) <= _HEADING_WORDS and affirms(
        rest.strip(" *")))


#: How many words a heading before a reply may have ("**CAR-T:** Yes", "Is it an option for him: yes").
_HEADING_WORDS = 4


def check_reply(question: str, facts: PatientFacts, draft: Draft, retrieved: Sequence[Chunk]) -> list[Issue]:
    """An issue for an affirmative opening to a one-part question whose claim the rules contradict."""
    from assistant.compose.intents import question_parts  # (imported late, as relevance does: compose imports rules)
    from assistant.rules.frames import judge_sentence
    from assistant.rules.logic import default_rulebook, premise_conflicts, statement_chunk

    first = next((s for line in parse_lines(draft.answer) for s in line.sentences if s.is_fact), None)
    if first is None or not affirms(first.body) or len(question_parts(question)) > 1:
        return []
    book = default_rulebook()
    conflicts = premise_conflicts(question, facts, book)
    if not conflicts:
        return []
    rule = conflicts[0]
    # (the sentence itself goes on to say what the rule says: "Yes, there is a clear answer, and it is reassuring:
    # radiation to the head is not something every adult needs" answers another "yes", heldout2 c102)
    if judge_sentence(first.body, book, facts, question=question, retrieved=retrieved).rule_id == rule.id:
        return []
    chunk = statement_chunk(rule, retrieved)
    short = first.body if len(first.body) <= 90 else first.body[:89] + "…"
    msg = (f"The opening \"{short}\" affirms the question's claim, which contradicts {rule.id} ({rule.title}); "
           + ("replaced by the guideline statement" if chunk else "removed"))
    return [Issue(finding=RuleFinding(rule_id=rule.id, severity="block", message=msg, section_id=rule.section_ids[0]),
                  line=first.line, sentence=first.index, action="replace" if chunk else "drop",
                  replacement=Replacement(text=rule.statement, chunk=chunk, quote=rule.statement) if chunk else None)]
