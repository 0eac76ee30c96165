"""Officers of the synthetic province, their certificates, trainings and exams.

Everything is drawn a column at a time with numpy and assembled with polars: no Python loop
over officers. Shares of what the rules report (an expired or suspended certificate, a scope
that leaves the department's domain out, a year short of 60 hours, a rotation training or an
exam that never came) are set here, as constants, to what an audit of a province finds.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
import polars as pl

from .._vocab import DOMAINS, Education, Employment, domain_lookup

FIRST_YEAR, LAST_YEAR = 2021, 2025
"""The years the records span (the as-of day is the last day of ``LAST_YEAR``)."""

EMPLOYMENT_SHARES = {
    "": {Employment.STAFF: 0.72, Employment.CONTRACT: 0.14, Employment.AUXILIARY: 0.14},
    # 河南省's regulations let only officers on the establishment hold a certificate: few
    # contract staff enforce there.
    "henan": {Employment.STAFF: 0.84, Employment.CONTRACT: 0.02, Employment.AUXILIARY: 0.14},
}
ON_DUTY_SHARE = 0.96
NEW_OFFICER_SHARE = 0.02  # entered enforcement in 2021 to mid-2023
EDUCATION_SHARES = {
    Education.BACHELOR: 0.55,
    Education.ASSOCIATE: 0.25,
    Education.MASTER: 0.08,
    Education.SECONDARY: 0.07,
    Education.OTHER: 0.02,
    None: 0.03,
}
CERTIFIED_SHARE = {"enforcing": 0.99, "auxiliary": 0.03}
EXPIRED_SHARE = 0.02  # a certificate that ran out and was never renewed
LATE_RENEWAL_SHARE = 0.08  # renewed up to two months after it ran out
SCOPE_SHARES = {"department": 0.78, "own": 0.17, "own_and_other": 0.03, "other": 0.02}
EXIT_SHARES = {"suspended": 0.006, "withdrawn": 0.003, "cancelled": 0.003}
MISSED_REVIEW_SHARE = 0.04
TRAININGS_PER_YEAR = 2  # one in each half year
TRAINING_HOURS = (24, 48)  # whole hours, uniform: about one officer-year in eight is short of 60
ROTATION_SHARE = 0.93
UNKNOWN_OFFICER_SHARE = 0.0002  # a training of an officer the records do not hold
EXAM_SHARES = {"in_time": 0.94, "late": 0.03}  # the rest sat none

SURNAMES = list(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN = list(
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红建文辉力兰飞鹏宇晨浩凯俊峰鑫斌波宁佳欣怡雪梅琳丹亮志国庆海林云龙春燕嘉晓婷倩颖"
)
TOPICS = ["执法程序实务", "行政处罚法专题", "行政强制法专题", "执法文书规范", "法律知识更新"]


def days(day: date) -> int:
    """Days since 1970-01-01."""
    return (day - date(1970, 1, 1)).days


def as_dates(values: np.ndarray, present: np.ndarray | None = None) -> pl.Series:
    """Days since 1970-01-01 as a Date series; null where ``present`` is false."""
    series = pl.Series(values.astype(np.int32)).cast(pl.Date)
    if present is None:
        return series
    return pl.select(pl.when(pl.Series(present)).then(series)).to_series()


def numbered(prefix: str, n: int, width: int) -> pl.Series:
    """``prefix`` followed by 1 … n, zero-padded to ``width`` digits."""
    digits = pl.int_range(1, n + 1, eager=True).cast(pl.String).str.zfill(width)
    return (prefix + digits).alias("id")


def unknown_officers(rng: np.random.Generator, n: int) -> pl.Series:
    """``n`` ids of officers who are not in the records (``OX`` and six digits)."""
    return "OX" + pl.Series(rng.integers(0, 10**6, n)).cast(pl.String).str.zfill(6)


def canonical(domains: pl.Series) -> pl.Series:
    """Domains by their canonical names (as ``Records`` holds them)."""
    return domains.replace_strict(domain_lookup(), default=domains, return_dtype=pl.String)


def choice(rng: np.random.Generator, shares: Mapping[Any, float], size: int) -> np.ndarray:
    """Indices into ``list(shares)`` drawn with the given shares."""
    p = np.array(list(shares.values()), dtype=float)
    return rng.choice(len(shares), size=size, p=p / p.sum())


@dataclass(frozen=True)
class Roster:
    """Officers in department order: each department's enforcing officers (staff, contract)
    first, then its auxiliary staff. Per department: where its officers start, how many
    enforce, how many are auxiliary."""

    ids: pl.Series
    start: np.ndarray
    enforcing: np.ndarray
    auxiliary: np.ndarray


def officers(departments: pl.DataFrame, count: int, rng: np.random.Generator) -> pl.DataFrame:
    """``count`` officers spread over the departments (at least three each, two of them
    on the establishment), with the columns of the ``officers`` table and ``_dept``, the
    department's index."""
    n_dept = departments.height
    level_weight = departments["level"].replace_strict(
        {"province": 1.5, "city": 1.3, "county": 1.0, "township": 0.4}, return_dtype=pl.Float64
    )
    weights = rng.lognormal(0.0, 0.6, n_dept) * level_weight.to_numpy()
    minimum = 3
    spread = rng.multinomial(max(count - minimum * n_dept, 0), weights / weights.sum())
    sizes = spread + minimum
    dept = np.repeat(np.arange(n_dept), sizes)
    start = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    position = np.arange(dept.size) - start[dept]
    kinds = list(EMPLOYMENT_SHARES[""])
    henan = (departments["jurisdiction"] == "henan").to_numpy()[dept]
    drawn = np.where(
        henan,
        choice(rng, EMPLOYMENT_SHARES["henan"], dept.size),
        choice(rng, EMPLOYMENT_SHARES[""], dept.size),
    )
    drawn[position < 2] = kinds.index(Employment.STAFF)
    auxiliary = drawn == kinds.index(Employment.AUXILIARY)
    order = np.lexsort((position, auxiliary, dept))  # per department: enforcing first
    dept, drawn = dept[order], drawn[order]

    n = dept.size
    veteran_days = rng.exponential(8 * 365.25, n).astype(np.int64)
    entered = np.where(
        rng.random(n) < NEW_OFFICER_SHARE,
        rng.integers(days(date(FIRST_YEAR, 1, 1)), days(date(FIRST_YEAR + 2, 7, 1)), n),
        days(date(FIRST_YEAR, 1, 1)) - 1 - np.minimum(veteran_days, 30 * 365),
    )
    hired = entered - rng.integers(0, 400, n)
    education = [None if e is None else e.value for e in EDUCATION_SHARES]
    surname = np.array(SURNAMES)[rng.integers(0, len(SURNAMES), n)]
    given = np.array(GIVEN)[rng.integers(0, len(GIVEN), (n, 2))]
    two = rng.random(n) < 0.7
    frame = pl.DataFrame(
        {
            "id": numbered("O", n, 7),
            "name": pl.Series(surname)
            + pl.Series(given[:, 0])
            + pl.Series(np.where(two, given[:, 1], "")),
            "department": departments["id"].gather(dept),
            "employment": pl.Series([k.value for k in kinds]).gather(drawn),
            "on_duty": pl.Series(rng.random(n) < ON_DUTY_SHARE),
            "entered_enforcement_on": as_dates(entered),
            "hired_on": as_dates(hired, rng.random(n) < 0.6),
            "education": pl.Series(education, dtype=pl.String).gather(
                choice(rng, EDUCATION_SHARES, n)
            ),
            "_dept": pl.Series(dept, dtype=pl.Int64),
        }
    )
    return frame


