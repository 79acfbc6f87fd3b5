"""Demo justice records across the demo cases: contacts with police (through the disclosure gate,
so the demo police liaison, Sgt. Alex Chen of Metro Police Service, sees the cases disclosed to
that service), persons' choices about police, proceedings with court dates and testimonial aids,
TRPs and other statuses, CVAP applications. Written through the services, so the audit log,
timelines, tasks and deadlines are real. Idempotent: nothing is added once any demo case has a
justice record. Synthetic people only."""

from __future__ import annotations

import datetime
import random

from django.utils import timezone

from octip.core.access import allows

ORDER = 65
POLICE = "Metro Police Service (demo)"
PLACES = ["Vancouver Provincial Court, 222 Main Street", "Surrey Provincial Court", "Victoria Law Courts",
          "Abbotsford Law Courts"]


def seed(*, scale: int | None, stdout) -> None:
    from octip.cases.sharing import is_own_case
    from octip.consent.demo import demo_cases
    from octip.consent.services import record_consent
    from octip.notifications.services import without_email
    from octip.partners.models import Organization

    from . import services
    from .models import ImmigrationStatus, PoliceContact, Proceeding

    cases = [c for c in demo_cases().exclude(stage="closed").select_related("owner_worker", "person")[:40]
             if c.owner_worker is not None and allows(c.owner_worker, "justice.edit")
             and is_own_case(c.owner_worker, c)]
    if not cases:
        stdout.write("Justice: no open demo case with a caseworker; skipped.")
        return
    ids = [c.pk for c in cases]
    if (PoliceContact.objects.filter(case_id__in=ids).exists() or Proceeding.objects.filter(case_id__in=ids).exists()
            or ImmigrationStatus.objects.filter(case_id__in=ids).exists()):
        stdout.write("Justice: the demo cases already have their justice records; nothing to add.")
        return
    police = Organization.objects.filter(name=POLICE).first()
    rng = random.Random(20070401)
    today = timezone.localdate()
    now = timezone.now()
    with without_email():
        counts = _seed_cases(cases[:16], police, record_consent, services, rng, today, now)
    contacts, proceedings, statuses, cvap = counts
    stdout.write(f"Justice: {contacts} police contacts, {proceedings} proceedings, {statuses} statuses, "
                 f"{cvap} CVAP applications on the demo cases.")


def _seed_cases(cases, police, record_consent, services, rng, today, now) -> tuple[int, int, int, int]:
    contacts = proceedings = statuses = cvap = 0
    for index, case in enumerate(cases):
        worker = case.owner_worker
        common = {"language": "English", "given_at": now - datetime.timedelta(days=2)}
        if index < 3 and police is not None:
            # The person agreed to contact with police and to share what the police need.
            record_consent(actor=worker, case=case, scope="police_contact", **common)
            record_consent(actor=worker, case=case, scope="share_with_organization", organization=police,
                           purpose="Report to police", sections=["summary", "justice"],
                           expires_at=now + datetime.timedelta(days=180), **common)
            services.record_police_choice(actor=worker, case=case, choice="agrees")
            services.record_police_contact(
                actor=worker, case=case, organization=police, purpose=["report", "statement", "safety_check"][index],
                sections=["summary", "justice"], contacted_on=today - datetime.timedelta(days=index + 1),
                officer=f"Cst. Demo Officer {index + 1}", file_number=f"MPS-2026-{4100 + index}")
            contacts += 1
        elif index in (3, 4):
            services.record_police_choice(actor=worker, case=case, choice="declines")
        if index < 6:
            proceeding = services.record_proceeding(
                actor=worker, case=case, accused=f"Demo Accused {index + 1}", court_file=f"DEMO-CR-{2300 + index}",
                charges=rng.sample(["cc_279_01", "cc_279_02", "cc_279_03", "cc_286_2", "cc_286_3", "irpa_118"], k=2),
                conditions="No contact with the person, directly or through others." if index % 2 == 0 else "",
                no_contact_order=index % 2 == 0, publication_bans=["cc_486_4"] if index % 3 == 0 else [])
            services.add_court_date(actor=worker, proceeding=proceeding,
                                    on=today + datetime.timedelta(days=5 + 9 * index),
                                    kind=rng.choice(["first_appearance", "bail_hearing", "trial"]),
                                    place=rng.choice(PLACES))
            if index % 2 == 0:
                services.record_testimonial_aid(actor=worker, proceeding=proceeding,
                                                section=rng.choice(["cc_486_1", "cc_486_2", "cc_486_3"]),
                                                hearing_on=today + datetime.timedelta(days=3 + index))
            proceedings += 1
        if 2 <= index < 10:
            issued = today - datetime.timedelta(days=rng.randint(30, 340))
            services.record_immigration_status(actor=worker, case=case, kind="trp", decision="approved",
                                               applied_on=issued - datetime.timedelta(days=20),
                                               decided_on=issued, issued_on=issued)
            if index % 2 == 0:
                services.record_immigration_status(actor=worker, case=case, kind="ifhp", decision="approved",
                                                   applied_on=issued, decided_on=issued, issued_on=issued,
                                                   expires_on=issued + datetime.timedelta(days=365))
            statuses += 1
        if index in (10, 11):
            services.record_immigration_status(actor=worker, case=case, kind="refugee_claim",
                                               applied_on=today - datetime.timedelta(days=60))
            statuses += 1
        if index % 3 == 1:
            services.record_cvap_application(
                actor=worker, case=case, offence_on=today - datetime.timedelta(days=rng.randint(60, 600)),
                sexual_offence=index % 6 == 4, status="not_applied" if index % 2 else "submitted",
                submitted_on=None if index % 2 else today - datetime.timedelta(days=10),
                benefits_requested=["counselling", "transportation"] if index % 2 == 0 else [])
            cvap += 1
    return contacts, proceedings, statuses, cvap
