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

    # The field that links a case type's process to its object (see `followed`).
    subject_field = ""

    @property
    def subject(self) -> models.Model:
        """The domain object whose legal state the flow mirrors."""
        return getattr(self, self.subject_field)


def followed(model: str, verbose_name) -> models.OneToOneField:
    """The typed link from a case type's process to the one object it follows."""
    return models.OneToOneField(
        model, verbose_name=verbose_name, on_delete=models.PROTECT, related_name="workflow_process"
    )


class RecordProcess(CaseProcess):
    """The determination of a record (DOMAIN §5.1 T2–T8); `record` is the object itself."""

    subject_field = "record"

    class Meta:
        verbose_name = _("失信认定流程")
        verbose_name_plural = _("失信认定流程")


class ObjectionProcess(CaseProcess):
    objection = followed("casework.Objection", _("异议"))
    subject_field = "objection"

    class Meta:
        verbose_name = _("异议处理流程")
        verbose_name_plural = _("异议处理流程")


class RectificationProcess(CaseProcess):
    rectification = followed("casework.Rectification", _("整改"))
    subject_field = "rectification"

    class Meta:
        verbose_name = _("整改流程")
        verbose_name_plural = _("整改流程")


class AccountabilityProcess(CaseProcess):
    accountability = followed("casework.Accountability", _("责任追究"))
    subject_field = "accountability"

    class Meta:
        verbose_name = _("责任追究流程")
        verbose_name_plural = _("责任追究流程")


class RepairProcess(CaseProcess):
    repair = followed("casework.RepairApplication", _("信用修复申请"))
    subject_field = "repair"

    class Meta:
        verbose_name = _("信用修复流程")
        verbose_name_plural = _("信用修复流程")
