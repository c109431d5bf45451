"""Toxicity claims (CLAIM-TOX-056): another treatment's main harm given to a treatment, or a main harm called rare, is
removed; what the corpus says of the treatment's harms, a negated clause and what a cited source says too are kept."""

from __future__ import annotations

from pathlib import Path

import pytest
from rule_helpers import cite, draft_of

from assistant.models import PatientFacts
from assistant.rules import check
from assistant.rules.base import Draft
from assistant.rules.toxicity import TOX_ID, check_toxicity, profiles

F = PatientFacts()
TOX = "context/toxicity-notes"


def _chunk(by_section, section: str, needle: str):
    return next(c for c in by_section[section] if needle in c.text)


@pytest.mark.parametrize("question,sentence", [
    ("Which salvage agent for relapsed T-ALL?",
     "The main toxicity to watch with nelarabine is hepatic veno-occlusive disease, particularly if a transplant "
     "follows."),
    ("What should nurses watch for when a patient starts blinatumomab?",
     "Cytokine release syndrome is uncommon with blinatumomab."),
    # no treatment in the sentence: the question's
    ("nelarabine main tox?", "Cardiotoxicity, mainly QT prolongation."),
    ("What should nurses watch for when a patient starts blinatumomab?",
     "The main one to watch is veno-occlusive disease of the liver, with weight gain and rising bilirubin."),
    # a main harm called sure to pass, in plain words (heldout15 w034, own paraphrase)
    ("Dad starts nelarabine on Monday for his T-ALL relapse: what should we look out for?",
     "Any tingling or nerve problems from nelarabine always resolve once the drug is held, so there is no need to "
     "call about mild ones."),
    ("nelarabine neuro tox?", "Nelarabine's nerve damage is fully reversible."),
    # a harm named as the treatment's main one that is not (heldout20 w029, own paraphrase)
    ("What do we monitor on nelarabine?", "The chief toxicity of nelarabine is liver injury, so check transaminases."),
    ("Ponatinib safety?", "With ponatinib the dominant concern is pancreatitis."),
    # a main harm called of no concern in words with a negation of their own (heldout16 w063, own paraphrase)
    ("Asparaginase in an obese 35-year-old: what to watch?",
     "With asparaginase the fibrinogen falls, so clots are not a major concern for her."),
])
def test_a_harm_given_wrongly_is_removed(by_section, question: str, sentence: str) -> None:
    chunk = _chunk(by_section, TOX, "Nelarabine causes neurotoxicity")
    draft = draft_of(sentence, chunk)
    issues = check_toxicity(question, F, draft, [chunk])
    assert [i.finding.rule_id for i in issues] == [TOX_ID] and issues[0].action == "drop"
    assert check(question, F, draft, [chunk]).verdict != "pass"


@pytest.mark.parametrize("sentence", [
    "Happily, these neuropathies reliably go away once nelarabine is held.",
    "The numbness and tingling from nelarabine completely resolve after it is stopped.",
])
def test_a_harm_called_sure_to_pass_against_a_label_saying_it_may_not_is_removed(by_section, sentence: str) -> None:
    """heldout18 w046 (own paraphrases): the cited label says these reactions "did not always resolve" (and calls a
    paralysis rare): it supports no claim that they pass."""
    chunk = _chunk(by_section, TOX, "did not always resolve")
    issues = check_toxicity("Nelarabine with new numbness: stop it?", F, draft_of(sentence, chunk), [chunk])
    assert [i.finding.rule_id for i in issues] == [TOX_ID], issues


