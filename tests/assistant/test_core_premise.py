"""The question's premise in the whole answer (core `_gather` / `_refusal`): a dose refusal still corrects a false
premise, and a right premise is not answered "No"."""

import pytest

from assistant.models import Answer


def _leads_no(a: Answer) -> bool:
    return "**No**" in a.answer.split("\n\n- ")[0][:600]


def test_a_dose_refusal_still_corrects_a_false_premise(bot) -> None:
    a = bot.ask("JSH 2023 recommends ponatinib as frontline for all Ph+ ALL — which dose?")
    assert a.verdict == "refused" and "SAFE-DOSE-003" in {f.rule_id for f in a.findings}
    assert _leads_no(a) and "does not recommend ponatinib as the first-line TKI" in a.answer
    # a dose request without a false premise has no "No"
    b = bot.ask("What dose of dasatinib for a 70 year old with Ph+ ALL?")
    assert not _leads_no(b)


def test_a_right_proposal_is_not_answered_no(bot) -> None:
    a = bot.ask("R/R B-ALL CD19+ -> blina? CD22+ -> ino?")
    assert not _leads_no(a) and "blinatumomab" in a.answer and "inotuzumab" in a.answer


def test_a_wrong_proposal_in_the_patients_setting_is_answered_no_with_its_rule(bot) -> None:
    a = bot.ask("T315I positive after imatinib and dasatinib — can we switch to nilotinib next?")
    assert _leads_no(a) and "T315I" in a.answer and "ponatinib" in a.answer.lower()


@pytest.mark.parametrize("q", [
    "Ph+ ALL patient, 48, relapsed on imatinib, mutation testing shows T315I. What TKI approach does the guideline "
    "recommend?",
    "62M relapsed Ph+ ALL after dasatinib. Which TKI does JSH recommend next?",
])
def test_an_open_question_about_what_the_guideline_recommends_gets_no_no(bot, q: str) -> None:
    assert "**No**" not in bot.ask(q).answer


def test_a_wish_in_the_case_is_no_premise_against_the_rule_the_question_asks_about(bot) -> None:
    # r24 g38: "Wife would prefer to avoid transplant" is background; the question asks whether the CR1 transplant
    # rule still holds, and the rule answers (no "No" banner, no "which is preferred" line on CNS prophylaxis)
    a = bot.ask("64M Ph+ ALL, ECOG 0, MSD available, CR1 after TKI+chemo and MRD-negative. Wife would prefer to "
                "avoid transplant. Does JSH still recommend allo-HSCT in CR1 when MRD neg?")
    assert not _leads_no(a) and "PREMISE-044" not in {f.rule_id for f in a.findings}, a.answer
    assert a.answer.index("recommends allogeneic hematopoietic stem cell transplantation") < 400, a.answer
    assert "CNS prophylaxis" not in a.answer


def test_a_comparison_of_two_groups_states_no_value_to_deny(bot) -> None:
    assert "**No**" not in bot.ask("AYA vs 40-64 Ph-negative ALL: what does each age group get?").answer


def test_a_premise_on_one_of_several_treatments_asked_is_a_no_for_that_part() -> None:
    """r19 e09: "could he get blinatumomab or CAR-T?" at 31 is not a bare "No": CAR-T conflicts, blinatumomab not."""
    from assistant.core import premise_note
    from assistant.prompts import PREMISE_ASKED_NOTE, PREMISE_NOTE, PREMISE_PART_NOTE
    from assistant.rules.logic import default_rulebook

    book = default_rulebook()
    cart, pona, tki = book.get("RR-CART-028"), book.get("PHPOS-PONATINIB-064"), book.get("PHPOS-MAINT-008")
    several = premise_note("my brother (31), relapsed CD19+ B-ALL. we read about blinatumomab and CAR-T, could he get "
                           "either?", cart)
    assert several == PREMISE_PART_NOTE.format(title=cart.title)
    # (a question that only asks is told "No" without a conflict; a claim put to be confirmed conflicts, r94 q19)
    assert premise_note("Is ponatinib the JSH first-line TKI for Ph+ ALL?", pona) == PREMISE_ASKED_NOTE.format(
        title=pona.title)
    assert premise_note("Ponatinib is the JSH first-line TKI for Ph+ ALL, right?", pona) == PREMISE_NOTE.format(
        title=pona.title)
    assert premise_note("I'm on dasatinib maintenance after chemo, no transplant. Can I stop my dasatinib after 2 "
                        "years?", tki) == PREMISE_NOTE.format(title=tki.title)


