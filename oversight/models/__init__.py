from .alerts import AlertLevel, AlertState, RiskAlert, RiskRule
from .selfreports import QuarterlyReport, SelfReport, SelfReportKind

__all__ = [
    "AlertLevel",
    "AlertState",
    "QuarterlyReport",
    "RiskAlert",
    "RiskRule",
    "SelfReport",
    "SelfReportKind",
]
