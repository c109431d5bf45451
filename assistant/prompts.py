"""Prompt templates and fixed texts (constants, so any change shows in a diff and in eval runs)."""

from __future__ import annotations

from collections.abc import Sequence

from assistant.models import Chunk

DISCLAIMER = (
    "_Decision support only: this summarises the JSH 2023 adult ALL guideline (as reported in a secondary "
    "summary) and does not replace the treating team's judgement, the full guideline, or the protocol._"
)

REFUSAL_OUT_OF_SCOPE = (
    "_I can only answer questions about the treatment of adult acute lymphoblastic leukemia (ALL/LBL) from the "
    "JSH 2023 guideline._"
)

REFUSAL_NOT_FOUND = (
    "_I could not find support for an answer in the bundled JSH 2023 ALL corpus, so I will not guess. "
    "Check the full guideline (Hatta Y et al., Int J Hematol 2024;120:394-413) or ask the treating team._"
)

#: The refusal instead when the question asks about treatments no source or rule names ("does JSH recommend adding
#: rituximab?"): which ones, said outright.
#: The refusal when all the question asks is a concern beside the treatment (diet, costs, a hotel, supplements): no
#: source covers it, and the guideline is not where to look.
REFUSAL_CONCERN = (
    "_The JSH 2023 sources here do not address {what}: it lies outside the treatment guideline, so I will not guess. "
    "The treating team, the hospital pharmacist or the hospital's patient consultation and support centre can help "
    "with it._"
)
REFUSAL_NOT_ADDRESSED = (
    "_The JSH 2023 sources here do not address {what}, so I will not guess. "
    "Check the full guideline (Hatta Y et al., Int J Hematol 2024;120:394-413) or ask the treating team._"
)

DOSE_NOTE = (
    "_I don't give doses or schedules for a patient: take them from the treatment protocol or the package "
    "insert, and decide them with the treating team and pharmacist._"
)

OTHERS_MEDS_NOTE = (
    "_Please don't take medicine prescribed for someone else: the drug, the dose and the checks around it were "
    "chosen for that person. If a medicine is running out, or you think the leukemia has come back, contact the "
    "hematology team or the pharmacy promptly._"
)

BYPASS_NOTE = (
    "_I can't help with treating ALL yourself or buying medicines online: a TKI needs a prescription, tests (such "
    "as mutation testing) and regular monitoring. If you don't trust your hematologist, ask for a second opinion at "
    "another hematology centre._"
)

RELATIVE_CHANGE_NOTE = (
    "_Please don't let the treatment be changed or stopped without the hematologist: talk to them first, and tell "
    "them about the side effects that trouble the patient. The guideline point below is something to discuss with "
    "them._"
)

DISTRESS_NOTE = (
    "_I'm sorry you are facing this. No single result can tell what will happen to one person, and your hematology "
    "team is the best placed to explain what it means for the treatment plan. What the guideline says about it, in "
    "brief:_"
)

#: DISTRESS_NOTE for a fear that names no test result (a treatment, a side effect, the future): "no single result"
#: would answer what was not said (r56 k22 "scared of radiation to my head", rja52 e22).
DISTRESS_GENERAL_NOTE = (
    "_I'm sorry you are facing this. Please tell your hematology team about these worries: they can best explain "
    "what each part of the treatment means for you. What the guideline says about it, in brief:_"
)

URGENT_SYMPTOMS_NOTE = (
    "_**These symptoms need care now: contact the treating team or emergency services now, and don't wait for this "
    "answer.** A fever during leukemia treatment, when the white cells are low, is most often a serious infection "
    "(febrile neutropenia), treated urgently in hospital; fever, shaking or confusion can also be a reaction to "
    "blinatumomab or CAR-T (cytokine release syndrome); belly swelling with yellow eyes can be a liver problem "
    "(VOD/SOS) after inotuzumab or a transplant; bleeding that will not stop can mean a very low platelet count; and "
    "sudden weakness, a severe headache or a seizure can mean bleeding or a clot in the brain._"
)

ACUTE_VITALS_NOTE = (
    "_**These vital signs describe an emergency** (for example sepsis or septic shock in a neutropenic patient, "
    "cytokine release syndrome, or VOD/SOS): start emergency management now under your institution's protocols "
    "(febrile neutropenia, sepsis, rapid response). The JSH 2023 ALL guideline does not cover acute supportive "
    "care; the guideline points below are not an answer to what to do now._"
)

