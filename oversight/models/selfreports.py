"""Units' self-reports (政务失信情况报告制度, DOMAIN §9.9).

A unit reports each judgment, penalty or other dishonesty finding against it within 5 working
days of receiving the document (`SelfReport`: late when submitted after its due day), and once
a quarter says either 无 or which of its self-reports the quarter held (`QuarterlyReport`, due
N working days after the quarter ends). Each self-report is a lead for the commission the
moment it is submitted: the lead is kept on the report, so one document is one lead.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class SelfReportKind(models.TextChoices):
    JUDGMENT = "judgment", _("法院判决")
    PENALTY = "penalty", _("行政处罚")
    OTHER = "other", _("其他失信情形")


class SelfReport(models.Model):
    """政务失信情况报告: one document the unit received, reported by its liaison or head."""

    organisation = models.ForeignKey(
        "casework.Organisation", verbose_name=_("报告单位"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("报告类别"), max_length=10, choices=SelfReportKind.choices)
    document_number = models.CharField(_("文书号"), max_length=100)
    #: The number as compared (full-width brackets and spaces aside): one document, one report.
    number_key = models.CharField(max_length=100, editable=False)
    issuing_body = models.CharField(_("作出机关"), max_length=200)
    received_on = models.DateField(_("收到日期"))
    summary = models.TextField(_("内容摘要"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("报告人"), on_delete=models.PROTECT, related_name="+"
    )
    submitted_on = models.DateField(_("报告日期"))
    due_on = models.DateField(_("报告期限"))
    late = models.BooleanField(_("逾期报告"), default=False)
    record = models.OneToOneField(
        "casework.Record",
        verbose_name=_("线索"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("政务失信情况报告")
        verbose_name_plural = _("政务失信情况报告")
        ordering = ["-submitted_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "kind", "number_key"], name="self_report_once_per_document"
            ),
            models.CheckConstraint(
                name="self_report_late_after_due",
                condition=Q(late=True, submitted_on__gt=models.F("due_on"))
                | Q(late=False, submitted_on__lte=models.F("due_on")),
            ),
        ]
        indexes = [
            models.Index(fields=["organisation", "received_on"], name="self_report_org_received"),
            # the commission's list, newest first, pages off this index
            models.Index(fields=["-submitted_on", "-id"], name="self_report_submitted"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.document_number}"


class QuarterlyReport(models.Model):
    """季度报告: the unit's quarter, 无 (`nil`) or the self-reports it held."""

    organisation = models.ForeignKey(
        "casework.Organisation", verbose_name=_("报告单位"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    quarter = models.PositiveSmallIntegerField(_("季度"))
    nil = models.BooleanField(_("本季度无失信情况"), default=False)
    items = models.ManyToManyField(SelfReport, verbose_name=_("报告事项"), blank=True, related_name="+")
    note = models.TextField(_("说明"), blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("报告人"), on_delete=models.PROTECT, related_name="+"
    )
    submitted_on = models.DateField(_("报告日期"))
    due_on = models.DateField(_("报告期限"))
    late = models.BooleanField(_("逾期报告"), default=False)

    class Meta:
        verbose_name = _("季度报告")
        verbose_name_plural = _("季度报告")
        ordering = ["-year", "-quarter", "organisation"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "year", "quarter"], name="quarterly_report_once_per_quarter"
            ),
            models.CheckConstraint(
                name="quarterly_report_quarter", condition=Q(quarter__gte=1, quarter__lte=4)
            ),
        ]

    def __str__(self) -> str:
        return str(_("%(year)s年第%(quarter)s季度报告") % {"year": self.year, "quarter": self.quarter})

    @property
    def period(self) -> Quarter:
        return Quarter(self.year, self.quarter)


@dataclass(frozen=True, order=True)
class Quarter:
    """A calendar quarter (1–4 of `year`), with its first and last day."""

    year: int
    number: int

    @classmethod
    def of(cls, day: dt.date) -> Quarter:
        return cls(day.year, (day.month - 1) // 3 + 1)

    @property
    def first_day(self) -> dt.date:
        return dt.date(self.year, 3 * self.number - 2, 1)

    @property
    def last_day(self) -> dt.date:
        return self.next().first_day - dt.timedelta(days=1)

    def next(self) -> Quarter:
        return Quarter(self.year + 1, 1) if self.number == 4 else Quarter(self.year, self.number + 1)

    def __str__(self) -> str:
        return str(_("%(year)s年第%(quarter)s季度") % {"year": self.year, "quarter": self.number})
