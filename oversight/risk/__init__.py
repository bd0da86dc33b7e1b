"""Risk warnings (风险预警): the rules evaluated by the daily sweep (rules.EVALUATORS)."""
