"""The house runs one way: scenarios -> {forecasting, sim, optimizer} -> planning -> app.

Every module of the project is parsed (imports inside functions included); an import of a project package is
allowed only downward, and the three libraries never import each other. From outside a library (planning, app,
benchmarks, scripts, the other libraries) it is used only through its package's public names, never an inner
module; and no module reads another module's private (`_name`) members."""

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


def imported_modules(path: Path, package: str) -> list[tuple[int, str]]:
    """(line, dotted module) of every import in the module; a relative import is named by the module's own
    package (it stays inside it)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            found.append((node.lineno, package if node.level else node.module or ""))
    return found


def project_imports(path: Path, package: str) -> list[tuple[int, str]]:
    """(line, top-level project package) of every import in the module, relative imports resolved."""
    return [(line, name.split(".")[0]) for line, name in imported_modules(path, package)
            if name.split(".")[0] in PACKAGES]


# Used from outside only through the names their __init__ lists.
LIBRARIES = ("sim", "optimizer", "forecasting")
# Scripts that use the project as a user's code would.
CLIENTS = ("benchmarks", "scripts")


def modules():
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            yield package, path


def client_modules():
    yield from modules()
    for folder in CLIENTS:
        for path in sorted((ROOT / folder).rglob("*.py")):
            yield folder, path


def inner_library_imports(path: Path, package: str) -> list[tuple[int, str]]:
    """(line, dotted module) of every import of a library's inner module (`sim.model`, `from optimizer.roster
    import ...`) from a module outside that library."""
    return [(line, name) for line, name in imported_modules(path, package)
            if name.split(".")[0] in LIBRARIES and name.split(".")[0] != package and "." in name]


def _defined_private_names(tree: ast.AST) -> set[str]:
    """Private names a module defines itself: functions, classes, assignments and attributes it sets."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
        elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
            names.add(node.attr)
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
        elif isinstance(node, ast.arg):
            names.add(node.arg)
    return {n for n in names if _private(n)}


def _private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def foreign_private_access(path: Path) -> list[tuple[int, str]]:
    """(line, name) of every private member of another module that this module imports or reads
    (`from x import _helper`, `engine._queue` where `_queue` is not a name this module defines)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    own = _defined_private_names(tree)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            found += [(node.lineno, alias.name) for alias in node.names if _private(alias.name)]
        elif isinstance(node, ast.Attribute) and _private(node.attr) and node.attr not in own:
            found.append((node.lineno, node.attr))
    return found


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


@pytest.mark.parametrize("package", PACKAGES + CLIENTS)
def test_libraries_are_used_through_their_package(package):
    wrong = [f"{path.relative_to(ROOT)}:{line} imports {name}"
             for pkg, path in client_modules() if pkg == package
             for line, name in inner_library_imports(path, package)]
    assert not wrong, ("import the library's public names from its package (`from sim import simulate`), "
                       "not its inner modules:\n" + "\n".join(wrong))


@pytest.mark.parametrize("package", PACKAGES + CLIENTS)
def test_no_module_reads_another_modules_private_members(package):
    wrong = [f"{path.relative_to(ROOT)}:{line} uses {name}"
             for pkg, path in client_modules() if pkg == package
             for line, name in foreign_private_access(path)]
    assert not wrong, "private members of another module (make them public or move the code):\n" + "\n".join(wrong)


def test_the_checkers_see_inner_imports_and_foreign_privates(tmp_path):
    module = tmp_path / "m.py"
    module.write_text("import sim\nfrom sim import simulate\nfrom sim.model import Engine\n"
                      "def f():\n    import optimizer.roster\n    from .x import _helper\n"
                      "class A:\n    def __init__(self):\n        self._mine = 1\n"
                      "    def g(self, other, engine):\n        return other._mine + engine._queue\n")
    assert inner_library_imports(module, "planning") == [(3, "sim.model"), (5, "optimizer.roster")]
    assert inner_library_imports(module, "sim") == [(5, "optimizer.roster")]
    assert foreign_private_access(module) == [(6, "_helper"), (11, "_queue")]


MAX_POSITIONAL = 5


def many_positional(path: Path) -> list[tuple[int, str, int]]:
    """(line, name, count) of every public function taking more than MAX_POSITIONAL positional parameters (self
    and cls not counted): more than that and a call site reads as a row of unnamed values."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and not node.name.startswith("_"):
            names = [a.arg for a in node.args.posonlyargs + node.args.args if a.arg not in ("self", "cls")]
            if len(names) > MAX_POSITIONAL:
                found.append((node.lineno, node.name, len(names)))
    return found


@pytest.mark.parametrize("package", PACKAGES)
def test_public_functions_take_a_handful_of_positional_parameters(package):
    # The CLI's typer commands are called by typer with keywords only; their parameters are the options.
    wrong = [f"{path.relative_to(ROOT)}:{line} {name} takes {count} positional parameters"
             for pkg, path in modules() if pkg == package and path.parent.name != "commands"
             for line, name, count in many_positional(path)]
    assert not wrong, (f"more than {MAX_POSITIONAL} positional parameters (make the rest keyword-only or pass a "
                       "dataclass):\n" + "\n".join(wrong))
