"""States, deadline statuses, rule codes and audit actions are named once, in their home
module; everywhere else in production code they are referred to by that name
(`RecordState.EFFECTIVE`, `DeadlineStatus.OPEN`, `RuleCode.DEFENCE_WINDOW`,
`actions.DEADLINE_OVERDUE`), never retyped as a bare string that a rename would miss."""

from __future__ import annotations

import ast
from pathlib import Path

from casework import action_labels, lifecycle
from casework.models.records import DeadlineStatus
from casework.rule_table import RuleCode
from notices.lifecycle import NoticeState

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION = ("casework", "notices", "workflows", "portal", "config")
SKIPPED_DIRS = {"migrations", "demo", "__pycache__"}

#: Where each family of names is declared (paths relative to the repository root).
HOMES = {
    "state": {"casework/lifecycle.py", "notices/lifecycle.py", "casework/models/records.py"},
    "rule": {"casework/rule_table.py"},
    "action": {"casework/action_labels.py", "notices/lifecycle.py"},
}

_ENUMS = [
    lifecycle.RecordState,
    lifecycle.ObjectionState,
    lifecycle.RectificationState,
    lifecycle.ItemState,
    lifecycle.AccountabilityState,
    lifecycle.RepairState,
    NoticeState,
    DeadlineStatus,
]


def _named() -> dict[str, str]:
    """Every protected literal, with the family whose home may spell it."""
    named = {str(a): "action" for a in action_labels.ACTIONS}
    named.update({str(code): "rule" for code in RuleCode})
    named.update({str(value): "state" for enum in _ENUMS for value in enum.values})
    return named


def _production_files():
    for top in PRODUCTION:
        for path in sorted((ROOT / top).rglob("*.py")):
            if not SKIPPED_DIRS & set(path.relative_to(ROOT).parts):
                yield path


#: Rule codes that are also the names of models and fields: a bare one is an offence only
#: where a rule code is expected.
AMBIGUOUS = {"rectification", "service"}
_RULE_CALLS = {
    "open_deadline",
    "close_deadline",
    "deadline_rule",
    "due",
    "deadline",
    "open_deadlines",
    "period",
}
_RULE_KEYWORDS = {"kind", "code", "kind__in"}


def _is_docstring(node: ast.Constant, parents: dict) -> bool:
    return isinstance(parents.get(node), ast.Expr)


def _callee(call: ast.Call) -> str:
    return getattr(call.func, "attr", getattr(call.func, "id", ""))


def _where_a_rule_goes(node: ast.Constant, parents: dict, named: dict) -> bool:
    parent = parents.get(node)
    if isinstance(parent, ast.keyword):
        return parent.arg in _RULE_KEYWORDS or _callee(parents[parent]) in _RULE_CALLS
    if isinstance(parent, ast.Call):
        return _callee(parent) in _RULE_CALLS
    if isinstance(parent, ast.Compare):
        return True
    if isinstance(parent, ast.Tuple | ast.List | ast.Set):
        return any(
            named.get(getattr(e, "value", None)) == "rule" and e.value not in AMBIGUOUS for e in parent.elts
        )
    return False


def _exports(tree: ast.AST) -> set[ast.AST]:
    """`__all__` names functions, some of which share a rule's name (rectification_review)."""
    return {
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Assign) and any(getattr(t, "id", "") == "__all__" for t in node.targets)
    }


def _choices_classes(tree: ast.AST) -> set[ast.AST]:
    """Class bodies of TextChoices: a choice's value is declared there, whichever enum it is."""
    return {
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.ClassDef)
        and any(getattr(base, "attr", getattr(base, "id", "")) == "TextChoices" for base in node.bases)
    }


def _offences(path: Path, named: dict[str, str]) -> list[str]:
    return _offences_in(path.read_text(encoding="utf-8"), path.relative_to(ROOT).as_posix(), named)


def _offences_in(text: str, relative: str, named: dict[str, str]) -> list[str]:
    tree = ast.parse(text)
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    inside_choices = {n for cls in _choices_classes(tree) | _exports(tree) for n in ast.walk(cls)}
    found = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Constant) and isinstance(node.value, str)):
            continue
        family = named.get(node.value)
        if family is None or relative in HOMES[family] or node in inside_choices:
            continue
        if _is_docstring(node, parents):
            continue
        if node.value in AMBIGUOUS and not _where_a_rule_goes(node, parents, named):
            continue
        found.append(f"{relative}:{node.lineno}: {node.value!r} ({family})")
    return found


def test_no_bare_state_rule_or_action_literal_outside_its_home():
    named = _named()
    offences = [line for path in _production_files() for line in _offences(path, named)]
    assert not offences, "name these through their enum or constant:\n" + "\n".join(offences)


def test_the_lint_catches_bare_names_and_spares_their_homes():
    named = _named()
    sample = 'DONE = ("EFFECTIVE", "OPEN")\nrules.open_deadline(r, "rectification", day)\nx = {"rectification": 1}\n'
    found = [line.split(": ", 1)[1] for line in _offences_in(sample, "portal/x.py", named)]
    assert found == ["'EFFECTIVE' (state)", "'OPEN' (state)", "'rectification' (rule)"]
    assert not _offences_in('X = "defence_window"\n', "casework/rule_table.py", named)