@pytest.mark.parametrize("question,sentence", [
    ("nelarabine main tox?", "Nelarabine's main toxicity is neurotoxicity, central and peripheral."),
    ("What about inotuzumab and transplant?",
     "With inotuzumab ozogamicin the VOD/SOS risk rises when HSCT follows, especially after dual-alkylator "
     "conditioning."),
    ("Blinatumomab side effects?", "Blinatumomab does not cause veno-occlusive disease; that is inotuzumab's risk."),
    # two treatments in the sentence: no one subject to judge
    ("Blinatumomab or inotuzumab?", "VOD/SOS belongs to inotuzumab, CRS to blinatumomab."),
])
def test_what_the_corpus_says_of_a_harm_is_kept(by_section, question: str, sentence: str) -> None:
    chunk = _chunk(by_section, TOX, "Nelarabine causes neurotoxicity")
    assert check_toxicity(question, F, draft_of(sentence, chunk), [chunk]) == []


@pytest.mark.parametrize("question,sentence", [
    # what raises a harm said not to, or called the safer way (toxicities.yaml `directions`)
    ("Inotuzumab before a transplant: what about the liver?",
     "Going on to HSCT afterwards makes no difference to the VOD/SOS risk."),
    ("Inotuzumab before a transplant: what about veno-occlusive disease?",
     "For conditioning after inotuzumab, a dual-alkylator regimen is the safer choice for the liver."),
    # the harm from the question, the treatment from the trial the question names
    ("What did INO-VATE show about VOD/SOS?", "Whether or not a transplant followed, the risk was similar."),
    # a measure the treatment lowers said to rise
    ("Asparaginase lab changes?", "Asparaginase raises fibrinogen, so bleeding is not a worry."),
    # a harm said to occur only in a group it is not confined to
    ("Ponatinib and arterial occlusion: who is at risk?",
     "These events are limited to people who already have cardiovascular risk factors."),
    # a clearance-slowing drug said to speed clearance, the treatment named with its class (heldout20 w043, own
    # paraphrase)
    ("HD-MTX next week: anything about his omeprazole?",
     "With high-dose methotrexate, omeprazole actually speeds up methotrexate clearance."),
])
def test_a_harm_said_to_go_the_wrong_way_is_removed(by_section, question: str, sentence: str) -> None:
    chunk = _chunk(by_section, TOX, "Nelarabine causes neurotoxicity")
    issues = check_toxicity(question, F, draft_of(sentence, chunk), [chunk])
    assert [i.finding.rule_id for i in issues] == [TOX_ID], issues


@pytest.mark.parametrize("question,sentence", [
    ("Inotuzumab before a transplant: what about the liver?",
     "The VOD/SOS risk is higher when HSCT follows inotuzumab, above all after dual-alkylator conditioning."),
    ("Inotuzumab before a transplant: what about the liver?",
     "Avoiding dual-alkylator conditioning lowers the VOD/SOS risk after inotuzumab."),
    ("Asparaginase lab changes?", "Asparaginase lowers fibrinogen and can raise blood glucose."),
    ("Ponatinib and arterial occlusion: who is at risk?",
     "Arterial occlusive events can happen with or without cardiovascular risk factors, so watch every patient."),
    ("Asparaginase lab changes?", "Expect hypofibrinogenemia, raised transaminases and hyperglycemia with asparaginase."),
])
def test_a_harm_said_the_right_way_is_kept(by_section, question: str, sentence: str) -> None:
    chunk = _chunk(by_section, TOX, "Nelarabine causes neurotoxicity")
    assert check_toxicity(question, F, draft_of(sentence, chunk), [chunk]) == []


def test_a_sentence_opening_with_its_is_about_the_treatment_before(by_section) -> None:
    chunk = _chunk(by_section, TOX, "Nelarabine causes neurotoxicity")
    q = "Inotuzumab then a transplant: liver concerns?"
    right = ("Inotuzumab ozogamicin is listed for relapsed CD22-positive B-ALL.[1] Its safety concerns include "
             "veno-occlusive disease, which differs from blinatumomab's cytokine release syndrome.[1]")
    wrong = ("Inotuzumab ozogamicin is listed for relapsed CD22-positive B-ALL.[1] Its main safety concerns are "
             "cytokine release syndrome and neurotoxicity.[1]")

    assert check_toxicity(q, F, Draft(answer=right, citations=[cite(chunk, 1)]), [chunk]) == []
    issues = check_toxicity(q, F, Draft(answer=wrong, citations=[cite(chunk, 1)]), [chunk])
    assert [i.finding.rule_id for i in issues] == [TOX_ID]