def roster(officer_frame: pl.DataFrame, n_dept: int) -> Roster:
    """Where each department's officers are, as acts pick their teams."""
    dept = officer_frame["_dept"].to_numpy()
    sizes = np.bincount(dept, minlength=n_dept)
    aux = np.bincount(
        dept,
        weights=(officer_frame["employment"] == Employment.AUXILIARY.value).to_numpy(),
        minlength=n_dept,
    ).astype(np.int64)
    return Roster(
        ids=officer_frame["id"],
        start=np.concatenate([[0], np.cumsum(sizes)[:-1]]),
        enforcing=sizes - aux,
        auxiliary=aux,
    )


PREFIXES = {"henan": "豫", "zunyi": "黔", "guanghan": "川", "dawukou": "宁", "other": "证"}


def certificates(
    officer_frame: pl.DataFrame, departments: pl.DataFrame, rng: np.random.Generator
) -> pl.DataFrame:
    """Enforcement certificates, valid six years: most enforcing officers hold one, renewed
    when it runs out (some late, some never); a few auxiliary staff hold one they should not;
    some were suspended, withdrawn or cancelled; some are authorised outside their
    department's domain."""
    n = officer_frame.height
    enforcing = (officer_frame["employment"] != Employment.AUXILIARY.value).to_numpy()
    holds = rng.random(n) < np.where(
        enforcing, CERTIFIED_SHARE["enforcing"], CERTIFIED_SHARE["auxiliary"]
    )
    holder = np.flatnonzero(holds)
    m = holder.size
    entered = officer_frame["entered_enforcement_on"].cast(pl.Int32).to_numpy()[holder]
    issued = np.where(
        entered < days(date(FIRST_YEAR, 1, 1)),
        rng.integers(days(date(FIRST_YEAR - 5, 1, 1)), days(date(FIRST_YEAR - 1, 12, 31)), m),
        entered + rng.integers(20, 120, m),
    )
    term = 6 * 365 + 1
    # The certificate that runs out before the end of the records is renewed: on the next
    # day, a little late, or never.
    renewal = rng.choice(
        3, size=m, p=[1 - LATE_RENEWAL_SHARE - EXPIRED_SHARE, LATE_RENEWAL_SHARE, EXPIRED_SHARE]
    )
    renewed = (issued + term <= days(date(LAST_YEAR, 12, 31))) & (renewal < 2)
    gap = np.where(renewal == 1, rng.integers(1, 61, m), 0)
    latest_from = np.where(renewed, issued + term + gap, issued)

    exits = list(EXIT_SHARES)
    bounds = np.cumsum(list(EXIT_SHARES.values()))
    exit_kind = np.searchsorted(bounds, rng.random(m), side="right")  # len(exits): none
    since_low = np.maximum(latest_from, days(date(FIRST_YEAR, 1, 1)))
    since_high = np.maximum(
        np.minimum(latest_from + term, days(date(LAST_YEAR, 12, 1))), since_low + 1
    )
    since = rng.integers(since_low, since_high)

    dept = officer_frame["_dept"].to_numpy()[holder]
    scope = rng.choice(4, size=m, p=list(SCOPE_SHARES.values()))
    holders = pl.DataFrame(
        {
            "officer": officer_frame["id"].gather(holder),
            "_own": canonical(departments["domain"]).gather(dept),
            "_other": pl.Series(sorted(DOMAINS)).gather(rng.integers(0, len(DOMAINS), m)),
            "_scope": pl.Series(scope),
            "_prefix": departments["jurisdiction"]
            .gather(dept)
            .replace_strict(PREFIXES, return_dtype=pl.String),
        }
    ).with_columns(
        pl.when(pl.col("_scope") == 1)
        .then(pl.concat_list("_own"))
        .when(pl.col("_scope") == 2)
        .then(pl.concat_list("_own", "_other").list.unique(maintain_order=True))
        .when(pl.col("_scope") == 3)
        .then(pl.concat_list("_other"))
        .otherwise(pl.lit([], dtype=pl.List(pl.String)))
        .alias("domains"),
    )
    exited = exit_kind < len(exits)
    latest = holders.with_columns(
        as_dates(latest_from).alias("valid_from"),
        as_dates(latest_from + term - 1).alias("valid_to"),
        pl.Series(np.array([*exits, "valid"])[exit_kind]).alias("status"),
        as_dates(since, exited).alias("status_since"),
        pl.lit(1).alias("_order"),
    )
    first = holders.filter(pl.Series(renewed)).with_columns(
        as_dates(issued[renewed]).alias("valid_from"),
        as_dates(issued[renewed] + term - 1).alias("valid_to"),
        pl.lit("valid").alias("status"),
        pl.lit(None, dtype=pl.Date).alias("status_since"),
        pl.lit(0).alias("_order"),
    )
    frame = pl.concat([first, latest]).sort("officer", "_order")
    k = frame.height
    start = pl.max_horizontal(pl.col("valid_from").dt.year(), pl.lit(FIRST_YEAR))
    end = pl.min_horizontal(pl.col("valid_to").dt.year(), pl.lit(LAST_YEAR))
    # One year of the review missed now and then: the years before it and after it.
    missed = np.where(rng.random(k) < MISSED_REVIEW_SHARE, rng.integers(0, 5, k), 99)
    skipped = pl.min_horizontal(start + pl.col("_missed"), end + 1)
    return frame.with_columns(pl.Series("_missed", missed)).with_columns(
        pl.concat_list(pl.int_ranges(start, skipped), pl.int_ranges(skipped + 1, end + 1))
        .cast(pl.List(pl.Int64))
        .alias("reviewed_years"),
        (pl.col("_prefix") + numbered("", k, 10)).alias("id"),
    )


