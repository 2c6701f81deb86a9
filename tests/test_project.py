"""The project keeps its promises about how it is run and tested."""
from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text()
    ci = (ROOT / ".ci" / "run").read_text()
    command = re.search(r'^TEST_COMMAND="(.+)"$', ci, re.M).group(1)
    assert f"```sh\n{command}\n```" in readme


def test_no_secret_is_committed():
    assert not (ROOT / "instance").exists() or "instance/" in (ROOT / ".gitignore").read_text()
    for path in (ROOT / "academy").rglob("*.py"):
        assert "SECRET_KEY = \"" not in path.read_text(), path


def test_code_has_no_undefined_names_or_unused_imports():
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-m", "ruff", "check", "--select", "F,E9", "--quiet",
                             "academy", "tests", "bench", "migrations"],
                            cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
