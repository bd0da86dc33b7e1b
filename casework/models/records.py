from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField

from ..lifecycle import RECORD_STEPS, RecordState
from .fields import ChoiceLabels, user_link
from .steps import StepMachine

__all__ = [
    "Category",
    "Deadline",
    "DeadlineRule",
    "DisclosureRule",
    "Domain",
    "LeadSource",
    "Measure",
    "Record",
    "RecordState",
    "Tier",
]


class Category(models.TextChoices):
    """DOMAIN §4.1 (seed §二(二)3 and §二(三)8)."""

    JUD = "JUD", _("司法判决")
    DEF = "DEF", _("失信被执行人")
    PEN = "PEN", _("行政处罚")
    DIS = "DIS", _("纪律处分/政务处分")
    ACC = "ACC", _("问责处理")
    PRM = "PRM", _("未守信践诺")
    ONL = "ONL", _("网上办理未达标")
    RCT = "RCT", _("未按时完成整改")


class Domain(models.TextChoices):
    """DOMAIN §4.2 (seed §二(三))."""

    POLICY = "POLICY", _("政策落实兑现")
    PROCUREMENT = "PROCUREMENT", _("政府采购")
    PPP = "PPP", _("政府和社会资本合作")
    TENDERING = "TENDERING", _("招标投标")
    PUBLIC_RESOURCES = "PUBLIC_RESOURCES", _("公共资源交易")
    INVESTMENT = "INVESTMENT", _("招商引资")
    DEBT = "DEBT", _("地方政府债务")
    LEGAL_DUTY = "LEGAL_DUTY", _("法定义务履行")
    GRASSROOTS = "GRASSROOTS", _("基层政务诚信")
    OTHER = "OTHER", _("其他")


class Tier(models.TextChoices):
    MINOR = "MINOR", _("轻微")
    GENERAL = "GENERAL", _("一般")
    SERIOUS = "SERIOUS", _("严重")


class LeadSource(models.TextChoices):
    HOTLINE = "HOTLINE", _("12345 热线")
    PETITION = "PETITION", _("信访")
    COURT = "COURT", _("法院判决/执行")
    DEFAULTER_LIST = "DEFAULTER_LIST", _("失信被执行人名单")
    PENALTY = "PENALTY", _("行政处罚")
    DISCIPLINE = "DISCIPLINE", _("纪律处分/政务处分")
    ACCOUNTABILITY = "ACCOUNTABILITY", _("问责")
    AUDIT = "AUDIT", _("审计")
    INSPECTION = "INSPECTION", _("巡察")
    CONGRESS = "CONGRESS", _("人大/政协")
    PROCURATORIAL = "PROCURATORIAL", _("检察建议/司法建议")
    COMMITMENT = "COMMITMENT", _("承诺跟踪逾期")
    ONLINE_STATS = "ONLINE_STATS", _("网上办事统计")
    MONITORING = "MONITORING", _("第三方监测")
    SELF_REPORT = "SELF_REPORT", _("自报")
    RECTIFICATION = "RECTIFICATION", _("整改逾期")


class ServiceMethod(models.TextChoices):
    IN_PERSON = "IN_PERSON", _("直接送达")
    MAIL = "MAIL", _("邮寄送达")
    ELECTRONIC = "ELECTRONIC", _("电子送达")
    LEFT = "LEFT", _("留置送达")
    PUBLIC = "PUBLIC", _("公告送达")


