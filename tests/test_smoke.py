import datetime as dt

from casework.models import AuditEntry

from . import lifecycle


def test_a_record_reaches_effective_through_the_services(officer, approver, unit):
    record = lifecycle.effective(officer=officer, approver=approver, organisation=unit)
    assert record.state == "EFFECTIVE"
    assert record.min_end == dt.date(2026, 4, 15)
    assert record.max_end == dt.date(2027, 1, 15)
    assert record.public is True
    # Seven audited steps: 登记线索, 开始核查, 提出拟认定, 批准事前告知, 登记事前告知书送达 (the
    # prior notice's service is a step of its own), 认定, 登记送达.
    assert AuditEntry.objects.filter(record=record).count() == 7
