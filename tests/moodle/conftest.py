"""Fixtures of the Moodle backup tests: the CLI runner and an instructor of the test academy."""
from __future__ import annotations

import pytest


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def instructor(create_user, academy):
    return create_user(academy=academy, roles=["instructor"], username="ana.instructora")