@pytest.mark.parametrize("q", [
    # r40 e20: "is transplant recommended for her age group?" at 68: the rule names RIC allo-HSCT as an option when
    # feasible, so the answer is not a bare "No" (which reads as "not for her")
    "68-year-old woman, Ph+ ALL, CR after dasatinib plus prednisolone induction, fit, HCT-CI 1, has a haploidentical "
    "son aged 42. Is transplant recommended for her age group in JSH 2023, and what else?",
])
def test_a_treatment_the_rule_names_as_an_option_is_answered_only_as_an_option(bot, q: str) -> None:
    a = bot.ask(q)
    assert "**No**" not in a.answer and "**Only as an option**" in a.answer, a.answer
    assert any("RIC" in c.quote for c in a.citations[:2]), a.answer


def test_a_treatment_that_does_not_fit_among_several_asked_is_a_no_for_that_part(bot) -> None:
    a = bot.ask("31歳の弟が再発したCD19陽性B-ALLです。ブリナツモマブとCAR-Tのどちらかを受けられますか？")
    assert a.lang == "ja" and a.answer.startswith("_**一部はいいえ**"), a.answer
    assert bot.ask("Can my 31 year old brother with relapsed CD19+ B-ALL get CAR-T?").answer.startswith("_**No**, as")


def test_a_proposal_the_patients_rule_endorses_only_in_part_gets_no_yes(bot) -> None:
    """r20 f23 (UNSAFE): "hyper-CVAD + TKI at 67?" is not a "Yes" because the 65-or-older rule endorses the TKI; a
    TKI with steroids "instead of chemotherapy" still is."""
    a = bot.ask("PGY-2 here. 67F Ph+ ALL, ECOG 1, CKD 3a. Attending wants hyper-CVAD + TKI. Does JSH 2023 support "
                "that intensity at her age?")
    assert "**Yes**" not in a.answer, a.answer
    assert "does not require intensive chemotherapy" in a.answer
    b = bot.ask("My elderly father has Philadelphia-positive ALL. Can he take just a TKI with steroids instead of "
                "chemotherapy?")
    assert b.answer.startswith("_**Yes**"), b.answer


def test_a_status_question_after_a_long_case_finds_the_guidelines_words(bot) -> None:
    """r20 f39: after a vignette, "does JSH 2023 recommend it?" (E1910 blinatumomab consolidation) is answered by the
    guideline's status line, found by the asking clause's own search."""
    a = bot.ask("40M Ph neg B-ALL, CR1 after HD-MTX-containing therapy, MRD neg at 1e-4, normal karyotype. His wife "
                "read about E1910 and asks about adding blinatumomab consolidation. Does JSH 2023 recommend it?")
    assert "E1910" in a.citations[0].quote and "JSH" in a.citations[0].quote, a.answer
    assert a.patient.mrd_status == "negative" and a.patient.mrd_level_pct is None


def test_whether_one_patient_needs_what_is_not_required_for_everyone_is_no_premise(bot) -> None:
    """r22 h36: "does he need cranial RT?" (19, T-ALL, WBC 180k) is not answered "No": cranial irradiation is not
    required for every adult but is an option for high-risk patients, which he may be. "All ... should get X, agree?"
    still is a premise to deny."""
    a = bot.ask("19yo M T-ALL, mediastinal mass, WBC 180k, LP pending. initial regimen per JSH for AYA, and does he "
                "need cranial RT?")
    assert not _leads_no(a), a.answer
    assert "option for high-risk" in a.answer
    assert _leads_no(bot.ask("All Ph-negative adults in CR1 should get allo-HSCT, agree?"))


