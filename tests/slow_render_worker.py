"""`celery -A config worker …` whose notice rendering first sleeps CHENGXIN_TEST_RENDER_DELAY
seconds: a rendering long enough for tests/test_sec_worker_kill.py to kill its worker in the
middle. Test-only: the delay is patched in here, the application has no such setting.

    python tests/slow_render_worker.py worker --pool=prefork … (the arguments of `celery -A config`)
"""

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django

django.setup()

from notices import render  # noqa: E402

_original = render.notice_pdf
_delay = float(os.environ.get("CHENGXIN_TEST_RENDER_DELAY", "0"))


def _slow_notice_pdf(notice, *, draft):
    time.sleep(_delay)
    return _original(notice, draft=draft)


render.notice_pdf = _slow_notice_pdf

from celery.__main__ import main  # noqa: E402

sys.argv = ["celery", "-A", "config", *sys.argv[1:]]
main()
