"""Spreadsheet-safe cell values: a cell starting with = + - @ (or tab / carriage return) would run as a
formula in Excel or LibreOffice, so it is prefixed with an apostrophe."""

from __future__ import annotations

from typing import Any

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value