def test_the_antibody_class_asked_about_for_t_all_is_a_no_with_the_t_all_option(bot) -> None:
    """r23 p13: "are the new antibody drugs an option for him?" (relapsed T-ALL): the class fits B-lineage ALL only,
    so the answer says so first and gives nelarabine, not "the sources do not address it"."""
    a = bot.ask("my dad (57) has T-cell ALL and it came back after the first treatment. what do the guidelines say for "
                "relapsed T-cell? are the new antibody drugs an option for him?")
    assert a.answer.startswith("_**No**") and "B-lineage" in a.answer.split("\n")[0], a.answer
    assert "nelarabine" in a.citations[0].quote


def test_a_patient_asking_whether_they_must_keep_taking_what_is_withheld_hears_no_bare_no(bot) -> None:
    """r43 g24: "do I still have to take the pills?" after a transplant, MRD negative: a bare "No" (the premise
    conflicts with "no prophylactic TKI") reads as leave to stop; the guideline's statement leads, with whose decision
    it is. A patient asking to stop what the guideline recommends (TKI for at least 5 years) still hears "No"."""
    from assistant.prompts import PREMISE_PLAIN_NO_NOTE, PREMISE_PLAIN_NOTE
    from assistant.rules.logic import default_rulebook

    withheld = bot.ask("I have Ph+ ALL and had a transplant last year. My tests show no leukemia at all. Do I still "
                       "have to take the leukemia pills? They give me diarrhea and I'd like to stop.").answer
    rule = default_rulebook().get("PHPOS-POSTHSCT-MRDNEG-006")
    assert PREMISE_PLAIN_NOTE.format(title=rule.title) in withheld and "**No**" not in withheld, withheld
    assert rule.title not in withheld, withheld  # (no rule title for a patient: r82 q23 read it as an internal label)
    recommended = bot.ask("I have Ph+ ALL and I'm on dasatinib maintenance after chemo, no transplant. Can I stop my "
                          "dasatinib after 2 years?").answer
    # (a plain "No", without the rule's title a family read as the team's plan conflicting: r89 q21)
    assert PREMISE_PLAIN_NO_NOTE in recommended, recommended


def test_the_patients_own_mrd_value_asked_about_is_no_claimed_threshold(bot) -> None:
    """r46 o03: "MRD is 0.05% ... does JSH consider this high risk?" asks about the patient's result; the rule's
    premise pattern read "0.05% ... high risk" as a claimed threshold and answered "No"."""
    a = bot.ask("58-year-old with Ph-negative B-ALL in morphological CR after induction, but flow MRD is 0.05% at the "
                "end of induction. Does JSH consider this high risk, and how should it influence the timing of "
                "allo-HSCT?")
    assert not _leads_no(a) and "at or above the 0.01% threshold" in a.answer, a.answer
    # a threshold the question claims is still corrected
    b = bot.ask("MRD of 0.05% or more after induction is high risk, right?")
    assert _leads_no(b) and "0.01%" in b.answer


@pytest.mark.parametrize(("q", "lead"), [
    ("I'm 30 with B-ALL that relapsed after transplant. I was told I can't have CAR-T because of my age. Is that true?",
     "**That is right**"),
    ("30歳です。B細胞性の急性リンパ性白血病が移植後に再発しました。CAR-T療法を受けたいのですが、年齢で受けられないと聞きました。"
     "本当ですか?", "**そのとおりです**"),
])
def test_a_misfit_the_question_states_itself_is_confirmed_not_denied(bot, q: str, lead: str) -> None:
    """rja42 l21: "I heard I can't get CAR-T at my age. Is that true?" was answered "No" (= "not true") and then
    told 30 is over the limit; the asker's own statement is confirmed."""
    a = bot.ask(q)
    assert a.answer.startswith("_" + lead) and "**No**" not in a.answer and "いいえ" not in a.answer, a.answer
    assert not bot.ask("Can he get the CAR-T? He is 42 with relapsed B-ALL").answer.startswith("_**That is right")


