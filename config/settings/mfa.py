"""The second factor (django-otp), the session's idle and absolute lifetimes, and the demo
accounts' refusal outside development (docs/decisions.md, "Second factor and sessions").

Environment variables:
- ``CHENGXIN_SECOND_FACTOR_REQUIRED``: ask the second factor of the roles below, default off
  (production turns it on whatever this says);
- ``CHENGXIN_SESSION_IDLE_MINUTES``: idle minutes that end a session, default 30;
- ``CHENGXIN_SESSION_ABSOLUTE_HOURS``: hours after sign-in that end it anyway, default 12;
- ``CHENGXIN_DEMO_ACCOUNTS``: whether the demo accounts may sign in and the seed_* commands
  run; unset, exactly when DEBUG is on (production refuses them whatever this says).
"""

import environ

from .chengxin import CHENGXIN

env = environ.Env()

CHENGXIN["SECOND_FACTOR"] = {
    # Off in development and tests (the demo and the suite sign in with a password); on in
    # production (config/settings/production.py). Tests of the factor use override_settings.
    "REQUIRED": env.bool("CHENGXIN_SECOND_FACTOR_REQUIRED", default=False),
    # Who must use it besides every superuser and is_staff administrator
    # (casework.second_factor.requires_second_factor): the commission's staff and the
    # administrators. Unit liaisons, unit heads and civil servants may enrol, need not.
    "ROLES": [
        "officer",
        "approver",
        "credit_admin",
        "hr_admin",
        "intake_operator",
        "assessor",
        "system_admin",
        "security_admin",
        "audit_admin",
    ],
    # What proves the second factor, tried in order (casework.second_factor.Verifier): the
    # authenticator app's code or a recovery code by default; a certificate/UKey verifier
    # is added here (docs/operations.md, "Second factor").
    "VERIFIERS": ["casework.second_factor.OneTimePasswords"],
    # Who may reset a user's lost device (manage.py reset_second_factor), besides a superuser.
    "RESET_ROLES": ["security_admin"],
    # Recovery codes (django-otp's static tokens) given at enrolment, each usable once.
    "RECOVERY_CODES": 10,
}

CHENGXIN["SESSION"] = {
    "IDLE_MINUTES": env.int("CHENGXIN_SESSION_IDLE_MINUTES", default=30),
    "ABSOLUTE_HOURS": env.int("CHENGXIN_SESSION_ABSOLUTE_HOURS", default=12),
}

# The session cookie dies with the browser; the server forgets a session no later than its
# absolute lifetime (portal.sessions.SessionTimeout ends it on idleness or age before that).
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_AGE = CHENGXIN["SESSION"]["ABSOLUTE_HOURS"] * 3600

# The name authenticator apps show next to the account.
OTP_TOTP_ISSUER = "诚信"

# None: the demo accounts (casework.demo.accounts) sign in, and seed_* runs, only with DEBUG on.
# Tests set True: Django's test runner turns DEBUG off, and the suite signs in as them.
CHENGXIN_DEMO_ACCOUNTS = env.bool("CHENGXIN_DEMO_ACCOUNTS", default=None)