SELF_CHANGE_NOTE = (
    "_Please don't change or stop your treatment on your own: talk to your hematologist first, and tell them "
    "about any side effects that trouble you. The guideline point below is something to discuss with them._"
)

CHILD_NOTE = (
    "_The JSH 2023 ALL guideline is for adults (the summary gives no exact lower age; in Japan, AYA care starts at "
    "about 15). Children are treated on pediatric protocols under the pediatric society's guideline: please ask the "
    "pediatric hematology team._"
)

#: An MRD level written without a unit ("MRD 0.02") is read as percent; the answer says so.
UNIT_NOTE = ("_MRD {value} was given without a unit and was read as {value}% ({power}). If it is a fraction or a "
             "10^-n value, give the unit and ask again: the guideline's high-risk threshold is 0.01% (10^-4)._")

#: A question comparing patients of different age groups ("aged 60 vs 70").
AGES_NOTE = "_The question compares {ages}, which fall in different age groups: each group's statement is shown._"

#: An age at the edge of an age group of the algorithm (AYA 15-39, 40-64, 65 or older).
AGE_EDGE_NOTE = "_At {age}, the patient is in the {group} group of the JSH 2023 algorithm, at its edge: {other}._"

#: The age group of the algorithm an age is in, when the question asks whether the age fits ("isn't she too old?").
AGE_GROUP_NOTE = "_At {age}, the patient is in the {group} group of the JSH 2023 algorithm._"

#: A follow-up sent without the conversation it follows.
NO_HISTORY_NOTE = ("_This reads like a follow-up, but no earlier messages came with it: the answer uses only the facts in "
                   "this message. Restate the patient (Ph status, age, phase) or ask within the same conversation._")

INJECTION_NOTE = "_Instructions to ignore the guideline or the checks were ignored._"

#: Shown first when the question's premise or proposal contradicts a guideline rule.
PREMISE_NOTE = ("_**No**: as asked, this conflicts with the JSH 2023 guideline ({title}). The guideline's own "
                "statement comes first below._")

#: Shown first instead when the question only asks ("post-allo Ph+ MRD-neg: prophylactic TKI recommended? y/n") and
#: states nothing that could conflict: the answer is "No", and nothing the asker said is called a conflict (r94 q19).
PREMISE_ASKED_NOTE = "_**No**: the JSH 2023 guideline's own statement on this ({title}) comes first below._"

#: Shown first instead when the question asks openly ("how long should the TKI go on?") and what conflicts is what
#: the case describes or plans ("he wants to stop after 2 years"), not a yes/no put to the guideline (r71 q13).
PREMISE_CASE_NOTE = ("_**Note**: what the question describes conflicts with the JSH 2023 guideline ({title}). The "
                     "guideline's own statement comes first below._")

#: Shown first instead when the question asks whether a treatment is recommended and the rule it meets names it as
#: an option only, when feasible (RIC allo-HSCT at 65 or older): not a plain "No", which reads as "not for her".
#: Shown first instead when the treatment asked about is required of no one and an option for some (cranial
#: irradiation: "must everyone have it?", "will they have to radiate my head?").
PREMISE_NOT_REQUIRED_NOTE = ("_**No**, not for everyone ({title}): the JSH 2023 guideline does not require it for every "
                             "patient and keeps it as an option for some; its own statement comes first below._")

PREMISE_OPTION_NOTE = ("_**Only as an option**: the JSH 2023 guideline does not recommend this for everyone in this "
                       "group; it names it as an option under the condition its statement gives ({title}). The "
                       "guideline's own statement comes first below._")

#: Shown first instead to a patient or relative asking whether they must keep taking a treatment the guideline does not
#: recommend for the case described: a bare "No" reads as leave to stop; what the guideline says comes first, and
#: whether it is their case is for their hematologist (the note before it says not to stop on their own). No rule title
#: for a patient: the statement itself follows (r82 q23 read the title in brackets as an internal label).
PREMISE_PLAIN_NOTE = ("_What the JSH 2023 guideline says on this comes first below; whether it applies to "
                      "your own treatment, and to your own test results, is for your hematologist to decide._")

#: Shown first instead to a patient or relative whose question the guideline answers "No" (no rule title, and no
#: "conflicts" a worried family may read as the doctors' plan conflicting: "does that mean they gave up on him?",
#: r89 q21).
PREMISE_PLAIN_NO_NOTE = ("_**No**: what the JSH 2023 guideline says on this comes first below; how it applies to your "
                         "own treatment is for your hematologist to explain._")

