from .alerts import AlertLevel, AlertState, RiskAlert, RiskRule
from .assessment import (
    Assessment,
    AssessmentState,
    Indicator,
    IndicatorTemplate,
    LineOrigin,
    ObjectionState,
    ResultObjection,
    ScoreLine,
    UnitResult,
)
from .commitments import ChangeRequest, Commitment, Milestone
from .integrity import AssessmentResult, EntryKind, FileEntry, IntegrityFile
from .payments import SmePayment
from .selfreports import QuarterlyReport, SelfReport, SelfReportKind
from .snapshots import FigureSnapshot

__all__ = [
    "AlertLevel",
    "AlertState",
    "Assessment",
    "AssessmentResult",
    "AssessmentState",
    "ChangeRequest",
    "Commitment",
    "EntryKind",
    "FigureSnapshot",
    "FileEntry",
    "Indicator",
    "IndicatorTemplate",
    "IntegrityFile",
    "LineOrigin",
    "Milestone",
    "ObjectionState",
    "QuarterlyReport",
    "ResultObjection",
    "RiskAlert",
    "RiskRule",
    "ScoreLine",
    "SelfReport",
    "SelfReportKind",
    "SmePayment",
    "UnitResult",
]
