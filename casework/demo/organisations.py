"""The Dongguan organisation tree: 市人民政府, the municipal bodies named by 东府〔2018〕124号
(with the names they carry since the 2019 institutional reform), the parks and the 32 镇街.

Courts, the procuratorate, party organs (市纪委、市委网信办、市文明办) and 人行东莞中心支行 appear
in the programme as partners or information providers, not as its government subjects: they
are left out. Keys are the short names (`短称`), which the demo cases and accounts refer to.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..models import Organisation, OrganisationName, OrganisationType
from . import codes

T = OrganisationType
REFORM_2019 = dt.date(2019, 2, 1)  # new bureaus 挂牌 in the 2019 municipal institutional reform


@dataclass(frozen=True)
class FormerName:
    name: str
    valid_from: dt.date
    valid_to: dt.date


@dataclass(frozen=True)
class Unit:
    name: str
    short_name: str
    type: str = T.DEPARTMENT
    parent: str = "市政府"
    former: tuple[FormerName, ...] = ()

    @property
    def credit_code(self) -> str:
        authority = codes.AUTHORITY_INSTITUTION if self.type == T.INSTITUTION else codes.AUTHORITY_AGENCY
        return codes.credit_code(self.name, authority)


def _renamed(name: str, since: dt.date, until: dt.date = REFORM_2019 - dt.timedelta(days=1)):
    return (FormerName(name, since, until),)


ROOT = Unit("东莞市人民政府", "市政府", parent="")

DEPARTMENTS = [
    Unit("东莞市发展和改革局", "市发改局"),
    Unit("东莞市财政局", "市财政局"),
    Unit(
        "东莞市人力资源和社会保障局",
        "市人社局",
        former=_renamed("东莞市人力资源局", dt.date(2010, 1, 1)),
    ),
    Unit("东莞市监察委员会", "市监委"),
    Unit(
        "东莞市政务服务和数据管理局",
        "市政务和数据局",
        former=(
            FormerName("东莞市政务服务办公室", dt.date(2014, 1, 1), REFORM_2019 - dt.timedelta(days=1)),
            FormerName("东莞市政务服务数据管理局", REFORM_2019, dt.date(2024, 12, 31)),
        ),
    ),
    Unit("东莞市商务局", "市商务局"),
    Unit("东莞市住房和城乡建设局", "市住建局"),
    Unit("东莞市交通运输局", "市交通运输局"),
    Unit("东莞市水务局", "市水务局"),
    Unit(
        "东莞市卫生健康局",
        "市卫健局",
        former=_renamed("东莞市卫生和计划生育局", dt.date(2015, 1, 1)),
    ),
    Unit(
        "东莞市自然资源局",
        "市自然资源局",
        former=_renamed("东莞市国土资源局", dt.date(2010, 1, 1)),
    ),
    Unit(
        "东莞市生态环境局",
        "市生态环境局",
        former=_renamed("东莞市环境保护局", dt.date(2010, 1, 1)),
    ),
    Unit("东莞市人民政府国有资产监督管理委员会", "市国资委"),
    Unit("东莞市司法局", "市司法局"),
    Unit("东莞市市场监督管理局", "市市场监管局"),
    Unit("东莞市城市管理和综合执法局", "市城管局"),
    Unit("东莞市教育局", "市教育局"),
    Unit("东莞市民政局", "市民政局"),
    Unit("东莞市信访局", "市信访局"),
    Unit("东莞市考评办公室", "市考评办"),
    Unit("东莞市公共资源交易中心", "市公共资源交易中心", T.INSTITUTION, parent="市政务和数据局"),
]

PARKS = [
    Unit("东莞松山湖高新技术产业开发区管理委员会", "松山湖管委会", T.PARK),
    Unit("东莞滨海湾新区管理委员会", "滨海湾新区管委会", T.PARK),
    Unit("东莞水乡特色发展经济区管理委员会", "水乡管委会", T.PARK),
]

STREETS = ["莞城", "南城", "东城", "万江"]
TOWNS = [
    "石碣", "石龙", "茶山", "石排", "企石", "横沥", "桥头", "谢岗", "东坑", "常平",
    "寮步", "樟木头", "大朗", "黄江", "清溪", "塘厦", "凤岗", "大岭山", "长安", "虎门",
    "厚街", "沙田", "道滘", "洪梅", "麻涌", "望牛墩", "中堂", "高埗",
]  # fmt: skip

TOWNS_AND_STREETS = [Unit(f"东莞市{s}街道办事处", f"{s}街道", T.TOWN) for s in STREETS] + [
    Unit(f"东莞市{t}镇人民政府", f"{t}镇", T.TOWN) for t in TOWNS
]

UNITS = [ROOT, *DEPARTMENTS, *PARKS, *TOWNS_AND_STREETS]


def build_organisations() -> tuple[dict[str, Organisation], int]:
    """Every unit, keyed by short name; the count of rows created (units and former names)."""
    by_short: dict[str, Organisation] = {}
    created = 0
    for unit in UNITS:  # parents come before their children
        org, new = Organisation.objects.get_or_create(
            credit_code=unit.credit_code,
            defaults={
                "name": unit.name,
                "short_name": unit.short_name,
                "type": unit.type,
                "parent": by_short.get(unit.parent),
            },
        )
        by_short[unit.short_name] = org
        created += new + _build_former_names(org, unit)
    return by_short, created


def _build_former_names(org: Organisation, unit: Unit) -> int:
    created = 0
    for former in unit.former:
        _, new = OrganisationName.objects.get_or_create(
            organisation=org,
            name=former.name,
            valid_from=former.valid_from,
            defaults={"valid_to": former.valid_to},
        )
        created += new
    return created
