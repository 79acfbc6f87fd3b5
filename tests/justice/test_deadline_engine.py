"""The pure deadline arithmetic (``octip.core.deadlines``) over the edge cases, with the rules in data."""

from __future__ import annotations

import datetime

import pytest

from octip.core.deadlines import (
    ApplicationLimit,
    DeadlineError,
    PermitPeriod,
    add_years,
    application_deadline,
    permit_expiry,
    reminder_due,
)
from octip.justice import rules

D = datetime.date
CVAP = ApplicationLimit(years=2, age_of_majority=19, sexual_offence_no_limit=True)
PERIODS = (PermitPeriod(D(2006, 5, 11), 180, 180), PermitPeriod(D(2025, 2, 4), 365, 365))


def test_a_leap_day_moves_to_the_last_day_of_february():
    assert add_years(D(2024, 2, 29), 2) == D(2026, 2, 28)
    assert add_years(D(2024, 2, 29), 4) == D(2028, 2, 29)
    assert add_years(D(2023, 3, 1), 1) == D(2024, 3, 1)


def test_cvap_is_two_years_from_the_offence_for_an_adult():
    assert application_deadline(offence_on=D(2025, 6, 1), born_on=D(1990, 1, 1), limit=CVAP) == D(2027, 6, 1)
    assert application_deadline(offence_on=D(2024, 2, 29), born_on=None, limit=CVAP) == D(2026, 2, 28)


def test_an_offence_committed_as_a_minor_runs_from_the_nineteenth_birthday():
    # Offence at 15: two years from turning 19.
    assert application_deadline(offence_on=D(2020, 7, 1), born_on=D(2005, 3, 10), limit=CVAP) == D(2026, 3, 10)
    # Born on a leap day: turns 19 on 28 February 2023 (a common year).
    assert application_deadline(offence_on=D(2016, 1, 1), born_on=D(2004, 2, 29), limit=CVAP) == D(2025, 2, 28)
    # The day of the 19th birthday is no longer "as a minor".
    assert application_deadline(offence_on=D(2024, 3, 10), born_on=D(2005, 3, 10), limit=CVAP) == D(2026, 3, 10)


def test_a_sexual_offence_has_no_limit():
    assert application_deadline(offence_on=D(2001, 1, 1), born_on=D(1980, 1, 1), limit=CVAP,
                                sexual_offence=True) is None
    bounded = ApplicationLimit(years=2, age_of_majority=19, sexual_offence_no_limit=False)
    assert application_deadline(offence_on=D(2025, 1, 1), limit=bounded, sexual_offence=True) == D(2027, 1, 1)


def test_impossible_dates_are_refused():
    with pytest.raises(DeadlineError):
        application_deadline(offence_on=D(2030, 1, 1), limit=CVAP, today=D(2026, 1, 1))
    with pytest.raises(DeadlineError):
        application_deadline(offence_on=D(2020, 1, 1), born_on=D(2021, 1, 1), limit=CVAP)


def test_a_trp_gets_the_length_in_force_on_its_day_of_issue():
    assert permit_expiry(issued_on=D(2024, 3, 1), periods=PERIODS) == D(2024, 8, 28)  # 180 days
    assert permit_expiry(issued_on=D(2025, 2, 3), periods=PERIODS) == D(2025, 8, 2)  # the day before the change
    assert permit_expiry(issued_on=D(2025, 2, 4), periods=PERIODS) == D(2026, 2, 4)  # 365 days from then
    assert permit_expiry(issued_on=D(2024, 2, 29), periods=PERIODS, renewal=True) == D(2024, 8, 27)
    assert permit_expiry(issued_on=D(2025, 3, 1), periods=PERIODS, days=90) == D(2025, 5, 30)
    with pytest.raises(DeadlineError):
        permit_expiry(issued_on=D(2000, 1, 1), periods=PERIODS)


def test_renewals_use_the_renewal_length():
    periods = (PermitPeriod(D(2025, 2, 4), 365, 180),)
    first = permit_expiry(issued_on=D(2025, 6, 1), periods=periods)
    assert first == D(2026, 6, 1)
    assert permit_expiry(issued_on=first, periods=periods, renewal=True) == D(2026, 11, 28)


def test_the_rules_file_holds_the_reference_values_and_their_sources():
    assert rules.trp_periods()[-1] == PermitPeriod(D(2025, 2, 4), 365, 365)
    assert rules.cvap_limit() == CVAP
    assert rules.reminder_days("trp_expiry") == (90, 30, 7)
    assert {s.cite for s in rules.charges()} >= {"Criminal Code s. 279.01", "Criminal Code s. 279.011",
                                                 "Criminal Code s. 286.3", "IRPA s. 118"}
    blocks = {b["name"]: b for b in rules.summary()}
    assert blocks["trp"]["verify"] and blocks["cvap"]["verify"] and blocks["trp"]["source"]


def test_a_verify_value_is_overridden_by_settings_and_a_law_is_not(settings):
    settings.OCTIP_JUSTICE_RULES = {"cvap": {"years_from_offence": 3}, "charges": {"sections": []}}
    assert rules.cvap_limit().years == 3
    assert rules.charges()  # not a "verify" block: the law is not a setting
    assert {b["name"]: b for b in rules.summary()}["cvap"]["overridden"] == ["years_from_offence"]


@pytest.mark.parametrize(("today", "sent", "expected"), [
    (D(2025, 12, 1), (), (None, frozenset())),  # 121 days ahead: nothing yet
    (D(2026, 1, 1), (), (90, frozenset({90}))),  # exactly 90 days ahead
    (D(2026, 3, 1), (), (90, frozenset({90}))),  # 31 days ahead: within 90
    (D(2026, 3, 2), (), (30, frozenset({90, 30}))),  # recorded late: the nearer one covers the 90-day one
    (D(2026, 3, 2), (90,), (30, frozenset({30}))),
    (D(2026, 3, 2), (90, 30), (None, frozenset())),  # already sent
    (D(2026, 3, 27), (90, 30), (7, frozenset({7}))),
    (D(2026, 4, 2), (), (None, frozenset())),  # the day has passed
])
def test_the_reminder_due_today(today, sent, expected):
    assert reminder_due(due_on=D(2026, 4, 1), today=today, thresholds=(90, 30, 7), sent=sent) == expected
