"""enforcement-rules: the requirements of Chinese administrative-enforcement (行政执法) policy
documents as typed, declarative rules, checked against a host system's records.

>>> import enforcement_rules as er
>>> records = er.load("examples/dawukou-2024/records.json")  # doctest: +SKIP
>>> report = er.evaluate(records, as_of="2024-12-31")  # doctest: +SKIP
>>> for finding in report.filter(rule="D3"):  # doctest: +SKIP
...     print(finding.explain())

Records also load from a folder of CSV files, an Excel workbook, JSON Lines, Parquet, or
DataFrames, and a report is written as JSON, CSV, Excel, HTML or a DataFrame:

>>> records = er.load("examples/dawukou-2024/csv")  # doctest: +SKIP
>>> records = er.Records.from_frames({"officers": officers_frame})  # doctest: +SKIP
>>> report.to_html("report.html")  # doctest: +SKIP
"""

from ._calendar import Calendar, CalendarEntry, calendar
from ._contest import Contest, contest
from ._diff import ReportDiff
from ._errors import (
    EnforcementRulesError,
    InputError,
    MissingDependency,
    MonitorUnavailable,
    Problem,
    RuleError,
    UsageError,
)
from ._evaluate import evaluate
from ._load import load
from ._models import RECORD_TYPES
from ._monitor import Monitor
from ._records import Records, json_schema
from ._report import Exemption, Finding, Report
from ._rulebase import RuleBase, Selector, Severity, Status
from ._rules import Pack, RuleSet, load_rules
from ._scope import campaign_scope
from ._sources import SourceDocument
from ._vocab import DOMAINS
from ._waivers import WaivedFinding, Waiver, Waivers, load_waivers

__all__ = [
    "DOMAINS",
    "RECORD_TYPES",
    "Calendar",
    "CalendarEntry",
    "Contest",
    "EnforcementRulesError",
    "Exemption",
    "Finding",
    "InputError",
    "MissingDependency",
    "Monitor",
    "MonitorUnavailable",
    "Pack",
    "Problem",
    "Records",
    "Report",
    "ReportDiff",
    "RuleBase",
    "RuleError",
    "RuleSet",
    "Selector",
    "Severity",
    "SourceDocument",
    "Status",
    "UsageError",
    "WaivedFinding",
    "Waiver",
    "Waivers",
    "calendar",
    "campaign_scope",
    "contest",
    "evaluate",
    "json_schema",
    "load",
    "load_rules",
    "load_waivers",
]
