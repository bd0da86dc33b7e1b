"""Retention periods per kind of personal data, and the sweep that enforces them (个人信息保护法
Art. 19, 47: kept no longer than the purpose needs, then deleted or anonymised).

The periods are settings.CHENGXIN["RETENTION"] (config/settings/pii.py; docs/decisions.md
"Personal information (PIPL)"), each counted from the day the data stopped being needed:

- ``complaints``: a complaint that never became a lead (退单, 不予受理, 并单) keeps its content, unit
  and dates; the complainant's name, contact and the channel's extra data become "已匿名化",
  COMPLAINTS_CLOSED_DAYS after it was answered (or routed, or received). A complaint that
  became a lead is part of that record's file and is not touched here.
- ``import_files`` / ``import_rows``: a finished import's uploaded file and its row report
  (which repeats the rows' values) go IMPORT_BATCHES_DAYS after the upload; the batch itself
  (file name, SHA-256, counts) stays, as court-list entries and complaints refer to it.
- ``sessions``: sessions expired more than SESSIONS_DAYS ago.
- ``access_logs``: django-axes' failure counters and logs older than ACCESS_LOGS_DAYS.

The audit trail is never deleted by this sweep, whatever its age: it is the record of who
read and changed what (including every full ID-number read), the chain a checkpoint vouches
for, and CHENGXIN_AUDIT_RETENTION_DAYS (at least 183 days) is only its floor. Exports are
streamed to the user, never stored: there is no exported file to sweep.

Each run is one audit entry with the counts (none when nothing expired).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.db import transaction
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from casework import audit, clock
from casework.models import AuditHead
from casework.services.pii import PiiAction

from .complaints.lifecycle import ComplaintState
from .models import Complaint, ImportBatch, ImportRow
from .models.batches import ImportState

ANONYMISED = "已匿名化"
#: Complaints that never became a lead (ACCEPTED did: it belongs to the record's file).
CLOSED_WITHOUT_LEAD = (ComplaintState.RETURNED, ComplaintState.CLOSED, ComplaintState.MERGED)
FINISHED_IMPORTS = (ImportState.DONE, ImportState.CHECKED, ImportState.FAILED)
KINDS = ("complaints", "import_files", "import_rows", "sessions", "access_logs")


def _days(name: str) -> dt.timedelta:
    return dt.timedelta(days=settings.CHENGXIN["RETENTION"][name])


def expired(now: dt.datetime | None = None) -> dict[str, Any]:
    """What has expired at `now`, kind by kind, as querysets (nothing is changed)."""
    now = now or timezone.now()
    today = clock.today()
    complaints = (
        Complaint.objects.filter(state__in=CLOSED_WITHOUT_LEAD)
        .annotate(done_on=Coalesce("replied_on", "routed_on", "received_on"))
        .filter(done_on__lt=today - _days("COMPLAINTS_CLOSED_DAYS"))
        .exclude(complainant_name=ANONYMISED, complainant_contact=ANONYMISED, extra={})
    )
    old_batches = ImportBatch.objects.filter(
        state__in=FINISHED_IMPORTS, created_at__lt=now - _days("IMPORT_BATCHES_DAYS")
    )
    logs_before = now - _days("ACCESS_LOGS_DAYS")
    return {
        "complaints": complaints,
        "import_files": old_batches.exclude(file=""),
        "import_rows": ImportRow.objects.filter(batch__in=old_batches),
        "sessions": Session.objects.filter(expire_date__lt=now - _days("SESSIONS_DAYS")),
        "access_logs": [
            AccessAttempt.objects.filter(attempt_time__lt=logs_before),
            AccessLog.objects.filter(attempt_time__lt=logs_before),
            AccessFailureLog.objects.filter(attempt_time__lt=logs_before),
        ],
    }


def _count(found) -> int:
    return sum(q.count() for q in found) if isinstance(found, list) else found.count()


def counts(now: dt.datetime | None = None) -> dict[str, int]:
    return {kind: _count(found) for kind, found in expired(now).items()}


@transaction.atomic
def retention_sweep(
    *, acting_user=None, now: dt.datetime | None = None, ip_address: str | None = None
) -> dict:
    """Delete or anonymise what has expired; one audit entry with the counts. The uploaded
    files are deleted from storage after the commit (a rollback keeps them)."""
    found = expired(now)
    done = {kind: 0 for kind in KINDS}
    done["complaints"] = found["complaints"].update(
        complainant_name=ANONYMISED, complainant_contact=ANONYMISED, extra={}
    )
    files = [(b.file.storage, b.file.name) for b in found["import_files"].only("pk", "file")]
    done["import_files"] = ImportBatch.objects.filter(pk__in=found["import_files"].values("pk")).update(
        file=""
    )
    done["import_rows"] = found["import_rows"].delete()[0]
    done["sessions"] = found["sessions"].delete()[0]
    done["access_logs"] = sum(q.delete()[0] for q in found["access_logs"])
    for storage, name in files:
        transaction.on_commit(lambda storage=storage, name=name: storage.delete(name))
    if any(done.values()):
        head_type = ContentType.objects.get_for_model(AuditHead)
        by = audit.Acting(acting_user, audit.SYSTEM.role, ip_address) if acting_user else audit.SYSTEM
        audit.append_many(
            [
                dict(
                    actor=by.user,
                    role=by.role,
                    ip_address=by.ip_address,
                    content_type_id=head_type.pk,
                    object_id="retention",
                    object_repr=_("个人信息保存期限清理"),
                    action=PiiAction.RETENTION_SWEEP,
                    reason=_('保存期限届满，删除或匿名化（settings.CHENGXIN["RETENTION"]）'),
                    diff={"counts": done, "periods_days": dict(settings.CHENGXIN["RETENTION"])},
                )
            ]
        )
    return done


__all__ = ["ANONYMISED", "KINDS", "counts", "expired", "retention_sweep"]
