from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField

from ..lifecycle import REPAIR_STEPS, RepairState
from .audit import AppendOnlyError
from .fields import user_link
from .records import DeadlineRule
from .steps import StepMachine


class RefusalReason(models.TextChoices):
    """The fixed list of DOMAIN §6.5 design (c)."""

    PREMATURE = "PREMATURE", _("最短公示期未满")
    RECTIFICATION = "RECTIFICATION", _("整改未验收")
    OBLIGATIONS = "OBLIGATIONS", _("义务未履行")
    EXCLUDED = "EXCLUDED", _("属于不予修复情形")
    MATERIALS = "MATERIALS", _("材料虚假或补正后仍不齐全")
    COMMITMENT = "COMMITMENT", _("未提交信用承诺书")
    FRAUD_BAR = "FRAUD_BAR", _("处于修复欺诈限制期内")
    ACCOUNTABILITY = "ACCOUNTABILITY", _("问责决定尚未执行")


class RepairApplication(StepMachine, models.Model):
    """An application for credit repair (信用修复). `rule_version` is the rule in force on
    the decision date (scenario 35)."""

    record = models.ForeignKey(
        "casework.Record", on_delete=models.PROTECT, related_name="repairs", verbose_name=_("失信记录")
    )
    state = FSMField(_("状态"), default=RepairState.SUBMITTED, choices=RepairState.choices, protected=True)
    steps = REPAIR_STEPS  # one transition method per row (StepMachine)
    applicant = user_link(_("申请人"), required=True)
    submitted_on = models.DateField(_("申请日期"))
    commitment = models.TextField(_("信用承诺书"))
    commitment_signed_by = user_link(_("承诺签署人"))
    accepted_on = models.DateField(_("受理日期"), null=True, blank=True)
    extension_reason = models.TextField(_("延期理由"), blank=True)
    decided_on = models.DateField(_("决定日期"), null=True, blank=True)
    decided_by = user_link(_("决定人"))
    refusal_reason = models.CharField(
        _("不予修复理由"), max_length=20, choices=RefusalReason.choices, blank=True
    )
    refusal_detail = models.TextField(_("不予修复说明"), blank=True)
    rule_version = models.CharField(_("规则版本"), max_length=30, blank=True)
    revoked_reason = models.TextField(_("撤销修复理由"), blank=True)
    revoked_on = models.DateField(_("撤销修复日期"), null=True, blank=True)
    fraud = models.BooleanField(_("以欺骗手段取得修复"), default=False)

    class Meta:
        verbose_name = _("信用修复申请")
        verbose_name_plural = _("信用修复申请")
        ordering = ["-submitted_on", "-id"]

    def __str__(self) -> str:
        return f"{self.record} · 信用修复"


class RepairRule(models.Model):
    """The credit-repair regulation in force from a date (DOMAIN §6.5): a decision stores
    the `rule_version` in force on its decision date (scenario 35)."""

    valid_from = models.DateField(_("施行日期"), unique=True)
    rule_version = models.CharField(_("规则版本"), max_length=30)
    source = models.CharField(_("依据"), max_length=200)

    class Meta:
        verbose_name = _("信用修复规则")
        verbose_name_plural = _("信用修复规则")
        ordering = ["-valid_from"]

    def __str__(self) -> str:
        return f"{self.rule_version}（{self.valid_from} 起施行）"


class SyncKind(models.TextChoices):
    """Outbound events to the provincial platform (DOMAIN §6.6)."""

    CREATE = "CREATE", _("新增")
    UPDATE = "UPDATE", _("更新")
    OBJECTION_FLAG_ON = "OBJECTION_FLAG_ON", _("标注异议处理中")
    OBJECTION_FLAG_OFF = "OBJECTION_FLAG_OFF", _("取消异议标注")
    REVOKE = "REVOKE", _("撤销")
    REPAIR = "REPAIR", _("信用修复")
    EXPIRE = "EXPIRE", _("公示期满")


class SyncEvent(models.Model):
    """An outbox row: written in the transaction that changed the record, delivered and
    acknowledged later; delivery is idempotent on `id`."""

    record = models.ForeignKey(
        "casework.Record", on_delete=models.PROTECT, related_name="sync_events", verbose_name=_("失信记录")
    )
    kind = models.CharField(_("类型"), max_length=20, choices=SyncKind.choices)
    payload = models.JSONField(_("内容"), default=dict)
    due_on = models.DateField(_("应同步日期"))
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    acknowledged_at = models.DateTimeField(_("省平台确认时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("平台同步事件")
        verbose_name_plural = _("平台同步事件")
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(
                fields=["due_on"], name="sync_pending", condition=models.Q(acknowledged_at__isnull=True)
            ),
            # The API list's keyset order.
            models.Index(fields=["due_on", "id"], name="sync_due_id"),
        ]

    def __str__(self) -> str:
        return f"{self.record} {self.get_kind_display()}"


def honour_query_cutoff():
    """Queries made on or after this date are inside their retention period (rule row
    `honours_query_retention`); None when the rule is missing: then every query is kept."""
    from .. import clock
    from ..calendar import add_months_plain  # pure date arithmetic, no model import
    from ..rule_table import RuleCode  # it reads this module's siblings

    rule = DeadlineRule.objects.filter(code=RuleCode.HONOURS_QUERY_RETENTION).first()
    return None if rule is None else add_months_plain(clock.today(), -rule.amount)


def _retained(queries: models.QuerySet) -> bool:
    cutoff = honour_query_cutoff()
    return (queries if cutoff is None else queries.filter(queried_at__date__gte=cutoff)).exists()


class HonourQueryQuerySet(models.QuerySet):
    """The query log is never changed, and a row is deleted only once its retention ran out."""

    def update(self, **kwargs):
        raise AppendOnlyError("honours queries cannot be updated")

    def delete(self):
        if _retained(self):
            raise AppendOnlyError("honours queries are kept for the retention period")
        return super().delete()

    def _raw_delete(self, using):
        if _retained(self):
            raise AppendOnlyError("honours queries are kept for the retention period")
        return super()._raw_delete(using)


class HonourQuery(models.Model):
    """An honours-eligibility query (评优评先), kept ≥ 5 years (S10 Art 45, scenario 31):
    written once by casework.services.honours, never updated, not deletable before then."""

    requester = user_link(_("查询人"), required=True)
    person = models.ForeignKey(
        "casework.Person", null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("查询人员")
    )
    organisation = models.ForeignKey(
        "casework.Organisation", null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("查询单位")
    )
    purpose = models.CharField(_("查询用途"), max_length=200)
    on_date = models.DateField(_("查询基准日"))
    eligible = models.BooleanField(_("是否符合"))
    reasons = models.JSONField(_("不符合原因"), default=list)
    queried_at = models.DateTimeField(_("查询时间"), auto_now_add=True)

    objects = HonourQueryQuerySet.as_manager()

    class Meta:
        verbose_name = _("评优评先查询记录")
        verbose_name_plural = _("评优评先查询记录")
        ordering = ["-queried_at"]

    def __str__(self) -> str:
        return f"{self.person or self.organisation} {self.on_date}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("honours queries cannot be updated")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if _retained(HonourQuery.objects.filter(pk=self.pk)):
            raise AppendOnlyError("honours queries are kept for the retention period")
        return super().delete(*args, **kwargs)