@pytest.mark.parametrize("q", [
    "My ALL relapsed. Can I have CAR-T at 38? If I'm not fit enough for it, what else is there?",
    "急性リンパ性白血病が再発してしまいました。38歳の私でもCAR-Tを受けられますか？受けられないなら他にどんな治療がありますか。",
])
def test_a_misfit_the_question_only_supposes_is_answered_no(bot, q: str) -> None:
    """rja52 e21: "can I have it? if not, what else?" supposes the treatment ruled out, it does not say so: "No",
    not "That is right"."""
    a = bot.ask(q)
    assert a.answer.startswith(("_**No**", "_**いいえ**")) and "38" in a.answer.split("\n")[0], a.answer


@pytest.mark.parametrize(("q", "lead"), [
    # a drug the asker says cannot be used, where it indeed does not fit: confirmed, not denied (rja67 q12)
    ("T-ALL 2nd relapse, CD19 negative. blina can't be used, right? what salvage options per JSH?", "That is right"),
    ("T-ALL 2nd relapse、CD19陰性。blinaは使えないよね？救援の選択肢、JSH的には何？", "そのとおりです"),
    # ... and denied where it does fit
    ("CD19+ relapsed B-ALL. blina can't be used, right?", "No"),
])
def test_a_drug_said_not_to_be_usable_is_confirmed_only_where_it_does_not_fit(bot, q: str, lead: str) -> None:
    assert lead in bot.ask(q).answer.split("\n")[0]


def test_a_position_someone_gave_jsh_is_judged_before_an_open_question_on_it(bot) -> None:
    """r82 q40: "Our fellow said JSH 2023 established X as the standard for Ph-negative ALL over 65. How many cycles
    does it recommend?" takes the position as given: it is judged as if put to be confirmed ("No" leads). A position
    JSH does hold, reported the same way, gets no "No"."""
    wrong = bot.ask("A co-resident told me JSH 2023 made hyper-CVAD the standard for Ph-negative patients aged 65 or "
                    "older. How many courses does it call for?")
    assert wrong.answer.startswith("_**No"), wrong.answer
    assert "no standard therapy has been established" in " ".join(c.quote for c in wrong.citations), wrong.answer
    right = bot.ask("My hematologist said JSH recommends TKI maintenance for at least 5 years without a transplant. "
                    "Which TKI is used?")
    assert "**No" not in right.answer, right.answer


def test_a_plan_the_team_gave_for_the_patient_is_not_answered_no_by_another_groups_rule(bot) -> None:
    """r83 q24 (UNSAFE): "they say a blood test found a tiny bit of something and she has to start dasatinib again.
    Is this what the guidelines say?" after a transplant opened "Only as an option" from the rule for patients 65 or
    older; the plan is judged only against a rule it contradicts, and the lay result is MRD after the transplant, so
    the pre-emptive TKI rule leads."""
    a = bot.ask("My son had a transplant for Philadelphia-positive ALL. Now the team says a blood test found a tiny "
                "bit of something and he must start dasatinib tablets again. Is that what the guidelines say?")
    assert "**No" not in a.answer and "Only as an option" not in a.answer, a.answer
    assert "recommends pre-emptive TKI therapy" in a.citations[0].quote, a.answer


