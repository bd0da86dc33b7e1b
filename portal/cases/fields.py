"""The fields of an action form, read off the API endpoint's input serializer, so the page
posts exactly the names and shapes the endpoint parses (DRF's HTML-form conventions:
`name` repeated for a list, `name[0]sub` for a list of objects, `name.sub` for an object).

Each `FormField` knows its widget, its current value (from the initial data or from what
was sent), its choices and the messages the endpoint returned for it.

A person or an organisation is chosen with a search box (`Lookup`), never a select of
everyone: static/js/lookup.js turns it into a type-ahead over the scoped API endpoint;
without script, the form's own 查找 button sends the typed text and the page comes back
with the matches to pick from (like the "add a row" button, no script needed).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from django.urls import reverse
from rest_framework import serializers
from rest_framework.fields import empty
from rest_framework.utils import html

#: Text fields that hold one line (a document number, a receipt) though the serializer sets no length.
SHORT_TEXT = frozenset({"proof", "document", "purpose", "type_code"})
#: The longest text a single-line input is used for.
LINE_LENGTH = 200


@dataclass
class FormField:
    name: str  # the HTML name
    label: str
    # text, textarea, number, date, select, lookup, checkboxes, checkbox, yesno, file, rows, group
    widget: str
    value: object = ""
    choices: list[tuple[str, str]] = field(default_factory=list)
    required: bool = False
    help_text: str = ""
    errors: list[str] = field(default_factory=list)
    children: list[FormField] = field(default_factory=list)  # a group's fields
    rows: list[list[FormField]] = field(default_factory=list)  # a list of objects: one list per row
    key: str = ""  # the serializer's field name
    # A lookup: the API endpoint the script asks, the chosen one's label, the text typed,
    # and the matches of a search sent without script (`more`: there are others).
    lookup_url: str = ""
    display: str = ""
    query: str = ""
    candidates: list[tuple[str, str]] = field(default_factory=list)
    more: bool = False
    searched: bool = False

    @property
    def id(self) -> str:
        return "f-" + "".join(c if c.isalnum() else "-" for c in self.name)

    @property
    def selected(self) -> set[str]:
        values = self.value if isinstance(self.value, list | tuple) else [self.value]
        return {str(v) for v in values if v not in (None, "")}


@dataclass(frozen=True)
class Lookup:
    """A choice made by searching: `search(ctx, text)` gives (matches, more) within what the
    user may see, `label(ctx, value)` names a chosen id ("" when the user may not see it)."""

    url_name: str
    search: Callable[[Context, str], tuple[list[tuple[str, str]], bool]]
    label: Callable[[Context, str], str]


#: The button of a search box sent without script: its value is the field's HTML name.
LOOKUP_BUTTON = "_lookup"
QUERY_SUFFIX = "__q"


@dataclass
class Context:
    """What choices and initial values depend on: the user, the object, its record."""

    user: object
    obj: object
    record: object
    # field name → (context) → choices, or a Lookup for a person or an organisation
    choices: Mapping[str, Callable | Lookup] = field(default_factory=dict)


def _get(data, name: str, many: bool = False):
    """The sent or initial value of `name` (rows and groups are handed their own part)."""
    if hasattr(data, "getlist"):
        return data.getlist(name) if many else data.get(name, "")
    value = data.get(name, [] if many else "")
    if many and not isinstance(value, list | tuple):
        return [value]
    return value


def _text(value) -> str:
    if value is None or value is empty:
        return ""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def _widget(f: serializers.Field, name: str, has_choices: bool) -> str:
    if isinstance(f, serializers.BooleanField):
        has_default = f.default is not empty
        return "checkbox" if has_default else "yesno"
    if isinstance(f, serializers.FileField):
        return "file"
    if isinstance(f, serializers.MultipleChoiceField):
        return "checkboxes"
    if isinstance(f, serializers.ChoiceField):
        return "select"
    if isinstance(f, serializers.ListField):
        return "checkboxes" if has_choices else "list"
    if has_choices:
        return "select"
    if isinstance(f, serializers.DateField):
        return "date"
    if isinstance(f, serializers.IntegerField):
        return "number"
    if isinstance(f, serializers.CharField):
        short = name in SHORT_TEXT or (f.max_length and f.max_length <= LINE_LENGTH)
        return "text" if short else "textarea"
    return ""  # a shape a form cannot carry (a free dictionary): left to its default


def _choices(f: serializers.Field, key: str, ctx: Context) -> list[tuple[str, str]]:
    provider = ctx.choices.get(key)
    if isinstance(provider, Lookup):
        return []
    if provider is not None:
        return [(str(v), str(label)) for v, label in provider(ctx)]
    if isinstance(f, serializers.ChoiceField):
        return [(str(v), str(label)) for v, label in f.choices.items()]
    return []


def build(
    serializer_class, *, data, errors: Mapping, ctx: Context, prefix: str = "", hidden=()
) -> list[FormField]:
    """The form fields of `serializer_class` (none of `hidden`), valued from `data`."""
    fields = []
    for key, f in serializer_class().fields.items():
        if key in hidden or f.read_only:
            continue
        built = _field(f, key, prefix, data, errors, ctx)
        if built is not None:
            fields.append(built)
    return fields


def _field(f, key: str, prefix: str, data, errors: Mapping, ctx: Context) -> FormField | None:
    name = prefix + key
    common = {
        "name": name,
        "key": key,
        "label": str(f.label or key),
        "required": bool(f.required),
        "help_text": str(f.help_text or ""),
        "errors": list(errors.get(key, [])),
    }
    if isinstance(f, serializers.ListSerializer):
        rows = (
            html.parse_html_list(data, prefix=name, default=[])
            if hasattr(data, "getlist")
            else data.get(key, [])
        )
        built_rows = [
            build(type(f.child), data=row, errors={}, ctx=ctx, prefix=f"{name}[{i}]")
            for i, row in enumerate(rows)
        ]
        return FormField(
            widget="rows",
            rows=built_rows,
            children=build(type(f.child), data={}, errors={}, ctx=ctx),
            **common,
        )
    if isinstance(f, serializers.Serializer):
        inner = html.parse_html_dict(data, prefix=name) if hasattr(data, "getlist") else data.get(key) or {}
        children = build(type(f), data=inner, errors={}, ctx=ctx, prefix=name + ".")
        return FormField(widget="group", children=children, **common)
    provider = ctx.choices.get(key)
    if isinstance(provider, Lookup) and not isinstance(f, serializers.ListField | serializers.ChoiceField):
        return _lookup_field(provider, name, data, ctx, common)
    choices = _choices(f, key, ctx)
    widget = _widget(f, key, bool(provider))
    if not widget:
        return None
    if widget in {"checkboxes", "list"}:
        value = [_text(v) for v in _get(data, key, many=True)]
        if widget == "checkboxes" and not choices:
            return None  # nothing to choose from: the field keeps its default
    elif widget == "checkbox":
        value = _text(_get(data, key)) in {"on", "true", "True", "1"}
    else:
        value = _text(_get(data, key))
    return FormField(widget=widget, value=value, choices=choices, **common)


def _lookup_field(lookup: Lookup, name: str, data, ctx: Context, common: dict) -> FormField:
    value = _text(_get(data, name))
    display = lookup.label(ctx, value) if value else ""
    typed = data.get(name + QUERY_SUFFIX) if hasattr(data, "get") else None
    built = FormField(
        widget="lookup",
        value=value if display else "",
        lookup_url=reverse(lookup.url_name),
        display=display,
        query=display if typed is None else str(typed).strip(),
        **common,
    )
    if hasattr(data, "get") and data.get(LOOKUP_BUTTON) == name:
        built.searched = True
        built.candidates, built.more = lookup.search(ctx, built.query)
        if built.value and built.value not in {v for v, _label in built.candidates}:
            built.value, built.display = "", ""  # a new search replaces the choice
    return built


def is_multipart(fields: list[FormField]) -> bool:
    return any(f.widget == "file" or is_multipart(f.children) for f in fields)


def rows_changed(fields: list[FormField], post) -> bool:
    """Handle the form's own "add a row" / "remove a row" and 查找 buttons (no script needed):
    True when one was pressed, and the rows are then changed in place for the form to show
    again (a search's matches were found when the fields were built)."""
    add, remove = post.get("_add_row"), post.get("_remove_row")
    if post.get(LOOKUP_BUTTON):  # a search sent without script: its matches are on the fields
        return True
    if not add and not remove:
        return False
    for f in fields:
        if f.widget != "rows":
            continue
        if add == f.name:
            f.rows.append(_blank_row(f, len(f.rows)))
        if remove and remove.rsplit(":", 1)[0] == f.name:
            index = int(remove.rsplit(":", 1)[1])
            f.rows = [row for i, row in enumerate(f.rows) if i != index]
            f.rows = [_renamed(row, f.name, i) for i, row in enumerate(f.rows)]
    return True


def _blank_row(f: FormField, index: int) -> list[FormField]:
    return _renamed([_copy(child) for child in f.children], f.name, index)


def _copy(child: FormField) -> FormField:
    return FormField(**{**child.__dict__, "errors": [], "children": list(child.children), "rows": []})


def _renamed(row: list[FormField], parent: str, index: int) -> list[FormField]:
    for child in row:
        child.name = f"{parent}[{index}]{child.key}"
    return row
