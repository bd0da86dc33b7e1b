"""Risk warnings on screen: the commission's alert list, the blocks on other pages (the
`risk_alerts` template tags), and a unit's payments to SMEs."""
