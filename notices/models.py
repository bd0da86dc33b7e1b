"""Formal notices (文书): issuers, notices, their numbering counters, voided numbers and service.

The legal invariant lives here: once a notice is issued, what was issued (number, data
snapshot, template version, PDF bytes, SHA-256, verification code…) never changes. `save()`
compares with the stored row, and the queryset refuses bulk updates and deletes of those
fields, so no code path (service, admin, API, shell) can rewrite an issued notice. The PDF is
written once, by `NoticeQuerySet.store_pdf`, from empty to its final bytes.
"""

from __future__ import annotations

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField

from casework.models.fields import user_link
from casework.models.records import ServiceMethod
from casework.models.steps import StepMachine

from .lifecycle import NOTICE_STEPS, NoticeState

__all__ = [
    "ImmutableNoticeError",
    "Issuer",
    "Notice",
    "NoticeSequence",
    "NoticeState",
    "ServiceEvent",
    "ServiceMethod",
    "VoidedNumber",
]


class ImmutableNoticeError(Exception):
    """Something tried to change what an issued notice says."""


class Issuer(models.Model):
    """An issuing authority (发文机关): its name, 机关代字 and seal image.

    The seal is a PNG set by an administrator; only issued notices carry it, never drafts.
    """

    name = models.CharField(_("发文机关"), max_length=100, unique=True)
    agency_code = models.CharField(_("机关代字"), max_length=10, unique=True, help_text=_("如：东监"))
    organisation = models.ForeignKey(
        "casework.Organisation",
        verbose_name=_("对应单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="issuers",
    )
    seal_image = models.BinaryField(_("印章图片（PNG）"), blank=True, default=b"", editable=False)
    contact = models.CharField(_("联系方式"), max_length=200, blank=True)
    is_default = models.BooleanField(_("默认发文机关"), default=False)
    is_active = models.BooleanField(_("有效"), default=True)

    class Meta:
        verbose_name = _("发文机关")
        verbose_name_plural = _("发文机关")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"], condition=models.Q(is_default=True), name="issuer_one_default"
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def has_seal(self) -> bool:
        return bool(self.seal_image)


NS = NoticeState

#: What an issued notice says; none of these changes once `number` is set.
FROZEN_FIELDS = (
    "type_code",
    "record",
    "addressed_to",
    "content_type",
    "object_id",
    "issuer",
    "data",
    "template_version",
    "number",
    "year",
    "sequence",
    "issued_on",
    "verify_code",
    "drafted_by",
    "approved_by",
    "issued_by",
    "issued_at",
)
#: Written once by the rendering task, from empty to the final value.
WRITE_ONCE_FIELDS = ("pdf", "sha256", "rendered_at")


class NoticeQuerySet(models.QuerySet):
    def update(self, **kwargs):
        touched = set(kwargs) & {*FROZEN_FIELDS, *WRITE_ONCE_FIELDS}
        if touched and self.filter(number__isnull=False).exists():
            raise ImmutableNoticeError(f"issued notices cannot be updated ({', '.join(sorted(touched))})")
        return super().update(**kwargs)

    def delete(self):
        if self.filter(number__isnull=False).exists():
            raise ImmutableNoticeError("issued notices cannot be deleted")
        return super().delete()

    def store_pdf(self, pk: int, *, pdf: bytes, sha256: str, rendered_at) -> bool:
        """Write an issued notice's PDF if it has none yet: True for the one caller that did.

        A conditional UPDATE, so two workers rendering the same notice (at-least-once
        delivery) cannot both write: the bytes and their hash are written exactly once.
        """
        claimed = models.QuerySet.update(
            self.filter(pk=pk, number__isnull=False, sha256=""),
            pdf=pdf,
            sha256=sha256,
            rendered_at=rendered_at,
        )
        return claimed == 1


class Notice(StepMachine, models.Model):
    """One formal notice about a record, from draft to service.

    DRAFT → APPROVED → ISSUED → SERVED; DRAFT, APPROVED or ISSUED → VOIDED. Issuing
    allocates the number and freezes the data snapshot; the PDF follows from the rendering
    task (`pdf_ready`). A voided issued notice keeps its number, which is never reallocated.
    """

    type_code = models.CharField(_("文书类型"), max_length=4)
    record = models.ForeignKey(
        "casework.Record",
        verbose_name=_("失信记录"),
        on_delete=models.PROTECT,
        related_name="notices",
        null=True,
        blank=True,
    )
    # A notice about no record (the yearly assessment's result to a body: notices.addressed)
    # names the body it goes to; it is read through the object it is about, never through
    # the record's notices (notices.queries).
    addressed_to = models.ForeignKey(
        "casework.Organisation",
        verbose_name=_("主送单位"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    # The sub-process object the notice is about (an objection, a rectification…), if any.
    content_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    about = GenericForeignKey("content_type", "object_id")
    issuer = models.ForeignKey(Issuer, verbose_name=_("发文机关"), on_delete=models.PROTECT)
    state = FSMField(_("状态"), default=NS.DRAFT, choices=NS.choices, protected=True)
    steps = NOTICE_STEPS  # one transition method per row (StepMachine)
    data = models.JSONField(_("数据快照"), default=dict)
    template_version = models.CharField(_("模板版本"), max_length=40, blank=True)
    number = models.CharField(_("发文字号"), max_length=60, unique=True, null=True, blank=True)
    year = models.PositiveSmallIntegerField(_("年份"), null=True, blank=True)
    sequence = models.PositiveIntegerField(_("顺序号"), null=True, blank=True)
    issued_on = models.DateField(_("成文日期"), null=True, blank=True)
    verify_code = models.CharField(_("核验码"), max_length=16, unique=True, null=True, blank=True)
    pdf = models.BinaryField(_("PDF"), blank=True, default=b"", editable=False)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True, db_index=True)
    rendered_at = models.DateTimeField(_("生成时间"), null=True, blank=True)
    # How rendering the PDF went (notices.services.notice_store_pdf): attempts started, the
    # last failure's reason, and when it was given up (then no automatic retry). Not what the
    # notice says: writable after issue (not in FROZEN_FIELDS, nor in the trigger's list).
    render_attempts = models.PositiveSmallIntegerField(_("生成尝试次数"), default=0, editable=False)
    render_error = models.TextField(_("生成失败原因"), blank=True, editable=False)
    render_failed_at = models.DateTimeField(_("生成失败时间"), null=True, blank=True, editable=False)
    # The lease of the rendering under way (notices.tasks): when the last attempt started and
    # which Celery worker (its node name) took it. A worker that starts under that name again
    # knows the attempt died with it; the sweep takes any lease older than the task's limit.
    render_started_at = models.DateTimeField(_("最近一次生成开始时间"), null=True, blank=True, editable=False)
    render_worker = models.CharField(_("生成所在工作进程"), max_length=200, blank=True, editable=False)
    # None: drafted by the system at the casework step that calls for it (notices.drafting).
    drafted_by = user_link(_("拟稿人"))
    drafted_at = models.DateTimeField(_("拟稿时间"), auto_now_add=True)
    approved_by = user_link(_("核准人"))
    approved_at = models.DateTimeField(_("核准时间"), null=True, blank=True)
    issued_by = user_link(_("签发人"))
    issued_at = models.DateTimeField(_("签发时间"), null=True, blank=True)
    voided_by = user_link(_("作废人"))
    voided_at = models.DateTimeField(_("作废时间"), null=True, blank=True)
    void_reason = models.TextField(_("作废理由"), blank=True)

    objects = NoticeQuerySet.as_manager()

    class Meta:
        verbose_name = _("文书")
        verbose_name_plural = _("文书")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["issuer", "type_code", "year", "sequence"],
                condition=models.Q(sequence__isnull=False),
                name="notice_sequence_unique",
            ),
            models.CheckConstraint(
                name="notice_about_a_record_or_to_a_body",
                condition=models.Q(record__isnull=False) | models.Q(addressed_to__isnull=False),
            ),
            models.CheckConstraint(
                name="notice_issued_has_number",
                condition=models.Q(state__in=[NS.DRAFT, NS.APPROVED])
                | models.Q(number__isnull=False)
                | models.Q(state=NS.VOIDED, issued_at__isnull=True),
            ),
        ]
        indexes = [
            models.Index(fields=["record", "type_code"], name="notice_record_type"),
            # The approvers' 待核准 (portal.workbench.worklists): a few drafts among millions issued.
            models.Index(
                fields=["drafted_at", "id"], name="notice_drafts", condition=models.Q(state=NS.DRAFT)
            ),
            # What a notice is about: a subject's visibility probes it by (kind, object), and
            # a civil servant's decisions are found by it.
            models.Index(fields=["content_type", "object_id"], name="notice_about"),
            # A subject's latest notices (the unit's home page), newest first: the page walks it
            # and stops at its last row. Issuing dates a notice, so no NULLs need placing (and
            # SQLite's indexes know no NULLS LAST).
            models.Index(
                models.F("issued_on").desc(),
                models.F("id").desc(),
                name="notice_issued_latest",
                condition=models.Q(state__in=[NoticeState.ISSUED, NoticeState.SERVED]),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number or _('（未编号）')} {self.title}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            self._refuse_changes_after_issue()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.was_issued:
            raise ImmutableNoticeError("issued notices cannot be deleted")
        return super().delete(*args, **kwargs)

    @property
    def title(self) -> str:
        from . import types

        try:
            notice_type = types.get(self.type_code)
        except KeyError:
            return self.type_code
        # Types with variants (受理 / 不予受理 / 补正) take their title from the data.
        title_for = getattr(notice_type, "title_for", None)
        return title_for(self.data) if title_for else notice_type.title

    @property
    def pdf_ready(self) -> bool:
        return bool(self.sha256)

    @property
    def render_failed(self) -> bool:
        """Rendering was given up after its attempts: an officer may ask for another try."""
        return self.render_failed_at is not None and not self.pdf_ready

    @property
    def was_issued(self) -> bool:
        return self.number is not None

    def _refuse_changes_after_issue(self) -> None:
        stored = type(self).objects.filter(pk=self.pk).values(*_attnames(FROZEN_FIELDS + WRITE_ONCE_FIELDS))
        stored = stored.first()
        if stored is None or stored["number"] is None:
            return
        changed = [
            name
            for name in _attnames(FROZEN_FIELDS)
            if _comparable(stored[name]) != _comparable(getattr(self, name))
        ]
        changed += [
            name
            for name in _attnames(WRITE_ONCE_FIELDS)
            if stored[name] and _comparable(stored[name]) != _comparable(getattr(self, name))
        ]
        if changed:
            raise ImmutableNoticeError(
                f"issued notice {stored['number']}: cannot change {', '.join(changed)}"
            )


def _attnames(names) -> list[str]:
    fields = {f.name: f for f in Notice._meta.concrete_fields}
    return [fields[name].attname for name in names]


def _comparable(value):
    return bytes(value) if isinstance(value, memoryview | bytearray) else value


class NoticeSequence(models.Model):
    """The last number allocated per (issuer, notice type, year): the row the issuing
    transaction locks, so numbers come out gap-free and never twice."""

    issuer = models.ForeignKey(Issuer, on_delete=models.PROTECT, related_name="sequences")
    type_code = models.CharField(_("文书类型"), max_length=4)
    year = models.PositiveSmallIntegerField(_("年份"))
    last = models.PositiveIntegerField(_("已用至"), default=0)

    class Meta:
        verbose_name = _("文书编号计数")
        verbose_name_plural = _("文书编号计数")
        constraints = [
            models.UniqueConstraint(fields=["issuer", "type_code", "year"], name="notice_counter_unique")
        ]

    def __str__(self) -> str:
        return f"{self.issuer} {self.type_code} {self.year}: {self.last}"


class VoidedNumber(models.Model):
    """The log of numbers whose notice was voided after issue; the counter never goes back."""

    notice = models.OneToOneField(Notice, on_delete=models.PROTECT, related_name="voided_number")
    number = models.CharField(_("发文字号"), max_length=60, unique=True)
    reason = models.TextField(_("作废理由"))
    voided_by = user_link(_("作废人"), required=True)
    voided_at = models.DateTimeField(_("作废时间"))

    class Meta:
        verbose_name = _("作废文号")
        verbose_name_plural = _("作废文号")
        ordering = ["-voided_at"]

    def __str__(self) -> str:
        return self.number


class ServiceEvent(models.Model):
    """One act of service (送达) of one or more issued notices of one record.

    The 政务失信记录告知书 and the 信用修复告知书 travel together ("两书同达"): an event
    holding one of them without the other is refused by notices.services.
    """

    record = models.ForeignKey(
        "casework.Record", verbose_name=_("失信记录"), on_delete=models.PROTECT, related_name="+"
    )
    notices = models.ManyToManyField(Notice, verbose_name=_("文书"), related_name="service_events")
    method = models.CharField(_("送达方式"), max_length=20, choices=ServiceMethod.choices)
    served_on = models.DateField(_("送达日期"))
    proof = models.CharField(_("送达回证"), max_length=200)
    recipient_consent = models.BooleanField(_("受送达人同意电子送达"), default=False)
    recorded_by = user_link(_("登记人"), required=True)
    recorded_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("送达记录")
        verbose_name_plural = _("送达记录")
        ordering = ["-served_on", "-id"]
        constraints = [
            models.CheckConstraint(
                name="service_electronic_needs_consent",
                condition=~models.Q(method=ServiceMethod.ELECTRONIC) | models.Q(recipient_consent=True),
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_method_display()} {self.served_on}"
