"""Each state enum has one short name everywhere (casework.lifecycle.ENUM_ALIASES): a module
that abbreviates `RectificationState` calls it `RS`, never `TS`, and `RS` is never `RecordState`."""

import ast
from pathlib import Path

from casework.lifecycle import ENUM_ALIASES

ROOT = Path(__file__).resolve().parent.parent
APPS = ("casework", "notices", "workflows", "portal", "config")


def production_modules():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


def aliases(tree):
    """(short name, enum name) of `X = SomeState`, `X, Y = A, B` and `from … import SomeState as X`."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign):
            for target in node.targets:
                yield from pairs(target, node.value)
        elif isinstance(node, ast.ImportFrom):
            yield from ((a.asname, a.name) for a in node.names if a.asname)


def pairs(target, value):
    if isinstance(target, ast.Tuple) and isinstance(value, ast.Tuple):
        for t, v in zip(target.elts, value.elts, strict=False):
            yield from pairs(t, v)
    elif isinstance(target, ast.Name) and isinstance(value, ast.Name):
        yield target.id, value.id


def test_every_state_enum_has_one_short_name_everywhere():
    by_alias = {alias: enum for enum, alias in ENUM_ALIASES.items()}
    wrong = []
    for path in production_modules():
        for alias, enum in aliases(ast.parse(path.read_text(), str(path))):
            if enum in ENUM_ALIASES and alias != ENUM_ALIASES[enum]:
                wrong.append(f"{path.relative_to(ROOT)}: {alias} = {enum} (use {ENUM_ALIASES[enum]})")
            elif alias in by_alias and enum != by_alias[alias] and enum.endswith("State"):
                wrong.append(f"{path.relative_to(ROOT)}: {alias} = {enum} ({alias} is {by_alias[alias]})")
    assert not wrong, "\n".join(wrong)
