"""Runs every Gherkin spec under tests/features (zh-CN)."""

from pytest_bdd import scenarios

scenarios(".")
