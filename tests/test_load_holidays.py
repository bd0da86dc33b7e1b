"""Loading a year's holiday arrangement: casework.services.calendar.calendar_load and
`manage.py load_holidays` (DOMAIN §7, scenario 23)."""

import datetime as dt
import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from casework import calendar
from casework.errors import PermissionDeniedError
from casework.models import AuditEntry, CalendarDay, CalendarYear, Deadline, DeadlineRule
from casework.roles import Role
from casework.services import calendar as svc
from casework.services import records as records_svc
from casework.services.calendar import files as holiday_files

from . import lifecycle
from .factories import UserFactory

pytestmark = pytest.mark.django_db

D = dt.date
FIXTURES = Path(__file__).parent / "fixtures"
JSON_2027 = FIXTURES / "holidays-2027.json"
CSV_2027 = FIXTURES / "holidays-2027.csv"
FIXTURE_SOURCE = "测试样例：仿照国务院办公厅放假通知格式编制的 2027 年安排，并非官方发布"


def command(*args) -> list[str]:
    out = io.StringIO()
    call_command("load_holidays", *args, stdout=out)
    return out.getvalue().splitlines()


def load(content, filename="holidays.csv", acting_user=None, **kwargs) -> svc.LoadResult:
    return svc.calendar_load(acting_user=acting_user, content=content, filename=filename, **kwargs)


def stored_state():
    """Everything a load may touch."""
    return (
        list(CalendarYear.objects.order_by("year").values_list("year", "official", "source", "loaded_at")),
        list(CalendarDay.objects.order_by("date").values_list("date", "year", "is_workday", "name")),
        list(Deadline.objects.order_by("pk").values_list("pk", "due_on", "provisional")),
        AuditEntry.objects.count(),
    )


def verification_opened(officer, unit, settings, today: str) -> Deadline:
    """A record under verification since `today`, with its open verification deadline."""
    settings.CHENGXIN_TODAY = today
    record = lifecycle.lead(officer=officer, organisation=unit)
    records_svc.record_start_verification(acting_user=officer, record_id=record.pk)
    return Deadline.objects.get(record=record, kind="verification", status="OPEN")


def csv_2027_with(extra_line: str) -> tuple[str, int]:
    """The sample 2027 CSV with one more line; returns the text and that line's number."""
    lines = [*CSV_2027.read_text(encoding="utf-8").splitlines(), extra_line]
    return "\n".join(lines) + "\n", len(lines)


# Loading ──────────────────────────────────────────────────────────────────────────
@pytest.mark.parametrize("path", [JSON_2027, CSV_2027], ids=["json", "csv"])
def test_it_loads_the_2027_arrangement_and_marks_the_year_official(path):
    lines = command(str(path))
    assert (
        lines[0]
        == f"已载入 2027 年节假日安排：放假 29 天，调休上班 5 天（来源：{FIXTURE_SOURCE if path.suffix == '.json' else path.name}）。"
    )
    assert lines[-1] == "没有需要重新计算的办理期限。"
    year = CalendarYear.objects.get(year=2027)
    assert year.official
    assert CalendarDay.objects.filter(year=year, is_workday=False).count() == 29
    cal = calendar.current()
    assert cal.is_official(D(2027, 6, 1))
    assert cal.is_workday(D(2027, 2, 20))  # 春节调休上班, a Saturday
    assert not cal.is_workday(D(2027, 6, 9))  # 端午, a Wednesday


def test_the_source_given_by_the_operator_wins_over_the_file():
    command(str(JSON_2027), "--source", "国办发明电〔2026〕99号")
    assert CalendarYear.objects.get(year=2027).source == "国办发明电〔2026〕99号"


