"""The project keeps its promises about how it is run and tested."""
from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text()
    ci = (ROOT / ".ci" / "run").read_text()
    # CI runs the command in its two halves: the install once, then the suite on each database.
    install = re.search(r'^INSTALL="(.+)"$', ci, re.M).group(1)
    test = re.search(r'^TEST="(.+)"$', ci, re.M).group(1)
    assert f"```sh\n{install} && {test}\n```" in readme
    assert 'bash -c "$INSTALL"' in ci
    # On SQLite the suite runs as two halves side by side, split by the browser marker: together
    # they are the README's command, as long as only tests/browser/ marks tests `browser`.
    assert """bash -c "$TEST -m 'not browser'\"""" in ci
    assert 'bash -c "$TEST -m browser tests/browser"' in ci
    marking = [path for path in (ROOT / "tests").rglob("*.py")
               if "mark.browser" in path.read_text() and path.parent.name != "browser"
               and path != Path(__file__)]
    assert marking == []


def test_no_secret_is_committed():
    assert not (ROOT / "instance").exists() or "instance/" in (ROOT / ".gitignore").read_text()
    for path in (ROOT / "academy").rglob("*.py"):
        assert "SECRET_KEY = \"" not in path.read_text(), path


def test_code_keeps_the_house_lint_rules():
    """pyproject's [tool.ruff]: pycodestyle, pyflakes, import order, bugbear, pyupgrade, simplify,
    gettext use and a complexity limit, at 100 columns, over the whole repository."""
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-m", "ruff", "check", "--quiet", "."],
                            cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_server_process_starts_without_the_heavy_libraries(tmp_path):
    """WeasyPrint, pikepdf, Pillow, lxml, segno, openpyxl and PyLD load when a PDF, a merged
    PDF, an upload, an import, an .xlsx export or a credential's proof first needs them, not
    when a server process starts: a process that serves pages holds about 35 MiB less and starts
    in half the time (issue 14). (pypdf is not here: only the tests and bench use it.)"""
    import subprocess
    import sys

    heavy = ("weasyprint", "pikepdf", "PIL", "lxml", "segno", "openpyxl", "pyld")
    script = ("import sys; from academy.app import create_app; create_app(); "
              f"print(' '.join(sorted(m for m in {heavy!r} if m in sys.modules)))")
    env = {"ACADEMY_DATABASE_URL": f"sqlite:///{tmp_path / 'c.sqlite3'}", "PATH": "/usr/bin:/bin"}
    found = subprocess.run([sys.executable, "-c", script], cwd=Path(__file__).parents[2],
                           env=env, capture_output=True, text=True, check=True)
    assert found.stdout.strip() == ""
