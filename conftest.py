"""Root pytest configuration: doctests of the package run with the test suite.

Docstring examples fit models on the embedded panel, whose missing values are
dropped with a DroppedDataWarning; the test suite turns migecon warnings into
errors, so doctests (which document usage, not warnings) ignore that one class.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator

import matplotlib
import pytest

matplotlib.use("Agg")


@pytest.fixture(autouse=True)
def _doctest_quiet_drops(request: pytest.FixtureRequest) -> Iterator[None]:
    if isinstance(request.node, pytest.DoctestItem):
        from migecon.errors import DroppedDataWarning

        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DroppedDataWarning)
            yield
    else:
        yield
