"""The layering a reviewer checks: pure modules never import Streamlit, no import cycles, no
private names imported across modules, and no use of Streamlit's internals."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("posture", "schemas")
# The Streamlit layer: the only place allowed to import streamlit.
APP_LAYER = ROOT / "posture" / "app"


def _modules() -> dict[str, Path]:
    """Dotted module name -> file, for every module of the package and the schemas."""
    found = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts = parts[:-1]
            found[".".join(parts)] = path
    return found


MODULES = _modules()


def _imports(path: Path) -> list[tuple[str, list[str]]]:
    """(module, names) for every import statement in ``path``, relative imports resolved."""
    tree = ast.parse(path.read_text("utf-8"))
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(alias.name, []) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            out.append((node.module, [alias.name for alias in node.names]))
    return out


def _internal_targets(module: str, imported: str, names: list[str]) -> set[str]:
    """The project modules an import statement loads."""
    targets = set()
    if imported in MODULES:
        targets.add(imported)
    for name in names:
        if f"{imported}.{name}" in MODULES:
            targets.add(f"{imported}.{name}")
    return targets - {module}


@pytest.mark.parametrize(
    "module",
    [m for m, p in MODULES.items() if APP_LAYER not in p.parents],
)
def test_modules_outside_the_app_layer_do_not_import_streamlit(module):
    """Everything outside posture/app (data, analysis, imports, schemas) is pure Python that
    tests and the command line use without a Streamlit runtime."""
    imported = {name.split(".")[0] for name, _ in _imports(MODULES[module])}
    assert "streamlit" not in imported


def test_no_import_cycles():
    """Modules import each other in one direction only (a cycle would make the layers lie)."""
    graph = {
        module: set().union(*[_internal_targets(module, m, n) for m, n in _imports(path)])
        for module, path in MODULES.items()
    }
    # A package's __init__ may import its own modules; the cycle check is between modules.
    for module, targets in graph.items():
        graph[module] = {t for t in targets if not module.startswith(t + ".")}
    state: dict[str, int] = {}

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        for target in graph[node]:
            if state.get(target) == 1:
                cycle = trail[trail.index(target) :] + [target]
                raise AssertionError("import cycle: " + " -> ".join(cycle))
            if target not in state:
                visit(target, [*trail, target])
        state[node] = 2

    for module in graph:
        if module not in state:
            visit(module, [module])


def test_no_private_names_are_imported_across_modules():
    """A module only uses another's public names (a leading underscore means 'mine')."""
    offenders = []
    for module, path in MODULES.items():
        for imported, names in _imports(path):
            if imported.split(".")[0] not in PACKAGES:
                continue
            private = [n for n in names if n.startswith("_") and n != "__future__"]
            private += [p for p in imported.split(".") if p.startswith("_") and p != "__init__"]
            # schemas' own helper modules (_common, _table) are the contract's shared parts.
            if imported.startswith("schemas._") and module.startswith("schemas"):
                continue
            if private:
                offenders.append(f"{module}: from {imported} import {', '.join(names)}")
    assert not offenders, offenders


def test_no_streamlit_internals_are_used():
    """Only Streamlit's public API (``streamlit`` and ``streamlit.testing``) is imported, so an
    upgrade cannot silently break a patch of its internals."""
    public = {"streamlit", "streamlit.testing.v1", "streamlit.column_config"}
    offenders = []
    for path in [*MODULES.values(), ROOT / "dashboard.py", *(ROOT / "pages").glob("*.py")]:
        for imported, _ in _imports(path):
            if imported.startswith("streamlit") and imported not in public:
                offenders.append(f"{path.relative_to(ROOT)}: {imported}")
    assert not offenders, offenders