def test_a_provisional_deadline_is_listed_before_and_cleared_after_loading(officer, unit, settings):
    """Scenario 23: a verification deadline opened on 2026-12-30 reaches 2027; it is listed as
    provisional until the 2027 arrangement is loaded, then recomputed and the flag cleared."""
    deadline = verification_opened(officer, unit, settings, "2026-12-30")
    assert deadline.amount == DeadlineRule.objects.get(code="verification").amount
    assert (deadline.due_on, deadline.provisional) == (D(2027, 1, 28), True)
    reference = deadline.record.reference

    assert command("--pending") == [
        "暂定的办理期限 1 项（涉及尚未载入官方安排的年度）：",
        f"  {reference} 线索核查（起算 2026-12-30）：暂定截止 2027-01-28",
    ]
    lines = command(str(JSON_2027))
    assert lines[-2:] == [
        "重新计算的办理期限 1 项：",
        f"  {reference} 线索核查（起算 2026-12-30）：2027-01-28（暂定） → 2027-01-28",
    ]
    deadline.refresh_from_db()
    assert (deadline.due_on, deadline.provisional) == (D(2027, 1, 28), False)
    assert command("--pending") == ["没有暂定的办理期限。"]


def test_a_deadline_running_over_the_2027_spring_festival_moves_when_the_year_is_loaded(
    officer, unit, settings
):
    """Scenario 23: opened Wed 2027-01-20, the estimate (no 春节, no 调休) gives Wed 2-17; the
    loaded arrangement (春节 2-5..2-13; Sun 1-31 and Sat 2-20 worked) gives Tue 2-23."""
    deadline = verification_opened(officer, unit, settings, "2027-01-20")
    assert (deadline.due_on, deadline.provisional) == (D(2027, 2, 17), True)

    result = load(JSON_2027.read_bytes(), "holidays-2027.json")

    deadline.refresh_from_db()
    assert (deadline.due_on, deadline.provisional) == (D(2027, 2, 23), False)
    assert [(c.deadline.pk, c.old_due_on, c.old_provisional) for c in result.changed] == [
        (deadline.pk, D(2027, 2, 17), True)
    ]
    entry = AuditEntry.objects.get(action="deadline_recompute")
    assert entry.record_id == deadline.record_id
    assert entry.diff == {"due_on": ["2027-02-17", "2027-02-23"], "provisional": [True, False]}


def test_a_load_writes_one_audit_entry_for_the_year():
    load(JSON_2027.read_bytes(), "holidays-2027.json")
    entry = AuditEntry.objects.get(action="calendar_load")
    assert (entry.object_id, entry.actor_id, entry.actor_name, entry.actor_role) == (
        "2027",
        None,
        "系统",
        "system",
    )
    assert entry.reason == FIXTURE_SOURCE
    assert entry.diff == {
        "official": [False, True],
        "source": ["", FIXTURE_SOURCE],
        "holidays": [0, 29],
        "workdays": [0, 5],
        "deadlines_recomputed": 0,
    }


def test_a_system_admin_loads_in_their_own_name():
    admin = UserFactory(roles=[Role.SYSTEM_ADMIN])
    load(JSON_2027.read_bytes(), "holidays-2027.json", acting_user=admin, ip_address="10.0.0.8")
    entry = AuditEntry.objects.get(action="calendar_load")
    assert (entry.actor_id, entry.actor_role, entry.ip_address) == (admin.pk, "system_admin", "10.0.0.8")


def test_the_command_can_act_in_a_system_admins_name():
    admin = UserFactory(username="it-admin", roles=[Role.SYSTEM_ADMIN])
    command(str(JSON_2027), "--user", "it-admin")
    assert AuditEntry.objects.get(action="calendar_load").actor_id == admin.pk


@pytest.mark.parametrize("roles", [[Role.OFFICER], [Role.CREDIT_ADMIN], []])
def test_only_a_system_admin_may_load(roles):
    user = UserFactory(roles=roles)
    before = stored_state()
    with pytest.raises(PermissionDeniedError, match="只有系统管理员可以载入节假日安排"):
        load(JSON_2027.read_bytes(), "holidays-2027.json", acting_user=user)
    assert stored_state() == before