def test_a_rarity_the_cited_source_states_is_kept(by_section) -> None:
    chunk = _chunk(by_section, "context/safety-notes", "arterial occlusive events were uncommon")
    sentence = "In PhALLCON, arterial occlusive events with ponatinib were uncommon and similar to imatinib."
    assert check_toxicity("Ponatinib heart risks?", F, draft_of(sentence, chunk), [chunk]) == []


def test_profiles_name_known_treatments_and_harms(tmp_path: Path) -> None:
    from assistant.concepts import LEXICON_DIR

    for name in ("claims.yaml", "context.yaml", "concepts.yaml", "diseases.yaml"):
        (tmp_path / name).write_text((LEXICON_DIR / name).read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "toxicities.yaml").write_text(
        "harms: {crs: [crs]}\nprofiles: {blinatumomab: {main: [vod_sos]}}\nrare: [rare]\n", encoding="utf-8")
    with pytest.raises(ValueError, match="unknown treatment or harm"):
        profiles(tmp_path)


def test_a_condition_must_weigh_known_harms(tmp_path: Path) -> None:
    from assistant.concepts import LEXICON_DIR

    for name in ("claims.yaml", "context.yaml", "concepts.yaml", "diseases.yaml"):
        (tmp_path / name).write_text((LEXICON_DIR / name).read_text(encoding="utf-8"), encoding="utf-8")
    base = "harms: {kidney: [kidney injury]}\nprofiles: {hd_mtx: {main: [kidney]}}\nrare: [rare]\n"
    (tmp_path / "toxicities.yaml").write_text(base + "conditions: {kidney: [kidneys]}\n", encoding="utf-8")
    with pytest.raises(ValueError, match="condition 'kidney'"):
        profiles(tmp_path)  # (no condition_harms row for it)
    (tmp_path / "toxicities.yaml").write_text(
        base + "conditions: {kidney: [kidneys]}\ncondition_harms: {kidney: [gout]}\n", encoding="utf-8")
    with pytest.raises(ValueError, match="unknown one"):
        profiles(tmp_path)


@pytest.mark.parametrize(("question", "harms"), [
    ("My father has kidney problems. Can he get high-dose methotrexate?", {"kidney"}),
    ("his kidneys are weak, on dialysis", {"kidney"}),
    ("58M, MI last year, stent placed, heart attack history; ponatinib?", {"arterial", "cardiac"}),
    ("she's diabetic and obese", {"glucose", "arterial", "liver", "vod_sos"}),
    ("history of pancreatitis", {"pancreatitis"}),
    ("he had a DVT last year", {"venous_thrombosis"}),
    ("no kidney disease, no heart problems", set()),  # denied in their clauses
    ("Ph+ ALL in CR1, MRD negative", set()),
])
def test_the_patients_conditions_weigh_harms(question: str, harms: set[str]) -> None:
    from assistant.rules.toxicity import condition_harms

    assert condition_harms(question) == harms


SAFETY = "context/safety-notes"


