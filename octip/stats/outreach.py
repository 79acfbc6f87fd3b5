"""Outreach reach (``prevention``) through disclosure control: the people reached and the events held in
one year, by region and setting, suppressed under k and randomly rounded to base 5 like every other
number stats shows. ``prevention.selectors.outreach_reach`` gives the raw counts (stats imports
prevention; prevention never imports stats)."""

from __future__ import annotations

import numpy as np
from django.utils.translation import gettext as _

from octip.core.access import Actor, require
from octip.prevention.selectors import outreach_reach

from . import disclosure
from .selectors import dashboard_seed


def outreach_tables(*, actor: Actor, year: int, k: int = disclosure.DEFAULT_K) -> list[disclosure.ControlledTable]:
    """People reached and events held, by region × setting, controlled. The rounding seed is fixed for the
    year and k (``dashboard_seed``), so asking again does not average the rounding away."""
    require(actor, "stats.view")
    raw = outreach_reach(year=year)
    rng = np.random.default_rng(dashboard_seed(year=year, region="prevention.outreach", k=k))
    return [
        disclosure.control(raw["reached"], row_labels=raw["row_labels"], col_labels=raw["col_labels"], k=k, rng=rng,
                           title=_("People reached by outreach, by region and setting"), key="outreach_reached"),
        disclosure.control(raw["events"], row_labels=raw["row_labels"], col_labels=raw["col_labels"], k=k, rng=rng,
                           title=_("Outreach events, by region and setting"), key="outreach_events"),
    ]