#: Shown first instead when the question asks about several treatments and the premise concerns one of them.
PREMISE_PART_NOTE = ("_**No** for part of this: as asked, one part conflicts with the JSH 2023 guideline ({title}). "
                     "The guideline's own statements on each part follow._")

#: A never-event: shown instead of any answer when an intrathecal vinca alkaloid is asked about.
NEVER_EVENT_NOTE = ("_**Never give vincristine (or any vinca alkaloid) intrathecally: it is for intravenous use only, and "
                    "intrathecal administration is fatal.** There is no intrathecal dose. Intrathecal CNS prophylaxis uses "
                    "other drugs chosen by the treatment protocol; check every intrathecal syringe with the team._")

LLM_SYSTEM_PROMPT = """You answer questions about the treatment of adult acute lymphoblastic leukemia (ALL) \
using ONLY the numbered sources given. Rules:
- Every sentence must end with one or more markers like [1] or [2][3] naming the sources that support it.
- Use only facts present in the cited source; never add drugs, numbers or thresholds that are not there.
- Say "recommended" only for statements from sources marked tier=guideline; describe trial results as evidence.
- Never give doses or schedules, never invent CQ numbers or recommendation grades.
- If the sources do not answer the question, say so in one sentence without markers.
- At most 6 sentences, plain English, no preamble."""


#: Added to the system rules for a question asked in Japanese (the sources stay English; `assistant.ja_check` reads the
#: Japanese answer back through the lexicon's Japanese forms and checks it).
LLM_JAPANESE_INSTRUCTION = """- Answer in Japanese instead of English (plain 敬体), one claim per sentence, each sentence \
ending with its markers before the full stop, like 「…推奨されています[1]。」. Use the standard Japanese medical \
terms; keep drug, trial and gene names as in the sources."""

#: What the question plan says is asked, as a line of the LLM prompt (the extractive composers follow the same plan).
INTENT_HINTS = {
    "status": "a yes/no question about the guideline's position: lead with the guideline's own yes or no",
    "grades": "it states a CQ number or grade: say the sources hold none, without repeating it",
    "definition": "what a term means: lead with the sentence that defines it",
    "evidence": "the evidence: give the supporting trials, labelled as trial evidence",
    "duration": "how long: lead with the stated duration, or say the sources give none",
    "either_or": "a preference between options: give the guideline's own preference line, or say it has none",
}


def plan_hints(asked: Sequence[str]) -> str:
    """The prompt line naming what the question plan says is asked ("" when nothing in particular)."""
    hints = [INTENT_HINTS[a] for a in asked if a in INTENT_HINTS]
    return ("What is asked: " + "; ".join(hints) + ".\n") if hints else ""


def llm_user_prompt(question: str, facts_line: str, chunks: Sequence[Chunk], history: Sequence[str] = (),
                    asked: Sequence[str] = ()) -> str:
    """The user message: numbered sources, the patient facts, earlier questions, what is asked, the question."""
    hist = "\n".join(f"- {h}" for h in history[-4:])
    return (f"Sources:\n{format_context(chunks)}\n\nPatient facts read from the question: {facts_line}\n"
            + (f"Earlier questions:\n{hist}\n" if hist else "") + plan_hints(asked)
            + f"\nQuestion: {question}")


def format_context(chunks: Sequence[Chunk]) -> str:
    """Number the chunks for the prompt: [n] (tier, section) text."""
    return "\n\n".join(
        f"[{i}] (tier={c.tier}; section={c.section_id}; {c.section_title})\n{c.text}" for i, c in enumerate(chunks, 1)
    )


FIT_NOTE = "_**No**, as asked: {why}._"
#: FIT_NOTE when the question asks about several treatments and only this one does not fit the patient.
FIT_PART_NOTE = "_**No** for part of this: {why}._"
#: FIT_NOTE when the question itself says the treatment is out of reach ("I was told I can't have CAR-T at my age.
#: Is that true?"): a "No" would read as "not true".
FIT_AGREE_NOTE = "_**That is right**: {why}._"
#: FIT_NOTE when the question asks the age limit itself ("CAR-T: up to what age? He is 28"): the limit, no "No".
FIT_RANGE_NOTE = "_**Age limit**: {why}._"

#: The same, first: a condition the asking sentence names (pregnancy) that no source covers, before the lines that
#: answer for the patient otherwise.
RELEVANCE_LEAD_NOTE = ("_On {what}, which the question asks about: the JSH 2023 guideline sources here do not "
                       "address it. What follows is what they say for adults with ALL otherwise; it does not take "
                       "{what} into account, so decide with the treating team and the specialists concerned._")
