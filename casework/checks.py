"""`manage.py check --deploy --database default`: a production deployment does not use a Django
superuser for daily work (三员分立, docs/decisions.md). A superuser is a break-glass account,
kept inactive or unused; one that signed in within CHENGXIN["SUPERUSER_RECENT_DAYS"] (default
30) days is a warning naming it. The check reads the database, so Django runs it only when a
database is named (`--database default`); a plain `check --deploy` skips it.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.checks import Tags, Warning, register
from django.db import DatabaseError

W_SUPERUSER = "casework.W201"


@register(Tags.security, deploy=True)
def superusers_in_daily_use(app_configs=None, databases=None, **kwargs):
    if not databases or "default" not in databases:
        return []
    from django.utils import timezone

    from .models import User

    days = settings.CHENGXIN.get("SUPERUSER_RECENT_DAYS", 30)
    since = timezone.now() - dt.timedelta(days=days)
    try:
        names = list(
            User.objects.filter(is_superuser=True, is_active=True, last_login__gte=since)
            .order_by("username")
            .values_list("username", flat=True)
        )
    except DatabaseError:  # no tables yet (before the first migrate)
        return []
    if not names:
        return []
    return [
        Warning(
            f"Active superuser accounts signed in within the last {days} days: {', '.join(names)}.",
            hint=(
                "三员分立: daily work is done by the system, security and audit administrators "
                "(manage.py create_admins); deactivate the superuser and keep it for break-glass "
                "use only (docs/operations.md)."
            ),
            id=W_SUPERUSER,
        )
    ]