@pytest.mark.parametrize("needle,question,sentence", [
    # a drug that slows methotrexate clearance said not to, whatever the verb denied (toxicities.yaml `effect_verbs`)
    ("proton pump inhibitors", "HD-MTX next week; she takes lansoprazole and naproxen. Any interaction?",
     "Lansoprazole won't change how fast the methotrexate is cleared, so it can stay on the list."),
    ("proton pump inhibitors", "Can co-trimoxazole prophylaxis continue during high-dose methotrexate?",
     "Co-trimoxazole does not delay methotrexate elimination in any meaningful way."),
    ("proton pump inhibitors", "Methotrexate clearance and his PPI?",
     "His PPI is not a concern for methotrexate clearance."),
    # the drug cut off from its predicate by an aside between commas (heldout17 w045, own paraphrase)
    ("proton pump inhibitors", "HD-MTX next week; she takes lansoprazole. Any interaction?",
     "Lansoprazole, on the other hand, has no real effect on methotrexate clearance."),
    # a noun of an effect denied (heldout15 w038, own paraphrase)
    ("proton pump inhibitors", "HD-MTX next week; she takes lansoprazole and naproxen. Any interaction?",
     "Naproxen has no significant impact on methotrexate elimination."),
    # a harm a modifier raises said not to rise, the harm named in the sentence before ("the excess risk")
    ("proton pump inhibitors", "Inotuzumab and a later transplant: the liver?",
     "Veno-occlusive disease is the signature harm of inotuzumab. That extra risk does not go up if a transplant "
     "comes next."),
    # adults' higher thrombosis risk with asparaginase said to be lower (toxicities.yaml `sentence_only`)
    ("adults are at higher risk than children", "Asparaginase in a 30-year-old: what clotting risk?",
     "Asparaginase-related venous thrombosis is less common in adults than in children."),
    # what continues alongside another treatment said to stop (toxicities.yaml `continued_alongside`)
    ("glucarpidase", "Methotrexate level still high on day 3 with a rising creatinine: what then?",
     "Glucarpidase brings the level down quickly, which makes further folinic acid rescue unnecessary."),
])
def test_an_interaction_or_a_raised_risk_denied_is_removed(by_section, needle, question, sentence) -> None:
    chunk = _chunk(by_section, SAFETY, needle)
    parts = [p if p.endswith(".") else p + "." for p in sentence.split(". ")]
    draft = Draft(answer=" ".join(f"{p}[1]" for p in parts), citations=[cite(chunk, 1)])
    issues = check_toxicity(question, F, draft, [chunk])
    assert [i.finding.rule_id for i in issues] == [TOX_ID], (draft.answer, issues)


@pytest.mark.parametrize("sentence,flagged", [
    # what the label asks patients to avoid while the treatment runs, said to be allowed (heldout15 w037, own words)
    ("After discharge you can go ahead and drive yourself to clinic, the nerve risk being over by then.", True),
    ("Driving is safe once the first week of the infusion is behind you.", True),
    # ... the avoidance narrowed to a short time (heldout18 w002, own paraphrase)
    ("The label only restricts driving in the first days of the first cycle.", True),
    # ... or said to be avoided
    ("Do not drive or operate dangerous machinery while blinatumomab is being given.", False),
    ("Walking and light exercise are fine at home; driving should wait until the course is over.", False),
])
def test_an_activity_the_label_asks_to_avoid_said_to_be_allowed_is_removed(by_section, sentence, flagged) -> None:
    question = "Starting blinatumomab next week: will I be in hospital, and what about driving?"
    chunk = _chunk(by_section, TOX, "not to drive")
    issues = check_toxicity(question, F, draft_of(sentence, chunk), [chunk])
    assert bool(issues) is flagged, issues


@pytest.mark.parametrize("needle,question,sentence", [
    ("proton pump inhibitors", "HD-MTX next week; she takes lansoprazole and naproxen. Any interaction?",
     "Both lansoprazole and naproxen can slow methotrexate clearance, so the team reviews them before the course."),
    ("proton pump inhibitors", "Methotrexate clearance and his PPI?",
     "Stopping the PPI before HD-MTX avoids a delay in methotrexate elimination."),
    ("adults are at higher risk than children", "Asparaginase in a 30-year-old: what clotting risk?",
     "Venous thrombosis is less common in children than in adults on asparaginase."),
    ("glucarpidase", "Methotrexate level still high on day 3 with a rising creatinine: what then?",
     "Glucarpidase brings the level down quickly, and leucovorin rescue is not stopped because of it."),
    # adults named about another matter: no thrombosis claim
    ("adults are at higher risk than children", "Asparaginase in a 30-year-old: what clotting risk?",
     "Overall toxicity in young adults on the pediatric protocol was similar to that in children."),
])
def test_an_interaction_or_a_raised_risk_said_rightly_is_kept(by_section, needle, question, sentence) -> None:
    chunk = _chunk(by_section, SAFETY, needle)
    assert check_toxicity(question, F, draft_of(sentence, chunk), [chunk]) == []