#: First, for a condition of the patient the question describes that bears on the ALL drugs (diabetes beside the
#: steroids of induction, kidney disease beside HD-MTX): SCOPE-COMORBID-085.
COMORBIDITY_NOTE = ("_On {what}, which the question describes: the JSH 2023 guideline sources here do not address "
                    "adapting ALL treatment to it. What follows is what they say for adults with ALL otherwise; it "
                    "does not take {what} into account, so decide with the treating team and the specialists "
                    "concerned._")
RELEVANCE_NOTE = ("_On {what}, which the question asks about: the JSH 2023 guideline sources here do not address "
                  "it, so nothing above is about it._")

#: After the answer, for a part of a several-part question no line touches (RELEVANCE-PART-086).
RELEVANCE_PART_NOTE = ("_Not answered above: \"{what}\", which the question also asks. The sources quoted here do "
                       "not address it; check the full guideline or ask the treating team._")

#: First, when a question asks for the options beside one it sets aside and the guideline's statements for the
#: patient name only that one ("R/R T-ALL: other than nelarabine, what does the guideline list?").
NOTHING_ELSE_NOTE = ("_Besides {what}, the JSH 2023 guideline summary names no other specific treatment for this "
                     "setting; what it says follows._")

#: Shown first when a question asks for a dose beside something else: that part is declined, the rest answered.
DOSE_PART_NOTE = ("_**Dose:** the JSH 2023 guideline summary gives no doses or schedules, and I don't give them for a "
                  "patient: take them from the treatment protocol or the package insert, with the treating team and "
                  "pharmacist. The rest of the question is answered below._")

#: Shown first when the guideline's dose is asked about with no patient to dose (SAFE-DOSEINFO-087, r114 q35).
DOSE_INFO_NOTE = ("_**Dose:** the JSH 2023 guideline summary held here gives no doses or schedules: take them from the "
                  "treatment protocol or the package insert, with the treating team and pharmacist._")

#: Shown first when one part of the question is about another disease: that part is declined, the rest answered.
SCOPE_PART_NOTE = ("_**Not covered:** \"{part}\" is about another disease, outside this adult ALL guideline, so "
                   "that part is not answered. The rest of the question is answered below._")

#: Shown first when the question says "leukemia" without its type: the answer is about adult ALL only.
LEUKEMIA_TYPE_NOTE = ("_The question says leukemia without its type. This assistant covers only adult acute "
                      "lymphoblastic leukemia (ALL); other leukemias (AML, CML, CLL and others) are treated differently "
                      "and are not covered. The answer below applies only if it is ALL; the treating team can say "
                      "which type it is._")
DISEASE_UNNAMED_NOTE = ("_The question names no disease. This assistant covers only adult acute lymphoblastic leukemia "
                        "(ALL); the answer below applies only to ALL._")

#: Shown first when the question describes a pregnancy or breastfeeding: the summary has no statement on it.
PREGNANCY_NOTE = ("_**Pregnancy:** the JSH 2023 summary has no statement on treating ALL during pregnancy or "
                  "breastfeeding, and several ALL drugs (for example methotrexate and the TKIs) can harm an unborn or "
                  "breastfed baby. The answer below is the guideline's general position only; treatment must be "
                  "planned with the hematology and obstetric teams._")

#: The notes the policy table (assistant/rules/policy.yaml) names, by key.
NOTES = {
    "distress": DISTRESS_NOTE,
    "distress_general": DISTRESS_GENERAL_NOTE,
    "bypass": BYPASS_NOTE,
    "others_meds": OTHERS_MEDS_NOTE,
    "self_change": SELF_CHANGE_NOTE,
    "urgent_symptoms": URGENT_SYMPTOMS_NOTE,
    "acute_vitals": ACUTE_VITALS_NOTE,
    "relative_change": RELATIVE_CHANGE_NOTE,
    "injection": INJECTION_NOTE,
    "relevance": RELEVANCE_NOTE,
    "relevance_part": RELEVANCE_PART_NOTE,
    "dose_part": DOSE_PART_NOTE,
    "dose_info": DOSE_INFO_NOTE,
    "scope_part": SCOPE_PART_NOTE,
    "leukemia_type": LEUKEMIA_TYPE_NOTE,
    "disease_unnamed": DISEASE_UNNAMED_NOTE,
    "pregnancy": PREGNANCY_NOTE,
    "comorbidity": COMORBIDITY_NOTE,
}
