"""Sign-in lockout (django-axes) on every path that checks a password: the site's sign-in
page, the admin's and the API's token endpoint (docs/decisions.md, "Login lockout and
login events").

Environment variables:
- ``CHENGXIN_LOGIN_FAILURE_LIMIT``: failed sign-ins that lock, default 5;
- ``CHENGXIN_LOGIN_LOCKOUT_MINUTES``: how long the lock lasts, default 15.
"""

import datetime as dt

import environ

env = environ.Env()

# Axes only watches: the accounts are checked by ModelBackend behind it (which refuses the
# demo accounts outside development: casework.demo_guard).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "casework.demo_guard.ModelBackendWithoutDemoAccounts",
]

AXES_ENABLED = True
AXES_FAILURE_LIMIT = env.int("CHENGXIN_LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = dt.timedelta(minutes=env.int("CHENGXIN_LOGIN_LOCKOUT_MINUTES", default=15))
# Two separate counters: one per account name (whoever tries it, from wherever) and one per
# client address (whatever names it tries).
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
# The one reading of the client's address the audit trail uses too (trusted proxies only).
AXES_CLIENT_IP_CALLABLE = "casework.http.client_ip"
# Attempts while locked are refused and audited but do not restart the lock: the unlock
# time the page states stays true.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# A success must not clear the address's counter: anyone with one account of their own
# could otherwise reset it between guesses at others'. Failures age out after the lock time.
AXES_RESET_ON_SUCCESS = False
# The audit trail records sign-ins and sign-outs; axes keeps only the failure counters.
AXES_DISABLE_ACCESS_LOG = True
# Axes' admin pages and its models' names are English only (it ships no Chinese): unlock
# early with `manage.py axes_reset_username <name>` or `axes_reset_ip <address>`.
AXES_ENABLE_ADMIN = False
AXES_HTTP_RESPONSE_CODE = 429
# The page that was answering (the sign-in form showing the lock) or JSON under /api/.
AXES_LOCKOUT_CALLABLE = "casework.signin.lockout_response"
