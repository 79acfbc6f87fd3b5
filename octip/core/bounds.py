"""Plausible calendar bounds for the moments people enter (when a consent was given, when a referral
needs an answer, when a report was made). A time near year 1 or 9999 with a ±14:00 offset cannot even
be turned into UTC: it must be refused with a clear message before any arithmetic or comparison.

One mechanism for every door: forms use ``BoundedDateField`` / ``BoundedDateTimeField`` in place of
Django's ``DateField`` / ``DateTimeField``, API schemas ``BoundedDate`` / ``BoundedDateTime`` in place of
``datetime.date`` / ``datetime.datetime`` (tests/security/test_date_bounds.py walks every form and every
API input and proves it). Services that take a moment from elsewhere call ``refuse_out_of_range``.
The year is checked as written, before any conversion to UTC, which is what overflows.
"""

from __future__ import annotations

import datetime
from typing import Annotated, Any, TypeVar

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from pydantic import AfterValidator
from pydantic_core import PydanticCustomError

EARLIEST_YEAR = 1900
LATEST_YEAR = 2100

Moment = TypeVar("Moment", datetime.date, datetime.datetime)


def bounds_message() -> str:
    """The refusal, in the language of the request."""
    return _("Enter a date between %(earliest)s and %(latest)s.") % {
        "earliest": EARLIEST_YEAR, "latest": LATEST_YEAR}


def in_bounds(value: datetime.date | datetime.datetime) -> bool:
    return EARLIEST_YEAR <= value.year <= LATEST_YEAR


def out_of_range(**values: datetime.date | datetime.datetime | None) -> dict[str, str]:
    """``{field: message}`` for each given date or time outside years 1900–2100."""
    return {name: bounds_message() for name, value in values.items() if value is not None and not in_bounds(value)}


def refuse_out_of_range(**values: datetime.date | datetime.datetime | None) -> None:
    """Raise a ValidationError naming every given date or time outside years 1900–2100."""
    errors = out_of_range(**values)
    if errors:
        raise ValidationError(errors)


# --- forms ----------------------------------------------------------------------------------------------

def validate_in_bounds(value: datetime.date | datetime.datetime | None) -> None:
    """A Django validator: a date or time outside years 1900–2100 is refused with the bounds message."""
    if value is not None and not in_bounds(value):
        raise ValidationError(bounds_message(), code="out_of_range")


def _browser_bounds(widget: forms.Widget, *, earliest: str, latest: str) -> dict[str, Any]:
    # A date or datetime-local input then refuses far dates in the browser, before anything is sent.
    if widget.attrs.get("type", getattr(widget, "input_type", "")) in {"date", "datetime-local"}:
        return {"min": earliest, "max": latest}
    return {}


class BoundedDateField(forms.DateField):
    """A ``DateField`` that refuses dates outside years 1900–2100."""

    default_validators = [validate_in_bounds]

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        return {**super().widget_attrs(widget),
                **_browser_bounds(widget, earliest=f"{EARLIEST_YEAR}-01-01", latest=f"{LATEST_YEAR}-12-31")}


class BoundedDateTimeField(forms.DateTimeField):
    """A ``DateTimeField`` that refuses times outside years 1900–2100 (as written, in local time)."""

    default_validators = [validate_in_bounds]

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        return {**super().widget_attrs(widget),
                **_browser_bounds(widget, earliest=f"{EARLIEST_YEAR}-01-01T00:00",
                                  latest=f"{LATEST_YEAR}-12-31T23:59")}


# --- API schemas ----------------------------------------------------------------------------------------

def _schema_in_bounds(value: Moment) -> Moment:
    if not in_bounds(value):
        # A custom error keeps the message as it is (a plain ValueError would be prefixed "Value error, ").
        raise PydanticCustomError("date_out_of_range", bounds_message())
    return value


#: ``datetime.date`` for API input schemas: refused outside years 1900–2100.
BoundedDate = Annotated[datetime.date, AfterValidator(_schema_in_bounds)]
#: ``datetime.datetime`` for API input schemas: refused outside years 1900–2100, as written.
BoundedDateTime = Annotated[datetime.datetime, AfterValidator(_schema_in_bounds)]
