"""Fixtures of the certificate tests: a network coordinator."""
from __future__ import annotations

import pytest


@pytest.fixture
def coordinator(create_user):
    return create_user(network_roles=["coordinator"], username="laura.coord",
                       display_name="Laura Méndez")
