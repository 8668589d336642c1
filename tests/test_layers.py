"""The layers of the twin import only what sits below them."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = {"twin.money", "twin.calendar", "twin.clock", "twin.pan"}
ALLOWED = {
    "twin.ledger": SHARED | {"twin.ledger"},
    "twin.authorization": SHARED | {"twin.ledger", "twin.authorization"},
}


def imported_modules(package: str) -> dict[str, set[str]]:
    found = {}
    for path in (ROOT / package.replace(".", "/")).rglob("*.py"):
        names = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names.add(node.module)
        found[str(path.relative_to(ROOT))] = names
    return found


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_package_imports_only_lower_layers(package):
    outside = {
        (path, name)
        for path, names in imported_modules(package).items()
        for name in names
        if name.startswith("twin") and ".".join(name.split(".")[:2]) not in ALLOWED[package]
    }
    assert outside == set()


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_package_never_imports_simpy(package):
    users = {path for path, names in imported_modules(package).items() if "simpy" in names}
    assert users == set()
