"""What the code base must keep true of itself: the core never imports Django, and each
cross-cutting mechanism (permissions, year picker, downloads, optimistic lock) exists once."""

import ast
import io
import re
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


PERMISSIONS = PACKAGE / "accounts" / "permissions.py"


def python_files() -> list[Path]:
    return [p for p in PACKAGE.rglob("*.py") if "migrations" not in p.parts]


def defined_functions(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [node.name for node in ast.walk(tree)
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))]


def test_every_permission_predicate_lives_in_the_permissions_home() -> None:
    """A may_*/can_* predicate, ``covers`` or ``school_in_scope`` defined a second time
    would decide the same question its own way (issue 13: two school_in_scope refused
    the ministry with 403 and 404); accounts/permissions.py holds the predicates and
    schools/scope.py the one school lookup."""
    homes = {"may_": PERMISSIONS, "can_": PERMISSIONS, "covers": PERMISSIONS,
             "school_in_scope": PACKAGE / "schools" / "scope.py"}
    offenders = [f"{path.relative_to(PACKAGE)}: {name}"
                 for path in python_files()
                 for name in defined_functions(path)
                 for prefix, home in homes.items()
                 if (name.startswith(prefix) if prefix.endswith("_") else name == prefix)
                 and path != home]
    assert offenders == []
    assert "may_edit" in defined_functions(PERMISSIONS)  # looking in the right place


ROLE_NAMES = {"commune_staff", "school_staff", "district_reviewer", "province_reviewer",
              "province_admin", "ministry_viewer", "surveyor"}


def test_roles_are_never_spelled_as_strings() -> None:
    """Roles are Role members (accounts/models.py defines the names once): a string
    "commune" or "province_reviewer" compared with user.role passes silently when
    the role is renamed or mistyped. Templates ask the navigation context's flags."""
    from phocap.accounts.models import Role

    assert set(Role.values) == ROLE_NAMES  # the list below is the real one
    models = PACKAGE / "accounts" / "models.py"
    spelled = [f"{path.relative_to(PACKAGE)}:{node.lineno}: {node.value}"
               for path in python_files() if path != models
               for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
               if isinstance(node, ast.Constant) and node.value in ROLE_NAMES]
    compared = [f"{path.relative_to(PACKAGE)}: {line.strip()[:80]}"
                for path in PACKAGE.rglob("*.html")
                for line in path.read_text(encoding="utf-8").splitlines()
                if re.search(r"\.role\s*(==|!=|in)\s*['\"]", line)]
    assert spelled == [] and compared == []