@pytest.mark.parametrize("q", [
    "For Ph-positive ALL patients aged 50, is induction with a TKI and steroids alone enough?",
    "Ph+ ALL under 65: is a TKI plus steroids alone enough for induction?",
])
def test_a_tki_with_steroids_alone_under_65_is_no_yes(bot, q: str) -> None:
    """Under 65 the guideline pairs the TKI with chemotherapy: "a TKI and steroids alone?" had "Yes, for the patient
    described" (the TKI rule lists corticosteroids among its companions); the chemotherapy is part of the claim
    (`with_required`), so the answer opens "No"."""
    a = bot.ask(q)
    assert "**Yes**" not in a.answer and a.answer.startswith("_**No"), a.answer
    assert "combines a tyrosine kinase inhibitor (TKI) with chemotherapy" in a.citations[0].quote, a.answer


@pytest.mark.parametrize("q", ["MRD below 1% after induction means the relapse risk is low, right?",
                               "寛解導入後のMRDが1%未満なら再発リスクは低いですよね？"])
def test_a_wrong_mrd_line_said_as_the_risk_being_low_is_answered_no(bot, q: str) -> None:
    """rja104 q05: "MRD under 1% → the relapse risk is low" (「再発リスクは低い」 had lost its 低い) went without "No"."""
    a = bot.ask(q)
    assert a.answer.startswith(("_**No", "_**いいえ")), a.answer


@pytest.mark.parametrize("q", ["Relapsed B-ALL: if CD22+, blinatumomab, and if CD19+, inotuzumab, right?",
                               "再発B-ALLで、CD22陽性ならブリナ、CD19陽性ならイノツズマブで合ってますか？"])
def test_swapped_targets_said_as_conditions_are_answered_no(bot, q: str) -> None:
    """rja104 q14: the conditions ("if CD22+") were left out of the focus as background, and with them the swap."""
    a = bot.ask(q)
    assert a.answer.startswith(("_**No", "_**いいえ")) and "CD19" in a.citations[0].quote, a.answer


@pytest.mark.parametrize("q", [
    "After allo-HSCT for Ph+ ALL: MRD-positive means pre-emptive TKI, MRD-negative means no prophylactic TKI. Correct?",
    "Ph陽性ALLの移植後は、MRD陽性なら先制的TKI、MRD陰性なら予防的TKIは推奨されない、で合ってますか？",
])
def test_a_right_claim_put_by_condition_is_answered_by_its_rules_not_no(bot, q: str) -> None:
    """rja108 q30: a correct two-branch claim got "No: the summary has no such statement" above the very rules
    that say it (a supposed MRD result is no patient, so the rules had been left out)."""
    a = bot.ask(q)
    first = a.answer.split("\n\n- ")[0][:600]
    assert "**No**" not in first and "いいえ" not in first, a.answer
    quotes = " ".join(c.quote for c in a.citations)
    assert "does not recommend prophylactic TKI maintenance" in quotes and "pre-emptive TKI" in quotes, quotes


@pytest.mark.parametrize("q", [
    "全脳照射は寛解に入った成人ALL全員に行うのが標準と理解しています。最新の2023年版でも変わりませんか？",
    "I understand that cranial irradiation for every adult in remission is the standard; is that unchanged in 2023?",
    "I understand that prophylactic TKI after a transplant is recommended for everyone, so should our MRD-negative "
    "55-year-old with Ph+ ALL start it?",
])
def test_the_askers_own_understanding_is_a_premise_judged(bot, q: str) -> None:
    """rja108 q05, q07: 「…と理解しています(が)」 was dropped from the reading, so a false belief got no "No"."""
    a = bot.ask(q)
    first = a.answer.split("\n\n- ")[0][:600]
    assert "**No**" in first or "**いいえ**" in first, a.answer


@pytest.mark.parametrize("q", [
    "Ph陽性ALLの寛解導入はTKI併用化学療法が標準、という理解でいいですか？65歳以上ならどう変わりますか？",
    "Ph+ ALL: TKI plus chemotherapy is the standard induction, right? And if the patient is 70, what changes?",
])
def test_an_age_a_later_part_supposes_is_no_premise_of_the_first(bot, q: str) -> None:
    """rja107 q29, rja108 q29's class: the age of the second part made the first part's right claim a "No"."""
    a = bot.ask(q)
    first = a.answer.split("\n\n- ")[0][:600]
    assert "**No**" not in first and "いいえ" not in first, a.answer
    quotes = " ".join(c.quote for c in a.citations)
    assert "combines a tyrosine kinase inhibitor (TKI) with chemotherapy" in quotes, quotes
    assert "TKI plus a corticosteroid" in quotes, quotes