def test_reloading_a_year_replaces_all_of_its_days():
    load(JSON_2027.read_bytes(), "holidays-2027.json")
    text = CSV_2027.read_text(encoding="utf-8").replace(
        "2027-06-09,holiday,端午节\n", "2027-06-10,holiday,端午节\n"
    )
    load(text, "corrected.csv", source="更正")
    days = CalendarDay.objects.filter(year=2027)
    assert not days.filter(date=D(2027, 6, 9)).exists()
    assert days.get(date=D(2027, 6, 10)).name == "端午节"
    assert days.count() == 34


def test_a_corrected_official_year_moves_the_deadlines_running_through_it(officer, unit, settings):
    """Reloading 2026 with one more holiday (fictional, 2026-07-01) moves a deadline that is
    not provisional but runs through that day: 20 WD from Mon 2026-06-15 → 07-14 → 07-15."""
    deadline = verification_opened(officer, unit, settings, "2026-06-15")
    assert (deadline.due_on, deadline.provisional) == (D(2026, 7, 14), False)
    rows = CalendarDay.objects.filter(year=2026).order_by("date")
    lines = [f"{d.date},{'workday' if d.is_workday else 'holiday'},{d.name}" for d in rows]

    unchanged = load("\n".join(lines), "2026.csv")
    assert unchanged.changed == []

    changed = load("\n".join([*lines, "2026-07-01,holiday,更正测试"]), "2026.csv")
    deadline.refresh_from_db()
    assert deadline.due_on == D(2026, 7, 15)
    assert [c.old_due_on for c in changed.changed] == [D(2026, 7, 14)]


def test_it_accepts_chinese_kinds_excel_dates_and_a_gb18030_file():
    text = CSV_2027.read_text(encoding="utf-8")
    text = text.replace(",holiday,", ",休,").replace(",workday,", ",班,").replace("2027-01-01", "2027/1/1")
    text = text.replace("date,kind,name", "日期,类型,名称")
    result = load(text.encode("gb18030"), "节假日.csv")
    assert (result.holidays, result.workdays) == ({2027: 29}, {2027: 5})
    assert CalendarDay.objects.get(date=D(2027, 1, 1)).name == "元旦"


def test_a_plain_json_list_is_accepted():
    days = json.loads(JSON_2027.read_text(encoding="utf-8"))["days"]
    assert load(json.dumps(days), "days.json").years == [2027]


# Refusals ─────────────────────────────────────────────────────────────────────────
@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("2027-02-30,holiday,春节", "日期“2027-02-30”无效，应为 YYYY-MM-DD"),
        ("2027-12-25,off,圣诞", "类型“off”无效，应为 holiday（休）或 workday（班）"),
        ("2027-01-01,holiday,元旦", "日期 2027-01-01 重复（已见于第 3 行）"),
        ("2027-01-04,workday,", "2027-01-04 是星期一，本来就是工作日，不能列为调休上班日"),
        ("2027-12-25,holiday,圣诞,多余", "应为“日期,类型[,名称]”两到三列，实际 4 列"),
        ("1999-12-31,holiday,", "日期 1999-12-31 的年份超出 2000–2099"),
    ],
)
def test_a_bad_line_is_refused_by_its_line_number(line, message):
    text, number = csv_2027_with(line)
    with pytest.raises(holiday_files.HolidayFileError) as caught:
        load(text)
    assert caught.value.problems == [f"第 {number} 行：{message}。"]
    assert caught.value.field == "file"


def test_every_bad_line_is_reported_at_once():
    text = "date,kind\n2027-02-30,holiday\n2027-03-01,off\n"
    with pytest.raises(holiday_files.HolidayFileError) as caught:
        load(text)
    assert [p.split("：")[0] for p in caught.value.problems] == ["第 2 行", "第 3 行"]
    assert "有 2 处错误，未作任何修改" in caught.value.message


