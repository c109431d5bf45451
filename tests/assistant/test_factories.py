"""factories: the retriever on the live build and the warm-up a serving process runs once."""

from __future__ import annotations

from assistant.factories import WARM_UP_QUESTIONS, warm_up


def test_warm_up_reads_a_small_index_whole_and_asks_without_an_llm(bot, live_settings) -> None:
    from assistant.core import Assistant

    fresh = Assistant.from_settings(live_settings, embeddings=bot.index.embedder)
    calls: list[str] = []
    fresh.llm = type("NoLLM", (), {"invoke": lambda self, *a, **k: calls.append("llm")})()  # must not be called
    assert fresh.retriever.cache_info()["cached"] == 0
    assert warm_up(fresh) == len(WARM_UP_QUESTIONS) and not calls
    info = fresh.retriever.cache_info()
    assert info["cached"] == info["chunks"] == bot.index.count()
    fresh.llm = None
    assert fresh.ask("Ph-negative 30 year old, MRD positive after consolidation?").citations
    assert fresh.retriever.cache_info()["cached"] == info["chunks"]