def test_a_preference_proposed_over_another_treatment_is_no_when_the_proposed_one_is_wrong(bot) -> None:
    """r89 q39: "should we prefer nelarabine over blinatumomab for relapsed B-ALL?" was "No for part of this"."""
    a = bot.ask("Nelarabine is approved for relapsed B-ALL, so should we prefer it over blinatumomab for a "
                "45-year-old with relapsed CD19+ B-ALL?")
    first = a.answer.split("\n\n- ")[0][:600]
    assert "**No**" in first and "for part of this" not in first, a.answer


def test_a_family_gets_a_plain_no_without_the_rule_title(bot) -> None:
    """r89 q21: a frightened family read "this conflicts with the guideline (<rule title>)" as the doctors' plan
    conflicting with it."""
    a = bot.ask("my mum is 71 with the philadelphia kind of ALL. the doctors want to give her a pill and steroids "
                "instead of the strong chemo. does that mean they gave up on her?? im so scared")
    first = a.answer.split("\n\n- ")[0][:800]
    assert "**No**" in first and "conflicts" not in first, a.answer


def test_the_time_on_a_treatment_so_far_is_no_duration_claimed(bot) -> None:
    # r100 q27 (paraphrased): how long the patient has taken the TKI is background to "how long must I go on?"
    a = bot.ask("I'm 44 and have been taking imatinib for my Ph+ ALL for about 3 years; no transplant because there "
                "was no donor. How long must I keep taking these tablets? I'd like to know if there is an end.")
    assert not _leads_no(a), a.answer
    assert "at least 5 years" in a.answer


@pytest.mark.parametrize("q", [
    "T-ALLが再発したらネララビン？B-ALLでも使えますか？",
    "Ph陽性ALLです。移植後にMRDが陽性になった場合の対応と、移植していない人のTKI期間を教えて。",
])
def test_a_fact_the_question_names_both_ways_is_not_missing(bot, q: str) -> None:
    a = bot.ask(q)
    assert "FACTS-MISSING-031" not in {f.rule_id for f in a.findings}, [f.message for f in a.findings]


def _leads_no_either(a: Answer) -> bool:
    """The answer opens with "No" in English or Japanese."""
    head = a.answer.lstrip()[:40]
    return "**No**" in head or "いいえ" in head


@pytest.mark.parametrize("q", [
    "If her MRD turns negative, does that mean she is cured?",
    "MRDが検出されなくなったら、完全に治ったということでしょうか？",
])
def test_a_cure_supposed_after_a_negative_mrd_is_denied(bot, q: str) -> None:
    a = bot.ask(q)
    assert _leads_no_either(a) and a.citations, a.answer


@pytest.mark.parametrize("q", [
    "Ph-positive ALL in first remission with negative MRD: we can skip the allogeneic transplant, correct?",
    "Ph陽性ALLで第一寛解、MRD陰性なので同種移植は省いてよいという認識でOKですか？",
])
def test_a_negative_mrd_is_no_exception_to_the_transplant_in_cr1(bot, q: str) -> None:
    a = bot.ask(q)
    assert _leads_no_either(a), a.answer


def test_a_ph_negative_patient_of_50_gets_no_pediatric_protocol_rule(bot) -> None:
    a = bot.ask("うちの夫は55歳で、治療が効いて落ち着いています。Ph陰性です。移植は絶対に受けないといけませんか？")
    assert a.patient.phase == "cr1"
    assert "小児型" not in a.answer.split("出典")[0].split("ことばの説明")[0], a.answer
