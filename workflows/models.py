"""Work state: one viewflow process per domain object that needs human work.

Legal state stays on the casework models (ARCHITECTURE §1); a process holds only which
object it follows. `CaseProcess` carries what every query needs whatever the case type:
the record that decides who may see the work, and a key that allows one process per
object. Each case type adds a typed link to its object, so nothing is looked up by a
generic id when a flow routes.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from viewflow.workflow.models import Process


def subject_key(obj: models.Model) -> str:
    """`<model>:<pk>`: unique per followed object (see CaseProcess.key)."""
    return f"{obj._meta.model_name}:{obj.pk}"


class CaseProcess(Process):
    """The part common to every case process (multi-table: viewflow's process row, this
    row, then the case type's row)."""

    record = models.ForeignKey(
        "casework.Record",
        verbose_name=_("失信记录"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("决定谁能看到该流程：能看到这条失信记录的用户才能看到该流程及其任务。"),
    )
    key = models.CharField(_("跟随对象"), max_length=60, unique=True, editable=False)

    class Meta:
        verbose_name = _("办理流程")
        verbose_name_plural = _("办理流程")

    @property
    def subject(self) -> models.Model:
        """The domain object whose legal state the flow mirrors."""
        raise NotImplementedError


class RecordProcess(CaseProcess):
    """The determination of a record (DOMAIN §5.1 T2–T8); `record` is the object itself."""

    class Meta:
        verbose_name = _("失信认定流程")
        verbose_name_plural = _("失信认定流程")

    @property
    def subject(self):
        return self.record


class ObjectionProcess(CaseProcess):
    objection = models.OneToOneField(
        "casework.Objection",
        verbose_name=_("异议"),
        on_delete=models.PROTECT,
        related_name="workflow_process",
    )

    class Meta:
        verbose_name = _("异议处理流程")
        verbose_name_plural = _("异议处理流程")

    @property
    def subject(self):
        return self.objection


class RectificationProcess(CaseProcess):
    rectification = models.OneToOneField(
        "casework.Rectification",
        verbose_name=_("整改"),
        on_delete=models.PROTECT,
        related_name="workflow_process",
    )

    class Meta:
        verbose_name = _("整改流程")
        verbose_name_plural = _("整改流程")

    @property
    def subject(self):
        return self.rectification


class AccountabilityProcess(CaseProcess):
    accountability = models.OneToOneField(
        "casework.Accountability",
        verbose_name=_("责任追究"),
        on_delete=models.PROTECT,
        related_name="workflow_process",
    )

    class Meta:
        verbose_name = _("责任追究流程")
        verbose_name_plural = _("责任追究流程")

    @property
    def subject(self):
        return self.accountability


class RepairProcess(CaseProcess):
    repair = models.OneToOneField(
        "casework.RepairApplication",
        verbose_name=_("信用修复申请"),
        on_delete=models.PROTECT,
        related_name="workflow_process",
    )

    class Meta:
        verbose_name = _("信用修复流程")
        verbose_name_plural = _("信用修复流程")

    @property
    def subject(self):
        return self.repair
