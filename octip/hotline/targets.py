"""First-response targets: data (``data/response_targets.yaml``, overridden by ResponseTarget rows),
and the arithmetic that turns a target into a "respond by" moment."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml
from django.conf import settings
from django.utils.translation import ngettext

from .models import ResponseTarget, TargetUnit, Urgency

DEFAULTS_FILE = Path(__file__).resolve().parent / "data" / "response_targets.yaml"


@dataclass(frozen=True)
class Target:
    urgency: str
    amount: int
    unit: str

    @property
    def urgency_label(self) -> str:
        return Urgency(self.urgency).label

    @property
    def duration_label(self) -> str:
        """"5 minutes", "1 business day" — in the current language."""
        if self.unit == TargetUnit.MINUTES:
            text = ngettext("%(count)s minute", "%(count)s minutes", self.amount)
        elif self.unit == TargetUnit.HOURS:
            text = ngettext("%(count)s hour", "%(count)s hours", self.amount)
        else:
            text = ngettext("%(count)s business day", "%(count)s business days", self.amount)
        return text % {"count": self.amount}

    def respond_by(self, received_at: datetime.datetime) -> datetime.datetime | None:
        """The first-response deadline; None when it falls beyond the calendar (a time near year 9999
        stored before received times were bounded), so that one bad row cannot break the queue."""
        try:
            return self._respond_by(received_at)
        except OverflowError:
            return None

    def _respond_by(self, received_at: datetime.datetime) -> datetime.datetime:
        if self.unit == TargetUnit.MINUTES:
            return received_at + datetime.timedelta(minutes=self.amount)
        if self.unit == TargetUnit.HOURS:
            return received_at + datetime.timedelta(hours=self.amount)
        return add_business_days(received_at, self.amount)


@lru_cache(maxsize=1)
def _defaults() -> dict[str, Target]:
    entries = yaml.safe_load(DEFAULTS_FILE.read_text(encoding="utf-8"))
    return {e["urgency"]: Target(e["urgency"], int(e["amount"]), e["unit"]) for e in entries}


def response_targets() -> dict[str, Target]:
    """Targets per urgency: the data file's defaults, with any ResponseTarget row taking precedence."""
    targets = dict(_defaults())
    for row in ResponseTarget.objects.all():
        targets[row.urgency] = Target(row.urgency, row.amount, row.unit)
    return targets


def add_business_days(moment: datetime.datetime, days: int) -> datetime.datetime:
    """``days`` working days (Monday–Friday) after ``moment``, counted in the office's time zone:
    a report received on Friday evening is due on Monday evening, not on Saturday."""
    local = moment.astimezone(ZoneInfo(settings.TIME_ZONE))
    remaining = days
    while remaining > 0:
        local += datetime.timedelta(days=1)
        if local.weekday() < 5:
            remaining -= 1
    while local.weekday() >= 5:  # received on a weekend: the clock starts on Monday
        local += datetime.timedelta(days=1)
    return local.astimezone(datetime.UTC)
