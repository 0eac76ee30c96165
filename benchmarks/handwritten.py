"""The two-person, auxiliary-staff and 60-hour checks written by hand as one polars query.

This is what an analyst would write for these seven rules alone, with their parameters typed
in: no rule files, no scoping machinery, no figures or wording. `run.py` times it beside the
library's own checks of the same rules on the same tables, and checks that both find the same
records.

    D3       dawukou-2024   every act: at least 2 certified for the act's domain (1 where a
                            law allows it)
    XZQZ.18  national       coercive measures: at least 2 certified
    HNZF.24  national       河南省 inspections from 2016-06-01: at least 2 certified (1 where a
                            law allows it)
    XZCF.42  national       penalties from 2021-07-15: at least 2 certified (1 where a law
                            allows it) and every participant certified
    G5       guanghan-2023  acts of 2023–2025: no auxiliary staff taking part
    D1       dawukou-2024   officers 在编/聘用 on duty: 60 hours in each year 2024–2025
    G2       guanghan-2023  the same, 2023–2025, 120 hours in the year they entered enforcement

"A law allows it" is the one provision of the register of recognised exceptions
(rules/national/exceptions.yaml) that allows fewer than two officers, typed in: 道路交通安全法
第一百零七条, for a summary-procedure penalty in the 公安 domain. Naming some basis is not enough:
行政处罚法 第四十二条 excepts only where "法律另有规定", and the summary procedure of its own
第五十一、五十二条 says nothing about the number of officers, nor does 第一百零七条 reach a penalty
of another domain. (An earlier version of this query let any named basis lower the minimum to
one, and so missed about 2,500 penalties XZCF.42 rightly finds at scale 1, and found a D3 act
the rule rightly exempts.)
"""

from __future__ import annotations

from datetime import date

import polars as pl

DAWUKOU = ["宁夏回族自治区", "石嘴山市", "大武口区"]
GUANGHAN = ["四川省", "德阳市", "广汉市"]
HENAN = ["河南省"]

RULES = ["D3", "XZQZ.18", "HNZF.24", "XZCF.42", "G5", "D1", "G2"]


def _within(region: list[str]) -> pl.Expr:
    condition = pl.col("region").list.len() >= len(region)
    for depth, place in enumerate(region):
        condition &= pl.col("region").list.get(depth, null_on_oob=True) == place
    return condition


def _years(first: int, last: int, as_of: date) -> pl.LazyFrame:
    years = list(range(first, min(last, as_of.year) + 1))
    return pl.LazyFrame(
        {"year": years, "judged": [date(y, 12, 31) <= as_of for y in years]},
        schema={"year": pl.Int32, "judged": pl.Boolean},
    )


