"""Plausible calendar bounds for the moments people enter (when a consent was given, when a referral
needs an answer, when a report was made). A time near year 1 or 9999 with a ±14:00 offset cannot even
be turned into UTC: it must be refused with a clear message before any arithmetic or comparison."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

EARLIEST_YEAR = 1900
LATEST_YEAR = 2100


def out_of_range(**values: datetime.date | datetime.datetime | None) -> dict[str, str]:
    """``{field: message}`` for each given date or time outside years 1900–2100 (as written, before any
    conversion to UTC, which is what overflows)."""
    message = _("Enter a date between %(earliest)s and %(latest)s.") % {
        "earliest": EARLIEST_YEAR, "latest": LATEST_YEAR}
    return {name: message for name, value in values.items()
            if value is not None and not EARLIEST_YEAR <= value.year <= LATEST_YEAR}


def refuse_out_of_range(**values: datetime.date | datetime.datetime | None) -> None:
    """Raise a ValidationError naming every given date or time outside years 1900–2100."""
    errors = out_of_range(**values)
    if errors:
        raise ValidationError(errors)
