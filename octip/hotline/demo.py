"""Demo 24/7 line: synthetic contacts across urgencies (some overdue, some closed) and an on-call
roster for the coordinating office. Only synthetic content; idempotent."""

from __future__ import annotations

import datetime
import random

from django.utils import timezone

from octip.core import audit
from octip.partners.demo import OFFICE, demo_email
from octip.partners.models import Organization, Region, User

from .models import CallerType, Channel, Contact, OnCallShift, Outcome, SeenWhen, Urgency

ORDER = 60

# Synthetic, generic situations of the kind a line hears; no real person or place.
SITUATIONS = [
    "Caller works on a farm; the employer keeps the workers' passports and deducts 'housing debt' from pay.",
    "Neighbour noticed several young women driven to and from an apartment at night, never alone.",
    "Service provider supports a client who says she cannot leave a massage business until a debt is paid.",
    "A teenager told a school counsellor an older 'boyfriend' asks her to meet his friends for money.",
    "Restaurant worker says the manager threatens to report him to immigration if he complains.",
    "Caller saw an online ad for 'nanny work' and was asked to pay a large recruitment fee.",
    "Family member worried: a cousin who came for a job has not been allowed to call home for weeks.",
    "Police officer asks for a shelter bed tonight for a woman who left a trafficking situation.",
    "Walk-in: man sleeps at the construction site, is paid far less than promised, and is watched.",
    "Web visitor reports a hotel room with many visitors and a young person who seemed frightened.",
]
LANGUAGES = ["English", "French", "Punjabi", "Tagalog", "Spanish", "Mandarin", "Korean"]


def _outcome_for(index: int) -> str:
    return [Outcome.REFERRED_TO_SERVICES, Outcome.INFORMATION_GIVEN, Outcome.INTAKE_OPENED][index % 3]


def seed(*, scale: int | None, stdout) -> None:
    office = Organization.objects.filter(name=OFFICE).first()
    operators = list(User.objects.filter(email__in=[demo_email("hotline"), demo_email("hotline2")]))
    coordinator = User.objects.filter(email=demo_email("coordinator")).first()
    if office is None or not operators or coordinator is None:
        stdout.write("24/7 line: partners demo data missing; nothing created.")
        return
    if Contact.objects.filter(organization=office, handled_by__in=operators).exists() or \
            OnCallShift.objects.filter(organization=office).exists():
        stdout.write("24/7 line: demo data already present.")
        return
    now = timezone.now()
    regions = list(Region.objects.all())
    count = 18 if scale is None else max(6, min(scale // 10, 200))
    created = 0
    for index in range(count):
        urgency = [Urgency.EMERGENCY, Urgency.URGENT, Urgency.ROUTINE, Urgency.ROUTINE][index % 4]
        channel = random.choice([Channel.PHONE, Channel.PHONE, Channel.TEXT, Channel.EMAIL, Channel.WEB_REPORT,
                                 Channel.WALK_IN])
        # Ages spread from minutes to days, so that some open contacts are past their target.
        received_at = now - datetime.timedelta(minutes=random.choice([2, 20, 45, 90, 300, 1600, 4000, 9000]))
        closed = index % 3 == 2
        answered = channel in {Channel.PHONE, Channel.WALK_IN} or closed or index % 5 == 0
        language = random.choice(LANGUAGES)
        contact = Contact(
            channel=channel,
            caller_type=CallerType.ANONYMOUS if channel == Channel.WEB_REPORT else random.choice(
                [c for c in CallerType.values if c != CallerType.ANONYMOUS]),
            language=language, interpreter_used=language not in {"English", "French"},
            region=random.choice(regions), urgency=urgency, summary=SITUATIONS[index % len(SITUATIONS)],
            seen_when=random.choice(SeenWhen.values) if channel == Channel.WEB_REPORT else "",
            indicators_noticed="Documents held by employer; debt; isolation." if index % 2 else "",
            actions_taken="Safety check done; lines given." if answered else "",
            follow_up_due=(now + datetime.timedelta(days=random.choice([-2, 1, 3]))).date() if answered else None,
            outcome=_outcome_for(index) if closed else "",
            received_at=received_at,
            first_response_at=received_at + datetime.timedelta(minutes=3) if answered else None,
            handled_by=operators[index % len(operators)] if answered else None, organization=office)
        contact.save()
        audit.record(None, "hotline.contact.created", contact, purpose="demo data",
                     detail={"channel": contact.channel, "urgency": contact.urgency})
        created += 1
    # Three eight-hour shifts a day for a week, starting at the beginning of today (local time).
    start = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    shifts = 0
    for slot in range(21):
        person = operators[slot % len(operators)]
        begins = start + datetime.timedelta(hours=8 * slot)
        OnCallShift.objects.create(organization=office, person=person, starts_at=begins,
                                   ends_at=begins + datetime.timedelta(hours=8), escalation_contact=coordinator,
                                   escalation_phone="604-555-0100", note="Demo shift")
        shifts += 1
    stdout.write(f"24/7 line: {created} contacts, {shifts} on-call shifts.")
