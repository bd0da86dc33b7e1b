"""An import is a batch: the file as received, what was done with each of its rows, and how
far the work has gone (the progress bar reads `processed_rows` / `total_rows`). Every kind of
import — organisations, civil servants, hotline work orders, court lists — keeps its report
in these two tables, so one page shows any of them and a re-run can be compared row by row."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from casework.models.fields import user_link


class ImportKind(models.TextChoices):
    ORGANISATIONS = "organisations", _("单位名录")
    PEOPLE = "people", _("公务员名册")
    HOTLINE = "hotline", _("12345 工单")
    DEFAULTER_LIST = "defaulter_list", _("失信被执行人名单")
    COURT_DOCUMENTS = "court_documents", _("法院裁判文书")


class ImportState(models.TextChoices):
    CHECKED = "CHECKED", _("已试运行")  # a dry run: every row checked, nothing written
    QUEUED = "QUEUED", _("排队中")
    RUNNING = "RUNNING", _("导入中")
    DONE = "DONE", _("已完成")
    FAILED = "FAILED", _("失败")


class RowOutcome(models.TextChoices):
    VALID = "valid", _("校验通过")  # a dry run's good row: nothing written
    CREATED = "created", _("新增")
    UPDATED = "updated", _("更新")
    UNCHANGED = "unchanged", _("无变化")
    FILTERED = "filtered", _("未通过筛选")
    DUPLICATE = "duplicate", _("重复")
    QUEUED = "queued", _("待人工确认")
    INVALID = "invalid", _("有错误")


class ImportBatch(models.Model):
    kind = models.CharField(_("导入类型"), max_length=20, choices=ImportKind.choices)
    file_name = models.CharField(_("文件名"), max_length=255)
    file = models.FileField(_("文件"), upload_to="imports/%Y/%m/", blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    #: What the importer was told: the column map's version, the filter, the channel…
    options = models.JSONField(_("导入参数"), default=dict, blank=True)
    dry_run = models.BooleanField(_("试运行"), default=False)
    state = models.CharField(
        _("状态"), max_length=10, choices=ImportState.choices, default=ImportState.QUEUED
    )
    total_rows = models.PositiveIntegerField(_("总行数"), default=0)
    processed_rows = models.PositiveIntegerField(_("已处理行数"), default=0)
    #: How many rows ended in each RowOutcome, e.g. {"created": 950, "invalid": 50}.
    counts = models.JSONField(_("结果统计"), default=dict, blank=True)
    error = models.TextField(_("错误"), blank=True, default="")
    created_by = user_link(_("导入人"))
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("导入批次")
        verbose_name_plural = _("导入批次")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.file_name}"

    @property
    def percent(self) -> int:
        if not self.total_rows:
            return 100 if self.state in (ImportState.DONE, ImportState.CHECKED) else 0
        return min(100, self.processed_rows * 100 // self.total_rows)


class ImportRow(models.Model):
    """One row of the file (numbered as a spreadsheet numbers it: the header is row 1)."""

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="rows")
    number = models.PositiveIntegerField(_("行号"))
    outcome = models.CharField(_("结果"), max_length=10, choices=RowOutcome.choices)
    #: [{"column": "统一社会信用代码", "message": "校验码错误……"}, …]
    errors = models.JSONField(_("错误"), default=list, blank=True)
    message = models.CharField(_("说明"), max_length=500, blank=True, default="")
    #: What the row became or matched, e.g. "organisation:12", "complaint:7".
    target = models.CharField(_("对应对象"), max_length=60, blank=True, default="")

    class Meta:
        verbose_name = _("导入行")
        verbose_name_plural = _("导入行")
        ordering = ["batch", "number"]
        constraints = [models.UniqueConstraint(fields=["batch", "number"], name="import_row_once")]

    def __str__(self) -> str:
        return f"{self.batch_id}:{self.number} {self.outcome}"