def reads_query_year(path: Path) -> bool:
    """Whether the module reads "year" from a request's query (GET.get("year"), GET["year"])."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            owner, args = node.func.value, node.args
        elif isinstance(node, ast.Subscript):
            owner, args = node.value, [node.slice]
        else:
            continue
        if (isinstance(owner, ast.Attribute) and owner.attr == "GET"
                and any(isinstance(a, ast.Constant) and a.value == "year" for a in args)):
            return True
    return False


def test_one_year_picker() -> None:
    """Three pickers treated ?year=abc three ways (issue 13); kit/years.py is the one."""
    home = PACKAGE / "kit" / "years.py"
    assert reads_query_year(home)  # the check sees the picker it protects
    assert [str(p.relative_to(PACKAGE)) for p in python_files()
            if p != home and reads_query_year(p)] == []


def test_one_optimistic_lock() -> None:
    """One StaleEdit (register/locking.py), raised and caught everywhere."""
    found = [f"{path.relative_to(PACKAGE)}: {node.name}" for path in python_files()
             for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
             if isinstance(node, ast.ClassDef) and node.name == "StaleEdit"]
    assert found == ["register/locking.py: StaleEdit"]


def test_every_versioned_model_uses_the_one_lock() -> None:
    """A model with a ``version`` field inherits VersionedModel, whose conditional UPDATE
    is the only "save if nobody changed it" check (register/locking.py)."""
    from django.apps import apps

    from phocap.register.locking import VersionedModel

    versioned = [m for m in apps.get_models()
                 if any(f.name == "version" for f in m._meta.get_fields())]
    assert [m.__name__ for m in versioned if not issubclass(m, VersionedModel)] == []
    assert {"Person", "Household", "School", "PupilDestination"} <= {
        m.__name__ for m in versioned}
    hand_written = [str(path.relative_to(PACKAGE)) for path in python_files()
                    if path.name != "locking.py"
                    and 'F("version")' in path.read_text(encoding="utf-8")]
    assert hand_written == []


def test_one_download_helper() -> None:
    """Files leave through register/downloads.py, which encodes the name (RFC 6266/5987),
    neutralises CSV cells and logs a download of people; a hand-built response would
    skip one of the three."""
    home = PACKAGE / "register" / "downloads.py"
    assert "Content-Disposition" in home.read_text(encoding="utf-8")
    assert [str(p.relative_to(PACKAGE)) for p in python_files() if p != home
            and any(s in p.read_text(encoding="utf-8")
                    for s in ("Content-Disposition", "text/csv"))] == []


APPS = ("accounts", "register", "recognition", "schools", "attendance", "streaming",
        "dashboard", "rounds")


def test_the_kit_and_the_permissions_import_no_higher_app() -> None:
    """The kit serves every app, so it imports none; the permissions' home is in the
    lowest app, so it imports no other (not even inside a function)."""
    kit = {str(p.relative_to(PACKAGE)): sorted(m for m in imported_modules(p)
                                               if m.split(".")[:2][-1] in APPS)
           for p in (PACKAGE / "kit").glob("*.py")}
    assert kit and all(found == [] for found in kit.values()), kit
    assert sorted(m for m in imported_modules(PERMISSIONS)
                  if m.startswith("phocap.") and not m.startswith("phocap.accounts")) == []


# The Django apps, bottom to top: an app imports only apps of a lower layer, never
# one beside it or above it (DEVELOPERS.md; phocap/hooks.py is how a lower app asks a
# higher one). Function-local imports count: hiding an import in a function hides
# the cycle from Python, not from the design.
LAYERS: tuple[frozenset[str], ...] = (
    frozenset({"accounts"}),
    frozenset({"register"}),
    frozenset({"recognition", "schools", "rounds"}),
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


def test_numbers_are_formatted_only_by_the_number_module() -> None:
    """A figure an officer reads has one spelling ("1.000.000", "12,3"): no format spec
    grouping thousands the English way, no ".replace(',', '.')" patch of a formatted one (reading
    a typed "50,5" is parsing, not this), and no
    ``floatformat``/``intcomma`` in a template. SVG coordinates (charts._n) are not read
    by anyone and keep their dot."""
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        if path.name == "numbers.py" or "migrations" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.FormattedValue) and node.format_spec is not None:
                spec = "".join(v.value for v in ast.walk(node.format_spec)
                               if isinstance(v, ast.Constant) and isinstance(v.value, str))
                if "," in spec or (spec.endswith("f") and path.name != "charts.py"):
                    offenders.append(f"{path.relative_to(PACKAGE)}:{node.lineno} {spec}")
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr == "replace" and len(node.args) == 2
                    and isinstance(node.func.value, ast.JoinedStr | ast.BinOp)
                    and [getattr(a, "value", None) for a in node.args] == [",", "."]):
                offenders.append(f"{path.relative_to(PACKAGE)}:{node.lineno} replace")
    for path in PACKAGE.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        offenders += [f"{path.relative_to(PACKAGE)} {f}" for f in ("floatformat", "intcomma")
                      if f in text]
    assert offenders == []


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
             *(PACKAGE / name for name in WEB_MODULES), *(PACKAGE / "kit").glob("*.py")]
    assert sum(names_any(p.read_text(encoding="utf-8")) for p in paths) <= ANY_CEILING


def test_the_any_count_reads_code_not_words() -> None:
    source = '"""Any other."""\nfrom typing import Any\nrows: dict[str, Any] = {}  # Any\n'
    assert names_any(source) == 2


# One upload pipeline (issue 13: three readers of uploaded spreadsheets reported problems three
# ways). A reader raises ProblemsFound (survey/problems.py) with Problem rows naming file,
# sheet, row, column and value; every upload page lists them through one template; every
# upload is saved by register/uploads.py.
PROBLEMS_HOME = PACKAGE / "survey" / "problems.py"
PROBLEMS_PARTIAL = PACKAGE / "templates" / "_problems.html"
UPLOADS_HOME = PACKAGE / "register" / "uploads.py"
READS_FILES = ("request.FILES", "uploads.held", "uploads.store", "load_workbook",
               "readers.read(", "fastexcel", "csv.reader(")
EDIT_REFUSALS = {"register/editing.py: Invalid"}  # a page edit's refusals, field by field
# Modules that see request.FILES but read no upload: @once hashes a submission's files to
# know it again, and never interprets them.
FINGERPRINTS_FILES = {PACKAGE / "kit" / "once.py"}


def class_bases(node: ast.ClassDef) -> set[str]:
    return {b.id if isinstance(b, ast.Name) else b.attr if isinstance(b, ast.Attribute) else ""
            for b in node.bases}


def own_problem_carriers(source: str) -> list[str]:
    """Exception classes in ``source`` that keep problems (``self.problems``, ``self.errors``,
    ``self.messages``) without being a ProblemsFound."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.ClassDef) or {"ProblemsFound", "SurveyFileError",
                                                   "UploadRefused"} & class_bases(node):
            continue
        keeps = any(isinstance(t, ast.Attribute) and isinstance(t.value, ast.Name)
                    and t.value.id == "self" and t.attr in ("problems", "errors", "messages")
                    for n in ast.walk(node) if isinstance(n, ast.Assign | ast.AnnAssign)
                    for t in (n.targets if isinstance(n, ast.Assign) else [n.target]))
        exception = any(b.endswith(("Error", "Exception")) for b in class_bases(node))
        if keeps and exception:
            found.append(node.name)
    return found


