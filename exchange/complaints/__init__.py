"""Complaints about government dishonesty (DOMAIN §9.3, T1, scenario 33): taken in from the
12345 hotline and the other channels, triaged (accepted as a lead, merged, returned to the
hotline, closed as outside scope), answered in writing, and their status sent back to the
channel through the outbox.

A complaint is an exchange object: it crosses the system's boundary and only this app knows
it. Accepting one calls casework's intake (`new_leads`); casework never learns of complaints.
"""