def test_a_treatment_the_question_denies_is_no_subject_of_a_harm(by_section) -> None:
    """heldout19 c014 (own paraphrase): "no transplant yet" in the question made the transplant the subject of "the
    main toxicity to watch is neurotoxicity", which then read as another treatment's harm."""
    chunk = _chunk(by_section, TOX, "Nelarabine causes neurotoxicity")
    question = "Relapsed T-ALL at 30, no transplant so far: what re-induction is listed?"
    issues = check_toxicity(question, F, draft_of("The harm to watch most is neurotoxicity.", chunk), [chunk])
    assert issues == [], issues


@pytest.mark.parametrize("question,sentence", [
    # its main harm named as main, another named beside it (session 54)
    ("What do we monitor on nelarabine?",
     "Nelarabine's main toxicity is neurotoxicity; blood counts are checked as well."),
    ("What do we monitor on nelarabine?", "Neurotoxicity is the main toxicity of nelarabine."),
])
def test_a_main_harm_named_rightly_is_kept(by_section, question: str, sentence: str) -> None:
    chunk = _chunk(by_section, TOX, "Nelarabine causes neurotoxicity")
    assert check_toxicity(question, F, draft_of(sentence, chunk), [chunk]) == []


SAFETY_NOTES = "context/safety-notes"


def _two(first: str, second: str, chunk) -> Draft:
    return Draft(answer=f"{first} [1] {second} [1]", citations=[cite(chunk, 1, "")])


@pytest.mark.parametrize("first,second,flagged", [
    # two harms pointed back to, managed with what only one of them is (heldout22 w063, own paraphrase)
    ("CRS and ICANS are the early harms of CAR T-cell products.",
     "Both are treated first with tocilizumab, keeping steroids for those who do not respond.", True),
    ("Blinatumomab can cause ICANS.", "ICANS is handled first with tocilizumab.", True),
    # each harm with its own management, or a management denied
    ("CRS and ICANS are the early harms of CAR T-cell products.",
     "CRS is managed with tocilizumab, and ICANS mainly with corticosteroids and supportive care.", False),
    ("CRS and ICANS are the early harms of CAR T-cell products.",
     "ICANS is not treated with tocilizumab; corticosteroids are its mainstay.", False),
    ("CRS and ICANS are the early harms of CAR T-cell products.",
     "They are managed with tocilizumab and corticosteroids, respectively.", False),
])
def test_a_harm_said_to_be_managed_with_what_it_is_not_is_removed(by_section, first, second, flagged) -> None:
    from assistant.rules.toxicity import wrong_management

    chunk = _chunk(by_section, SAFETY_NOTES, "ICANS is managed mainly")
    issues = check_toxicity("How are CRS and ICANS managed on CAR-T?", F, _two(first, second, chunk), [chunk])
    assert any("managed first with" in i.finding.message for i in issues) is flagged, issues
    assert wrong_management("ICANS is managed with tocilizumab", set()) == {
        "neurotoxicity (managed first with tocilizumab)"}


