"""三员分立: the system administrator's accounts (/system/), the security administrator's roles,
lockouts and policies (/security/), the audit administrator's audit trail (/audit/). Thin views
over casework.services.duties; each page is its one role's (access.duty)."""
