"""The examples in the docstrings are run, so they stay true."""
from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import assistant
import evals
import ingest


def _modules() -> list[str]:
    names = []
    for pkg in (assistant, ingest, evals):
        for info in pkgutil.walk_packages(pkg.__path__, prefix=pkg.__name__ + "."):
            names.append(info.name)
    return sorted(names)


@pytest.mark.parametrize("name", _modules())
def test_docstring_examples_hold(name: str) -> None:
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0, f"{result.failed} of {result.attempted} docstring examples failed in {name}"
