"""The versioned column map: which column the province receives, from which field of the event.

The map is data (a JSON file in exchange/province/maps/, one per version), chosen by
CHENGXIN["EXCHANGE"]["PROVINCE_COLUMN_MAP"] (a version name or a path): a deployment that
must send another column set adds or edits a file, no code. Each column's `source` is
- `payload.<key>`: the record as casework.sync.payload saw it when the change was made;
- `event.<field>`: the event itself (`kind`, `key`, `created_at`, `due_on`, `id`);
- `setting:<NAME>`: a value of CHENGXIN["EXCHANGE"] (the commission as data source);
- `const:<text>`: a fixed text (empty: a column the standard has but we never fill).
`values` translates a value (booleans as "true"/"false") into the standard's words;
`fallback` is another source, read when the first gives nothing (a record with no
determining unit of its own was determined by the commission).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.conf import settings

MAPS = Path(__file__).parent / "maps"


@dataclass(frozen=True)
class ColumnMap:
    version: str
    columns: tuple[dict, ...]
    key_column: str

    @property
    def headers(self) -> list[str]:
        return [c["name"] for c in self.columns]

    def row(self, *, payload: dict, event: dict) -> dict[str, str]:
        """The columns of one event, every value a text ("" for none)."""
        return {c["name"]: self._cell(c, payload=payload, event=event) for c in self.columns}

    @staticmethod
    def _cell(column: dict, *, payload: dict, event: dict) -> str:
        text = _text(_value(column["source"], payload=payload, event=event), column.get("values"))
        if not text and column.get("fallback"):
            text = _text(_value(column["fallback"], payload=payload, event=event), column.get("values"))
        return text


def exchange_settings() -> dict:
    return settings.CHENGXIN.get("EXCHANGE", {})


def current() -> ColumnMap:
    return load(exchange_settings().get("PROVINCE_COLUMN_MAP", "2019"))


@lru_cache(maxsize=8)
def load(name: str) -> ColumnMap:
    path = Path(name) if name.endswith(".json") else MAPS / f"{name}.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    names = [c["name"] for c in data["columns"]]
    if len(set(names)) != len(names) or data["key_column"] not in names:
        raise ValueError(f"column map {path}: duplicate column names or no key column")
    return ColumnMap(version=data["version"], columns=tuple(data["columns"]), key_column=data["key_column"])


def _value(source: str, *, payload: dict, event: dict):
    where, _sep, name = source.partition(":") if ":" in source else ("", "", "")
    if where == "const":
        return name
    if where == "setting":
        return exchange_settings().get(name, "")
    origin, _dot, key = source.partition(".")
    return {"payload": payload, "event": event}[origin].get(key)


def _text(value, values: dict | None) -> str:
    if isinstance(value, bool):
        value = "true" if value else "false"
    value = "" if value is None else str(value)
    return values.get(value, value) if values else value
