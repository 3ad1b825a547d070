"""Domain apps depend one way: paypal → payments → invoicing → orders → the foundations → core.

Every import of every module is read with ``ast``, those inside functions too (an import moved
into a function to dodge a cycle is still a cycle). Tests, migrations and entry points
(management commands, the demo data loader) are not part of the layering.
"""

import ast
from pathlib import Path

import comptoir

PACKAGE = Path(comptoir.__file__).parent

# Rank of each domain app: an app may import the apps of a lower rank only. The foundations
# (rank 1) know no order, invoice or payment and may use one another.
RANKS = {
    "core": 0,
    "catalog": 1, "customers": 1, "shipping": 1, "taxes": 1, "merchant": 1, "notifications": 1,
    "security": 1,
    "orders": 2,
    "invoicing": 3,
    "promotions": 3,
    "payments": 4,
    "checkout": 4,
    "paypal": 5,
    "banking": 5,
    "fulfilment": 6,
    "reports": 6,
}
FOUNDATIONS = 1
# The user interfaces, and the operator's tools (health, metrics, housekeeping), sit above every
# domain app and may import any of them.
INTERFACES = {"storefront", "dashboard", "configuration", "operations"}
# Test builders of ``core`` predate the rule (they build orders for every app's tests).
KNOWN_EXCEPTIONS = {"core/testing.py"}


def _is_entry_point(relative: Path) -> bool:
    parts = relative.parts
    return "management" in parts or parts[:2] == ("merchant", "demo")


def _modules():
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE)
        parts = relative.parts
        if len(parts) < 2 or "tests" in parts or "migrations" in parts:
            continue
        if _is_entry_point(relative) or relative.as_posix() in KNOWN_EXCEPTIONS:
            continue
        yield parts[0], relative, path


def _imported_apps(path: Path):
    """(line, app) of every ``comptoir.<app>`` import in the file, wherever it stands."""
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        else:
            continue
        for name in names:
            parts = name.split(".")
            if parts[0] == "comptoir" and len(parts) > 1 and parts[1] in RANKS | dict.fromkeys(INTERFACES):
                yield node.lineno, parts[1]


def upward_imports() -> list[str]:
    problems = set()
    for app, relative, path in _modules():
        if app not in RANKS:
            continue
        for line, other in _imported_apps(path):
            if other == app:
                continue
            rank, other_rank = RANKS[app], RANKS.get(other)
            allowed = other_rank is not None and (
                other_rank < rank or rank == other_rank == FOUNDATIONS
            )
            if not allowed:
                problems.add(f"comptoir/{relative}:{line}: {app} imports {other}")
    return sorted(problems)


def test_domain_apps_import_only_lower_apps():
    assert upward_imports() == []


def test_every_app_has_a_place():
    apps = {path.parent.name for path in PACKAGE.glob("*/apps.py")}
    assert apps - set(RANKS) - INTERFACES == set()


def test_the_check_finds_an_import_hidden_in_a_function(tmp_path, monkeypatch):
    """The check itself: an upward import inside a function of a lower app is reported."""
    fake = tmp_path / "comptoir"
    (fake / "orders").mkdir(parents=True)
    (fake / "orders" / "services.py").write_text(
        "from comptoir.core.money import quantize\n\n"
        "def complete(order):\n    from comptoir.invoicing.models import Invoice\n    return Invoice\n"
    )
    monkeypatch.setattr(__import__(__name__, fromlist=["PACKAGE"]), "PACKAGE", fake)
    assert upward_imports() == ["comptoir/orders/services.py:4: orders imports invoicing"]
