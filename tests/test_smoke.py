import datetime as dt

from casework.models import AuditEntry

from . import lifecycle


def test_a_record_reaches_effective_through_the_services(officer, approver, unit):
    record = lifecycle.effective(officer=officer, approver=approver, organisation=unit)
    assert record.state == "EFFECTIVE"
    assert record.min_end == dt.date(2026, 4, 15)
    assert record.max_end == dt.date(2027, 1, 15)
    assert record.public is True
    assert AuditEntry.objects.filter(record=record).count() == 6
