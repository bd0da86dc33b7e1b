"""Court lists and court documents (DOMAIN §4.1 DEF/JUD, §5.1 T10, scenario 7).

- `DefaulterEntry`: one entry of the 失信被执行人 list, keyed by its 案号 and court, as the
  latest import saw it. Most entries are about companies and people, not government bodies:
  they are kept (a later import compares against them) and lead nowhere.
- `CourtDocument`: a judgment or a revocation registered from a file or by an officer; a
  revocation names the document it revokes by number. A judgment's party is matched like a
  list entry (`NameMatched`).
- `CourtRevocation`: what registering a revocation does to a record resting on the revoked
  document — waiting for an approver (EFFECTIVE record, T10 within 3 WD, a casework
  Deadline owned by this row) or flagged for the officer (the record is still a case).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from casework.models.fields import user_link


class EntryStatus(models.TextChoices):
    LISTED = "listed", _("在列")
    PERFORMED = "performed", _("已履行")
    REMOVED = "removed", _("已移出名单")


class MatchState(models.TextChoices):
    NONE = "none", _("未匹配")
    STRONG = "strong", _("代码匹配")
    WEAK = "weak", _("名称疑似匹配，待确认")
    CONFIRMED = "confirmed", _("已人工确认")
    REJECTED = "rejected", _("已人工排除")


class NameMatched(models.Model):
    """Which government body a court row is about: found by its code (STRONG), or by a name
    that only resembles a body's (WEAK) until an officer confirms or rejects it."""

    match = models.CharField(_("匹配"), max_length=10, choices=MatchState.choices, default=MatchState.NONE)
    #: The body the row is about (code match, or a name match an officer confirmed), or, while
    #: `match` is WEAK or REJECTED, the body its name resembles.
    organisation = models.ForeignKey(
        "casework.Organisation",
        verbose_name=_("单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_by = user_link(_("确认人"))
    decided_at = models.DateTimeField(_("确认时间"), null=True, blank=True)

    class Meta:
        abstract = True


class DefaulterEntry(NameMatched):
    case_number = models.CharField(_("案号"), max_length=100)
    court = models.CharField(_("执行法院"), max_length=100)
    name = models.CharField(_("被执行人名称"), max_length=200)
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
    org_code = models.CharField(_("组织机构代码"), max_length=9, blank=True)
    legal_representative = models.CharField(_("法定代表人"), max_length=100, blank=True)
    province = models.CharField(_("省份"), max_length=30, blank=True)
    basis_number = models.CharField(_("执行依据文号"), max_length=100, blank=True)
    basis_unit = models.CharField(_("做出执行依据单位"), max_length=100, blank=True)
    obligation = models.TextField(_("生效法律文书确定的义务"), blank=True)
    performance = models.CharField(_("履行情况"), max_length=100, blank=True)
    conduct = models.TextField(_("失信行为具体情形"), blank=True)
    filed_on = models.CharField(_("立案时间"), max_length=30, blank=True)
    published_on = models.CharField(_("发布时间"), max_length=30, blank=True)
    status = models.CharField(
        _("名单状态"), max_length=10, choices=EntryStatus.choices, default=EntryStatus.LISTED
    )
    #: sha256 of the entry's fields as the list gave them: an unchanged row is recognised.
    content_hash = models.CharField(max_length=64)
    #: The lead (DEF) the entry gave, or the record it was joined to: the entry is its evidence.
    record = models.ForeignKey(
        "casework.Record",
        verbose_name=_("失信记录"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    first_batch = models.ForeignKey(
        "exchange.ImportBatch", on_delete=models.PROTECT, related_name="+", verbose_name=_("首次导入批次")
    )
    last_batch = models.ForeignKey(
        "exchange.ImportBatch", on_delete=models.PROTECT, related_name="+", verbose_name=_("最近出现批次")
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("失信被执行人名单条目")
        verbose_name_plural = _("失信被执行人名单条目")
        ordering = ["-id"]
        constraints = [models.UniqueConstraint(fields=["case_number", "court"], name="defaulter_entry_once")]
        indexes = [
            models.Index(fields=["match"], name="defaulter_entry_match"),
            models.Index(fields=["basis_number"], name="defaulter_entry_basis"),
        ]

    def __str__(self) -> str:
        return f"{self.case_number} {self.name}"


class DocumentKind(models.TextChoices):
    JUDGMENT = "judgment", _("判决/裁定")
    REVOCATION = "revocation", _("撤销/改判文书")


class CourtDocument(NameMatched):
    number = models.CharField(_("文书号"), max_length=100, unique=True)
    court = models.CharField(_("法院"), max_length=100)
    kind = models.CharField(_("文书类型"), max_length=10, choices=DocumentKind.choices)
    #: For a revocation: the number of the judgment (or 执行依据) it revokes.
    revokes = models.CharField(_("被撤销文书号"), max_length=100, blank=True)
    party = models.CharField(_("当事人"), max_length=200, blank=True)
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
    decided_on = models.DateField(_("裁判日期"), null=True, blank=True)
    summary = models.TextField(_("内容摘要"), blank=True)
    registered_on = models.DateField(_("登记日期"))
    registered_by = user_link(_("登记人"))
    batch = models.ForeignKey(
        "exchange.ImportBatch",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("导入批次"),
    )
    #: A judgment against a government body: the JUD lead it gave.
    record = models.ForeignKey(
        "casework.Record",
        verbose_name=_("失信记录"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    content_hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("法院文书")
        verbose_name_plural = _("法院文书")
        ordering = ["-registered_on", "-id"]
        indexes = [
            models.Index(fields=["revokes"], name="court_document_revokes"),
            models.Index(fields=["match"], name="court_document_match"),
        ]

    def __str__(self) -> str:
        return self.number


class RevocationState(models.TextChoices):
    PENDING = "pending", _("待审批撤销")
    REVOKED = "revoked", _("已撤销记录")
    FLAGGED = "flagged", _("待办案人员处理")
    NOTED = "noted", _("办案人员已处理")


class CourtRevocation(models.Model):
    document = models.ForeignKey(CourtDocument, on_delete=models.PROTECT, related_name="revocations")
    record = models.ForeignKey("casework.Record", on_delete=models.PROTECT, related_name="+")
    state = models.CharField(_("状态"), max_length=10, choices=RevocationState.choices)
    registered_on = models.DateField(_("撤销文书登记日期"))
    due_on = models.DateField(_("应撤销日期"), null=True, blank=True)
    decided_by = user_link(_("处理人"))
    decided_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    note = models.TextField(_("处理说明"), blank=True)

    class Meta:
        verbose_name = _("据法院文书撤销")
        verbose_name_plural = _("据法院文书撤销")
        ordering = ["due_on", "id"]
        constraints = [models.UniqueConstraint(fields=["document", "record"], name="court_revocation_once")]

    def __str__(self) -> str:
        return f"{self.document} → {self.record}"
