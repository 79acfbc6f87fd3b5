"""Demo services delivered, follow-ups and follow-up cadences on the demo cases (synthetic only).

Called at the end of ``cases.demo.seed`` (not at ``--scale``: the bulk demo writes no deliveries).
Written through the services, as the case's own worker, so that every row has its audit event, its
timeline entry and, for a cadence, its next follow-up task. Idempotent: nothing is added when a demo
case already has a delivery or a follow-up. The referrals demo runs after this one; the referrals it
accepts record their own deliveries through the status engine.
"""

from __future__ import annotations

import datetime
import random
from typing import Any

from django.db import transaction
from django.utils import timezone

from octip.directory.models import Service
from octip.partners.demo import DEMO_DOMAIN
from octip.partners.models import Organization, OrganizationType

from . import models as m

#: How many open demo cases get services and follow-ups.
CASES = 40
DELIVERY_NOTES = ["Bus pass for the appointments.", "Two nights, then second-stage housing.",
                  "Interpreter booked for each session.", "Weekly counselling, Tuesdays.", ""]
FOLLOW_UP_NOTES = ["Doing well; asked about the TRP.", "Missed the appointment; rebooked for next week.",
                   "Settled in at the shelter.", "Wants help with a job search.", ""]
DOMAINS = ["shelter", "legal", "income", "mental_health", "physical_health", "immigration", "language"]


def seed_deliveries(*, stdout: Any) -> None:
    """Deliveries (some from partner organizations, some from directory services, in every status),
    follow-ups in every mode, and a cadence on some cases."""
    from .services.delivery import add_service_delivery, record_follow_up, set_follow_up_cadence

    demo = m.Case.objects.filter(created_by__email__endswith="@" + DEMO_DOMAIN)
    if m.ServiceDelivery.objects.filter(case__in=demo).exists() or m.FollowUp.objects.filter(case__in=demo).exists():
        return
    cases = list(demo.exclude(stage=m.Stage.CLOSED)
                 .filter(owner_worker__is_active=True, owner_worker__role__in=["caseworker", "coordinator"])
                 .select_related("owner_worker").order_by("number")[:CASES])
    partners = list(Organization.objects.filter(is_active=True).exclude(type=OrganizationType.LAW_ENFORCEMENT)
                    .order_by("name"))
    listed = list(Service.objects.filter(status="active").order_by("name")[:30])
    if not cases or not partners:
        return
    rng = random.Random(20161116)
    today = timezone.localdate()
    deliveries = follow_ups = cadences = 0
    with transaction.atomic():
        for index, case in enumerate(cases):
            worker = case.owner_worker
            for _ in range(rng.randint(1, 2)):
                status = rng.choice(m.DeliveryStatus.values)
                started = today - datetime.timedelta(days=rng.randint(5, 90))
                ended = (started + datetime.timedelta(days=rng.randint(1, 4))
                         if status in m.DELIVERY_ENDED and status != m.DeliveryStatus.DECLINED else None)
                by_service = bool(listed) and rng.random() < 0.4
                others = [p for p in partners if p.pk != case.owner_organization_id] or partners
                add_service_delivery(
                    actor=worker, case=case, status=status, domain=rng.choice(DOMAINS),
                    provider_service=rng.choice(listed) if by_service else None,
                    provider_organization=None if by_service else rng.choice(others),
                    started_on=None if status == m.DeliveryStatus.PLANNED else started,
                    ended_on=ended, notes=rng.choice(DELIVERY_NOTES))
                deliveries += 1
            if index % 3 == 0:
                set_follow_up_cadence(actor=worker, case=case, every_days=rng.choice([7, 14, 30]))
                cadences += 1
            for days_ago in sorted(rng.sample(range(1, 60), rng.randint(1, 3)), reverse=True):
                whom = ["person"] if rng.random() < 0.7 else ["person", rng.choice(["provider", "family",
                                                                                    "interpreter"])]
                record_follow_up(actor=worker, case=case, contacted_on=today - datetime.timedelta(days=days_ago),
                                 mode=rng.choice(m.FollowUpMode.values), with_whom=whom,
                                 note=rng.choice(FOLLOW_UP_NOTES))
                follow_ups += 1
    stdout.write(f"Cases: {deliveries} services delivered, {follow_ups} follow-ups, {cadences} follow-up cadences.")
