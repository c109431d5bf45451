"""The concept layer: lexicon data, fuzzy matching, context and who a fact belongs to (real lexicon files)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from assistant.concepts import LEXICON_DIR, load_lexicon, read_concepts, tokens
from assistant.facts import read_facts


def _ids(text: str) -> list[str]:
    return read_concepts(text.lower()).ids()


# ------------------------------------------------------------------------------------------ the lexicon itself


def test_lexicon_ids_are_unique_and_every_concept_has_a_form() -> None:
    data = yaml.safe_load((LEXICON_DIR / "concepts.yaml").read_text(encoding="utf-8"))
    ids = [c["id"] for c in data["concepts"]]
    assert len(ids) == len(set(ids))
    for c in data["concepts"]:
        forms = c.get("en") or {}
        assert any(forms.get(k) for k in ("terms", "lay", "misspellings")), c["id"]
        assert "ja" in c, f"{c['id']}: leave room for the Japanese forms"


def test_every_form_is_text(tmp_path: Path) -> None:
    """A bare `no` in YAML is a boolean: the loader says which phrase to quote instead of matching 'false'."""
    (tmp_path / "concepts.yaml").write_text((LEXICON_DIR / "concepts.yaml").read_text(encoding="utf-8"))
    ctx = (LEXICON_DIR / "context.yaml").read_text(encoding="utf-8").replace('before: ["no",', "before: [no,")
    (tmp_path / "context.yaml").write_text(ctx)
    with pytest.raises(ValueError, match="quote it"):
        load_lexicon(tmp_path)


def test_a_form_is_not_claimed_by_two_concepts() -> None:
    lex = load_lexicon()
    owners: dict[tuple[str, ...], set[str]] = {}
    for forms in lex.forms.values():
        for f in forms:
            owners.setdefault(f.tokens, set()).add(f.concept.id)
    assert {k: v for k, v in owners.items() if len(v) > 1} == {}


# ------------------------------------------------------------------------------------------ concepts found

CONCEPT_CASES = [
    ("engineered T-cell treatment after relapse", ["car_t", "relapse"]),
    ("genetically modified T cells for relapsed B-ALL", ["car_t", "relapse", "b_lineage"]),
    ("blinatumomob for MRD", ["blinatumomab", "mrd"]),  # misspelt
    ("Kymriah at 24", ["car_t"]),
    ("a bone marrow tranplant", ["allo_hsct"]),
    ("her leukimia came back", ["all", "relapse"]),
    ("T-cell leukemia", ["t_lineage"]),
    ("dasatanib or imitinib", ["dasatinib", "imatinib"]),
    ("the strong chemo", ["intensive_chemo"]),
    ("never went into remision", ["refractory"]),
    ("is prophylactic CRT still needed", ["cranial_irradiation"]),  # (shorthand for cranial radiotherapy)
    ("Tecartus at 45", ["brexucabtagene"]),
    ("are they going to radiate her head as well", ["cranial_irradiation"]),  # (a slot: her/his/my/the ...)
    ("will his brain be irradiated", ["cranial_irradiation"]),
    ("he is on the childrens-type protocol", ["pediatric_regimen"]),  # (r20 f16)
    ("they'll give him the same treatment as children", ["pediatric_regimen"]),  # (rja29 q20, in English)
    ("ALL, phil negative", ["all", "ph_negative"]),  # (a CAR-T product of its own: car_t's age limit is not its)
    # not those concepts
    ("the MRD test came back negative", ["mrd"]),
    ("to keep the disease from coming back", []),
    ("the T-cell engager blinatumomab", ["bite_t_cells", "blinatumomab"]),
]


@pytest.mark.parametrize(("text", "ids"), CONCEPT_CASES)
def test_concepts_found(text: str, ids: list[str]) -> None:
    found = [i for i in _ids(text) if i not in ("all",)] if "all" not in ids else _ids(text)
    assert found == ids


# ------------------------------------------------------------------------------------------ fuzzy matching

FUZZY_CASES = [
    ("philadelpia chromozone", "philadelphia chromosome"),
    # written as it sounds, both words of the phrase (review8 q01: "filadelphia chromosone")
    ("filadelphia chromosone", "philadelphia chromosome"),
    ("filadelfia cromosome", "philadelphia chromosome"),
    ("philadelpia kromosome", "philadelphia chromosome"),
    ("filladelfia chromosoam", "philadelphia chromosome"),
    ("lymfoma", "lymphoma"),
    ("postive", "positive"),
    ("nelarabin", "nelarabine"),
    ("tranplant", "transplant"),
    ("stem cell tranplant", "allo-hsct"),  # a lay form, misspelt: rewritten to the concept's canonical form
    # real words and inflections are left alone
    ("transplanted", "transplanted"),
    ("relapses", "relapses"),
    ("mothers", "mothers"),
    ("position", "position"),
    ("calls", "calls"),
    ("matching", "matching"),  # not "making": a word read as it sounds gets one edit fewer
    ("switching", "switching"),
]


@pytest.mark.parametrize(("text", "fixed"), FUZZY_CASES)
def test_fuzzy_corrects_misspellings_only(text: str, fixed: str) -> None:
    assert fixed in read_concepts(text).text.lower()


# ------------------------------------------------------------------------------------------ context

POLARITY_CASES = [
    ("all with the philadelphia chromosome", "ph-positive"),
    ("has the philadelpia chromozone", "ph-positive"),
    ("the philadelphia chromosome test is positive", "ph-positive"),
    ("all with no philadelphia chromosome", "ph-negative"),
    ("all without the philadelphia chromosome", "ph-negative"),
    ("does not have the philadelphia chromosome", "ph-negative"),
    ("philadelphia chromosome was negative", "ph-negative"),
    # neither: the bare term stays as written
    ("what is the philadelphia chromosome?", "philadelphia chromosome"),
    ("tested for the philadelphia chromosome", "philadelphia chromosome"),
]


@pytest.mark.parametrize(("text", "canonical"), POLARITY_CASES)
def test_context_decides_a_bare_mention(text: str, canonical: str) -> None:
    assert canonical in read_concepts(text).text.lower()


# ------------------------------------------------------------------------------------------ whose facts

AGE_OWNER_CASES = [
    # someone else's age
    ("31-year-old with Ph- B-ALL; she has a 2-year-old child", 31),
    ("55 y/o man Ph negative ALL, lives with his 80-year-old mother", 55),
    ("Ph+ ALL relapsed; patient's mother (81) lives with the family", None),
    ("Teacher; sister is 44 and mother is 70. Ph-negative ALL", None),
    ("post-transplant Ph+ ALL; the donor brother is 49", None),
    ("My sister has Ph positive ALL. I'm her brother, I'm 45 and I'm a match", None),
    ("I'm a mom of a 6 year old and I have B-ALL", None),
    ("my husband has Ph+ ALL. our kids are 12 and 15", None),
    ("I'm so scared, my MRD came back positive. my mum is 60 and keeps crying", None),
    ("My dad is 72 and has relapsed B-ALL. His donor would be my brother, who is 44", 72),
    # the patient's age, however it is written
    ("My 45 year old husband has relapsed B-ALL", 45),
    ("My wife, 48, has B-ALL that just relapsed", 48),
    ("my grandad is 70, ALL without the philadelphia chromosome", 70),
    ("My dad (63) was diagnosed with ALL", 63),
    ("an 8-year-old child with ALL", 8),
    ("I'm 34, B-ALL, in remission", 34),
    ("my 17 year old cousin has philladelphia negative ALL", 17),
    ("My friend's son had T-cell leukemia. My wife, 48, has B-ALL", 48),
]


@pytest.mark.parametrize(("text", "age"), [
    # with no relative said to have ALL, the one tested or treated for it is the patient (review 13 a28) ...
    ("My daughter is 12 and my husband, 45, keeps getting MRD tests; his was 0.02%", 45),
    ("My sister is 30. My father (70) keeps having MRD tests and his was 0.02%, is that bad?", 70),
    ("my niece is 19 and my mother, 66, is on blinatumomab", 66),
    # ... and one said to have it still wins over one treated
    ("My mother, 70, has ALL and my son (40) is on imatinib", 70),
])
def test_the_relative_tested_or_treated_is_the_patient(text: str, age: int | None) -> None:
    assert read_facts(text).age == age


@pytest.mark.parametrize(("text", "age"), [
    # a relative said to have ALL is the patient: named with no possessor after a sentence's start ...
    ("Hi. Dad is 72 and has Ph+ ALL.", 72),
    ("Question about treatment. Mum, 68, has B-ALL.", 68),
    # ... in a sentence naming the donor, or as the one the donor gives to
    ("My dad (72) has Ph+ ALL and my brother (44) will be his donor.", 72),
    ("My brother (44) is the donor for my dad (72). Dad has Ph+ ALL.", 72),
    ("My brother (44) is the donor for my dad. Dad is 72 and has Ph+ ALL.", 72),
    # the donor's age stays the donor's
    ("My brother, 44, will be the donor. Dad has Ph+ ALL", None),
])
def test_the_relative_with_all_is_the_patient_beside_a_donor(text: str, age: int | None) -> None:
    assert read_facts(text).age == age


def test_the_only_relative_named_is_the_patient() -> None:
    reading = read_concepts("what is the mrd test my father keeps getting? they told him his was 0.02%")
    assert "someone" not in reading.text and reading.asker == "relative"


@pytest.mark.parametrize(("text", "relapse"), [
    # a lay relapse followed by a duration is a relapse; followed by a result it is none
    ("it came back 8 months after her transplant", True),
    ("it's back, 2 years after the transplant", True),
    ("the mrd came back 0.02", False),
    ("it came back at 0.1%", False),
])
def test_a_duration_after_a_lay_relapse_keeps_it(text: str, relapse: bool) -> None:
    assert ("relapse" in read_concepts(text).ids()) == relapse


@pytest.mark.parametrize(("text", "age"), AGE_OWNER_CASES)
def test_ages_belong_to_their_person(text: str, age: int | None) -> None:
    assert read_facts(text).age == age


FACT_CASES = [
    ("My mom is 71 and has ALL with the philadelphia chromosome. Will they give her the strong chemo?",
     {"age": 71, "ph_status": "positive"}),
    ("My mom is 71 and has ALL with the philadelpia chromozone.", {"ph_status": "positive"}),
    ("Our T-lineage ALL patient came back after chemo. B-cell antibodies won't work — what instead?",
     {"lineage": "T", "phase": "relapsed"}),
    ("Relapsed B-ALL, 30 years old; is engineered T-cell treatment an option?", {"lineage": "B"}),
    ("A friend from my support group has Philadelphia positive ALL. My dad (63) has ALL.",
     {"ph_status": None, "age": 63}),
    ("My cousin's lukemia was CD19 positive. My brother, 22, has relapsed B-ALL", {"cd19": None, "age": 22}),
    ("He's not fit enough for a transplant", {"transplant": "ineligible"}),
    ("She decided not to have a transplant", {"transplant": "not_done"}),
    ("she's booked in for a tranplant in two months", {"transplant": "planned"}),
    ("a stem cell transplant that's already scheduled", {"transplant": "planned"}),
    ("the team says she is fit enough for a transplant", {"transplant": "eligible"}),
    ("he never went into remision with the first chemo", {"phase": "refractory"}),
    ("He went into remission after the first treatment", {"phase": "cr1"}),
    ("her MRD came back at 10 to the minus 3", {"mrd_level_pct": 0.1, "phase": None}),
    ("they found 1 leukemia cell in 10,000 after induction", {"mrd_level_pct": 0.01}),
    ("the test still shows about one leukemia cell in a thousand", {"mrd_level_pct": 0.1}),
    ("My dad (63) was diagnosed with ALL last week.", {"phase": "newly_diagnosed", "age": 63}),
    ("She was diagnosed with ALL in 2019 and relapsed", {"phase": "relapsed"}),
    ("he had a bone marow transplant for Ph+ ALL and now the leukemia gene is back at a low level",
     {"transplant": "done", "phase": "post_hsct", "mrd_status": "positive"}),
    ("now the BCR-ABL test is picking up small amounts again", {"mrd_status": "positive"}),
    ("my husbands leukemia came back after his transplant. hes 42, its the B-cell type", {"age": 42}),
    ("shes 38 and has ALL", {"age": 38}),
    ("60M Ph+ ALL, allo-HSCT in CR1 from his son; 3 months later BCR::ABL1 qPCR became detectable",
     {"transplant": "done", "phase": "post_hsct", "mrd_status": "positive"}),
    ("Ph+ ALL in CR1, allo-HSCT planned 2 months later", {"transplant": "planned"}),
    # r29 p17: of two relatives said to have leukemia, the one who has it now is the patient
    ("my grandson had leukemia as a toddler and did great on the children's treatment. now my son-in-law, 39, has "
     "been diagnosed with philadelphia-negative B ALL.", {"age": 39}),
    ("my mother had ALL 20 years ago and my son, 24, has B-ALL now", {"age": 24}),
    # r28 g01: a planning word before the mention plans it, even with "after that" behind it
    ("the doctor mentioned a pill plus chemo. will he need a transplent after that?",
     {"transplant": None, "phase": None}),
    ("My brother had a stem cell transplant for philadelphia positive ALL and now the blood test shows small amounts "
     "of the leukemia gene again.", {"transplant": "done", "mrd_status": "positive", "phase": "post_hsct"}),
    # a test not done or not back yet gives no value
    ("they haven't tested CD19 on his cells yet", {"cd19": None}),
    ("They are testing for the T315I mutation but the results aren't back yet", {"t315i": None}),
    ("T315I mutation found", {"t315i": True}),
    ("tested for CD19: positive", {"cd19": True}),
]


@pytest.mark.parametrize(("text", "expected"), FACT_CASES)
def test_lay_questions_give_the_facts(text: str, expected: dict[str, object]) -> None:
    facts = read_facts(text)
    assert {k: getattr(facts, k) for k in expected} == expected


def test_tokens_keep_notations_whole() -> None:
    assert tokens("bcr::abl1-positive 0.01% 10,000 y/o") == ["bcr::abl1-positive", "0.01", "%", "10,000", "y/o"]


# ------------------------------------------------------------------------------------------ lexicon files


def test_every_lexicon_file_has_unique_ids_and_room_for_japanese() -> None:
    from assistant.concepts import LEXICON_FILES

    ids: list[str] = []
    for name in LEXICON_FILES:
        for c in yaml.safe_load((LEXICON_DIR / name).read_text(encoding="utf-8"))["concepts"]:
            ids.append(c["id"])
            assert "ja" in c, f"{name}: {c['id']}"
    assert len(ids) == len(set(ids))
    assert {"aml", "cml", "burkitt", "blast_crisis"} <= set(load_lexicon().concepts)


def test_disease_names_never_correct_other_words() -> None:
    """`fuzzy: false`: "anaemia" stays itself instead of turning into a disease name; misspelt ALL words still fix."""
    lex = load_lexicon()
    assert "myelodysplastic" not in lex.vocabulary and "hypertension" in lex.vocabulary  # (the adverse event's)
    assert read_concepts("hypotension and anaemia after dasatanib").text == "hypotension and anaemia after dasatinib"


# ------------------------------------------------------------------------------------------ numbers as typed values

from assistant.concepts import Quantity, load_units, quantities  # noqa: E402

LEVEL_CASES = [  # (text, value in percent, notation, bound)
    ("mrd 0.01%", 0.01, "percent", None),
    ("mrd 0.01 percent", 0.01, "percent", None),
    ("mrd 0.01 per cent after induction", 0.01, "percent", None),
    ("mrd .05% now", 0.05, "percent", None),
    ("mrd 0,05% (a decimal comma)", 0.05, "percent", None),
    ("mrd 1x10^-4", 0.01, "power", None),
    ("mrd 1 x 10^-4", 0.01, "power", None),
    ("mrd 5 x 10-4", 0.05, "power", None),
    ("mrd 10^-3", 0.1, "power", None),
    ("mrd 10**-5", 0.001, "power", None),
    ("mrd 10-4", 0.01, "power_bare", None),
    ("mrd 1e-4", 0.01, "power", None),
    ("mrd 2.5e-3", 0.25, "power", None),
    ("1 in 10,000 cells", 0.01, "one_in", None),
    ("3 in 10,000 cells", 0.03, "one_in", None),
    ("one in 1,000 cells", 0.1, "one_in", None),
    ("1/10000", 0.01, "one_in", None),
    ("1 per 100,000", 0.001, "one_in", None),
    ("<0.01%", 0.01, "percent", "below"),
    ("below 10^-4", 0.01, "power", "below"),
    ("less than 1 in 10,000", 0.01, "one_in", "below"),
    (">= 0.1%", 0.1, "percent", "above"),
    ("more than 1x10^-3", 0.1, "power", "above"),
]


@pytest.mark.parametrize(("text", "value", "notation", "bound"), LEVEL_CASES)
def test_levels_in_every_notation(text: str, value: float, notation: str, bound: str | None) -> None:
    levels = [q for q in quantities(text) if q.kind == "level"]
    assert [(q.value, q.notation, q.bound) for q in levels] == [(pytest.approx(value), notation, bound)]
    q = levels[0]
    assert text[q.start:q.end].strip()[-1] in "%0123456789tlsd"  # the span covers the whole statement


@pytest.mark.parametrize("text", ["10 patients", "day 10-14", "ph+ all in 2010-4", "cd19 + blasts", "age 45",
                                  "mrd -> 4", "1 in 3 patients", "10^4 cells", "45 mg"])
def test_numbers_that_are_no_level(text: str) -> None:
    assert [q for q in quantities(text) if q.kind == "level"] == []


def test_an_arrow_is_no_comparator() -> None:
    (q,) = quantities("mrd 0.001% -> 0.05%")[1:]
    assert (q.value, q.bound) == (0.05, None)


@pytest.mark.parametrize(("text", "expected"), [
    ("after 3 cycles of blinatumomab", [("count", 3.0, "cycles")]),
    ("2 courses, then 6 months of maintenance", [("count", 2.0, "cycles"), ("duration", 6.0, "months")]),
    ("on dasatinib for 18 mo, 4 doses missed", [("duration", 18.0, "months"), ("count", 4.0, "doses")]),
    ("a 3-year course", [("duration", 3.0, "years")]),
    ("day 28", []),
])
def test_durations_and_counts(text: str, expected: list[tuple[str, float, str]]) -> None:
    assert [(q.kind, q.value, q.unit) for q in quantities(text)] == expected


def test_units_are_data() -> None:
    u = load_units()
    assert "percent" in u.percent and 10000 in u.denominators and u.units["months"][0] == "duration"
    assert isinstance(quantities("0.1%")[0], Quantity)


@pytest.mark.parametrize(("text", "age", "notation"), [
    ("72f ph+ all", 72, "sex_glued"),
    ("72 f, ph+", 72, "sex"),
    ("72/f ph+ all", 72, "sex"),
    ("a 24 year old male", 24, "years_old"),
    ("a 45-year-old woman", 45, "years_old"),
    ("a 45 - year - old man", 45, "years_old"),
    ("45 yrs of age", 45, "years_old"),
    ("45 yeras old", 45, "years_old"),  # a misspelt unit
    ("38 y.o. man", 38, "yo"),
    ("45yof with ph+ all", 45, "yo"),
    ("70歳", 70, "kanji"),
    ("aged 45", 45, "aged"),
    ("at the age of 45", 45, "aged"),
    ("age: 45", 45, "aged"),
    ("he turns 26 next month", 26, "coming"),
    ("she'll be 65 in march", 65, "coming"),
])
def test_ages_as_typed_values(text: str, age: int, notation: str) -> None:
    (q,) = [q for q in quantities(text) if q.kind == "age"]
    assert (q.value, q.notation) == (age, notation)
    assert text[q.number[0]:q.number[1]] == str(age)


@pytest.mark.parametrize("text", ["45 mg", "ph+ all in 2010", "aged 45.5", "cd19 45%", "returns 26 next month",
                                  "3 x 10^-4", "day 28"])
def test_numbers_that_are_no_age(text: str) -> None:
    assert [q for q in quantities(text) if q.kind == "age"] == []


@pytest.mark.parametrize(("q", "age"), [
    ("he turns 26 next month, ph- b-all", 25),  # a birthday to come: one less now
    ("My mom is 71 and has ALL with the philadelphia chromosome", 71),
    ("I'm 31 with Ph+ ALL and I have a 2-year-old child", 31),  # the child's age is not the patient's
    ("The donor brother is 49; my husband (52) has Ph- B-ALL", 52),
    ("72F, her daughter is 45", 72),
    ("median age 45 in the trial; my patient is 70", 70),
])
def test_whose_age_it_is(q: str, age: int) -> None:
    assert read_facts(q).age == age


# ------------------------------------------------------------------------------------------ phrase patterns, age groups

from assistant.concepts import age_groups, find_phrases, number_words, phrase_table  # noqa: E402


@pytest.mark.parametrize(("text", "bands"), [
    ("an elderly man", ["65+"]), ("ph- all over 70", ["65+"]), ("patients >= 65", ["65+"]), ("> 64", ["65+"]),
    ("70+ with ph+ all", ["65+"]), ("66 and over", ["65+"]), ("65 years or older", ["65+"]),
    ("a middle-aged woman", ["40-64"]), ("young adults", ["aya"]), ("teenagers", ["aya"]),
    ("paediatric patients", ["child"]), ("over 64", []), ("over 6 months", []), ("65 mg", []),
])
def test_age_bands_from_group_words(text: str, bands: list[str]) -> None:
    assert [b for _, b in age_groups(text)] == bands


def test_compared_groups_in_order() -> None:
    assert [g for _, g in age_groups("aya vs 40-64 vs >=65 and under 65", "groups")] == [
        "AYA", "40 to 64", "65 or older", "under 65"]


@pytest.mark.parametrize(("text", "out"), [
    ("a sixty-four year old", "a 64 year old"), ("age: fifty", "age: 50"), ("she is seventy two", "she is 72"),
    ("sixtyfour yo", "64 yo"), ("one of twenty patients", "one of twenty patients"),
])
def test_number_words_where_an_age_is_written(text: str, out: str) -> None:
    assert number_words(text) == out


def test_phrase_patterns_take_alternatives_optional_and_any_words() -> None:
    table = phrase_table("safety")
    found = {n for _, _, n in find_phrases("we're really terrified. can i buy ponatinib cheap online?", table)}
    assert found == {"distress", "bypass"}
    assert find_phrases("the dose was halved", table) == []


def test_an_optional_slot_gives_way_when_the_rest_needs_its_word() -> None:
    # "[*] [*] was": optional slots take a word only when the pattern still matches after them (no greedy dead end)
    from assistant.concepts import _pattern
    table = {"anaphor": (_pattern("my result after [the] [*] [*] [*] was"),)}
    assert find_phrases("my result after induction was 0.03%", table) == [(0, 29, "anaphor")]
    assert find_phrases("my result after the first round of chemo was", table) == []  # (four words: one too many)


# ------------------------------------------------------------------------------------------ review 5: data classes

from assistant.concepts import unit_after  # noqa: E402


@pytest.mark.parametrize(("noun", "role"), [
    *[(n, "relative") for n in ("cousin's mother", "niece", "nephew", "aunt", "auntie", "uncle", "grandchild",
                                "grandkid", "mother-in-law", "brother-in-law", "sister-in-law", "in-laws",
                                "stepbrother", "half-sister", "godson", "twin sister", "grandparents")],
    *[(n, "acquaintance") for n in ("cousin", "colleague", "roommate", "flatmate", "housemate", "neighbour",
                                    "neighbor", "classmate", "schoolmate", "workmate", "best friend",
                                    "acquaintance", "second cousin")],
])
def test_people_lexicon_names_every_relative_and_acquaintance(noun: str, role: str) -> None:
    lex = load_lexicon()
    people = [m for m in read_concepts(f"my {noun} has all").mentions if m.kind == "person"]
    assert people and lex.concepts[people[-1].concept].role == role


@pytest.mark.parametrize(("text", "b", "unit"), [
    ("he is 80 kilos", 8, "kilos"), ("80kg", 2, "kg"), ("180 lbs", 3, "lbs"), ("165 cm tall", 3, "cm"),
    ("1.8 m² bsa", 3, "m²"), ("15 mg", 2, "mg"), ("28 units", 2, "units"), ("50 ml", 2, "ml"),
    ("45 cells", 2, "cells"), ("12 pounds", 2, "pounds"), ("20 - mg", 2, "mg"),
    # years, a sex letter and plain words are no such unit
    ("45 years old", 2, None), ("72 m", 2, None), ("70 and fit", 2, None), ("62 in march", 2, None),
])
def test_units_that_make_a_number_no_age(text: str, b: int, unit: str | None) -> None:
    assert unit_after(text, b) == unit


@pytest.mark.parametrize(("text", "ids"), [
    ("philly-negative all", ["ph_negative", "all"]),
    ("philly+ all", ["ph_positive", "all"]),
    ("the philly chromosome", ["ph_chromosome"]),
    ("non-philly b-all", ["ph_negative", "b_lineage"]),
    ("philly pos", ["ph_positive"]),
])
def test_philly_lay_forms_are_ph_concepts(text: str, ids: list[str]) -> None:
    assert [m.concept for m in read_concepts(text).mentions] == ids


@pytest.mark.parametrize(("text", "history", "age"), [
    # the follow-up names someone new: the concept layer masks their age
    ("my 20 year old cousin got something else", ("mother",), None),
    ("what if my mother were 70?", ("mother",), 70),
    ("my 19-year-old colleague had it too", (), None),  # (the patient was described without a noun)
    ("my 19-year-old nephew had it too", ("mother",), None),
])
def test_a_follow_up_knows_the_patient_named_before(text: str, history: tuple[str, ...], age: int | None) -> None:
    reading = read_concepts(text, known=history)
    written = [int(w) for w in re.findall(r"\d+", reading.text)]
    assert (written[0] if written else None) == age


def test_concept_table_finds_a_concepts_forms_word_by_word() -> None:
    from assistant.concepts import concept_table, find_phrases

    table = concept_table(("allo_hsct", "auto_hsct"))
    hits = find_phrases("post-transplant relapse after an autologous transplant; s/p allo-hsct", table)
    by_start = {a: name for a, _, name in hits}
    assert by_start[5] == "allo_hsct"  # inside the compound "post-transplant"
    assert by_start["post-transplant relapse after an ".__len__()] == "auto_hsct"  # the longer form, another concept
    assert any(name == "allo_hsct" and end == len("post-transplant relapse after an autologous transplant; s/p allo-hsct")
               for _, end, name in hits)


def test_words_and_signs_is_memoised_but_returns_a_fresh_list() -> None:
    from assistant.concepts import words_and_signs

    first = words_and_signs("ph+ b-all, mrd 0.01%")
    assert first == [(0, "ph"), (2, "+"), (4, "b"), (5, "-"), (6, "all"), (9, ","), (11, "mrd"), (15, "0"), (16, "."),
                     (17, "01"), (19, "%")]
    first.clear()
    assert len(words_and_signs("ph+ b-all, mrd 0.01%")) == 11


# ------------------------------------------------------------------------------------------ lab results

LAB_CASES = [
    # an analyte with a lab unit or a decimal value names no concept (review-ja3 m24: "Cr 1.1 mg/dL" read as CR)
    ("72f ph+ all, cr 1.1 mg/dl, induction?", "creatinine 1.1 mg/dl", "remission"),
    ("cr 1.4, induction?", "creatinine 1.4", "remission"),
    ("cr: 1.1, induction?", "creatinine: 1.1", "remission"),
    ("cr=1.1mg/dl", "creatinine=1.1mg/dl", "remission"),
    ("creatinine 97 µmol/l", "creatinine 97", "remission"),
    ("cr 97 umol/l", "creatinine 97", "remission"),
]


@pytest.mark.parametrize(("text", "written", "concept"), LAB_CASES)
def test_a_lab_result_is_no_concept(text: str, written: str, concept: str) -> None:
    reading = read_concepts(text)
    assert written in reading.text
    assert concept not in {m.concept for m in reading.mentions}


def test_a_lab_concept_keeps_its_value() -> None:
    reading = read_concepts("ph-negative b-all, wbc 50,000/µl at diagnosis")
    assert "wbc" in {m.concept for m in reading.mentions} and "wbc 50,000" in reading.text


def test_a_remission_next_to_a_number_stays_a_remission() -> None:
    assert "remission" in {m.concept for m in read_concepts("in cr 1 after induction").mentions}
    assert "remission" in {m.concept for m in read_concepts("in cr, cr 1.1 mg/dl").mentions}


# ------------------------------------------------------------------------------------------ speed: memos give the same


def _corpus_lines(n: int = 120) -> list[str]:
    """Lines of the real corpus (lower-cased, as the readers see them), plus numbers, ages and misspellings."""
    root = Path(__file__).resolve().parents[2] / "corpus"
    lines = [ln.strip().lower() for p in sorted(root.glob("*.md"))
             for ln in p.read_text(encoding="utf-8").splitlines() if len(ln.strip()) > 30]
    extra = ["a sixty-four year old with ph+ all, mrd 0.05% after induction", "70+ and over 65 years or older",
             "> = 66 yo, philadelpia positive, imatinb then dasatinb", "patients >= 65 and < 25 at infusion"]
    return lines[:: max(1, len(lines) // n)][:n] + extra


def _all_tables() -> list[dict]:
    from assistant.concepts import _age_groups, concept_table

    groups = yaml.safe_load((LEXICON_DIR / "context.yaml").read_text(encoding="utf-8"))["phrases"]
    return ([phrase_table(g) for g in groups] + list(_age_groups().values())
            + [concept_table(("allo_hsct", "car_t", "blinatumomab"))])


def _find_phrases_everywhere(text: str, table: dict) -> list[tuple[int, int, str]]:
    """find_phrases without its index: every pattern tried at every word (the reference)."""
    from assistant.concepts import _matches_at, _words_and_signs

    items = _words_and_signs(text)
    firsts, anywhere = {}, []
    for name, patterns in table.items():
        for p in patterns:
            head = p[0]
            if head.words and not head.prefixes and not head.optional:
                for w in head.words:
                    firsts.setdefault(w, {}).setdefault(name, []).append(p)
            else:
                anywhere.append((name, p))
    anywhere_by_name: dict[str, list] = {}
    for name, p in anywhere:
        anywhere_by_name.setdefault(name, []).append(p)
    out = []
    for k, (_, word) in enumerate(items):
        for name, patterns in (*firsts.get(word, {}).items(), *anywhere_by_name.items()):
            ends = [e for p in patterns if (e := _matches_at(items, k, p)) is not None and e > k]
            if ends:
                last = items[max(ends) - 1]
                out.append((items[k][0], last[0] + len(last[1]), name))
    return out


def test_find_phrases_index_finds_what_trying_every_pattern_finds() -> None:
    """Patterns tried everywhere (a number, a prefix or an optional word first) are tried only from words one of
    their leading slots takes: the same phrases, in the same order, on every table and real corpus lines."""
    lines, tables = _corpus_lines(), _all_tables()
    found = 0
    for table in tables:
        for line in lines:
            got = find_phrases(line, table)
            assert got == _find_phrases_everywhere(line, table), (line, list(table)[:3])
            found += len(got)
    assert found > 100  # (the comparison saw real hits, not only empty lists)


def test_number_words_without_a_number_word_is_the_text_itself() -> None:
    text = "ph-negative all in first remission, mrd positive after consolidation"
    assert number_words(text) is text
    assert number_words("aged sixty, often ill") == "aged 60, often ill"


def test_misspelling_memo_gives_the_same_correction_again() -> None:
    from assistant.concepts import _CORRECTED, _closest_word, _correct

    lex = load_lexicon()
    for tok in ("philadelpia", "imatinb", "blinatumomb", "remission", "transplanted"):
        first = _correct(tok, lex)
        assert _correct(tok, lex) == first == (None if tok in lex.known or len(tok) < 6 else _closest_word(tok, lex))
    assert _correct("philadelpia", lex) == "philadelphia"
    assert _CORRECTED[id(lex)][0] is lex


def test_concept_ids_memo_hands_out_a_fresh_set() -> None:
    from assistant.concepts import concept_ids

    text = "blinatumomab after allo-hsct for ph-negative b-all"
    first = concept_ids(text)
    assert first == concept_ids(text, load_lexicon()) and {"blinatumomab", "allo_hsct"} <= first
    first.add("changed")
    assert "changed" not in concept_ids(text)


@pytest.mark.parametrize(("toks", "i", "phrase"), [
    (["ph", "+", "all"], 0, ("ph", "+")), (["ph", "+", "all"], 1, ("+", "all")), (["ph", "+"], 1, ("+", "all")),
    (["ph", "-", "all"], 0, ("ph", "+")), (["a", "b", "c"], 0, ("a", "x", "c")), (["a"], 0, ()), (["a"], 3, ("a",)),
])
def test_form_start_is_the_slice_comparison(toks: list[str], i: int, phrase: tuple[str, ...]) -> None:
    from assistant.concepts import _starts

    assert _starts(toks, i, phrase) == (tuple(toks[i:i + len(phrase)]) == phrase)


@pytest.mark.parametrize(("text", "drug", "taken"), [
    ("mild chronic gvhd on prednisolone 5 mg", "prednisolone", True),
    ("he is taking imatinib 600 mg daily", "imatinib", True),
    ("should we start dasatinib 140 mg or 100 mg?", "dasatinib", False),
    ("ponatinib 45 mg or 30 mg for t315i?", "ponatinib", False),
])
def test_a_medicine_being_taken_is_marked_taken(text: str, drug: str, taken: bool) -> None:
    mention = next(m for m in read_concepts(text).mentions if drug in m.surface)
    assert mention.taken is taken


@pytest.mark.parametrize(("text", "concept", "surface"), [
    ("cr1 on dasatinib+chemo", "dasatinib", "dasatinib+"),  # a plus glued to a treatment joins the next one
    ("ph+ all on tki+steroids", "tki", "tki+"),
    ("ph+all", "ph_positive", "ph+"),  # a marker's sign stays
])
def test_a_plus_glued_to_a_treatment_joins_two_treatments(text: str, concept: str, surface: str) -> None:
    mention = next(m for m in read_concepts(text).mentions if m.concept == concept)
    assert mention.surface == surface


def test_a_plus_glued_to_a_marker_is_no_treatment() -> None:
    from assistant.concepts import TREATMENT_KINDS

    # "cd19" also starts a treatment's name ("CD19 CAR-T"), but alone it is a marker: "cd19+" keeps its sign (read
    # by the facts reader), no plus joining two treatments
    mentions = read_concepts("b-all refractory to two courses, cd19+. blinatumomab?").mentions
    assert "cd19+" not in [m.surface for m in mentions]
    assert [m.concept for m in mentions if m.kind in TREATMENT_KINDS] == ["blinatumomab"]


def test_plain_words_for_no_disease_on_the_tests_are_mrd_not_detected() -> None:
    from assistant.concepts import concept_ids

    for text in ("the tests show no disease", "they said the tests showed no disease", "no detectable disease now"):
        assert "mrd_not_detected" in concept_ids(text), text


@pytest.mark.parametrize(("text", "written"), [
    # a unit's short form written out, so readers of durations see the word ("on imatinib 3 yrs")
    ("on imatinib 3 yrs and in remission", "on imatinib 3 years and in remission"),
    ("dasatinib for 2 yeras now", "dasatinib for 2 years now"),
])
def test_a_units_short_form_is_written_out(text: str, written: str) -> None:
    assert read_concepts(text).text == written


def test_the_maintenance_phase_in_plain_words_is_maintenance() -> None:
    """ "the chemo pills for two years after the hard part": maintenance, in a relative's words."""
    assert "maintenance" in _ids("why is my son still on chemo pills two years after the hard part ended?")