def handwritten_checks(tables: dict[str, pl.DataFrame], as_of: date) -> dict[str, pl.DataFrame]:
    """The findings of the seven rules: per rule, the failing acts or officer-years."""
    departments = (
        tables["departments"]
        .lazy()
        .unique(subset="id", keep="first")
        .select(
            pl.col("id").alias("department"),
            pl.col("domain").alias("department_domain"),
            _within(DAWUKOU).alias("dawukou"),
            _within(GUANGHAN).alias("guanghan"),
            _within(HENAN).alias("henan"),
        )
    )
    officers = (
        tables["officers"]
        .lazy()
        .unique(subset="id", keep="first")
        .rename({"id": "officer"})
        .join(departments, on="department", how="left")
    )
    actions = (
        tables["actions"]
        .lazy()
        .with_row_index("row")
        .filter(pl.col("date") <= as_of)
        .join(departments.drop("department_domain"), on="department", how="inner")
        .with_columns(pl.col("participants").list.len().alias("participants_count"))
    )
    # Each participant with whether a certificate is valid on the act's day, and whether it
    # also covers the act's domain (an empty scope covers the holder's department's). A
    # participant is a row of the exploded acts; an act, its row.
    certificates = (
        tables["certificates"]
        .lazy()
        .join(officers.select("officer", "department_domain"), on="officer", how="left")
    )
    participants = (
        actions.select("row", "date", "domain", pl.col("participants").alias("officer"))
        .explode("officer")
        .drop_nulls("officer")
        .with_row_index("participant")
    )
    certified = (
        participants.join(certificates, on="officer", how="inner")
        .filter(
            (pl.col("valid_from") <= pl.col("date"))
            & (pl.col("date") <= pl.col("valid_to"))
            & ((pl.col("status") == "valid") | (pl.col("date") < pl.col("status_since")))
        )
        .with_columns(
            pl.when(pl.col("domains").list.len() == 0)
            .then(pl.col("department_domain") == pl.col("domain"))
            .otherwise(pl.col("domains").list.contains(pl.col("domain")))
            .alias("covers")
        )
        .group_by("participant")
        .agg(pl.col("row").first(), pl.col("covers").any())
        .group_by("row")
        .agg(pl.len().alias("certified"), pl.col("covers").sum().alias("certified_in_domain"))
    )
    counted = actions.join(certified, on="row", how="left").with_columns(
        pl.col("certified", "certified_in_domain").fill_null(0),
        pl.when(
            pl.col("exception_basis").str.contains("道路交通安全法", literal=True)
            & pl.col("exception_basis").str.contains("第一百零七条", literal=True)
            & (pl.col("kind") == "penalty")
            & (pl.col("domain") == "公安")
            & (pl.col("procedure") == "summary")
        )
        .then(pl.lit(1))
        .otherwise(pl.lit(2))
        .alias("required"),
    )
    found: dict[str, pl.LazyFrame] = {
        "D3": counted.filter(
            pl.col("dawukou")
            & pl.col("date").is_between(date(2024, 4, 9), date(2025, 12, 31))
            & (pl.col("certified_in_domain") < pl.col("required"))
        ),
        "XZQZ.18": counted.filter(
            (pl.col("kind") == "coercion")
            & (pl.col("date") >= date(2012, 1, 1))
            & (pl.col("certified") < 2)
        ),
        "HNZF.24": counted.filter(
            pl.col("henan")
            & (pl.col("kind") == "inspection")
            & (pl.col("date") >= date(2016, 6, 1))
            & (pl.col("certified") < pl.col("required"))
        ),
        "XZCF.42": counted.filter(
            (pl.col("kind") == "penalty")
            & (pl.col("date") >= date(2021, 7, 15))
            & (
                (pl.col("certified") < pl.col("required"))
                | (pl.col("certified") < pl.col("participants_count"))
            )
        ),
    }
    found = {
        rule: frame.select("id", "department", "date", "certified", "required")
        for rule, frame in found.items()
    }
    auxiliary = officers.filter(pl.col("employment") == "auxiliary").select("officer")
    found["G5"] = (
        actions.filter(
            pl.col("guanghan") & pl.col("date").is_between(date(2023, 1, 1), date(2025, 12, 31))
        )
        .select("id", "department", "date", pl.col("participants").alias("officer"))
        .explode("officer")
        .join(auxiliary, on="officer", how="semi")
        .group_by("id", "department", "date")
        .agg(pl.col("officer").sort().alias("auxiliary"))
    )
    hours = (
        tables["trainings"]
        .lazy()
        .filter(pl.col("date") <= as_of)
        .group_by("officer", pl.col("date").dt.year().cast(pl.Int32).alias("year"))
        .agg(pl.col("hours").sum())
    )

    def short_of_hours(
        region: str, first: int, last: int, first_year: float | None
    ) -> pl.LazyFrame:
        enforcing = officers.filter(
            pl.col(region) & pl.col("employment").is_in(["staff", "contract"]) & pl.col("on_duty")
        )
        required = pl.lit(60.0)
        if first_year is not None:
            required = (
                pl.when(pl.col("entered_enforcement_on").dt.year() == pl.col("year"))
                .then(pl.lit(first_year))
                .otherwise(required)
            )
        return (
            enforcing.join(_years(first, last, as_of), how="cross")
            .filter(
                pl.col("entered_enforcement_on").is_null()
                | (pl.col("entered_enforcement_on").dt.year() <= pl.col("year"))
            )
            .join(hours, on=["officer", "year"], how="left")
            .with_columns(pl.col("hours").fill_null(0.0), required.alias("required"))
            .filter(pl.col("hours") < pl.col("required"))
            .select("officer", "department", "year", "hours", "required", "judged")
        )

    found["D1"] = short_of_hours("dawukou", 2024, 2025, None)
    found["G2"] = short_of_hours("guanghan", 2023, 2025, 120.0)
    collected = pl.collect_all(list(found.values()))
    return dict(zip(found, collected, strict=True))
