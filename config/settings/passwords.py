"""Password rules, password expiry and the API's tokens (casework.passwords,
casework.services.tokens; docs/decisions.md "Passwords and API tokens").

Environment variables:
- ``CHENGXIN_PASSWORD_MAX_AGE_DAYS``: days a password may be used before it must be changed,
  default 90 (0: never expires);
- ``CHENGXIN_PASSWORD_HISTORY``: how many earlier passwords a new one may not repeat, default 5;
- ``CHENGXIN_API_TOKEN_LIFETIME_HOURS``: how long an API token works, default 8.
"""

import environ

from .chengxin import CHENGXIN

env = environ.Env()

# Every way a password is set through a form or a command checks these: the site's
# password change page, the admin's user forms, createsuperuser and changepassword.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "casework.passwords.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "casework.passwords.CharacterClassesValidator", "OPTIONS": {"min_classes": 3}},
    {"NAME": "casework.passwords.NotUsernameValidator"},
    {"NAME": "casework.passwords.HistoryValidator"},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

CHENGXIN["PASSWORDS"] = {
    "MAX_AGE_DAYS": env.int("CHENGXIN_PASSWORD_MAX_AGE_DAYS", default=90),
    "HISTORY": env.int("CHENGXIN_PASSWORD_HISTORY", default=5),
}
CHENGXIN["API_TOKENS"] = {
    "LIFETIME_HOURS": env.int("CHENGXIN_API_TOKEN_LIFETIME_HOURS", default=8),
}