def test_a_slot_in_a_form_stands_for_each_of_its_words() -> None:
    from assistant.concepts import SLOTS, expand_slots

    assert expand_slots("radiate <their> head") == [f"radiate {w} head" for w in SLOTS["<their>"]]
    assert len(expand_slots("<their> head to <their> toe")) == len(SLOTS["<their>"]) ** 2
    assert expand_slots("cranial irradiation") == ["cranial irradiation"]


@pytest.mark.parametrize("text,concepts", [
    # the pills of a Ph-positive patient are the TKI (concepts.yaml means_when), said or by context
    ("ph+ all. what are the pills the doctor kept mentioning", {"tki"}),
    ("they found the philadelphia chromosome in my dad's leukemia. what are the pills for?", {"tki"}),
    # ... not a friend's Ph-positive disease, nor pills named as a TKI already, nor with no Ph-positive named
    ("a friend has philadelphia positive all. my dad was diagnosed last week. will he also get a pill?", {"medicine"}),
    ("ph+ all. will they restart the imatinib type pill?", {"medicine"}),
    ("my son has all. what are the pills for?", {"medicine"}),
])
def test_a_word_means_another_concept_in_its_clinical_context(text: str, concepts: set[str]) -> None:
    from assistant.concepts import read_concepts
    found = {m.concept for m in read_concepts(text).mentions} & {"tki", "medicine"}
    assert found == concepts, found


