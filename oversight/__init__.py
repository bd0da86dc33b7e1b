"""Oversight: the commission's yearly and daily duties beyond single cases — the annual
integrity assessment, risk warnings, civil servants' integrity files, commitments made by
government bodies, units' self-reports, and the statistics and dashboards over all of it.
Sits above exchange (it may read complaints and court lists); only the portal imports it."""
