from django.db import models
from django.utils.translation import gettext_lazy as _


class CalendarYear(models.Model):
    """A year of the official holiday arrangement (国务院办公厅 yearly notice).

    A deadline that reaches a year with no `official` row is only an estimate and is
    stored as provisional until the year is loaded.
    """

    year = models.PositiveSmallIntegerField(_("年度"), primary_key=True)
    official = models.BooleanField(_("已载入官方安排"), default=True)
    source = models.CharField(_("来源"), max_length=200)
    loaded_at = models.DateTimeField(_("载入时间"), auto_now=True)

    class Meta:
        verbose_name = _("节假日年度")
        verbose_name_plural = _("节假日年度")
        ordering = ["-year"]

    def __str__(self) -> str:
        return str(self.year)


class CalendarDay(models.Model):
    """A day that departs from the Monday–Friday rule: a holiday on a weekday, or a
    weekend day worked (调休). Ordinary days are not stored."""

    date = models.DateField(_("日期"), primary_key=True)
    year = models.ForeignKey(
        CalendarYear,
        on_delete=models.CASCADE,
        related_name="days",
        verbose_name=_("年度"),
    )
    is_workday = models.BooleanField(_("工作日"))
    name = models.CharField(_("名称"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("节假日/调休日")
        verbose_name_plural = _("节假日/调休日")
        ordering = ["date"]

    def __str__(self) -> str:
        kind = _("调休上班") if self.is_workday else _("休息")
        return f"{self.date} {kind} {self.name}"
