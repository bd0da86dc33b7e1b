"""Figures too costly to count on each request, kept as of their last refresh
(oversight.statistics.snapshot, refreshed by a beat task)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class FigureSnapshot(models.Model):
    """One board's figures as counted at `taken_at` for the day `today`."""

    name = models.CharField(_("名称"), max_length=40, unique=True)
    today = models.DateField(_("统计日"))
    taken_at = models.DateTimeField(_("统计时间"))
    data = models.JSONField(_("数据"), default=dict)

    class Meta:
        verbose_name = _("统计快照")
        verbose_name_plural = _("统计快照")

    def __str__(self) -> str:
        return f"{self.name} {self.taken_at:%Y-%m-%d %H:%M}"
