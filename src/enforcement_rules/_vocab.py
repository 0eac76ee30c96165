"""Vocabularies of the record contract: canonical values and the words that mean them.

Enumerations accept their English value or the Chinese words shown; a value outside them is an
input error. Domains are open: a domain outside the vocabulary is kept as written and reported
once as a warning, because host systems name sectors in ways no list foresees.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TypeVar

from ._limits import WHITESPACE

E = TypeVar("E", bound=StrEnum)


class Level(StrEnum):
    """Administrative level of a department."""

    PROVINCE = "province"
    CITY = "city"
    COUNTY = "county"
    TOWNSHIP = "township"


class Employment(StrEnum):
    """How an officer is employed."""

    STAFF = "staff"  # 在编: on the establishment
    CONTRACT = "contract"  # 聘用
    AUXILIARY = "auxiliary"  # 辅助: auxiliary staff, who may not enforce


class Education(StrEnum):
    """Education levels, highest first: the order is their rank (``education_at_least``)."""

    DOCTORATE = "doctorate"
    MASTER = "master"
    BACHELOR = "bachelor"
    ASSOCIATE = "associate"
    SECONDARY = "secondary"
    OTHER = "other"


class CertificateStatus(StrEnum):
    VALID = "valid"
    SUSPENDED = "suspended"  # 暂扣
    WITHDRAWN = "withdrawn"  # 收回
    CANCELLED = "cancelled"  # 注销


class ActionKind(StrEnum):
    PENALTY = "penalty"
    COERCION = "coercion"
    INSPECTION = "inspection"
    PERMIT = "permit"
    OTHER = "other"


class InspectionMethod(StrEnum):
    """How an inspection was started (行政检查方式)."""

    RANDOM = "random"  # 双随机抽查: objects and inspectors drawn at random, results public
    ROUTINE = "routine"  # 日常巡查: a routine inspection chosen by the inspectors
    SPECIAL = "special"  # 专项检查: a targeted campaign
    COMPLAINT = "complaint"  # 投诉举报核查: checking a complaint or report
    REFERRAL = "referral"  # 转办交办: referred or assigned by another authority
    KEY = "key"  # 重点监管: full-coverage key supervision of a special sector
    OTHER = "other"


class Procedure(StrEnum):
    ORDINARY = "ordinary"
    SUMMARY = "summary"


class BasisLevel(StrEnum):
    """The level (效力层级) of a legal basis a record names, from a law down."""

    LAW = "law"  # 法律: by the National People's Congress or its Standing Committee
    ADMINISTRATIVE_REGULATION = "administrative_regulation"  # 行政法规: by the State Council
    LOCAL_REGULATION = "local_regulation"  # 地方性法规 (and 自治条例、单行条例)
    ADMINISTRATIVE_RULES = "administrative_rules"  # 规章: of a ministry or a people's government
    NORMATIVE_DOCUMENT = "normative_document"  # 规范性文件: any other document of an authority


class ActivityKind(StrEnum):
    LEADERSHIP_LEGAL_STUDY = "leadership_legal_study"
    LEGAL_LECTURE = "legal_lecture"
    CASE_FILE_REVIEW = "case_file_review"
    ONSITE_OBSERVATION = "onsite_observation"
    PARTY_GROUP_HEARING = "party_group_hearing"
    CONSTITUTION_DAY = "constitution_day"
    DEMONSTRATION_SITE = "demonstration_site"
    DEMONSTRATION_RECOMMENDATION = "demonstration_recommendation"
    DELEGATION_EVALUATION = "delegation_evaluation"
    PLAN_EVALUATION = "plan_evaluation"
    CONSULTATION_MEETING = "consultation_meeting"
    STANDARDIZATION_PILOT = "standardization_pilot"
    SUPERVISOR_APPOINTMENT = "supervisor_appointment"
    PUBLICITY = "publicity"


# Chinese words (and a few common variants) accepted for each enumeration value.
ALIASES: dict[type[StrEnum], dict[str, StrEnum]] = {
    Level: {
        "省": Level.PROVINCE,
        "省级": Level.PROVINCE,
        "自治区": Level.PROVINCE,
        "市": Level.CITY,
        "市级": Level.CITY,
        "地级市": Level.CITY,
        "县": Level.COUNTY,
        "区": Level.COUNTY,
        "县级市": Level.COUNTY,
        "县级": Level.COUNTY,
        "县(市、区)": Level.COUNTY,
        "乡镇": Level.TOWNSHIP,
        "街道": Level.TOWNSHIP,
        "乡": Level.TOWNSHIP,
        "镇": Level.TOWNSHIP,
        "乡镇/街道": Level.TOWNSHIP,
    },
    Employment: {
        "在编": Employment.STAFF,
        "聘用": Employment.CONTRACT,
        "辅助": Employment.AUXILIARY,
        "辅助人员": Employment.AUXILIARY,
    },
    Education: {
        "博士": Education.DOCTORATE,
        "博士研究生": Education.DOCTORATE,
        "硕士": Education.MASTER,
        "硕士研究生": Education.MASTER,
        "本科": Education.BACHELOR,
        "大学本科": Education.BACHELOR,
        "大专": Education.ASSOCIATE,
        "专科": Education.ASSOCIATE,
        "中专": Education.SECONDARY,
        "高中": Education.SECONDARY,
        "中专/高中": Education.SECONDARY,
        "其他": Education.OTHER,
    },
    CertificateStatus: {
        "有效": CertificateStatus.VALID,
        "暂扣": CertificateStatus.SUSPENDED,
        "收回": CertificateStatus.WITHDRAWN,
        "注销": CertificateStatus.CANCELLED,
    },
    ActionKind: {
        "行政处罚": ActionKind.PENALTY,
        "处罚": ActionKind.PENALTY,
        "行政强制": ActionKind.COERCION,
        "强制": ActionKind.COERCION,
        "行政检查": ActionKind.INSPECTION,
        "检查": ActionKind.INSPECTION,
        "行政许可": ActionKind.PERMIT,
        "许可": ActionKind.PERMIT,
        "其他": ActionKind.OTHER,
    },
    Procedure: {"普通程序": Procedure.ORDINARY, "简易程序": Procedure.SUMMARY},
    InspectionMethod: {
        "双随机抽查": InspectionMethod.RANDOM,
        "双随机、一公开": InspectionMethod.RANDOM,
        "双随机": InspectionMethod.RANDOM,
        "随机抽查": InspectionMethod.RANDOM,
        "日常巡查": InspectionMethod.ROUTINE,
        "日常检查": InspectionMethod.ROUTINE,
        "专项检查": InspectionMethod.SPECIAL,
        "投诉举报核查": InspectionMethod.COMPLAINT,
        "投诉举报": InspectionMethod.COMPLAINT,
        "转办交办": InspectionMethod.REFERRAL,
        "上级交办": InspectionMethod.REFERRAL,
        "重点监管": InspectionMethod.KEY,
        "重点检查": InspectionMethod.KEY,
        "其他": InspectionMethod.OTHER,
    },
    BasisLevel: {
        "法律": BasisLevel.LAW,
        "行政法规": BasisLevel.ADMINISTRATIVE_REGULATION,
        "地方性法规": BasisLevel.LOCAL_REGULATION,
        "自治条例": BasisLevel.LOCAL_REGULATION,
        "单行条例": BasisLevel.LOCAL_REGULATION,
        "规章": BasisLevel.ADMINISTRATIVE_RULES,
        "部门规章": BasisLevel.ADMINISTRATIVE_RULES,
        "地方政府规章": BasisLevel.ADMINISTRATIVE_RULES,
        "规范性文件": BasisLevel.NORMATIVE_DOCUMENT,
        "行政规范性文件": BasisLevel.NORMATIVE_DOCUMENT,
    },
    ActivityKind: {
        "领导班子集中学法": ActivityKind.LEADERSHIP_LEGAL_STUDY,
        "法治专题讲座": ActivityKind.LEGAL_LECTURE,
        "案卷评查": ActivityKind.CASE_FILE_REVIEW,
        "执法现场观摩": ActivityKind.ONSITE_OBSERVATION,
        "党组听取法治建设汇报": ActivityKind.PARTY_GROUP_HEARING,
        "宪法日宣传": ActivityKind.CONSTITUTION_DAY,
        "示范点培育": ActivityKind.DEMONSTRATION_SITE,
        "示范点推荐": ActivityKind.DEMONSTRATION_RECOMMENDATION,
        "赋权事项评估": ActivityKind.DELEGATION_EVALUATION,
        "实施情况评估": ActivityKind.PLAN_EVALUATION,
        "会商": ActivityKind.CONSULTATION_MEETING,
        "规范化建设试点": ActivityKind.STANDARDIZATION_PILOT,
        "聘请行政执法监督员": ActivityKind.SUPERVISOR_APPOINTMENT,
        "聘请监督员": ActivityKind.SUPERVISOR_APPOINTMENT,
        "宣传活动": ActivityKind.PUBLICITY,
    },
}

# Chinese words shown in messages, one per value.
LABELS: dict[StrEnum, str] = {}
for _enum, _aliases in ALIASES.items():
    for _word, _value in _aliases.items():
        LABELS.setdefault(_value, _word)
LABELS[Education.SECONDARY] = "中专/高中"
LABELS[Level.COUNTY] = "县/区/县级市"
LABELS[Level.TOWNSHIP] = "乡镇/街道"


def accepted_words(enum: type[StrEnum]) -> list[str]:
    """Every word accepted for ``enum``: English values first, then the Chinese aliases."""
    return [m.value for m in enum] + list(ALIASES.get(enum, {}))


def parse_enum(enum: type[E], value: object) -> E:
    """Return the member ``value`` names, by English value or Chinese alias.

    Raises ``ValueError`` listing what is accepted.
    """
    if isinstance(value, enum):
        return value
    if isinstance(value, str):
        word = value.strip(WHITESPACE)
        member = enum._value2member_map_.get(word.lower())  # enum(word.lower()), quicker
        if member is not None:
            return member  # type: ignore[return-value]
        member = ALIASES.get(enum, {}).get(word)
        if member is not None:
            return member  # type: ignore[return-value]
    raise ValueError("one of " + ", ".join(accepted_words(enum)))


def label(value: StrEnum) -> str:
    """The Chinese word for an enumeration value."""
    return LABELS.get(value, value.value)


# Domains: canonical Chinese name -> accepted aliases (Chinese short forms and English).
DOMAINS: dict[str, tuple[str, ...]] = {
    "公安": ("public_security", "police"),
    "自然资源": ("natural_resources",),
    "生态环境": ("生态环保", "环保", "环境保护", "ecology_environment", "environment"),
    "住房和城乡建设": ("住建", "住房城乡建设", "housing_construction", "construction"),
    "交通运输": ("交通", "transport", "transportation"),
    "农业农村": ("农业", "agriculture"),
    "应急管理": ("应急", "emergency_management"),
    "审计": ("audit",),
    "卫生健康": ("卫健", "卫生", "health"),
    "文化和旅游": ("文旅", "文化市场", "文化旅游", "culture_tourism"),
    "市场监管": ("市场监督管理", "market_regulation"),
    "民政": ("civil_affairs",),
    "司法行政": ("司法", "justice"),
    "城市管理": ("城管", "urban_management"),
    "综合行政执法": ("综合执法", "comprehensive_enforcement"),
    "水利": ("water_resources",),
    "教育": ("education",),
    "人力资源和社会保障": ("人社", "人力资源社会保障", "human_resources_social_security"),
    "林业和草原": ("林草", "林业", "forestry"),
    "财政": ("finance",),
    "发展和改革": ("发改", "发展改革", "development_reform"),
    "工业和信息化": ("工信", "industry_it"),
    "商务": ("commerce",),
    "统计": ("statistics",),
    "医疗保障": ("医保", "medical_security"),
    "退役军人事务": ("退役军人", "veterans_affairs"),
    "体育": ("sports",),
    "消防救援": ("消防", "fire_rescue"),
    "粮食和物资储备": ("粮食", "grain_reserves"),
    "人民防空": ("人防", "civil_air_defence"),
    "广播电视": ("广电", "radio_television"),
    "民族宗教": ("宗教事务", "ethnic_religious_affairs"),
    "税务": ("taxation",),
    "烟草专卖": ("烟草", "tobacco"),
    "气象": ("meteorology",),
    "行政审批": ("审批", "administrative_approval"),
}
"""Canonical domain (领域) names, each with the aliases accepted for it in records and rules."""

_DOMAIN_LOOKUP: dict[str, str] = {}
for _name, _aliases_of_domain in DOMAINS.items():
    _DOMAIN_LOOKUP[_name] = _name
    for _alias in _aliases_of_domain:
        _DOMAIN_LOOKUP[_alias] = _name


def canonical_domain(name: str) -> str | None:
    """The canonical name of a domain, or ``None`` if the vocabulary does not know it."""
    word = name.strip()
    return _DOMAIN_LOOKUP.get(word) or _DOMAIN_LOOKUP.get(word.lower())


def domain_or_as_written(name: str) -> str:
    """The canonical name where known; otherwise the name as written (stripped)."""
    return canonical_domain(name) or name.strip()


def domain_lookup() -> dict[str, str]:
    """Every accepted domain word mapped to its canonical name."""
    return dict(_DOMAIN_LOOKUP)
