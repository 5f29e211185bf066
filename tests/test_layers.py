"""The house runs one way: scenarios -> {forecasting, sim, optimizer} -> planning -> app.

Every module of the project is parsed (imports inside functions included); an import of a project package is
allowed only downward, and the three libraries never import each other."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("scenarios", "forecasting", "sim", "optimizer", "planning", "app")
# What each package may import from the project, besides itself.
ALLOWED = {
    "scenarios": set(),
    "forecasting": {"scenarios"},
    "sim": {"scenarios"},
    "optimizer": {"scenarios"},
    "planning": {"scenarios", "forecasting", "sim", "optimizer"},
    "app": {"scenarios", "forecasting", "sim", "optimizer", "planning"},
}


def project_imports(path: Path, package: str) -> list[tuple[int, str]]:
    """(line, top-level project package) of every import in the module, relative imports resolved."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                names = [package]            # a relative import stays inside the module's own package
            else:
                names = [node.module or ""]
        else:
            continue
        for name in names:
            top = name.split(".")[0]
            if top in PACKAGES:
                found.append((node.lineno, top))
    return found


def modules():
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            yield package, path


def test_every_package_is_checked():
    assert {p for p, _ in modules()} == set(PACKAGES)


@pytest.mark.parametrize("package", PACKAGES)
def test_imports_run_one_way(package):
    wrong = [f"{path.relative_to(ROOT)}:{line} imports {top}"
             for pkg, path in modules() if pkg == package
             for line, top in project_imports(path, package) if top != package and top not in ALLOWED[package]]
    assert not wrong, "imports against the direction scenarios -> libraries -> planning -> app:\n" + "\n".join(wrong)


def test_the_checker_sees_an_upward_import_inside_a_function(tmp_path):
    module = tmp_path / "m.py"
    module.write_text("def f():\n    from planning import schedule\n    import sim.model\n")
    assert project_imports(module, "optimizer") == [(2, "planning"), (3, "sim")]


def test_no_simpy_internals_and_no_model_proto():
    """SimPy only through its public API; no CP-SAT Proto() (deprecated in OR-Tools 9.15), and no CP-SAT
    `repair_hint`: in OR-Tools 9.15 a time limit falling while it repairs a hint aborts the whole process
    (`Check failed: heuristics.fixed_search != nullptr`); optimizer.solver.run_from_partial_hint does the job."""
    bad = []
    for _, path in modules():
        text = path.read_text(encoding="utf-8")
        for token in ("._queue", "._eid", "._now", "._ok", "._value", ".Proto()", "simpy.core",
                      "repair_hint ="):
            if token in text:
                bad.append(f"{path.relative_to(ROOT)}: {token}")
    assert not bad, bad
