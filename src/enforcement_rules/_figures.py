"""The figures of a finding: each kind's typed model, with every figure's name in Chinese and
in English beside it.

A kind declares ``class XFigures(Figures)`` with one ``figure("中文名", "English name")`` per
figure; both evaluators build a finding's figures against it (``evaluate`` with ``columns``,
the monitor with ``of``), and every reader of figures (``Finding.explain()``, the HTML report,
the docs, the Gherkin steps 「该发现的 持证人数 为 1」) takes their names from it.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any, ClassVar

import polars as pl
from pydantic import BaseModel, ConfigDict, Field


def figure(zh: str, en: str, default: Any = ..., key: str | None = None) -> Any:
    """A figure of a kind's ``Figures``, with its Chinese and English names (``key``: the
    figure's key where it is a Python word, ``from``)."""
    return Field(default, title=zh, description=en, alias=key)


class Figures(BaseModel):
    """The typed figures of one kind's findings (a subclass per kind)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    models: ClassVar[list[type[Figures]]] = []

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        Figures.models.append(cls)

    @classmethod
    def labels(cls) -> dict[str, tuple[str, str]]:
        """Each figure's (Chinese, English) name, in order."""
        return {
            info.alias or name: (info.title or name, info.description or name)
            for name, info in cls.model_fields.items()
        }

    @classmethod
    def figure_keys(cls) -> list[str]:
        """The figures' keys, in order."""
        return list(_keys(cls))

    @classmethod
    def columns(cls, *same: str, **columns: pl.Expr) -> dict[str, pl.Expr]:
        """The figures of many findings as polars expressions, one per figure, in the model's
        order (for ``_findings.finding_frame``): every figure and no other. The figures named
        in ``same`` (as ``"due period"``) are the columns of their names."""
        columns = {name: pl.col(name) for names in same for name in names.split()} | columns
        cls._exactly(columns)
        return {key: columns[key] for key in cls.figure_keys()}

    @classmethod
    def of(cls, **values: Any) -> dict[str, Any]:
        """The figures of one finding as plain values, in the model's order: every figure and
        no other (typed by ``validate``, which the tests run on every finding)."""
        cls._exactly(values)
        return {key: values[key] for key in _keys(cls)}

    @classmethod
    def _exactly(cls, given: Mapping[str, object]) -> None:
        keys = _key_set(cls)
        if given.keys() != keys:
            missing = sorted(keys - given.keys())
            extra = sorted(given.keys() - keys)
            raise TypeError(f"{cls.__name__}: missing {missing}, not figures {extra}")


@functools.cache
def _keys(model: type[Figures]) -> tuple[str, ...]:
    return tuple(info.alias or name for name, info in model.model_fields.items())


@functools.cache
def _key_set(model: type[Figures]) -> frozenset[str]:
    return frozenset(_keys(model))


@functools.cache
def all_labels() -> dict[str, tuple[str, str]]:
    """Every figure's (Chinese, English) names, by key, of every kind's ``Figures`` (and the
    data-quality findings'): a key names one figure throughout."""
    from . import _kinds, _obligations, _quality  # noqa: F401  every model defined

    labels: dict[str, tuple[str, str]] = {}
    for model in Figures.models:
        for key, names in model.labels().items():
            labels.setdefault(key, names)
    return dict(sorted(labels.items()))


@functools.cache
def keys_by_label() -> dict[str, str]:
    """Chinese name -> figure key (each name names one figure)."""
    return {zh: key for key, (zh, _) in all_labels().items()}


def figure_label(key: str, lang: str = "zh") -> str:
    """The name of a figure (the key itself for a figure without one)."""
    zh, en = all_labels().get(key, (key, key))
    return zh if lang == "zh" else en
