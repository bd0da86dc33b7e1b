from .batches import ImportBatch, ImportKind, ImportRow, ImportState, RowOutcome
from .outbox import Outbound, OutboundState

__all__ = [
    "ImportBatch",
    "ImportKind",
    "ImportRow",
    "ImportState",
    "Outbound",
    "OutboundState",
    "RowOutcome",
]
