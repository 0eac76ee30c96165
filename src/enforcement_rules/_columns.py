"""Records written as text: Chinese names of record types and columns, and text cells.

Spreadsheets, CSV exports and the Gherkin specs write records as rows of text under headers
that are often Chinese (执法证号, 姓名, 所属部门, ...). This module maps those headers to the
contract's field names and holds the written forms of lists and booleans; ``_columnar`` turns
each text cell into the value its field expects, with the same strictness as the JSON
contract: a cell that does not fit is an error, never a guess.
"""

from __future__ import annotations

from ._models import RECORD_TYPES

LIST_SEPARATORS = "、,;，；|/"
"""A list cell (participants, domains, region...) separates its items with any of these;
written lists use 、 (``O001、O004``)."""

LIST_JOINER = "、"
"""The separator written between the items of a list cell."""

TYPE_ALIASES: dict[str, str] = {
    "部门": "departments",
    "执法部门": "departments",
    "单位": "departments",
    "执法人员": "officers",
    "人员": "officers",
    "执法证件": "certificates",
    "证件": "certificates",
    "培训记录": "trainings",
    "培训": "trainings",
    "执法行为": "actions",
    "执法案件": "actions",
    "案件": "actions",
    "报送材料": "submissions",
    "报送": "submissions",
    "工作活动": "activities",
    "活动": "activities",
    "任务完成情况": "task_reports",
    "任务报告": "task_reports",
    "活动报名": "campaign_enrollments",
    "参加活动": "campaign_enrollments",
    "考试成绩": "exams",
    "考试": "exams",
    "试卷": "exam_papers",
    "试卷构成": "exam_papers",
    "参赛队伍": "contest_teams",
    "队伍": "contest_teams",
    "电子技术监控设备": "monitoring_devices",
    "监控设备": "monitoring_devices",
    "委托执法": "entrustments",
    "行政执法委托": "entrustments",
}
"""Chinese names of the record types (sheet names, step tables)."""

COLUMN_ALIASES: dict[str, dict[str, str]] = {
    "departments": {
        "编号": "id",
        "部门编号": "id",
        "名称": "name",
        "部门名称": "name",
        "区划": "region",
        "行政区划": "region",
        "层级": "level",
        "领域": "domain",
        "执法人员数": "enforcement_staff",
        "执法人员总数": "enforcement_staff",
        "法制审核人员数": "legal_reviewers",
        "法制审核人员": "legal_reviewers",
    },
    "officers": {
        "编号": "id",
        "人员编号": "id",
        "姓名": "name",
        "部门": "department",
        "所属部门": "department",
        "用工": "employment",
        "用工性质": "employment",
        "人员类别": "employment",
        "在岗": "on_duty",
        "从事执法日期": "entered_enforcement_on",
        "进入执法岗位日期": "entered_enforcement_on",
        "录用日期": "hired_on",
        "学历": "education",
    },
    "certificates": {
        "证号": "id",
        "执法证号": "id",
        "持证人": "officer",
        "人员编号": "officer",
        "发证日期": "valid_from",
        "有效期起": "valid_from",
        "有效期至": "valid_to",
        "状态": "status",
        "证件状态": "status",
        "状态日期": "status_since",
        "状态起始日期": "status_since",
        "授权范围": "domains",
        "执法领域": "domains",
        "年审年度": "reviewed_years",
    },
    "trainings": {
        "编号": "id",
        "人员": "officer",
        "执法人员": "officer",
        "人员编号": "officer",
        "日期": "date",
        "培训日期": "date",
        "学时": "hours",
        "轮训": "rotation",
        "全员轮训": "rotation",
        "主题": "topic",
        "培训内容": "topic",
    },
    "actions": {
        "编号": "id",
        "案件编号": "id",
        "部门": "department",
        "执法部门": "department",
        "日期": "date",
        "执法日期": "date",
        "类型": "kind",
        "执法类型": "kind",
        "领域": "domain",
        "参与人员": "participants",
        "执法人员": "participants",
        "程序": "procedure",
        "重大": "major",
        "重大执法决定": "major",
        "决定日期": "decided_on",
        "法制审核日期": "legal_review_on",
        "全过程记录": "recorded",
        "公示日期": "publicized_on",
        "例外依据": "exception_basis",
        "检查方式": "method",
        "涉企": "enterprise",
        "例外依据层级": "basis_level",
    },
    "submissions": {
        "编号": "id",
        "部门": "department",
        "事项": "obligation",
        "报送事项": "obligation",
        "期间": "period",
        "报送时间": "submitted_on",
        "报送日期": "submitted_on",
        "章节": "sections",
        "包含部分": "sections",
        "公开日期": "published_on",
    },
    "activities": {
        "编号": "id",
        "部门": "department",
        "类型": "kind",
        "活动类型": "kind",
        "日期": "date",
        "次数": "count",
        "覆盖": "covers",
        "覆盖类型": "covers",
        "记录": "minutes",
        "会议记录": "minutes",
        "阶段": "stage",
    },
    "task_reports": {
        "编号": "id",
        "任务": "task",
        "任务编号": "task",
        "部门": "department",
        "责任单位": "department",
        "完成日期": "completed_on",
        "期间": "period",
        "佐证": "evidence",
        "佐证材料": "evidence",
    },
    "campaign_enrollments": {"部门": "department", "活动": "campaign"},
    "exams": {"人员": "officer", "考试": "exam", "日期": "date", "成绩": "score", "分数": "score"},
    "exam_papers": {
        "编号": "id",
        "考试": "exam",
        "理论业务知识比例": "theory_percent",
        "执法文书纠错比例": "document_percent",
        "执法流程纠错比例": "procedure_percent",
        "初赛试卷": "preliminary",
        "初赛": "preliminary",
    },
    "contest_teams": {
        "编号": "id",
        "部门": "department",
        "队员": "members",
        "日期": "date",
        "初赛成绩": "scores",
        "成绩": "scores",
        "决赛成绩": "final_score",
    },
    "monitoring_devices": {
        "编号": "id",
        "部门": "department",
        "地点": "location",
        "设置地点": "location",
        "法律依据": "legal_basis",
        "依据层级": "basis_level",
        "法制审核日期": "legal_review_on",
        "技术审核日期": "technical_review_on",
        "地点公布日期": "location_published_on",
    },
    "entrustments": {
        "编号": "id",
        "部门": "department",
        "委托部门": "department",
        "受委托组织": "entrusted",
        "受委托方": "entrusted",
        "法律依据": "legal_basis",
        "依据层级": "basis_level",
        "委托书签订日期": "agreement_signed_on",
        "公示日期": "published_on",
    },
}
"""Per record type: Chinese column headers and the contract field each stands for."""

TRUE_WORDS = {"true", "是", "1", "y", "yes", "有", "√"}
FALSE_WORDS = {"false", "否", "0", "n", "no", "无", "×"}


def record_type(name: str) -> str:
    """The record type a (possibly Chinese) name stands for; ``KeyError`` if none."""
    word = name.strip()
    if word in RECORD_TYPES:
        return word
    return TYPE_ALIASES[word]


def field_name(record_type: str, header: str) -> str:
    """The contract field a (possibly Chinese) column header stands for; ``KeyError`` if none."""
    word = header.strip()
    if word in RECORD_TYPES[record_type].model_fields:
        return word
    return COLUMN_ALIASES[record_type][word]
