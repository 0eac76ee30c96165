"""The departments of the synthetic province: units of the five jurisdictions the packs name,
and of others that only the national baseline covers.

Each jurisdiction has a few units the rules name (the 区司法局 that receives Dawukou's reports,
Henan's 厅执法局 and 厅法规处, Xinxiang's 市民政局, …), kept at every scale, and a pool of
bureaus, one per place and domain, from which the rest are drawn in proportion to the
jurisdiction's share. A unit is named as a host system names it (遵义市红花岗区市场监督管理局),
at the level of its place (province, city, county, township).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from .._records import SCHEMAS
from .._vocab import DOMAINS, Level

# The name of a domain's bureau (its suffix after the place).
BUREAUS: dict[str, str] = {
    "公安": "公安局",
    "自然资源": "自然资源局",
    "生态环境": "生态环境局",
    "住房和城乡建设": "住房和城乡建设局",
    "交通运输": "交通运输局",
    "农业农村": "农业农村局",
    "应急管理": "应急管理局",
    "审计": "审计局",
    "卫生健康": "卫生健康局",
    "文化和旅游": "文化和旅游局",
    "市场监管": "市场监督管理局",
    "民政": "民政局",
    "司法行政": "司法局",
    "城市管理": "城市管理局",
    "综合行政执法": "综合行政执法局",
    "水利": "水务局",
    "教育": "教育局",
    "人力资源和社会保障": "人力资源和社会保障局",
    "林业和草原": "林业局",
    "财政": "财政局",
    "发展和改革": "发展和改革局",
    "工业和信息化": "工业和信息化局",
    "商务": "商务局",
    "统计": "统计局",
    "医疗保障": "医疗保障局",
    "退役军人事务": "退役军人事务局",
    "体育": "体育局",
    "消防救援": "消防救援大队",
    "粮食和物资储备": "粮食和物资储备局",
    "人民防空": "人民防空办公室",
    "广播电视": "广播电视局",
    "民族宗教": "民族宗教事务局",
    "税务": "税务局",
    "烟草专卖": "烟草专卖局",
    "气象": "气象局",
    "行政审批": "行政审批服务局",
}
assert set(BUREAUS) == set(DOMAINS)

# Township units: (suffix, domain).
TOWNSHIP_UNITS = [
    ("综合行政执法队", "综合行政执法"),
    ("市场监管所", "市场监管"),
    ("司法所", "司法行政"),
]

# Domains written with an alias now and then, as host systems do.
ALIAS_SHARE = 0.05


@dataclass(frozen=True)
class Unit:
    """One candidate department: its place, name, level and domain."""

    jurisdiction: str
    region: tuple[str, ...]
    name: str
    level: Level
    domain: str


def _bureaus(jurisdiction: str, region: tuple[str, ...], place: str, level: Level) -> list[Unit]:
    return [Unit(jurisdiction, region, place + b, level, d) for d, b in BUREAUS.items()]


def _townships(jurisdiction: str, region: tuple[str, ...], towns: list[str]) -> list[Unit]:
    return [
        Unit(jurisdiction, (*region, town), region[-1] + town + suffix, Level.TOWNSHIP, domain)
        for town in towns
        for suffix, domain in TOWNSHIP_UNITS
    ]


# -- 河南省: the transport sector of every city and county, 新乡市's civil affairs -------------

HENAN = ("河南省",)
HENAN_CITIES: dict[str, list[str]] = {
    "郑州市": ["中原区", "二七区", "金水区", "惠济区", "中牟县", "巩义市", "荥阳市", "新密市"],
    "新乡市": [
        "红旗区", "卫滨区", "凤泉区", "牧野区", "新乡县", "获嘉县",
        "原阳县", "延津县", "封丘县", "卫辉市", "辉县市", "长垣市",
    ],
    "洛阳市": ["老城区", "西工区", "涧西区", "偃师区", "孟津区", "新安县", "栾川县", "嵩县"],
    "开封市": ["龙亭区", "鼓楼区", "祥符区", "杞县", "通许县", "尉氏县", "兰考县"],
    "南阳市": ["宛城区", "卧龙区", "南召县", "方城县", "西峡县", "镇平县", "内乡县", "邓州市"],
    "安阳市": ["文峰区", "北关区", "殷都区", "安阳县", "汤阴县", "滑县", "内黄县", "林州市"],
    "周口市": ["川汇区", "淮阳区", "扶沟县", "西华县", "商水县", "项城市"],
    "信阳市": ["浉河区", "平桥区", "罗山县", "光山县", "新县", "固始县"],
}  # fmt: skip
HENAN_TOWNS = ["城关镇", "东关街道", "西关街道", "新华街道", "朝阳镇", "前进乡"]


def _henan() -> tuple[list[Unit], list[Unit]]:
    named = [
        Unit("henan", HENAN, "河南省交通运输厅", Level.PROVINCE, "交通运输"),
        Unit("henan", HENAN, "河南省交通运输厅执法局", Level.PROVINCE, "交通运输"),
        Unit("henan", HENAN, "河南省交通运输厅法规处", Level.PROVINCE, "交通运输"),
        Unit("henan", (*HENAN, "新乡市"), "新乡市民政局", Level.CITY, "民政"),
        Unit("henan", (*HENAN, "新乡市", "辉县市"), "辉县市民政局", Level.COUNTY, "民政"),
        Unit("henan", (*HENAN, "郑州市"), "郑州市交通运输局", Level.CITY, "交通运输"),
        Unit("henan", (*HENAN, "郑州市", "中牟县"), "中牟县交通运输局", Level.COUNTY, "交通运输"),
    ]
    pool = [
        u
        for u in _bureaus("henan", HENAN, "河南省", Level.PROVINCE)
        if u.domain not in ("交通运输",)
    ]
    for city, counties in HENAN_CITIES.items():
        pool += _bureaus("henan", (*HENAN, city), city, Level.CITY)
        for county in counties:
            region = (*HENAN, city, county)
            pool += _bureaus("henan", region, county, Level.COUNTY)
            pool += _townships("henan", region, HENAN_TOWNS[:3])
    return named, pool


# -- 贵州省/遵义市 -------------------------------------------------------------------------------

ZUNYI = ("贵州省", "遵义市")
ZUNYI_COUNTIES = [
    "红花岗区", "汇川区", "播州区", "桐梓县", "绥阳县", "正安县", "道真县",
    "务川县", "凤冈县", "湄潭县", "余庆县", "习水县", "赤水市", "仁怀市",
]  # fmt: skip
ZUNYI_TOWNS = ["老城街道", "万里路街道", "中华路街道", "新蒲镇", "鸭溪镇", "团溪镇", "茅坝镇"]


def _zunyi() -> tuple[list[Unit], list[Unit]]:
    named = [
        Unit("zunyi", ZUNYI, "遵义市司法局", Level.CITY, "司法行政"),
        Unit("zunyi", ZUNYI, "遵义市市场监督管理局", Level.CITY, "市场监管"),
        Unit("zunyi", ZUNYI, "遵义市教育局", Level.CITY, "教育"),
        Unit("zunyi", (*ZUNYI, "红花岗区"), "红花岗区司法局", Level.COUNTY, "司法行政"),
        Unit("zunyi", (*ZUNYI, "红花岗区"), "红花岗区综合行政执法局", Level.COUNTY, "综合行政执法"),
        Unit(
            "zunyi",
            (*ZUNYI, "红花岗区", "老城街道"),
            "红花岗区老城街道综合行政执法队",
            Level.TOWNSHIP,
            "综合行政执法",
        ),
    ]
    pool = _bureaus("zunyi", ZUNYI, "遵义市", Level.CITY)
    for county in ZUNYI_COUNTIES:
        region = (*ZUNYI, county)
        pool += _bureaus("zunyi", region, county, Level.COUNTY)
        pool += _townships("zunyi", region, ZUNYI_TOWNS)
    return named, pool


# -- 四川省/德阳市/广汉市 -----------------------------------------------------------------------

GUANGHAN = ("四川省", "德阳市", "广汉市")
GUANGHAN_TOWNS = [
    "雒城街道", "金雁街道", "汉州街道", "金鱼镇", "三水镇", "向阳镇",
    "南兴镇", "西高镇", "连山镇", "高坪镇", "小汉镇", "新丰街道",
]  # fmt: skip


def _guanghan() -> tuple[list[Unit], list[Unit]]:
    named = [
        Unit("guanghan", GUANGHAN, "广汉市司法局", Level.COUNTY, "司法行政"),
        Unit("guanghan", GUANGHAN, "广汉市市场监督管理局", Level.COUNTY, "市场监管"),
        Unit(
            "guanghan",
            (*GUANGHAN, "雒城街道"),
            "广汉市雒城街道综合行政执法队",
            Level.TOWNSHIP,
            "综合行政执法",
        ),
    ]
    pool = _bureaus("guanghan", GUANGHAN, "广汉市", Level.COUNTY)
    pool += _townships("guanghan", GUANGHAN, GUANGHAN_TOWNS)
    return named, pool


# -- 宁夏回族自治区/石嘴山市/大武口区: the units the task table names ------------------------------

DAWUKOU = ("宁夏回族自治区", "石嘴山市", "大武口区")
DAWUKOU_STREETS = [
    "长胜街道", "朝阳街道", "人民路街道", "长城街道", "青山街道",
    "石炭井街道", "白芨沟街道", "沟口街道", "长兴街道", "锦林街道",
]  # fmt: skip
# Party and government offices the task table names as units of their own: no enforcement
# sector identifies them (they are selected by name).
DAWUKOU_OFFICES = [
    ("大武口区人民政府办公室", "综合行政执法"),
    ("中共大武口区委组织部", "综合行政执法"),
    ("中共大武口区委编办", "综合行政执法"),
    ("大武口区纪委监委", "综合行政执法"),
    ("大武口区人民检察院", "综合行政执法"),
]
DAWUKOU_BUREAUS = [
    ("大武口区司法局", "司法行政"),
    ("石嘴山市市场监督管理局大武口区分局", "市场监管"),
    ("石嘴山市公安局大武口区分局", "公安"),
    ("大武口区工信商务局", "工业和信息化"),
    ("大武口区农水局", "农业农村"),
    ("大武口区住建交通局", "住房和城乡建设"),
    ("大武口区教体局", "教育"),
    ("大武口区自然资源局", "自然资源"),
    ("大武口区发展和改革局", "发展和改革"),
    ("大武口区民政局", "民政"),
    ("大武口区审批服务管理局", "行政审批"),
    ("大武口区财政局", "财政"),
    ("大武口区综合执法局", "综合行政执法"),
]


def _dawukou() -> tuple[list[Unit], list[Unit]]:
    def unit(name: str, domain: str) -> Unit:
        return Unit("dawukou", DAWUKOU, name, Level.COUNTY, domain)

    named = [
        unit(*DAWUKOU_BUREAUS[0]),
        unit(*DAWUKOU_BUREAUS[1]),
        unit(*DAWUKOU_OFFICES[0]),
        Unit(
            "dawukou",
            (*DAWUKOU, "星海镇"),
            "大武口区星海镇人民政府",
            Level.TOWNSHIP,
            "综合行政执法",
        ),
        Unit(
            "dawukou",
            (*DAWUKOU, "长胜街道"),
            "大武口区长胜街道办事处",
            Level.TOWNSHIP,
            "综合行政执法",
        ),
    ]
    listed = {u.name for u in named}
    pool = [unit(n, d) for n, d in DAWUKOU_OFFICES + DAWUKOU_BUREAUS if n not in listed]
    taken = {u.domain for u in pool + named if u.level == Level.COUNTY}
    pool += [
        u for u in _bureaus("dawukou", DAWUKOU, "大武口区", Level.COUNTY) if u.domain not in taken
    ]
    pool += [
        Unit("dawukou", (*DAWUKOU, s), f"大武口区{s}办事处", Level.TOWNSHIP, "综合行政执法")
        for s in DAWUKOU_STREETS[1:]
    ]
    pool += [
        Unit("dawukou", (*DAWUKOU, s), f"大武口区{s}{suffix}", Level.TOWNSHIP, domain)
        for s in DAWUKOU_STREETS
        for suffix, domain in TOWNSHIP_UNITS[1:]
    ]
    return named, pool


# -- elsewhere: only the national baseline applies ---------------------------------------------

OTHER_CITIES: dict[tuple[str, ...], list[str]] = {
    ("贵州省", "贵阳市"): ["南明区", "云岩区", "花溪区", "观山湖区"],
    ("贵州省", "六盘水市"): ["钟山区", "水城区", "盘州市"],
    ("贵州省", "安顺市"): ["西秀区", "平坝区", "普定县"],
    ("江苏省", "南京市"): ["玄武区", "秦淮区", "鼓楼区", "江宁区"],
    ("浙江省", "杭州市"): ["上城区", "西湖区", "滨江区", "萧山区"],
    ("广东省", "广州市"): ["越秀区", "海珠区", "天河区", "白云区"],
}


def _others() -> tuple[list[Unit], list[Unit]]:
    named = [Unit("other", ("贵州省", "贵阳市"), "贵阳市司法局", Level.CITY, "司法行政")]
    pool = [
        u
        for u in _bureaus("other", ("贵州省", "贵阳市"), "贵阳市", Level.CITY)
        if u.name != named[0].name
    ]
    for city_region, counties in OTHER_CITIES.items():
        city = city_region[-1]
        if city != "贵阳市":
            pool += _bureaus("other", city_region, city, Level.CITY)
        for county in counties:
            pool += _bureaus("other", (*city_region, county), county, Level.COUNTY)
    return named, pool


# Jurisdiction: (share of the departments, id prefix, builder).
JURISDICTIONS = {
    "henan": (0.40, "HN", _henan),
    "zunyi": (0.25, "ZY", _zunyi),
    "guanghan": (0.12, "GH", _guanghan),
    "dawukou": (0.08, "DWK", _dawukou),
    "other": (0.15, "QT", _others),
}


def _pick(named: list[Unit], pool: list[Unit], count: int, rng: np.random.Generator) -> list[Unit]:
    """The named units and ``count - len(named)`` more from the pool, in a random order that
    takes a unit of each domain before a second one of any (repeating the pool with numbered
    squads when the count exceeds it)."""
    names = {u.name for u in named}
    pool = [u for u in pool if u.name not in names]
    wanted = max(count - len(named), 0)
    shuffled = [int(i) for i in rng.permutation(len(pool))]
    firsts: dict[str, int] = {}
    for i in shuffled:
        firsts.setdefault(pool[i].domain, i)
    first = set(firsts.values())
    order = list(firsts.values()) + [i for i in shuffled if i not in first]
    picked = []
    for n in range(wanted):
        unit = pool[order[n % len(pool)]]
        rounds = n // len(pool)
        if rounds:
            unit = Unit(
                unit.jurisdiction,
                unit.region,
                f"{unit.name}第{rounds + 1}执法大队",
                unit.level,
                unit.domain,
            )
        picked.append(unit)
    return named + picked


def department_units(count: int, rng: np.random.Generator) -> pl.DataFrame:
    """``count`` departments (at least the named units of every jurisdiction): id, name,
    region, level, domain, and the jurisdiction each belongs to."""
    built = {key: builder() for key, (_, _, builder) in JURISDICTIONS.items()}
    core = sum(len(named) for named, _ in built.values())
    extra = max(count - core, 0)
    shares = np.array([share for share, _, _ in JURISDICTIONS.values()])
    allotted = np.floor(shares * extra).astype(np.int64)
    allotted[0] += extra - int(allotted.sum())
    rows = []
    for (key, (_, prefix, _)), more in zip(JURISDICTIONS.items(), allotted, strict=True):
        named, pool = built[key]
        for number, unit in enumerate(_pick(named, pool, len(named) + int(more), rng), start=1):
            rows.append(
                (
                    f"{prefix}-{number:05d}",
                    unit.name,
                    list(unit.region),
                    unit.level.value,
                    unit.domain,
                    unit.jurisdiction,
                )
            )
    frame = pl.DataFrame(
        rows,
        schema={
            "id": pl.String,
            "name": pl.String,
            "region": pl.List(pl.String),
            "level": pl.String,
            "domain": pl.String,
            "jurisdiction": pl.String,
        },
        orient="row",
    )
    return frame.with_columns(written_domain(frame["domain"], rng))


def written_domain(domains: pl.Series, rng: np.random.Generator) -> pl.Series:
    """Domains as host systems write them: the canonical name, now and then an alias."""
    aliases = {name: [a for a in words if not a.isascii()] for name, words in DOMAINS.items()}
    with_alias = [n for n, words in aliases.items() if words]
    first = {n: aliases[n][0] for n in with_alias}
    use = pl.Series(rng.random(domains.len()) < ALIAS_SHARE)
    alias = domains.replace_strict(first, default=None, return_dtype=pl.String)
    return (
        pl.DataFrame({"domain": domains, "alias": alias, "use": use})
        .select(
            pl.when(pl.col("use") & pl.col("alias").is_not_null())
            .then(pl.col("alias"))
            .otherwise(pl.col("domain"))
            .alias("domain")
        )
        .to_series()
    )


DEPARTMENT_COLUMNS = list(SCHEMAS["departments"])
