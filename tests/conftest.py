"""Shared fixtures for the rule and property tests."""
from __future__ import annotations

import pytest

from assess.scoring.compiler import DurableDecider, PythonDecider


@pytest.fixture(params=["python", "durable_rules"])
def decider(request):
    """Every decisive scoring test runs once with each decider."""
    return PythonDecider() if request.param == "python" else DurableDecider()


# `pytest --hypothesis-profile=noshrink` reports the first failing example without shrinking it
# (some failing examples here are large records that shrink slowly).
from hypothesis import Phase, settings  # noqa: E402

settings.register_profile("noshrink", phases=[Phase.explicit, Phase.reuse, Phase.generate])
