"""Today's legal date in Asia/Shanghai. One function, so tests and demos can set the clock."""

import datetime as dt

from django.conf import settings
from django.utils import timezone


def today() -> dt.date:
    fixed = getattr(settings, "CHENGXIN_TODAY", None)
    if fixed:
        return dt.date.fromisoformat(str(fixed))
    return timezone.localdate()
