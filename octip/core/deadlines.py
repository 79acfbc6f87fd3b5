"""Pure date arithmetic for dated obligations: no database, no settings, no clock.

The rules themselves (how long a permit lasts, how long a person has to apply) are data the caller
passes in (``octip/justice/data/rules.yaml``); these functions only count. They are the one place
the platform counts such days, so a rule changed in the data is counted the same everywhere.

- A period of years ending on a day that does not exist (29 February in a common year) ends on the
  last day of that month (28 February): the person never loses a day to the calendar.
- A period of days is counted from the day after the start: a permit issued on 1 March for 180
  days expires on 28 August.
"""

from __future__ import annotations

import calendar
import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass


class DeadlineError(ValueError):
    """The dates given cannot make a deadline (an offence after today, a birth after the offence)."""


def add_years(day: datetime.date, years: int) -> datetime.date:
    """``day`` moved ``years`` on; 29 February becomes 28 February in a common year."""
    year = day.year + years
    last = calendar.monthrange(year, day.month)[1]
    return day.replace(year=year, day=min(day.day, last))


def birthday(born: datetime.date, age: int) -> datetime.date:
    """The day a person born on ``born`` turns ``age`` (a 29 February birthday is kept on 28 February)."""
    return add_years(born, age)


@dataclass(frozen=True)
class PermitPeriod:
    """The length of a permit under the rule in force from ``start``."""

    start: datetime.date
    initial_days: int
    renewal_days: int


def period_in_force(periods: Sequence[PermitPeriod], on: datetime.date) -> PermitPeriod:
    """The rule in force on ``on``: the latest whose start is on or before it."""
    applicable = [p for p in periods if p.start <= on]
    if not applicable:
        raise DeadlineError(f"No permit rule was in force on {on.isoformat()}.")
    return max(applicable, key=lambda p: p.start)


def permit_expiry(*, issued_on: datetime.date, periods: Sequence[PermitPeriod], renewal: bool = False,
                  days: int | None = None) -> datetime.date:
    """When a permit issued on ``issued_on`` expires: ``days`` when the decision gave a length, else
    the initial (or, for a renewal, the renewal) length of the rule in force on the day of issue."""
    if days is None:
        rule = period_in_force(periods, issued_on)
        days = rule.renewal_days if renewal else rule.initial_days
    if days <= 0:
        raise DeadlineError("A permit lasts at least one day.")
    return issued_on + datetime.timedelta(days=days)


@dataclass(frozen=True)
class ApplicationLimit:
    """An application time limit: ``years`` from the offence, or from the birthday of
    ``age_of_majority`` for an offence committed before it; none for a sexual offence when
    ``sexual_offence_no_limit``."""

    years: int
    age_of_majority: int
    sexual_offence_no_limit: bool


def application_deadline(*, offence_on: datetime.date, limit: ApplicationLimit, born_on: datetime.date | None = None,
                         sexual_offence: bool = False, today: datetime.date | None = None) -> datetime.date | None:
    """The last day to apply, or ``None`` when there is no limit. ``today`` (when given) refuses an
    offence dated in the future; a birth after the offence is refused too."""
    if today is not None and offence_on > today:
        raise DeadlineError("The offence date is in the future.")
    if born_on is not None and born_on > offence_on:
        raise DeadlineError("The date of birth is after the offence date.")
    if sexual_offence and limit.sexual_offence_no_limit:
        return None
    start = offence_on
    if born_on is not None:
        majority = birthday(born_on, limit.age_of_majority)
        if offence_on < majority:
            start = majority
    return add_years(start, limit.years)


def reminder_due(*, due_on: datetime.date, today: datetime.date, thresholds: Iterable[int],
                 sent: Iterable[int] = ()) -> tuple[int | None, frozenset[int]]:
    """Which reminder to send today for an obligation due on ``due_on``.

    Returns ``(threshold, covered)``: the threshold (days before) to send now, or None, and every
    threshold that the sending covers (a deadline recorded 20 days ahead sends its 30-day reminder
    once, and the 90-day one is covered by it, never sent late). Nothing is due once the day has
    passed, nor for a threshold already sent."""
    done = frozenset(sent)
    if today > due_on:
        return None, frozenset()
    left = (due_on - today).days
    reached = sorted(t for t in set(thresholds) if t >= left)
    if not reached:
        return None, frozenset()
    nearest = reached[0]
    if nearest in done:
        return None, frozenset()
    return nearest, frozenset(t for t in reached if t not in done)
