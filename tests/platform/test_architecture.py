"""The domains stay layered (pyproject.toml's import contract): a domain never imports a domain
above it, and none imports the app; and no test module imports another."""
from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _lint_imports(tree: Path) -> subprocess.CompletedProcess:
    """Run import-linter on the `academy` package found in `tree`, with the project's contract."""
    script = ("import sys; from importlinter.cli import lint_imports_command; "
              "sys.exit(lint_imports_command(['--config', 'pyproject.toml', '--no-cache']))")
    return subprocess.run([sys.executable, "-c", script], cwd=tree, capture_output=True,
                          text=True, env={"PYTHONPATH": str(tree), "PATH": "/usr/bin:/bin"})


def test_the_domains_keep_their_layers():
    result = _lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 kept, 0 broken" in result.stdout


def test_a_new_import_cycle_breaks_the_contract(tmp_path):
    """Courses importing quizzes (the loop that once tied five domains together) is caught."""
    shutil.copytree(ROOT / "academy", tmp_path / "academy",
                    ignore=shutil.ignore_patterns("__pycache__", "static", "templates"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    queries = tmp_path / "academy" / "curricula" / "queries.py"
    queries.write_text(queries.read_text() + "\nfrom academy.quizzes import models as _models\n")

    result = _lint_imports(tmp_path)

    assert result.returncode != 0
    assert "BROKEN" in result.stdout
    assert "academy.curricula.queries -> academy.quizzes.models" in result.stdout


def _academy_imports(module: Path) -> set[str]:
    """The `academy.*` modules a file imports (`from academy import x` counts as academy.x)."""
    found = set()
    for node in ast.walk(ast.parse(module.read_text())):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module == "academy":
            found |= {f"academy.{alias.name}" for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
    return {name for name in found if name.startswith("academy.")}


def test_the_shared_template_helpers_and_menu_import_no_domain():
    """Each domain gives its own template helpers and menu links (its templating.py and
    navigation.py); the hubs that every template and page use know none of them."""
    domains = {path.name for path in (ROOT / "academy").iterdir()
               if (path / "__init__.py").exists()}
    for hub in ("templating.py", "navigation.py"):
        imported = {name.split(".")[1] for name in _academy_imports(ROOT / "academy" / hub)}
        assert not imported & domains, f"academy/{hub} imports {sorted(imported & domains)}"


# Modules of operations, queries and policies: the names every domain uses, and the modules the
# big operation modules were split into (issue 20).
SPLIT_OPERATIONS = ["certificates/configuring.py", "certificates/contents.py",
                    "certificates/issuing.py", "certificates/replacing.py",
                    "certificates/revoking.py", "quizzes/answering.py", "quizzes/closing.py",
                    "quizzes/configuring.py", "quizzes/marking.py", "quizzes/starting.py"]
REQUEST_NAMES = {"request", "g", "session", "has_request_context"}


def _below_the_views() -> list[Path]:
    academy = ROOT / "academy"
    found = [path for name in ("operations.py", "queries.py", "policy.py")
             for path in academy.rglob(name)]
    return sorted(found + [academy / name for name in SPLIT_OPERATIONS])


def _request_imports(path: Path) -> list[str]:
    """The request's names a module takes from Flask (`from flask import request`, `flask.g`)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.ImportFrom) and node.module == "flask":
            found += [alias.name for alias in node.names if alias.name in REQUEST_NAMES]
        elif (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
              and node.value.id == "flask" and node.attr in REQUEST_NAMES):
            found.append(f"flask.{node.attr}")
    return found


def test_operations_queries_and_policies_do_not_read_the_request():
    """They run the same from the CLI, a job or a test: the views (or academy/request_edge.py)
    hand them what a request says."""
    modules = _below_the_views()
    assert len(modules) > 30 and all(path.exists() for path in modules)
    readers = {str(path.relative_to(ROOT)): names for path in modules
               if (names := _request_imports(path))}
    assert readers == {}


def _test_modules_imported(source: str) -> list[str]:
    """The test modules (`test_*`) that Python source imports, anywhere in its code."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            module = "." * node.level + (node.module or "")
            names = [module] + [f"{module}.{alias.name}" for alias in node.names]
        else:
            continue
        found += [name for name in names if name.startswith(("tests.", "."))
                  and any(part.startswith("test_") for part in name.split("."))]
    return found


def test_no_test_module_imports_another():
    """What tests share lives in tests/factories/ (builders) and conftest.py files (fixtures): a
    test module is only ever run, so moving or renaming one breaks no other."""
    assert _test_modules_imported("from tests.quizzes.test_quizzes import start") != []
    imports = {str(path.relative_to(ROOT)): found
               for path in sorted((ROOT / "tests").rglob("*.py"))
               if (found := _test_modules_imported(path.read_text(encoding="utf-8")))}
    assert imports == {}
