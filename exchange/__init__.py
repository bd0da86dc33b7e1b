"""Data exchange: what comes in from other systems (12345 work orders, court lists, bulk
lists of organisations and civil servants) and what goes out to them (the provincial credit
platform, status back to the hotline). Sits above workflows: it may call the casework
services, notices and workflows; nothing below imports it."""
