"""Units' self-reports (政务失信情况报告制度, DOMAIN §9.9).

- `services`: a unit's liaison or head reports a document (it becomes a lead for the
  commission at once) and files the quarterly report, 无 or a list;
- `queries`: what each user sees, the quarters owed, the quarterly status grid, and
  `late_reports(year)` for the annual assessment;
- `alerts`: the quarterly reminder and overdue flag, raised through oversight.alerts.sync.
"""

from django.utils.translation import gettext_lazy as _

from casework import action_labels


class SelfReportAction:
    """Audited actions of this package (stored values: never change)."""

    SUBMIT = "selfreport.submit"
    QUARTERLY_SUBMIT = "selfreport.quarterly_submit"


action_labels.register(
    {
        SelfReportAction.SUBMIT: _("单位报告政务失信情况"),
        SelfReportAction.QUARTERLY_SUBMIT: _("单位报送政务失信情况季度报告"),
    }
)
