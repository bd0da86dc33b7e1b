"""The apps' layering (ARCHITECTURE §2): portal → oversight → exchange → workflows →
notices → casework, each importing only the apps to its right: casework knows nothing of the work
state or the notices built on it, notices nothing of the work state, and only the portal
knows the exchange with other systems. What a casework step causes
above it is noted in casework's outbox and done after the commit by the handler that
config names (casework.services.reactions, workflows.reactions).

Read with `ast` from the source files, so an import inside a function counts as well."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
RULES = {
    "casework": {"workflows", "notices", "exchange", "oversight", "portal"},
    "notices": {"workflows", "exchange", "oversight", "portal"},
    "workflows": {"exchange", "oversight", "portal"},
    "exchange": {"oversight", "portal"},
    "oversight": {"portal"},
}


def imported_modules(path: Path) -> list[tuple[int, str]]:
    """(line, absolute module name) of every import in the file; relative imports stay in
    their own package and are left out."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module))
    return found


def offending_imports(package: str, forbidden: set[str]) -> list[str]:
    offending = []
    for path in sorted((ROOT / package).rglob("*.py")):
        for line, module in imported_modules(path):
            if module.split(".")[0] in forbidden:
                offending.append(f"{path.relative_to(ROOT)}:{line} imports {module}")
    return offending


@pytest.mark.parametrize(("package", "forbidden"), sorted(RULES.items()))
def test_a_lower_layer_never_imports_a_higher_one(package, forbidden):
    assert offending_imports(package, forbidden) == []


def test_the_check_finds_an_import_inside_a_function(tmp_path):
    module = tmp_path / "m.py"
    module.write_text("def f():\n    from workflows.flows import FLOWS\n    import notices.api\n")
    assert imported_modules(module) == [(2, "workflows.flows"), (3, "notices.api")]