@pytest.mark.parametrize("text,concept", [
    ("risks of pediatric-type regimens in adults", "pediatric_regimen"),
    ("are bispecific antibodies used", "blinatumomab"),
    ("after two allo transplants", "allo_hsct"),
])
def test_a_treatment_form_matches_in_the_plural(text: str, concept: str) -> None:
    from assistant.concepts import concept_ids

    assert concept in concept_ids(text)


def test_plurals_are_regular_and_only_for_plain_words() -> None:
    from assistant.concepts import _plural

    assert [_plural(w) for w in ("regimen", "antibody", "therapy", "relay", "hsct", "all", "cvad-based")] == [
        "regimens", "antibodies", "therapies", "relays", "hscts", None, None]


@pytest.mark.parametrize("text,concept", [
    ("blinatumomab-based therapy", "blinatumomab"),
    ("TKI-containing induction", "tki"),
    ("asparaginase-related toxicities", "asparaginase"),
    ("HD-MTX-containing therapy", "hd_mtx"),
])
def test_a_compound_suffix_leaves_the_concept_whole(text: str, concept: str) -> None:
    from assistant.concepts import concept_ids

    assert concept in concept_ids(text.lower())


def test_free_of_a_treatment_does_not_name_it() -> None:
    from assistant.concepts import concept_ids

    assert "chemotherapy" not in concept_ids("a chemotherapy-free approach")


