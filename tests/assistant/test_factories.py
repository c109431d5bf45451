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


def test_opening_the_store_loads_the_model_alongside(live_settings) -> None:
    """`Assistant.from_settings` opens the store while a second thread loads the ONNX model; both are ready after."""
    from assistant.factories import make_embeddings, open_store_and_model

    emb = make_embeddings(live_settings)
    assert emb._session is None and emb._wide is None  # (nothing loaded yet)
    index = open_store_and_model(live_settings, emb)
    assert index.count() > 0
    assert emb._tokenizer is not None and (emb._wide or emb._session) is not None
    assert index.nearest_ids(emb.embed_query("Ph-positive ALL induction"), 3)


def test_a_model_that_cannot_load_is_reported_not_hidden(live_settings) -> None:
    """A failure in the loading thread reaches the caller (here the ONNX session cannot be built)."""
    import pytest

    from assistant.factories import make_embeddings, open_store_and_model

    emb = make_embeddings(live_settings)

    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("session could not be built")

    emb._open_session = broken  # type: ignore[method-assign]
    with pytest.raises(RuntimeError, match="session could not be built"):
        open_store_and_model(live_settings, emb)


def test_no_index_is_reported_without_loading_the_model(live_settings, tmp_path) -> None:
    """Before the first ingest, opening fails at once and leaves the model unloaded (an API worker retries this)."""
    import pytest

    from assistant.errors import IndexNotBuiltError
    from assistant.factories import make_embeddings, open_store_and_model

    empty = live_settings.model_copy(update={"store": live_settings.store.model_copy(update={"path": tmp_path})})
    emb = make_embeddings(live_settings)
    with pytest.raises(IndexNotBuiltError, match="no index has been built"):
        open_store_and_model(empty, emb)
    assert emb._session is None and emb._wide is None and emb._tokenizer is None
