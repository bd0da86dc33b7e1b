"""The system administrator's page: where the configuration lives (admin links) and whether
the system is well, by cheap checks only (each one query or one short connection; nothing
here walks the audit chain or waits on a worker).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import DatabaseError, connection
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

#: Admin change lists of the configuration, in the order an administrator sets them up.
CONFIGURATION = [
    (
        "casework_calendaryear",
        gettext_lazy("节假日安排（年度）"),
        gettext_lazy("上传每年的法定节假日和调休安排。"),
    ),
    (
        "notices_issuer",
        gettext_lazy("发文机关与印章"),
        gettext_lazy("文书的发文机关、机关代字、印章图片和联系方式。"),
    ),
    ("casework_measure", gettext_lazy("惩戒措施清单"), gettext_lazy("认定时可选的惩戒措施及其依据。")),
    ("casework_user", gettext_lazy("用户与角色"), gettext_lazy("账号、所属单位和角色（组）。")),
    ("casework_organisation", gettext_lazy("单位"), gettext_lazy("单位及其名称沿革。")),
    ("casework_deadlinerule", gettext_lazy("期限规则"), gettext_lazy("各类办理期限的天数和计算方式。")),
    ("casework_disclosurerule", gettext_lazy("公示规则"), gettext_lazy("失信信息的公示期限。")),
]
#: A sweep runs every CHENGXIN_SWEEP_INTERVAL seconds: beat is late after a few missed runs.
LATE_AFTER_INTERVALS = 3


@dataclass(frozen=True)
class Link:
    url: str
    label: str
    help: str


def configuration_links() -> list[Link]:
    links = []
    for model, label, help_text in CONFIGURATION:
        try:
            links.append(Link(reverse(f"admin:{model}_changelist"), str(label), str(help_text)))
        except NoReverseMatch:  # a table not registered in the admin
            continue
    return links


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str


#: The database and queue software by the names their makers give them (or in words).
SOFTWARE = {
    "sqlite": "SQLite",
    "postgresql": "PostgreSQL",
    "filesystem": gettext_lazy("本地文件"),
    "redis": "Redis",
    "amqp": "RabbitMQ",
}


def _database() -> Check:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as exc:
        return Check(_("数据库"), False, _("无法连接：%(error)s") % {"error": exc})
    vendor = SOFTWARE.get(connection.vendor, connection.vendor)
    return Check(_("数据库"), True, _("可连接（%(vendor)s）") % {"vendor": vendor})


def _broker() -> Check:
    """One connection attempt with a one-second limit (the filesystem broker of `make run`
    answers at once)."""
    from kombu import Connection

    url = settings.CELERY_BROKER_URL
    options = getattr(settings, "CELERY_BROKER_TRANSPORT_OPTIONS", {})
    try:
        with Connection(url, transport_options=options, connect_timeout=1) as conn:
            conn.ensure_connection(max_retries=1, timeout=1)
    except Exception as exc:  # kombu raises the transport's own errors
        return Check(_("任务队列"), False, _("无法连接：%(error)s") % {"error": exc})
    transport = url.split(":", 1)[0]
    return Check(
        _("任务队列"), True, _("可连接（%(transport)s）") % {"transport": SOFTWARE.get(transport, transport)}
    )


def _outbox() -> Check:
    """Deliveries to other systems (exchange.delivery): overdue or dead messages are an alert."""
    from casework import clock
    from exchange.queries import health as outbox_health

    counts = outbox_health(clock.today())
    ok = not counts["overdue"] and not counts["dead"]
    detail = _("逾期未送达 %(overdue)d 条，发送失败 %(dead)d 条") % counts
    return Check(_("外发消息"), ok, detail)


def _beat() -> Check:
    """When beat last sent a sweep (django-celery-beat records each send)."""
    from django_celery_beat.models import PeriodicTask

    last = (
        PeriodicTask.objects.filter(task__startswith="workflows.tasks.sweep_", last_run_at__isnull=False)
        .order_by("-last_run_at")
        .values_list("last_run_at", flat=True)
        .first()
    )
    if last is None:
        return Check(_("定时清扫"), False, _("尚未运行过（请确认定时任务进程已启动）。"))
    late = dt.timedelta(seconds=settings.CHENGXIN_SWEEP_INTERVAL * LATE_AFTER_INTERVALS)
    when = timezone.localtime(last).strftime("%Y-%m-%d %H:%M")
    if timezone.now() - last > late:
        return Check(_("定时清扫"), False, _("最近一次：%(when)s，已超时未运行。") % {"when": when})
    return Check(_("定时清扫"), True, _("最近一次：%(when)s") % {"when": when})


def _renders() -> Check:
    from notices.lifecycle import NoticeState
    from notices.models import Notice

    pending = Notice.objects.filter(number__isnull=False, sha256="").exclude(state=NoticeState.VOIDED).count()
    if pending:
        return Check(_("文书 PDF"), False, _("%(n)s 份已签发文书尚未生成 PDF。") % {"n": pending})
    return Check(_("文书 PDF"), True, _("已签发文书均已生成 PDF。"))


def _reactions() -> Check:
    """What steps cause after their commit (notices drafted, flows updated) and failed: each
    pending row is retried every minute (casework.services.reactions)."""
    from casework.services import reactions

    failed = reactions.failed()
    count = failed.count()
    if not count:
        return Check(_("步骤后续处理"), True, _("无失败待重试的后续处理。"))
    oldest = failed.order_by("created_at").first()
    detail = _(
        "%(n)s 项后续处理（起草文书、更新流程）失败待重试，最早一项发生于 %(when)s，已尝试 %(attempts)s 次。"
    ) % {
        "n": count,
        "when": timezone.localtime(oldest.created_at).strftime("%Y-%m-%d %H:%M"),
        "attempts": oldest.attempts,
    }
    return Check(_("步骤后续处理"), False, detail)


def _audit_head() -> Check:
    """The chain's tip (AuditHead) against the last entry and its link to the one before;
    the whole chain is checked by `manage.py verify_audit`, which reads every entry."""
    from casework.audit import entry_digest
    from casework.models import AuditEntry, AuditHead

    last_two = list(AuditEntry.objects.order_by("-seq")[:2])
    tip = AuditHead.objects.filter(pk=1).first()
    if not last_two:
        return Check(_("审计链"), tip is None or tip.seq == 0, _("暂无审计记录。"))
    last = last_two[0]
    intact = (
        (len(last_two) == 1 or last.prev_hash == last_two[1].hash)
        and entry_digest(last) == last.hash
        and tip is not None
        and (tip.seq, tip.hash) == (last.seq, last.hash)
    )
    detail = _("链头序号 %(seq)s（%(when)s），哈希 %(hash)s…") % {
        "seq": last.seq,
        "when": timezone.localtime(last.created_at).strftime("%Y-%m-%d %H:%M"),
        "hash": last.hash[:12],
    }
    if not intact:
        detail = _("链头与最新记录不一致，请运行 verify_audit 全面核查。%(detail)s") % {"detail": detail}
    return Check(_("审计链"), intact, detail)


#: (what is checked, how): the name is shown even when a check fails unexpectedly.
CHECKS = [
    (gettext_lazy("数据库"), _database),
    (gettext_lazy("任务队列"), _broker),
    (gettext_lazy("定时清扫"), _beat),
    (gettext_lazy("文书 PDF"), _renders),
    (gettext_lazy("步骤后续处理"), _reactions),
    (gettext_lazy("外发消息"), _outbox),
    (gettext_lazy("审计链"), _audit_head),
]


def health() -> list[Check]:
    results = []
    for name, check in CHECKS:
        try:
            results.append(check())
        except Exception as exc:  # a check that fails is itself the finding
            results.append(Check(str(name), False, _("检查失败：%(error)s") % {"error": exc}))
    return results