@pytest.mark.parametrize("text,concept,historical", [
    # a history cue that dates a time span dates no treatment
    ("after 5 years the tki should be stopped", "tki", False),
    # ... while a span of the treatment, or a time after it, keeps it given
    ("following 2 years of imatinib he relapsed", "imatinib", True),
    ("3 months after allo-hsct", "allo_hsct", True),
])
def test_a_history_cue_dating_a_time_span(text: str, concept: str, historical: bool) -> None:
    from assistant.concepts import read_concepts

    assert [m.historical for m in read_concepts(text).mentions if m.concept == concept] == [historical]


@pytest.mark.parametrize(("word", "not_read_as"), [
    ("indication", "induction"), ("injection", "infection"), ("autografts", "allografts"),
    ("translated", "transplanted"), ("detection", "deletion"),
])
def test_real_words_near_a_lexicon_word_are_not_corrected(word: str, not_read_as: str) -> None:
    """rja23 n11: "allo-HSCTのindication" was read "allo-HSCT induction" (a newly diagnosed patient); real words of
    the corpus and the reviews one or two letters from a lexicon word stay as written (not_misspellings)."""
    from assistant.concepts import _correct, load_lexicon

    assert _correct(word, load_lexicon()) is None
    assert _correct("inductoin", load_lexicon()) == "induction"  # (a misspelling still is read)