# Where a pack asks for a rotation training: the year and half-year it falls in, and the last
# day of that half it may be held on (广汉's is due 15 June).
ROTATIONS = {
    "dawukou": (2024, 0, date(2024, 6, 30)),
    "guanghan": (2024, 0, date(2024, 6, 10)),
    "henan": (2023, 0, date(2023, 6, 30)),
}


def trainings(
    officer_frame: pl.DataFrame, departments: pl.DataFrame, rng: np.random.Generator
) -> pl.DataFrame:
    """Two trainings a year per officer, one in each half, of 24 to 48 hours each; where a
    pack asks for the full rotation, the first of that year is it (for most officers)."""
    years = np.arange(FIRST_YEAR, LAST_YEAR + 1)
    per_officer = years.size * TRAININGS_PER_YEAR
    n = officer_frame.height * per_officer
    officer = np.repeat(np.arange(officer_frame.height), per_officer)
    slot = np.tile(np.arange(per_officer), officer_frame.height)
    year = years[slot // TRAININGS_PER_YEAR]
    half = slot % TRAININGS_PER_YEAR
    jurisdiction = (
        departments["jurisdiction"].gather(officer_frame["_dept"]).gather(officer).to_numpy()
    )
    last_day = np.zeros(n, dtype=np.int64)  # of the half-year, where it holds the rotation
    for key, (y, h, last) in ROTATIONS.items():
        last_day[(jurisdiction == key) & (year == y) & (half == h)] = days(last)
    start = np.array([days(date(int(y), 1, 1)) for y in years])[slot // TRAININGS_PER_YEAR]
    start = start + half * 181
    length = np.where(last_day > 0, last_day - start + 1, 180)
    day = start + (rng.random(n) * length).astype(np.int64)
    rotation = (last_day > 0) & (rng.random(n) < ROTATION_SHARE)
    hours = rng.integers(TRAINING_HOURS[0], TRAINING_HOURS[1] + 1, n).astype(np.float64)
    return pl.DataFrame(
        {
            "id": numbered("T", n, 8),
            "officer": pl.select(
                pl.when(pl.Series(rng.random(n) < UNKNOWN_OFFICER_SHARE))
                .then(unknown_officers(rng, n))
                .otherwise(officer_frame["id"].gather(officer))
            ).to_series(),
            "date": as_dates(day),
            "hours": hours,
            "rotation": rotation,
            "topic": pl.Series(TOPICS).gather(rng.integers(0, len(TOPICS), n)),
        }
    ).with_columns(
        pl.when(pl.col("rotation")).then(pl.lit("全员轮训")).otherwise("topic").alias("topic")
    )


# Exams the packs ask for: (jurisdiction, domain or None, exam, first day, due, last late day).
EXAMS = [
    (
        "zunyi",
        None,
        "遵义市2022年执法知识考试",
        date(2022, 4, 1),
        date(2022, 4, 30),
        date(2022, 6, 30),
    ),
    (
        "henan",
        "交通运输",
        "河南省交通运输执法人员轮训考试",
        date(2021, 9, 1),
        date(2023, 12, 31),
        date(2024, 3, 31),
    ),
]


def exams(
    officer_frame: pl.DataFrame, departments: pl.DataFrame, rng: np.random.Generator
) -> pl.DataFrame:
    """One exam per officer where a pack asks for it: most in time, some late, some none."""
    frames = []
    dept = officer_frame["_dept"]
    for jurisdiction, domain, exam, first, due, late in EXAMS:
        here = departments["jurisdiction"].gather(dept) == jurisdiction
        if domain is not None:
            here = here & (canonical(departments["domain"]).gather(dept) == domain)
        sitting = officer_frame.filter(here)
        m = sitting.height
        outcome = rng.random(m)
        day = np.where(
            outcome < EXAM_SHARES["in_time"],
            rng.integers(days(first), days(due) + 1, m),
            rng.integers(days(due) + 1, days(late) + 1, m),
        )
        present = outcome < EXAM_SHARES["in_time"] + EXAM_SHARES["late"]
        score = np.clip(np.round(rng.normal(78, 9, m) * 2) / 2, 0, 100)
        frames.append(
            pl.DataFrame(
                {
                    "officer": sitting["id"],
                    "exam": pl.Series([exam] * m, dtype=pl.String),
                    "date": as_dates(day),
                    "score": score,
                }
            ).filter(pl.Series(present))
        )
    return pl.concat(frames)
