"""Which importer runs which kind of batch: one line per ImportKind."""

from __future__ import annotations

from .importing import Factory

IMPORTERS: dict[str, Factory] = {}