def test_an_autograft_is_an_autologous_transplant() -> None:
    """h5-c062: "collect his own stem cells and have an autograft" names the autologous transplant (it was read as
    an allograft by fuzzy matching before 'autograft' was a known word)."""
    assert "auto_hsct" in read_concepts("could he have an autograft instead of a donor transplant?").ids()


@pytest.mark.parametrize(("text", "canonical"), [
    ("MRD was 0.02 percent after induction", "MRD was 0.02% after induction"),  # r33 y35: the sign the rules know
    ("the doctor keeps saying 0.01 per cent", "the doctor keeps saying 0.01%"),
    ("what percent of patients relapse?", "what percent of patients relapse?"),  # (no number: the word stays)
])
def test_percent_after_a_number_is_the_sign(text: str, canonical: str) -> None:
    assert read_concepts(text.lower(), source=text).text == canonical


def test_counted_children_are_someone_else() -> None:
    """r33 y07: "two kids aged 4 and 7" beside a described patient: a family, their ages masked."""
    r = read_concepts("39-year-old man. otherwise healthy, two kids aged 4 and 7.")
    assert all(m.other_person for m in r.mentions if m.kind == "person")
    assert " 4 " not in r.text and "7." not in r.text


def test_a_term_in_quotation_marks_is_still_the_term() -> None:
    """r51 n18: "treated with a 'pediatric' protocol" read no pediatric-type regimen: a quotation mark on its own is
    no token, so the phrase is matched as if unquoted (an apostrophe inside a word stays: "mom's", "don’t")."""
    from assistant.concepts import concept_ids, tokens

    assert "pediatric_regimen" in concept_ids("treated with a 'pediatric' protocol like a kid")
    assert "pediatric_regimen" in concept_ids('treated with a "pediatric" protocol')
    assert tokens("my mom's doctor") == ["my", "mom's", "doctor"]


