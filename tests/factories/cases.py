"""Synthetic cases, written straight to the tables (no service, no audit): for arranging a test's world.
Only synthetic people, ever."""

from __future__ import annotations

import datetime
import itertools

from django.utils import timezone

from octip.cases.models import Case, Person
from tests.factories.partners import region

_numbers = itertools.count(1)


def make_case(*, organization, team=None, worker=None, track: str = "adult", legal_name: str = "Synthetic Person",
              assigned=()) -> Case:
    person = Person(legal_name=legal_name, preferred_name="", date_of_birth=datetime.date(1990, 5, 17),
                    phone="604-555-0199")
    if track == "youth":
        person.date_of_birth = datetime.date(timezone.localdate().year - 16, 2, 3)
    person.refresh_indexes()
    person.save()
    number = next(_numbers)
    while Case.objects.filter(number=f"BC-2026-{number:06d}").exists():
        number = next(_numbers)
    case = Case.objects.create(number=f"BC-2026-{number:06d}", person=person, track=track,
                               owner_organization=organization, owner_team=team, owner_worker=worker,
                               region=region("fraser"), first_contact_date=timezone.localdate())
    if assigned:
        case.assigned_workers.set(assigned)
    return case
