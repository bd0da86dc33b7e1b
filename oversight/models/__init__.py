from .alerts import AlertLevel, AlertState, RiskAlert, RiskRule

__all__ = ["AlertLevel", "AlertState", "RiskAlert", "RiskRule"]