class Measure(models.Model):
    """An entry of the 惩戒措施清单 (S3 清单管理): every sanction cites its basis."""

    code = models.CharField(_("编号"), max_length=20, unique=True)
    name = models.CharField(_("措施名称"), max_length=200)
    legal_basis = models.TextField(_("设定依据"))
    applies_to_organisations = models.BooleanField(_("适用于单位"), default=True)
    applies_to_persons = models.BooleanField(_("适用于个人"), default=True)
    is_active = models.BooleanField(_("有效"), default=True)

    class Meta:
        verbose_name = _("惩戒措施清单")
        verbose_name_plural = _("惩戒措施清单")
        ordering = ["code"]
        constraints = [models.CheckConstraint(name="measure_has_basis", condition=~models.Q(legal_basis=""))]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class DisclosureRule(models.Model):
    """Disclosure periods per tier (DOMAIN §4.3), with the rule they come from.

    The row in force on the determination date applies; its `rule_version` is copied onto
    the record so a later change of rules never rewrites an old decision.
    """

    tier = models.CharField(_("失信等级"), max_length=10, choices=Tier.choices)
    valid_from = models.DateField(_("施行日期"))
    min_months = models.PositiveSmallIntegerField(_("最短公示期（月）"))
    max_months = models.PositiveSmallIntegerField(_("最长公示期（月）"))
    public_by_default = models.BooleanField(_("默认公开"), default=True)
    source = models.CharField(_("依据"), max_length=200)
    rule_version = models.CharField(_("规则版本"), max_length=30)

    class Meta:
        verbose_name = _("公示期限规则")
        verbose_name_plural = _("公示期限规则")
        ordering = ["tier", "-valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["tier", "valid_from"], name="disclosure_rule_unique"),
            models.CheckConstraint(
                name="disclosure_rule_min_le_max",
                condition=models.Q(min_months__lte=models.F("max_months")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_tier_display()} {self.min_months}–{self.max_months} 月 ({self.rule_version})"


class DeadlineUnit(models.TextChoices):
    WORKING_DAYS = "wd", _("工作日")
    DAYS = "d", _("自然日")
    MONTHS = "m", _("月")


class DeadlineRule(models.Model):
    """A processing time limit (DOMAIN §7.1), editable by an administrator, never a literal in code."""

    code = models.SlugField(_("代码"), max_length=50, unique=True)
    label = models.CharField(_("名称"), max_length=100)
    amount = models.PositiveSmallIntegerField(_("期限"))
    unit = models.CharField(_("单位"), max_length=2, choices=DeadlineUnit.choices)
    roll_forward = models.BooleanField(_("遇休息日顺延"), default=True)
    source = models.CharField(_("依据"), max_length=200)
    rule_version = models.CharField(_("规则版本"), max_length=30, default="2026.1")

    class Meta:
        verbose_name = _("办理期限规则")
        verbose_name_plural = _("办理期限规则")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.label}: {self.amount}{self.get_unit_display()}"


class Record(ChoiceLabels, StepMachine, models.Model):
    """A government dishonesty record (政务失信记录), from lead to archive.

    Invariants: exactly one subject (an organisation or a person); the disclosure window
    is ordered; the state changes only through its transition methods, one per row of
    casework.lifecycle.RECORD_STEPS (StepMachine), called only from casework.services.records.
    """

    reference = models.CharField(_("案件编号"), max_length=30, unique=True, null=True, blank=True)
    state = FSMField(_("状态"), default=RecordState.LEAD, choices=RecordState.choices, protected=True)
    steps = RECORD_STEPS  # one transition method per row (StepMachine)
    subject_organisation = models.ForeignKey(
        "casework.Organisation",
        verbose_name=_("失信单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="records",
    )
    subject_person = models.ForeignKey(
        "casework.Person",
        verbose_name=_("失信公务员"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="records",
    )
    # Lead (T1)
    source = models.CharField(_("线索来源"), max_length=20, choices=LeadSource.choices)
    lead_content = models.TextField(_("线索内容"))
    received_on = models.DateField(_("收到日期"))
    fact_hash = models.CharField(max_length=64, db_index=True, editable=False)
    # Proposal (T4)
    category = models.CharField(_("失信类别"), max_length=3, choices=Category.choices, blank=True)
    domain = models.CharField(_("重点领域"), max_length=20, choices=Domain.choices, blank=True)
    tier = models.CharField(_("失信等级"), max_length=10, choices=Tier.choices, blank=True)
    tier_rationale = models.TextField(_("定级理由"), blank=True)
    facts = models.TextField(_("失信事实"), blank=True)
    legal_basis = models.TextField(_("认定依据"), blank=True)
    measures = models.ManyToManyField(Measure, verbose_name=_("惩戒措施"), blank=True)
    must_disclose = models.BooleanField(
        _("轻微失信须公示"),
        default=False,
        help_text=_("行业主管部门认为确有必要公示的轻微失信信息"),
    )
    # Prior notice and defence (T5, T6)
    pre_notice_served_on = models.DateField(_("事前告知送达日期"), null=True, blank=True)
    defence_statement = models.TextField(_("陈述申辩意见"), blank=True)
    defence_reply = models.TextField(_("陈述申辩答复"), blank=True)
    defence_waived = models.BooleanField(_("书面放弃陈述申辩"), default=False)
    # Determination (T7)
    determining_unit = models.ForeignKey(
        "casework.Organisation",
        verbose_name=_("认定单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="determined_records",
    )
    determination_date = models.DateField(_("认定日期"), null=True, blank=True)
    disclosure_rule = models.ForeignKey(
        DisclosureRule,
        verbose_name=_("公示期限规则"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    rule_version = models.CharField(_("规则版本"), max_length=30, blank=True)
    min_end = models.DateField(_("最短公示期届满"), null=True, blank=True)
    max_end = models.DateField(_("最长公示期届满"), null=True, blank=True)
    # Service (T8)
    served_on = models.DateField(_("送达日期"), null=True, blank=True)
    service_method = models.CharField(_("送达方式"), max_length=20, choices=ServiceMethod.choices, blank=True)
    service_proof = models.CharField(_("送达回证"), max_length=200, blank=True)
    obligations_fulfilled_on = models.DateField(
        _("义务履行完毕日期"), null=True, blank=True, help_text=_("判决已履行、款项已支付等，信用修复的前提")
    )
    # Flags (DOMAIN §5)
    objection_pending = models.BooleanField(_("异议处理中"), default=False)
    public = models.BooleanField(_("公开公示"), default=False)
    # Closing (T3, T10)
    closing_reason = models.TextField(_("办结理由"), blank=True)
    closing_document = models.CharField(_("撤销依据文书"), max_length=200, blank=True)
    # People
    assigned_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("承办人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assigned_records",
    )
    proposed_by = user_link(_("拟认定人"))
    determined_by = user_link(_("认定审批人"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("政务失信记录")
        verbose_name_plural = _("政务失信记录")
        ordering = ["-received_on", "-id"]
        constraints = [
            models.CheckConstraint(
                name="record_exactly_one_subject",
                condition=models.Q(subject_organisation__isnull=False, subject_person__isnull=True)
                | models.Q(subject_organisation__isnull=True, subject_person__isnull=False),
            ),
            models.CheckConstraint(
                name="record_window_ordered",
                condition=models.Q(min_end__isnull=True)
                | models.Q(max_end__isnull=True)
                | models.Q(min_end__lte=models.F("max_end")),
            ),
        ]
        indexes = [
            models.Index(fields=["state", "max_end"], name="record_state_max_end"),
            models.Index(fields=["subject_organisation", "state"], name="record_org_state"),
            # The keyset order of the case list and the API's list, newest first (a page starts
            # where the last one stopped).
            models.Index(fields=["received_on", "id"], name="record_received_id"),
            # The public list's keyset pages, newest determination first (portal.public).
            models.Index(
                fields=["determination_date", "id"],
                name="record_public_listed",
                condition=models.Q(state="EFFECTIVE", public=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference or '—'} {self.subject}"

    @property
    def subject(self):
        return self.subject_organisation or self.subject_person

    @property
    def is_person_record(self) -> bool:
        return self.subject_person_id is not None


class DeadlineStatus(models.TextChoices):
    OPEN = "OPEN", _("进行中")
    MET = "MET", _("已办结")
    CANCELLED = "CANCELLED", _("已取消")


class Deadline(models.Model):
    """A time limit running on a record, with what it was computed from.

    Keeping the start date and the rule lets casework.calendar recompute a provisional
    deadline when the year it reaches is loaded (DOMAIN §7, scenario 23).
    """

    record = models.ForeignKey(
        Record,
        on_delete=models.CASCADE,
        related_name="deadlines",
        verbose_name=_("失信记录"),
    )
    # What the time limit runs on: the record itself, or one of its sub-process objects
    # (an objection, a rectification item, a repair application…).
    # No single-column indexes on owner_type or kind: `deadline_owner` and the partial
    # indexes below serve every lookup, and each index is written on every sweep's
    # hundreds of INSERTs and UPDATEs (docs/performance.md, deadline sweep).
    owner_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+", db_index=False)
    owner_id = models.PositiveBigIntegerField()
    owner = GenericForeignKey("owner_type", "owner_id")
    kind = models.SlugField(_("类型"), max_length=50, db_index=False)
    label = models.CharField(_("名称"), max_length=100)
    start_on = models.DateField(_("起算日"))
    amount = models.PositiveSmallIntegerField(_("期限"))
    unit = models.CharField(_("单位"), max_length=2, choices=DeadlineUnit.choices)
    roll_forward = models.BooleanField(_("遇休息日顺延"), default=True)
    due_on = models.DateField(_("截止日"))
    provisional = models.BooleanField(_("暂定"), default=False)
    status = models.CharField(
        _("状态"),
        max_length=10,
        choices=DeadlineStatus.choices,
        default=DeadlineStatus.OPEN,
    )
    rule_version = models.CharField(_("规则版本"), max_length=30, blank=True)
    # Set once by the overdue sweep (casework.services.deadlines) on the day it found the
    # deadline passed while still open: the inbox's overdue marker and the audit alert.
    overdue_since = models.DateField(_("逾期起始日"), null=True, blank=True)

    class Meta:
        verbose_name = _("办理期限")
        verbose_name_plural = _("办理期限")
        ordering = ["due_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["owner_type", "owner_id", "kind"],
                condition=models.Q(status="OPEN"),
                name="deadline_one_open_per_owner_kind",
            )
        ]
        indexes = [
            # Every sweep and list asks for open deadlines by due date (overdue, due this week);
            # closed ones are history, read by owner or record.
            # With the record: the case list sorted by next time limit walks it in order
            # (portal.workbench.queries.NextDueSource), ties by case.
            models.Index(
                fields=["due_on", "record"],
                name="deadline_open_due_record",
                condition=models.Q(status="OPEN"),
            ),
            models.Index(fields=["owner_type", "owner_id"], name="deadline_owner"),
            # A subject's pages read the open limits of its records, record by record; the
            # closed ones (most, after a year) would otherwise be read and dropped.
            models.Index(fields=["record"], name="deadline_open_record", condition=models.Q(status="OPEN")),
            # Loading a year's holidays recomputes the provisional ones: a few, near year end.
            models.Index(
                fields=["due_on"], name="deadline_provisional", condition=models.Q(provisional=True)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label} {self.due_on}{' (暂定)' if self.provisional else ''}"
