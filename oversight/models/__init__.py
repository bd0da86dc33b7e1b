from .alerts import AlertLevel, AlertState, RiskAlert, RiskRule
from .commitments import ChangeRequest, Commitment, Milestone
from .integrity import AssessmentResult, EntryKind, FileEntry, IntegrityFile
from .selfreports import QuarterlyReport, SelfReport, SelfReportKind

__all__ = [
    "AlertLevel",
    "AlertState",
    "AssessmentResult",
    "ChangeRequest",
    "Commitment",
    "EntryKind",
    "FileEntry",
    "IntegrityFile",
    "Milestone",
    "QuarterlyReport",
    "RiskAlert",
    "RiskRule",
    "SelfReport",
    "SelfReportKind",
]
