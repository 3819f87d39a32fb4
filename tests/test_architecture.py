"""The core (rules, survey, engine, units, synth, reports) never imports Django."""

import ast
from pathlib import Path

CORE = ("rules", "survey", "engine", "units", "synth", "reports")
PACKAGE = Path(__file__).parent.parent / "phocap"


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_core_does_not_import_django() -> None:
    offenders = [
        str(path.relative_to(PACKAGE))
        for name in CORE
        for path in (PACKAGE / name).rglob("*.py")
        if any(m == "django" or m.startswith("django.") for m in imported_modules(path))
    ]
    assert offenders == []


def test_the_number_formatter_imports_nothing_of_the_project_or_django() -> None:
    """phocap/numbers.py sits below every layer (docs/numbers.md): pages, forms, PDF and
    charts all use it, so it may import neither Django nor any other phocap module."""
    imported = imported_modules(PACKAGE / "numbers.py")
    assert not {m for m in imported if m.split(".")[0] in ("django", "phocap")}


def test_the_core_packages_exist() -> None:
    # Guard against the test above passing because it looks in the wrong place.
    assert (PACKAGE / "survey" / "validate.py").exists()
    assert (PACKAGE / "units" / "registry.py").exists()
