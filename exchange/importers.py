"""Which importer runs which kind of batch: one line per ImportKind."""

from __future__ import annotations

from .importing import Factory

IMPORTERS: dict[str, Factory] = {}

from .court.defaulters import DefaulterImporter  # noqa: E402
from .court.documents import DocumentImporter  # noqa: E402
from .models import ImportKind  # noqa: E402

IMPORTERS[ImportKind.DEFAULTER_LIST] = DefaulterImporter
IMPORTERS[ImportKind.COURT_DOCUMENTS] = DocumentImporter
