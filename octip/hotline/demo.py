"""Demo 24/7 line: synthetic contacts across urgencies (some overdue, some closed) and an on-call
roster for the coordinating office. Only synthetic content; idempotent."""

from __future__ import annotations

import datetime
import random

from django.utils import timezone

from octip.core import audit
from octip.core.interpretation import demo_values
from octip.partners.demo import OFFICE, demo_email
from octip.partners.models import Organization, Region, User

from . import demo_interpretation
from .demo_guidance import seed_scripts
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
#: The categories of each situation above (codes of ``data/contact_categories.yaml``).
SITUATION_CATEGORIES = [
    ["labour_trafficking"], ["sex_trafficking"], ["sex_trafficking"], ["sex_trafficking", "online_exploitation"],
    ["labour_trafficking"], ["labour_trafficking", "online_exploitation"], ["labour_trafficking"],
    ["referral_request"], ["labour_trafficking"], ["sex_trafficking"],
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
    stdout.write(f"24/7 line: {seed_scripts(coordinator=coordinator)}.")
    if Contact.objects.filter(organization=office, handled_by__in=operators).exists() or \
            OnCallShift.objects.filter(organization=office).exists():
        stdout.write("24/7 line: demo data already present.")
        demo_interpretation.seed(office=office, operator=operators[0], stdout=stdout)
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
            language=language, **demo_values(language),
            region=random.choice(regions), urgency=urgency, summary=SITUATIONS[index % len(SITUATIONS)],
            categories=SITUATION_CATEGORIES[index % len(SITUATIONS)],
            lines_given=["victimlinkbc", "canadian_hotline"] if answered else [],
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
    depth = _seed_coded_and_repeat_contacts(office, operators, coordinator, now)
    stdout.write(f"24/7 line: {created} contacts, {shifts} on-call shifts, {depth}.")
    from .demo_review import seed as seed_reviews  # quality review: a sample, a shared review, a draft
    lead = User.objects.filter(email=demo_email("hotlinelead")).first() or coordinator  # the line's lead
    stdout.write(seed_reviews(office=office, lead=lead))

    demo_interpretation.seed(office=office, operator=operators[0], stdout=stdout)


def _seed_coded_and_repeat_contacts(office, operators, coordinator, now) -> str:
    """Non-data contacts, a synthetic caller who comes back three times (recognised by phone and
    email) and is flagged, and contacts that record the services and lines given. Through the
    services, so tokens, audit and validation are the real ones. Numbers are 555-01xx (fictional)."""
    from octip.directory.models import Service, ServiceStatus

    from . import services

    operator = operators[0]
    made = 0
    for minutes, kind in ((50, "silent"), (130, "hang_up"), (400, "wrong_number"), (700, "prank"), (900, "testing")):
        services.log_contact(actor=operator, channel=Channel.PHONE, caller_type=CallerType.ANONYMOUS,
                             urgency=Urgency.ROUTINE, contact_type=kind, summary="",
                             received_at=now - datetime.timedelta(minutes=minutes))
        made += 1
    given = list(Service.objects.filter(status=ServiceStatus.ACTIVE).order_by("name")[:2])
    repeat = [
        (6000, {"reporter_phone": "604-555-0190", "summary": "Synthetic: asks what help exists for farm workers "
                                                             "whose passports are held.",
                "categories": ["labour_trafficking", "information_request"], "lines_given": ["victimlinkbc"]}),
        (3000, {"reporter_contact": "Synthetic caller, evenings: 604 555 0190",
                "summary": "Synthetic: the same caller, now says two co-workers cannot leave the farm.",
                "categories": ["labour_trafficking"], "services_given": given, "lines_given": ["octip_24_7"]}),
        (600, {"reporter_phone": "+1 (604) 555-0190", "reporter_email": "synthetic.caller@example.org",
               "summary": "Synthetic: the caller again, asking for a call back about the co-workers.",
               "categories": ["labour_trafficking", "referral_request"]}),
    ]
    last = None
    for minutes, fields in repeat:
        last = services.log_contact(actor=operator, channel=Channel.PHONE, caller_type=CallerType.FAMILY_OR_FRIEND,
                                    urgency=Urgency.URGENT, received_at=now - datetime.timedelta(minutes=minutes),
                                    language="English", **fields)
        made += 1
    prank = None
    for minutes in (8000, 5000, 200):
        prank = services.log_contact(actor=operator, channel=Channel.PHONE, caller_type=CallerType.ANONYMOUS,
                                     urgency=Urgency.ROUTINE, contact_type="prank", summary="",
                                     reporter_phone="778-555-0191",
                                     received_at=now - datetime.timedelta(minutes=minutes))
        made += 1
    flags = 0
    if prank is not None:
        flags += len(services.set_caller_flag(actor=coordinator, contact=prank, kind="hoax",
                                              reason="Synthetic: repeated prank calls, asks for made-up people."))
    if last is not None:
        flags += len(services.set_caller_flag(actor=coordinator, contact=last, kind="possible_trafficker",
                                              reason="Synthetic: asks where named co-workers are now; be careful "
                                                     "what you confirm.",
                                              expires_on=timezone.localdate() + datetime.timedelta(days=30)))
    return f"{made} coded and repeat contacts, {flags} caller flags"
