from .alerts import AlertLevel, AlertState, RiskAlert, RiskRule
from .integrity import AssessmentResult, EntryKind, FileEntry, IntegrityFile
from .selfreports import QuarterlyReport, SelfReport, SelfReportKind

__all__ = [
    "AlertLevel",
    "AlertState",
    "AssessmentResult",
    "EntryKind",
    "FileEntry",
    "IntegrityFile",
    "QuarterlyReport",
    "RiskAlert",
    "RiskRule",
    "SelfReport",
    "SelfReportKind",
]
