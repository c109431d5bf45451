"""Composer for a question no rule speaks to: the retrieval ranking (assistant/compose/ranked.py)."""

from __future__ import annotations

from compose_helpers import cited, run

from assistant.compose.ranked import RANKED_LINES, Ranked


def test_where_published_gets_bibliography_lines(make_plan) -> None:
    plan, src = make_plan("Where was the JSH 2023 guideline published?")
    assert plan.chosen == []
    lines = cited(run([Ranked()], plan, src))
    assert lines and all("publish" in t.lower() or "edition" in t.lower() for t in lines), lines


def test_a_list_the_corpus_keeps_answers_instead_of_the_ranking(make_plan) -> None:
    plan, src = make_plan("What are the adverse risk factors in adult ALL?")
    lines = cited(run([Ranked()], plan, src))
    assert lines[0].split("** ")[-1].startswith("The following adult ALL risk factors")
    assert len(lines) > RANKED_LINES  # (the whole list, not the ranking's five lines)


def test_what_changed_in_the_edition_is_answered_by_what_was_revised_or_added(make_plan) -> None:
    """ "What's new in the 2023 edition?": the lines that say what was revised or added (the Minds process, new
    agents), not only who chaired it."""
    plan, src = make_plan("what has changed in the JSH 2023 edition compared to the previous version?")
    lines = cited(run([Ranked()], plan, src))
    assert any("Minds" in t or "new agents" in t or "revised" in t for t in lines[:2]), lines


def test_a_question_about_harms_takes_the_lines_that_name_a_harm(make_plan) -> None:
    """rja23 n29: 「ブリナツモマブという点滴を勧められました。どんな副作用に気をつければいいですか。」 (as read) led with notes
    on where the toxicity notes come from, the B/T-ALL line and E1910; the line naming CRS and neurotoxicity answers."""
    from compose_helpers import cited, run

    from assistant.compose.ranked import Ranked

    plan, src = make_plan("blinatumomab recommended. what side effects?")
    lines = cited(run([Ranked()], plan, src))
    assert any("cytokine release" in t for t in lines[:2]), lines
    assert not any("T-ALL" in t or "management of specific toxicities" in t.lower() for t in lines), lines


def test_a_harms_question_of_several_leads_with_the_safety_note(bot) -> None:
    """rja39 s22: blinatumomab's side effects, then "must I stay in hospital?": the safety note's CRS/ICANS line (not
    only trial rates), and no line of another drug."""
    answer = bot.ask("ブリナツモマブという点滴の薬で治療することになりました。どんな副作用が出やすいですか？"
                     "ずっと点滴をつないだまま入院しないといけないのでしょうか。")
    bullets = [line for line in answer.answer.splitlines() if line.startswith("- ")][:3]
    assert any("ICANS" in b for b in bullets) and "ポナチニブ" not in answer.answer, answer.answer
    assert not any("エビデンス" in b for b in bullets[:1]), answer.answer  # (a safety note's line before a trial's)
    # (and the stay asked about: the label's days in hospital, not "not addressed")
    assert any("入院" in b for b in bullets) and "入院期間について" not in answer.answer, answer.answer


def test_a_document_on_the_other_ph_group_gives_no_lines(make_plan) -> None:
    """rja57 q31: a Ph-negative CR2 question asking for the evidence got a Ph-positive imatinib registry's caveats
    ("registry evidence, not randomised") as its evidence lines."""
    plan, src = make_plan("42-year-old with Ph-negative ALL now in CR2. Is allo-HSCT indicated, and what is the "
                          "evidence?")
    lines = cited(run([Ranked()], plan, src))
    assert lines and not any("registry" in t and "JSHCT guideline" not in t for t in lines), lines