def problems_as_strings(source: str) -> list[int]:
    """Lines naming a list of problems whose items are strings (a variable, attribute or
    parameter ``problems: list[str]``): the form every reader had before."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.AnnAssign):
            target = node.target
            name = target.id if isinstance(target, ast.Name) else getattr(target, "attr", "")
            annotation: ast.expr | None = node.annotation
        elif isinstance(node, ast.arg):
            name, annotation = node.arg, node.annotation
        else:
            continue
        if annotation is not None and "problem" in name.lower() and re.search(
                r"(list|Sequence|tuple|Iterable)\[str", ast.unparse(annotation)):
            lines.append(node.lineno)
    return lines


def reads_uploads(path: Path) -> bool:
    text = path.read_text(encoding="utf-8")
    return any(s in text for s in READS_FILES)


def test_upload_readers_report_problems_one_way() -> None:
    """Every reader of an upload and every page receiving one reports Problems through
    ProblemsFound; no exception of an app keeps problems of its own, no upload module holds
    problems as strings, and only templates/_problems.html lists a page's problems."""
    carriers = [f"{p.relative_to(PACKAGE)}: {name}" for p in python_files()
                if p != PROBLEMS_HOME
                for name in own_problem_carriers(p.read_text(encoding="utf-8"))]
    assert [c for c in carriers if c not in EDIT_REFUSALS] == []
    readers = [p for p in python_files() if reads_uploads(p) and p not in FINGERPRINTS_FILES]
    assert {PACKAGE / "attendance" / "importing.py", PACKAGE / "schools" / "classlists.py",
            PACKAGE / "reports" / "ministry.py", PACKAGE / "register" / "views" / "reconcile.py",
            } <= set(readers)  # the check sees the readers it protects
    strings = [f"{p.relative_to(PACKAGE)}:{line}" for p in readers
               for line in problems_as_strings(p.read_text(encoding="utf-8"))]
    assert strings == []
    assert [str(p.relative_to(PACKAGE)) for p in readers
            if "request.FILES" in p.read_text(encoding="utf-8")
            and "ProblemsFound" not in p.read_text(encoding="utf-8")] == []
    loops = [f"{p.relative_to(PACKAGE)}" for p in PACKAGE.rglob("*.html")
             if p != PROBLEMS_PARTIAL and re.search(
                 r"{%\s*for\s+\w+\s+in\s+[\w.]*problems\b", p.read_text(encoding="utf-8"))]
    assert loops == []
    assert "ProblemsFound" in PROBLEMS_HOME.read_text(encoding="utf-8")


