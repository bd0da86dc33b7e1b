"""About 200 civil servants: the named subjects of the demo cases, and staff drawn with a
fixed `random.Random(2018)` so that every run produces the same people and ID numbers."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from ..models import Organisation, Person
from . import codes
from .organisations import DEPARTMENTS, PARKS, TOWNS_AND_STREETS, T

TOTAL_PEOPLE = 200
LEADERS_SUPERVISOR = "东莞市人民政府"


@dataclass(frozen=True)
class Staff:
    name: str
    unit: str  # short name of the organisation
    post: str
    rank: str
    birth: dt.date
    sequence: int  # odd for men, even for women
    supervising_body: str = ""

    @property
    def id_number(self) -> str:
        return codes.id_number(self.birth, self.sequence)


def _named(name, unit, post, rank, birth, sequence, leader=False) -> Staff:
    return Staff(
        name, unit, post, rank, dt.date.fromisoformat(birth), sequence, LEADERS_SUPERVISOR if leader else ""
    )


#: People the demo cases are about (referred to as "@姓名" in the case lists).
NAMED = [
    _named("李伟强", "市住建局", "建筑市场监管科副科长", "三级主任科员", "1984-03-17", 135),
    _named("陈国栋", "虎门镇", "副镇长", "副处级", "1976-09-02", 51, leader=True),
    _named("黄丽华", "市财政局", "政府采购监管科科长", "一级主任科员", "1979-12-08", 222),
    _named("钟永坚", "市交通运输局", "规划建设科科员", "四级主任科员", "1988-06-21", 317),
    _named("叶志坚", "常平镇", "经济发展局副局长", "三级主任科员", "1981-01-29", 73),
    _named("何家俊", "市自然资源局", "征地补偿科科员", "一级科员", "1993-10-11", 415),
    _named("梁淑仪", "市政务和数据局", "政务服务科科长", "二级主任科员", "1983-05-26", 108),
    _named("罗振华", "市水务局", "河湖管理科副科长", "四级主任科员", "1985-08-14", 259),
    _named("莫嘉敏", "南城街道", "公共服务办公室副主任", "四级主任科员", "1990-02-03", 46),
    _named("袁建新", "松山湖管委会", "招商服务局副局长", "副处级", "1975-07-19", 193, leader=True),
    _named("卢志华", "市卫健局", "医政医管科科员", "一级科员", "1991-11-30", 377),
    _named("刘少锋", "市商务局", "外资管理科科长", "一级主任科员", "1978-04-05", 11),
    _named("蔡雪梅", "塘厦镇", "党政办公室副主任", "三级主任科员", "1986-09-23", 284),
    _named("郑文辉", "市市场监管局", "特种设备安全监察科科长", "二级主任科员", "1980-06-30", 155),
    _named("彭晓琳", "万江街道", "综合行政执法办公室科员", "二级科员", "1995-03-12", 426),
]

SURNAMES = (
    "陈" * 8 + "李" * 5 + "黄" * 5 + "张" * 3 + "梁" * 3 + "刘" * 3 + "林" * 3 + "叶" * 3 + "钟" * 2
    + "何" * 2 + "罗" * 2 + "卢" * 2 + "莫袁邓蔡郑谢赖麦翟尹方吴王杨周朱曾彭冯祁邱温"
)  # fmt: skip
GIVEN_MALE = "伟志建国俊家浩永振锦文明华强荣辉杰鸿锋斌坚泽宇晖焕达劲德炳树"
GIVEN_FEMALE = "丽淑嘉雪敏婷慧燕玉翠美颖欣晓琳芳雯洁梅仪娟静凤莹霞"

SECTIONS = {
    T.DEPARTMENT: ["办公室", "政策法规科", "财务审计科", "人事科", "行政审批科", "规划建设科", "执法监督科"],
    T.INSTITUTION: ["综合部", "交易服务部", "信息技术部"],
    T.PARK: ["综合办公室", "经济发展局", "规划建设局", "招商服务局", "财政局"],
    T.TOWN: ["党政办公室", "经济发展局", "财政分局", "公共服务办公室", "综合行政执法办公室"],
}
SUPERVISION_SECTIONS = ["第一监督检查室", "第三审查调查室", "案件审理室", "信访室", "党风政风监督室"]
#: (post suffix by section ending, ranks) for staff, deputy heads and heads of a section.
LEVELS = [
    (
        0.55,
        {"科": "科员", "局": "科员", "室": "科员", "部": "科员"},
        ["一级科员", "二级科员", "四级主任科员"],
    ),
    (
        0.25,
        {"科": "副科长", "局": "副局长", "室": "副主任", "部": "副部长"},
        ["四级主任科员", "三级主任科员"],
    ),
    (0.20, {"科": "科长", "局": "局长", "室": "主任", "部": "部长"}, ["二级主任科员", "一级主任科员"]),
]
_UNIT_WEIGHTS = {T.DEPARTMENT: 3, T.INSTITUTION: 2, T.PARK: 3, T.TOWN: 2}


def _weighted_units() -> list:
    units = []
    for unit in [*DEPARTMENTS, *PARKS, *TOWNS_AND_STREETS]:
        units += [unit] * (_UNIT_WEIGHTS[unit.type] + (3 if unit.short_name == "市监委" else 0))
    return units


def _post(rng: random.Random, unit) -> tuple[str, str]:
    sections = SUPERVISION_SECTIONS if unit.short_name == "市监委" else SECTIONS.get(unit.type, ["办公室"])
    section = rng.choice(sections)
    _, posts, ranks = rng.choices(LEVELS, weights=[w for w, _, _ in LEVELS])[0]
    return section + posts[section[-1]], rng.choice(ranks)


def _name(rng: random.Random, male: bool) -> str:
    chars = GIVEN_MALE if male else GIVEN_FEMALE
    length = 1 if rng.random() < 0.15 else 2
    return rng.choice(SURNAMES) + "".join(rng.choice(chars) for _ in range(length))


def _birth(rng: random.Random) -> dt.date:
    return dt.date(1966, 1, 1) + dt.timedelta(days=rng.randrange(33 * 365))


def generated_staff(count: int = TOTAL_PEOPLE - len(NAMED)) -> list[Staff]:
    """The same `count` people on every call (a fixed seed, no database state involved)."""
    rng, units, staff = random.Random(2018), _weighted_units(), []
    taken = {s.id_number for s in NAMED}
    while len(staff) < count:
        male, unit = rng.random() < 0.6, rng.choice(units)
        post, rank = _post(rng, unit)
        sequence = rng.randrange(500) * 2 + (1 if male else 0)
        person = Staff(_name(rng, male), unit.short_name, post, rank, _birth(rng), sequence, unit.name)
        if person.id_number not in taken:
            taken.add(person.id_number)
            staff.append(person)
    return staff


def all_staff() -> list[Staff]:
    return NAMED + generated_staff()


def build_people(orgs: dict[str, Organisation]) -> tuple[dict[str, Person], int]:
    """Create the people not there yet (one bulk insert); return the named ones by name."""
    staff = all_staff()
    existing = {p.id_number for p in Person.objects.with_id_numbers([s.id_number for s in staff])}
    missing = [_person(s, orgs) for s in staff if s.id_number not in existing]
    Person.objects.bulk_create(missing)
    by_id = {p.id_number: p for p in Person.objects.with_id_numbers([s.id_number for s in NAMED])}
    return {s.name: by_id[s.id_number] for s in NAMED}, len(missing)


def _person(staff: Staff, orgs: dict[str, Organisation]) -> Person:
    unit = orgs[staff.unit]
    return Person(
        name=staff.name,
        id_number=staff.id_number,
        unit=unit,
        post=staff.post,
        rank=staff.rank,
        supervising_body=staff.supervising_body or unit.name,
    )
