"""Payments a unit owes small and medium enterprises (保障中小企业款项支付条例, S26).

A unit's liaison records each contract it must pay an SME for, from the day the goods, works
or services were accepted; the risk sweep warns about any still unpaid after its due date.
S26 Art 9: a government body pays within 30 days of delivery (验收), or within the term the
contract agrees, which may not exceed 60 days. These are the statute's own numbers, not
design values, so they are constants here rather than rows of a rule table.
"""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from casework.identifiers import CreditCodeField
from casework.models.fields import user_link

#: S26 Art 9: the payment term when the contract agrees none.
DEFAULT_PAYMENT_DAYS = 30
#: S26 Art 9: the longest term a contract may agree.
MAX_PAYMENT_DAYS = 60


class SmePayment(models.Model):
    unit = models.ForeignKey(
        "casework.Organisation",
        verbose_name=_("付款单位"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    supplier_name = models.CharField(_("中小企业名称"), max_length=200)
    supplier_credit_code = CreditCodeField(_("中小企业统一社会信用代码"))
    contract_number = models.CharField(_("合同编号"), max_length=100)
    amount = models.DecimalField(_("应付金额（元）"), max_digits=14, decimal_places=2)
    accepted_on = models.DateField(_("交付验收日期"))
    contract_days = models.PositiveSmallIntegerField(
        _("合同约定付款期限（日）"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_PAYMENT_DAYS)],
        help_text=_("合同未约定的留空，按验收后30日计算；约定期限最长不得超过60日。"),
    )
    #: Computed when recorded (oversight.payments): the term from acceptance, its last day
    #: moved off a rest day (S28 Art 203).
    due_on = models.DateField(_("付款期限"))
    paid_on = models.DateField(_("实际付款日期"), null=True, blank=True)
    recorded_by = user_link(_("登记人"), required=True)
    recorded_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("中小企业款项支付")
        verbose_name_plural = _("中小企业款项支付")
        ordering = ["due_on", "id"]
        constraints = [
            models.CheckConstraint(
                name="sme_payment_term_at_most_60_days",
                condition=Q(contract_days__isnull=True)
                | Q(contract_days__gte=1, contract_days__lte=MAX_PAYMENT_DAYS),
            ),
            models.CheckConstraint(name="sme_payment_amount_positive", condition=Q(amount__gt=0)),
            models.UniqueConstraint(fields=["unit", "contract_number"], name="sme_payment_contract_once"),
        ]
        indexes = [
            models.Index(fields=["due_on"], name="sme_payment_unpaid_due", condition=Q(paid_on__isnull=True)),
        ]

    def __str__(self) -> str:
        return f"{self.contract_number} {self.supplier_name}"

    @property
    def term_days(self) -> int:
        return self.contract_days or DEFAULT_PAYMENT_DAYS
