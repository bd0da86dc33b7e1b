from .batches import ImportBatch, ImportKind, ImportRow, ImportState, RowOutcome
from .complaints import Complaint
from .court import (
    CourtDocument,
    CourtRevocation,
    DefaulterEntry,
    DocumentKind,
    EntryStatus,
    MatchState,
    RevocationState,
)
from .outbox import Outbound, OutboundState

__all__ = [
    "Complaint",
    "CourtDocument",
    "CourtRevocation",
    "DefaulterEntry",
    "DocumentKind",
    "EntryStatus",
    "ImportBatch",
    "ImportKind",
    "ImportRow",
    "ImportState",
    "MatchState",
    "Outbound",
    "OutboundState",
    "RevocationState",
    "RowOutcome",
]