def test_a_partial_year_is_refused_because_it_would_replace_the_whole_year():
    with pytest.raises(holiday_files.HolidayFileError) as caught:
        load("2027-01-01,holiday,元旦\n2027-01-02,holiday,元旦\n2027-01-03,holiday,元旦\n")
    assert caught.value.problems == [
        "2027 年：缺少法定节假日 2027-05-01、2027-05-02、2027-10-01、2027-10-02、2027-10-03。"
        "文件会整体替换该年的安排，请上传完整的年度安排。",
        "2027 年：只列出 3 个放假日，少于当年法定节假日 13 天，请上传完整的年度安排。",
    ]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            '{"year": 2027, "days": [{"date": "2026-12-31", "kind": "holiday"}]}',
            "第 1 项（days[0]）：日期 2026-12-31 不在文件声明的 2027 年内",
        ),
        (
            '{"year": 2027, "days": [{"date": "2027-01-01", "kind": "holiday"}, "2027-01-02"]}',
            "第 2 项（days[1]）：应为含 date、kind 的对象",
        ),
        ('{"year": 2027, "days": [{"date": "2027-01-01"', "JSON 格式错误：第 1 行第 46 列"),
        ('{"year": "2027", "days": []}', "year“2027”无效，应为 2000–2099 的年份"),
        ('{"year": 2027}', "JSON 文件须为日期列表，或含 days 列表的对象"),
        ("[]", "文件中没有任何日期"),
    ],
)
def test_a_bad_json_file_is_refused_naming_the_item(content, message):
    with pytest.raises(holiday_files.HolidayFileError) as caught:
        load(content, "holidays.json")
    assert caught.value.problems[0] == f"{message}。"


def test_a_file_that_is_not_text_or_too_big_is_refused():
    with pytest.raises(holiday_files.HolidayFileError, match="无法识别文件编码"):
        load(b"\xff\xfe\x00\xd8\x00\x00", "holidays.csv")
    with pytest.raises(holiday_files.HolidayFileError, match="文件超过 1 MB"):
        load(b"#" * (holiday_files.MAX_FILE_BYTES + 1), "holidays.csv")


def test_nothing_changes_when_the_file_is_refused(officer, unit, settings):
    verification_opened(officer, unit, settings, "2026-12-30")
    text, _number = csv_2027_with("2027-02-30,holiday,春节")
    before = stored_state()
    with pytest.raises(holiday_files.HolidayFileError):
        load(text)
    assert stored_state() == before


def test_nothing_changes_when_writing_fails_half_way(officer, unit, settings, monkeypatch):
    """The days, the year, the recomputed deadlines and the audit entry commit together."""
    verification_opened(officer, unit, settings, "2027-01-20")
    before = stored_state()

    def fail(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr("casework.audit.append", fail)
    with pytest.raises(RuntimeError, match="disk full"):
        load(JSON_2027.read_bytes(), "holidays-2027.json")
    assert stored_state() == before
    assert not calendar.current().is_official(D(2027, 1, 1))


def test_the_command_exits_non_zero_with_the_chinese_error(tmp_path):
    text, number = csv_2027_with("2027-01-04,workday,")
    with pytest.raises(CommandError) as caught:
        call_command("load_holidays", str(FIXTURES / "missing.csv"), stdout=io.StringIO())
    assert caught.value.returncode == 1 and "无法读取文件" in str(caught.value)
    before = stored_state()
    bad = tmp_path / "bad.csv"
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(CommandError) as caught:
        call_command("load_holidays", str(bad), stdout=io.StringIO())
    assert caught.value.returncode == 1
    assert f"第 {number} 行：2027-01-04 是星期一" in str(caught.value)
    assert stored_state() == before


def test_the_command_refuses_an_unknown_user_and_a_missing_file_argument():
    with pytest.raises(CommandError, match="用户“nobody”不存在"):
        command(str(JSON_2027), "--user", "nobody")
    with pytest.raises(CommandError, match="请指定节假日文件"):
        command()