@pytest.mark.parametrize(("text", "concept"), [
    ("nela ok for R/R B-ALL after blina failure?", "nelarabine"),  # r76 q19: residents' shorthand, as "blina"
    ("InO or blina first?", "blinatumomab"),
])
def test_residents_drug_shorthand_is_read(text: str, concept: str) -> None:
    assert concept in read_concepts(text.lower()).ids()


def test_a_shorthand_is_a_whole_word_only() -> None:
    assert "nelarabine" not in read_concepts("a general question about the guideline").ids()


def test_a_real_word_one_letter_from_a_lexicon_word_is_left_as_written() -> None:
    """r78 q06: "waiting" became "writing" (a word of a lay form), so "or wait for frank relapse?" lost its cue."""
    assert "waiting" in read_concepts("should we keep waiting for relapse?").text


@pytest.mark.parametrize("text", ["post-allo HSCT Ph+ ALL, MRD positive", "post-HSCT BCR::ABL1 rising"])
def test_a_history_prefix_glued_to_a_treatment_dates_it(text: str) -> None:
    """rja108 q30: "Post-allo HSCT" had been read as a transplant asked about (its "post" is glued to "allo")."""
    assert {m.concept: m.historical for m in read_concepts(text.lower()).mentions}["allo_hsct"] is True


