"""Errors raised by `ingest`. The assistant layer maps them to its own tree at the boundary.

`ingest` never imports `assistant`; the mapping is:

- `IngestInputError`, `IngestLockedError` -> `CorpusError`
- `IndexMissingError` (incl. `IndexConfigMismatchError`) -> `IndexNotBuiltError`
- `IndexUnavailableError` -> `RetrievalError`

Example:
    >>> str(IngestInputError("corpus/a.md", "missing front-matter field 'tier'"))
    "corpus/a.md: missing front-matter field 'tier'"
"""

from __future__ import annotations

from pathlib import Path

REBUILD_HINT = "run `allguide ingest` to (re)build it"


class IngestError(Exception):
    """Root of every error `ingest` raises on purpose."""


class IngestInputError(IngestError):
    """An input document is unusable. The message is "path: problem"."""

    def __init__(self, path: str | Path, problem: str) -> None:
        self.path = str(path)
        self.problem = problem
        super().__init__(f"{self.path}: {problem}")


class IngestLockedError(IngestError):
    """Another ingest holds the store lock."""

    def __init__(self, lock_path: str | Path) -> None:
        self.lock_path = str(lock_path)
        super().__init__(
            f"another ingest is running (lock {self.lock_path}); "
            "wait for it or remove the lock if no ingest is running"
        )


class IndexMissingError(IngestError):
    """No live index exists for this store."""


class IndexConfigMismatchError(IndexMissingError):
    """The live index was built with a different embedding model than the one configured."""


class IndexUnavailableError(IngestError):
    """The live index exists but cannot be read (corrupted store, server down)."""


class IngestWriteError(IngestError):
    """Writing the new build failed (disk full, store error); the previous index is still live."""
