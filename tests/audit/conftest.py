"""Fixtures of the audit tests: an instructor of the academy and a network coordinator."""
from __future__ import annotations

import pytest


@pytest.fixture
def instructor(create_user, academy):
    return create_user(academy=academy, roles=["instructor"])


@pytest.fixture
def coordinator(create_user):
    return create_user(network_roles=["coordinator"])
