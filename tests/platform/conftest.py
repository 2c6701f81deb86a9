"""Fixtures of the cross-cutting tests."""
from __future__ import annotations

import pytest

from tests.factories.world import build_world


@pytest.fixture
def world(app_ctx, create_academy, create_user):
    """The world below, in the test's own transaction: (a person of each role, the ids and
    names of the objects the routes take). For modules that read it in a few tests."""
    return build_world(create_academy, create_user)
