"""The core (rules, survey, engine, units, synth, reports) never imports Django."""

import ast
import io
import tokenize
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


# The Django apps, bottom to top: an app imports only apps of a lower layer, never
# one beside it or above it (DEVELOPERS.md; phocap/hooks.py is how a lower app asks a
# higher one). Function-local imports count: hiding an import in a function hides
# the cycle from Python, not from the design.
LAYERS: tuple[frozenset[str], ...] = (
    frozenset({"accounts"}),
    frozenset({"register"}),
    frozenset({"recognition", "schools"}),
    frozenset({"attendance", "streaming", "dashboard"}),
    frozenset({"demo"}),
)
LAYER_OF = {app: depth for depth, apps in enumerate(LAYERS) for app in apps}
# Modules below every app, shared by them: they import no app.
SHARED = ("numbers.py", "textfields.py", "ratefield.py", "hooks.py")


def imports_in(source: str, package: tuple[str, ...]) -> set[str]:
    """The phocap apps a module of ``package`` imports, at module level or inside a
    function; relative imports are resolved against ``package``."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        modules: list[str] = []
        if isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = ".".join(package[:len(package) - node.level + 1]) if node.level else ""
            module = ".".join(p for p in (base, node.module or "") if p)
            modules = [module] + [f"{module}.{alias.name}" for alias in node.names]
        for module in modules:
            parts = module.split(".")
            if len(parts) > 1 and parts[0] == "phocap" and parts[1] in LAYER_OF:
                found.add(parts[1])
    return found


def app_imports(path: Path) -> set[str]:
    package = path.relative_to(PACKAGE.parent).with_suffix("").parts[:-1]
    return imports_in(path.read_text(encoding="utf-8"), package)


def app_modules(app: str) -> list[Path]:
    # Migrations are history: a data migration may use what the code offered then.
    return [p for p in (PACKAGE / app).rglob("*.py") if "migrations" not in p.parts]


def app_graph() -> dict[str, dict[str, list[str]]]:
    """For each app, the apps it imports and, for each, the modules that do."""
    graph: dict[str, dict[str, list[str]]] = {app: {} for app in LAYER_OF}
    for app in LAYER_OF:
        for path in app_modules(app):
            for other in app_imports(path) - {app}:
                graph[app].setdefault(other, []).append(str(path.relative_to(PACKAGE)))
    return graph


def test_every_app_is_in_a_layer() -> None:
    apps = {p.parent.name for p in PACKAGE.glob("*/apps.py")}
    assert apps == set(LAYER_OF)


def test_apps_import_only_lower_layers() -> None:
    offenders = sorted(
        f"{module}: {app} (layer {LAYER_OF[app]}) imports {other} (layer {LAYER_OF[other]})"
        for app, imported in app_graph().items() for other, modules in imported.items()
        if LAYER_OF[other] >= LAYER_OF[app] for module in modules)
    assert offenders == []


def test_the_apps_import_each_other_without_a_cycle() -> None:
    graph = {app: set(imported) for app, imported in app_graph().items()}
    done: set[str] = set()

    def cycle_from(app: str, path: tuple[str, ...]) -> tuple[str, ...] | None:
        if app in path:
            return (*path[path.index(app):], app)
        if app in done:
            return None
        for other in sorted(graph[app]):
            if found := cycle_from(other, (*path, app)):
                return found
        done.add(app)
        return None

    assert [c for app in sorted(graph) if (c := cycle_from(app, ()))] == []


def test_the_shared_modules_import_no_app() -> None:
    assert {name: sorted(app_imports(PACKAGE / name)) for name in SHARED
            if app_imports(PACKAGE / name)} == {}


def test_the_layer_check_sees_imports_inside_functions_and_relative_ones() -> None:
    # Guard against the layer tests passing because the import finder misses some.
    assert "accounts" in app_imports(PACKAGE / "register" / "scope.py")  # inside functions
    source = ("def f():\n    from phocap.schools import scope\n"
              "from .. import dashboard\nfrom phocap import streaming\nimport phocap.demo\n")
    assert imports_in(source, ("phocap", "register")) == {
        "schools", "dashboard", "streaming", "demo"}


WRITING = ("create", "bulk_create", "get_or_create", "update_or_create")


def writes_audit_entry(call: ast.Call) -> bool:
    """AuditEntry(...) or AuditEntry.objects.<a method that writes>(...)."""
    func = call.func
    if isinstance(func, ast.Name):
        return func.id == "AuditEntry"
    return (isinstance(func, ast.Attribute) and func.attr in WRITING
            and isinstance(func.value, ast.Attribute) and func.value.attr == "objects"
            and isinstance(func.value.value, ast.Name) and func.value.value.id == "AuditEntry")


def audit_entry_writes(source: str) -> list[int]:
    """The lines of ``source`` that write an AuditEntry themselves."""
    return [node.lineno for node in ast.walk(ast.parse(source))
            if isinstance(node, ast.Call) and writes_audit_entry(node)]


def test_only_the_audit_module_writes_audit_entries() -> None:
    """register/audit.py writes every AuditEntry and raises the commune's revision with it;
    a module writing one itself would skip the revision, and cached results go stale."""
    offenders = sorted(
        f"{path.relative_to(PACKAGE)}:{line}"
        for path in PACKAGE.rglob("*.py")
        if "migrations" not in path.parts and path != PACKAGE / "register" / "audit.py"
        for line in audit_entry_writes(path.read_text(encoding="utf-8")))
    assert offenders == []
    assert audit_entry_writes("AuditEntry.objects.create(model='user')\n") == [1]


# The web side is typed by django-stubs (issue 13): Any is left only where a value is
# dynamic by nature (a form's or a command's forwarded arguments, a JSON blob, a record
# of the survey's many column types). Before the stubs the apps named it 463 times.
WEB_MODULES = ("api.py", "urls.py", "middleware.py", "settings.py", *SHARED)
ANY_CEILING = 87  # a fifth of 463 is 92


def names_any(source: str) -> int:
    """How often ``source`` names Any in its code (a docstring or a comment does not count)."""
    tokens = tokenize.generate_tokens(io.StringIO(source).readline)
    return sum(1 for t in tokens if t.type == tokenize.NAME and t.string == "Any")


def test_the_web_side_rarely_names_any() -> None:
    paths = [*(p for app in LAYER_OF for p in app_modules(app)),
             *(PACKAGE / name for name in WEB_MODULES)]
    assert sum(names_any(p.read_text(encoding="utf-8")) for p in paths) <= ANY_CEILING


def test_the_any_count_reads_code_not_words() -> None:
    source = '"""Any other."""\nfrom typing import Any\nrows: dict[str, Any] = {}  # Any\n'
    assert names_any(source) == 2