def test_every_upload_is_saved_by_the_one_gate() -> None:
    """register/uploads.py writes every uploaded file (``store``, or ``held`` for a file read
    at once) after refusing one above the size limit: a page reading an upload's bytes
    itself would skip the limit and the file's name cleaning."""
    reads = [f"{p.relative_to(PACKAGE)}:{node.lineno}" for p in python_files()
             if p != UPLOADS_HOME and p not in FINGERPRINTS_FILES
             for node in ast.walk(ast.parse(p.read_text(encoding="utf-8")))
             if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
             and (node.func.attr == "chunks"
                  or (node.func.attr == "read" and "upload" in ast.unparse(node.func.value))
                  or (node.func.attr == "read" and "FILES" in ast.unparse(node.func.value)))]
    assert reads == []
    assert ".chunks()" in UPLOADS_HOME.read_text(encoding="utf-8")


def test_the_upload_checks_see_what_they_forbid() -> None:
    old_reader = (
        "class ClassListError(ValueError):\n"
        "    def __init__(self, problems: list[str]) -> None:\n"
        "        self.problems = problems\n"
        "def read(name: str) -> tuple[dict[str, int], list[str]]:\n"
        "    problems: list[str] = []\n"
        "    return {}, problems\n")
    assert own_problem_carriers(old_reader) == ["ClassListError"]
    assert sorted(problems_as_strings(old_reader)) == [2, 5]
    kin = ("class Refused(ProblemsFound):\n"
           "    def __init__(self) -> None:\n        self.problems = []\n")
    assert own_problem_carriers(kin) == []
def test_legal_sources_and_rulesets_read_through_one_module() -> None:
    """A ruleset's citation ("ND20 Art 16") and key ("nd20-2014") read as officers write
    them through rules/words.py (``{% load legal %}`` in templates): no template prints a
    criterion's ``source`` or a ``ruleset`` unfiltered, and no module but words.py parses
    the compact citation (the dossier once had a second copy, "NĐ 20/2014/NĐ-CP")."""
    raw = re.compile(r"\{\{\s*(?:c\.source|[\w.]+\.ruleset)\s*\}\}|"
                     r"ruleset=[\w.]*ruleset(?=\s)(?!\|)")
    offenders = [f"{path.relative_to(PACKAGE)}: {found.group(0)}"
                 for path in PACKAGE.rglob("*.html")
                 for found in raw.finditer(path.read_text(encoding="utf-8"))]
    words = PACKAGE / "rules" / "words.py"
    offenders += [str(path.relative_to(PACKAGE)) for path in PACKAGE.rglob("*.py")
                  if path != words and re.search(r"Art \(|Arts\?", path.read_text(
                      encoding="utf-8"))]
    # Nor a half-translated citation in what is printed ("ND20 Điều 12" in a form's note).
    offenders += [str(path.relative_to(PACKAGE)) for pattern in ("*.py", "*.html")
                  for path in PACKAGE.rglob(pattern)
                  if re.search(r"ND\d+ Điều", path.read_text(encoding="utf-8"))]
    assert offenders == []
    assert raw.search("{{ c.source }}") and raw.search("{{ d.snapshot.ruleset }}")
    assert raw.search("ruleset=d.snapshot.ruleset level=1")
    assert not raw.search("ruleset=d.snapshot.ruleset|ruleset_title level=1")