@pytest.mark.parametrize("sentence,flagged", [
    # the harms in the clause before, said to pass in the clause after (heldout22 w062, own paraphrase)
    ("The label lists sleepiness, confusion and numbness, but these always go away once nelarabine is stopped.", True),
    ("The label lists sleepiness, confusion and numbness, and these did not always resolve after stopping.", False),
])
def test_harms_pointed_back_to_in_the_next_clause_are_judged(by_section, sentence: str, flagged: bool) -> None:
    chunk = _chunk(by_section, TOX, "did not always resolve")
    issues = check_toxicity("My wife is on nelarabine: what to watch?", F, draft_of(sentence, chunk), [chunk])
    assert bool(issues) is flagged, issues


def test_this_drug_points_back_to_the_treatment_of_the_sentence_before(by_section) -> None:
    """heldout22 c021 (own paraphrase): "this drug" is the sentence before's inotuzumab, not the question's
    blinatumomab."""
    chunk = _chunk(by_section, TOX, "Nelarabine causes neurotoxicity")
    draft = _two("Inotuzumab ozogamicin gave a higher remission rate than standard chemotherapy in INO-VATE.",
                 "Liver veno-occlusive disease is the harm to plan for with this drug.", chunk)
    question = "Relapse after blinatumomab, now CD19-negative: what is listed?"
    assert [i for i in check_toxicity(question, F, draft, [chunk]) if "another treatment" in i.finding.message] == []


@pytest.mark.parametrize("sentence,flagged", [
    # an adult's risk put below children's (heldout22 w061, own paraphrase)
    ("Clots on asparaginase are chiefly a problem of childhood, so at 28 his risk is lower than in children.", True),
    ("At 28 his clotting risk on asparaginase is higher than in children.", False),
])
def test_an_adults_risk_set_below_childrens_is_removed(by_section, sentence: str, flagged: bool) -> None:
    chunk = _chunk(by_section, SAFETY_NOTES, "adults are at higher risk than children")
    issues = check_toxicity("Asparaginase at 28: what clotting risk?", F, draft_of(sentence, chunk), [chunk])
    assert bool(issues) is flagged, issues


@pytest.mark.parametrize("sentence,flagged", [
    # a main harm dismissed, where the source calls it uncommon in one trial only (heldout21 w057, own paraphrase)
    ("PhALLCON saw few arterial events, so in ALL the arterial risk of ponatinib need not weigh against it.", True),
    ("In PhALLCON arterial occlusive events were uncommon with ponatinib, although that comes from one trial.", False),
])
def test_a_main_harm_dismissed_is_removed_unless_a_source_dismisses_it(by_section, sentence: str, flagged: bool) -> None:
    chunk = _chunk(by_section, SAFETY_NOTES, "arterial occlusive events were uncommon")
    issues = check_toxicity("Ponatinib at 62 with a prior heart attack: safety?", F, draft_of(sentence, chunk), [chunk])
    assert bool(issues) is flagged, issues


def test_a_harm_of_the_sentence_before_pointed_back_to_after_an_adverb_is_judged(by_section) -> None:
    """heldout23 w044 (own paraphrase): "Fortunately, these effects ..." speaks of the harms of the sentence before."""
    chunk = _chunk(by_section, TOX, "did not always resolve")
    draft = _two("The label warns of drowsiness, confusion and numbness with nelarabine.",
                 "Fortunately, these effects always go away once nelarabine is stopped.", chunk)
    assert check_toxicity("Nelarabine: what to watch?", F, draft, [chunk])


@pytest.mark.parametrize("sentence,flagged", [
    # a raised risk said to fall with its modifier (heldout23 w038, own paraphrase)
    ("With inotuzumab the VOD risk falls once the patient moves on to transplant.", True),
    ("With inotuzumab the VOD risk is higher when a transplant follows, especially after dual-alkylator conditioning.",
     False),
])
def test_a_risk_said_to_fall_with_what_raises_it_is_removed(by_section, sentence: str, flagged: bool) -> None:
    chunk = _chunk(by_section, TOX, "dual-alkylator")
    issues = check_toxicity("Inotuzumab then allo-SCT: VOD risk?", F, draft_of(sentence, chunk), [chunk])
    assert bool(issues) is flagged, issues