def test_a_treatment_right_after_a_procedure_is_dated_by_it_not_given_before() -> None:
    """"post allo-HSCT TKI maintenance" is TKI maintenance after the transplant: only the transplant is history."""
    seen = {m.concept: m.historical for m in read_concepts("relapse prevention post allo-hsct tki maintenance").mentions}
    assert seen["allo_hsct"] is True and seen["tki"] is False and seen["maintenance"] is False


@pytest.mark.parametrize("text", ["induction without intensive chemotherapy?", "a TKI instead of the chemotherapy?"])
def test_a_treatment_done_without_is_denied(text: str) -> None:
    """rja108 q02: 「強力化学療法を避けた寛解導入」 (read "without intensive chemotherapy induction") had the
    chemotherapy as the treatment asked about."""
    denied = [m for m in read_concepts(text.lower()).mentions if m.concept in ("intensive_chemo", "chemotherapy")]
    assert denied and all(m.negated for m in denied)


def test_a_pronoun_is_not_an_abbreviation_after_a_verb() -> None:
    """r88 q26: "what is it, is it chemo?" read "IT chemo" (intrathecal); "give IT chemo" still is."""
    assert "intrathecal" not in read_concepts("what is blinatumomab, is it chemo?").ids()
    assert "intrathecal" in read_concepts("give it chemo with hd-mtx").ids()


@pytest.mark.parametrize(("text", "concept"), [
    ("the doctor mentioned a bite drug for the relapse", "blinatumomab"),
    ("they talked about an antibody with a poison attached", "inotuzumab"),
    # the continuous infusion from a portable pump (r106 q26, own paraphrase)
    ("the team said she will wear a pump for four weeks, what drug is that?", "blinatumomab"),
    ("is the 28-day continuous infusion the one the guideline recommends?", "blinatumomab"),
])
def test_the_way_a_doctor_names_an_antibody_to_a_family_is_read(text: str, concept: str) -> None:
    """r90 q27: "a 'BiTE' drug and an 'antibody with poison attached'" named neither antibody."""
    assert concept in read_concepts(text).ids()


def test_a_description_is_read_as_its_concept_and_kept_as_written() -> None:
    """A description ("a portable pump") names blinatumomab without being its word: the text keeps the pump, so a
    question about the pump still finds the pump's source (heldout18 c002)."""
    reading = read_concepts("he gets blinatumomab through a portable pump; can he drive?")
    assert "blinatumomab" in reading.ids() and "pump" in reading.text


@pytest.mark.parametrize("q", ["my husbands MRD came back at 0.1 percent, is that bad?",
                               "why do they keep giving my wifes chemo into the spine?"])
def test_a_relatives_possessive_typed_without_its_apostrophe_is_a_relative_asking(q: str) -> None:
    """r93 q23, q25: "my husbands MRD" named no relative, so the wife's question got no plain words."""
    assert read_concepts(q.lower()).asker == "relative"


@pytest.mark.parametrize("q", ["should I move my newly diagnosed patient from imatinib to dasatinib?",
                               "can we stop the TKI in our 58-year-old patient after 3 years?"])
def test_a_patient_the_asker_calls_theirs_with_words_between_makes_a_clinician(q: str) -> None:
    """r92 q39: "should I switch my newly diagnosed patient ...?" read the asker as changing their own treatment."""
    assert read_concepts(q.lower()).asker == "clinician"


def test_a_misspelt_marrow_test_is_no_transplant() -> None:
    """r98 q23: "my husband had his bone marow test after the first round of chemo" read "bone marow" as a bone
    marrow transplant done, and the MRD question was answered with the rules after a transplant."""
    said = {m.concept for m in read_concepts("my wife had her bone marow test after induction, mrd 0.02%").mentions}
    assert "allo_hsct" not in said, said
    assert "allo_hsct" in {m.concept for m in read_concepts("he had a bone marow transplant in 2024").mentions}
