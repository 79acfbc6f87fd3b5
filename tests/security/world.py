"""One synthetic world for the API fuzzer and the access matrix: partner organizations ``A`` (the
user's own), ``B`` (another) and ``C`` (B's partner: B's case is shared with C, never with A), the
coordinating office, a user of every role and, on each side, the
objects a URL can name (a case with its notes, goals, tasks, consent, referral, transfer, closure
request, emergency access, document, screening, 24/7 line contact). Only synthetic people, ever.

``shared_world`` (a module-scoped fixture, see ``world_fixture``) builds it once per module and per
xdist worker inside a transaction that is rolled back afterwards, so the other tests of the worker
never see it.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

#: The roles signed in, each with its organization: the office's roles reach every organization.
OFFICE_ROLES = {"coordinator", "analyst", "auditor", "system_admin"}


@dataclass
class World:
    org_a: Any
    org_b: Any
    office: Any
    team_a: Any
    team_b: Any
    #: role id -> a user of that role. Partner roles belong to ``org_a``, office roles to ``office``.
    users: dict[str, Any]
    #: The caseworker of ``org_b`` (owner of ``case_b``).
    caseworker_b: Any
    #: kind -> {"own": object of org A (or the office), "other": object of org B}
    objects: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: role id -> the raw personal API token of ``users[role]``
    tokens: dict[str, str] = field(default_factory=dict)

    def ids(self, kind: str, side: str) -> Any:
        return self.objects[kind][side].pk


def _person(name: str, phone: str) -> dict:
    return {"legal_name": name, "preferred_name": "", "aliases": [], "date_of_birth": datetime.date(1991, 4, 2),
            "phone": phone, "email": "", "address": "", "gender": "woman", "citizenship": ["CA"],
            "languages": ["en"]}


def _case(region: Any) -> dict:
    return {"region": region, "referral_source": "hotline", "exploitation_types": ["labour"],
            "setting": "agriculture_animal_husbandry", "means_of_control": ["DebtBondage"],
            "first_contact_date": timezone.localdate() - datetime.timedelta(days=3)}


def build_world() -> World:
    """Create the world through the services (so every row is as the platform writes it)."""
    from octip.cases import services as cases
    from octip.cases.models import Document
    from octip.consent.models import Consent
    from octip.core.roles import ROLES
    from octip.directory.models import Taxonomy
    from octip.hotline.models import Contact
    from octip.partners.services import create_api_token
    from octip.referrals.services import send_referral
    from octip.referrals.services.transfers import send_transfer
    from octip.screening.loader import load_frameworks
    from octip.screening.models import Framework
    from octip.screening.services import save_screening
    from tests.factories import OrganizationFactory, TeamFactory, UserFactory, region
    from tests.factories.consent import make_consent
    from tests.factories.directory import make_service, taxonomy_with_needs

    # Both partners require approval of the service plan, so that its request page is there to ask.
    org_a = OrganizationFactory(name="Org A (test)", requires_plan_approval=True)
    org_b = OrganizationFactory(name="Org B (test)", requires_plan_approval=True)
    org_c = OrganizationFactory(name="Org C (test)")
    office = OrganizationFactory(name="Office (test)", type="coordinating_office")
    team_a, team_b = TeamFactory(organization=org_a), TeamFactory(organization=org_b)
    users = {}
    for role in ROLES:
        organization = office if role in OFFICE_ROLES else org_a
        users[role] = UserFactory(role=role, organization=organization,
                                  teams=[team_a] if organization is org_a else [])
    caseworker_b = UserFactory(role="caseworker", organization=org_b, teams=[team_b])
    UserFactory(role="caseworker", organization=org_c, teams=[TeamFactory(organization=org_c)])
    w = World(org_a=org_a, org_b=org_b, office=office, team_a=team_a, team_b=team_b, users=users,
              caseworker_b=caseworker_b)
    fraser = region("fraser")
    objects: dict[str, dict[str, Any]] = {}
    for side, worker, name, phone in (("own", users["caseworker"], "Synthetic Person A", "604 555 0101"),
                                      ("other", caseworker_b, "Synthetic Person B", "250 555 0102")):
        case = cases.open_case(actor=worker, person=_person(name, phone), case=_case(fraser))
        # A's case is shared with B; B's with a third organization C: nothing of B's case reaches A.
        partner = org_b if side == "own" else org_c
        row = {
            "case": case,
            "note": cases.add_note(actor=worker, case=case, body="A synthetic note."),
            "goal": cases.add_goal(actor=worker, case=case, description="Safe housing"),
            "task": cases.add_task(actor=worker, case=case, title="Call back",
                                   due=timezone.localdate() + datetime.timedelta(days=2)),
            "document": cases.upload_document(actor=worker, case=case, kind="correspondence", filename="note.txt",
                                              content=b"synthetic"),
            "consent": make_consent(case=case, obtained_by=worker, organization=partner,
                                    sections=["summary", "needs", "plan"]),
            "delivery": cases.add_service_delivery(actor=worker, case=case, status="in_progress",
                                                   provider_organization=partner, started_on=timezone.localdate()),
            "follow_up": cases.record_follow_up(actor=worker, case=case, contacted_on=timezone.localdate(),
                                                mode="phone", with_whom=["person"]),
            "trafficking_event": cases.add_trafficking_event(actor=worker, case=case, values={
                "type": "Recruitment", "date_precision": "year", "country": "MX"}),
        }
        make_consent(case=case, obtained_by=worker, organization=partner, scope="share_with_organization",
                     sections=sorted(_all_sections()), purpose="transfer")
        row["referral"] = send_referral(actor=worker, case=case, organization=partner, purpose="Shelter bed",
                                        urgency="urgent", sections=["summary", "needs"])
        row["transfer"] = send_transfer(actor=worker, case=case, organization=partner, reason="Moving region")
        row["contact"] = Contact.objects.create(
            channel="text", caller_type="public", urgency="routine", summary="Synthetic summary", region=fraser,
            organization=org_a if side == "own" else org_b)
        row["plan_action"] = cases.add_plan_action(actor=worker, goal=row["goal"], description="Apply for housing",
                                                   due=timezone.localdate() + datetime.timedelta(days=5))
        for kind, obj in row.items():
            objects.setdefault(kind, {})[side] = obj
    # A closure request on each case, an emergency access (a coordinator on B's case, reviewable).
    for side in ("own", "other"):
        case = objects["case"][side]
        worker = users["caseworker"] if side == "own" else caseworker_b
        objects.setdefault("closure", {})[side] = cases.request_closure(
            actor=worker, case=case, reason="Goals met", outcome="goals_met")
        objects.setdefault("approval", {})[side] = objects["closure"][side].approval
    access = cases.break_glass(actor=users["coordinator"], case=objects["case"]["other"],
                               reason="A synthetic emergency for the access matrix.")
    objects["emergency"] = {"own": access, "other": access}
    load_frameworks(Framework)
    framework = Framework.objects.current().order_by("slug").first()
    objects["framework"] = {"own": framework, "other": framework}
    for side, actor in (("own", users["screener"]), ("other", caseworker_b)):
        objects.setdefault("screening", {})[side] = save_screening(actor=actor, framework=framework, answers={})
    # The directory: a public service (``own``: anyone sees it) and a partners-only one (``other``).
    needs = taxonomy_with_needs("shelter", "legal help")
    for side, visibility, need in (("own", "public", "legal help"), ("other", "partners", "shelter")):
        service = make_service(f"Synthetic {visibility} service", visibility=visibility, needs=[needs[need]],
                               address="1 Synthetic Street", partner=org_a if side == "own" else org_c)
        objects.setdefault("hsds_services", {})[side] = service
        objects.setdefault("hsds_organizations", {})[side] = service.organization
        objects.setdefault("hsds_service_at_locations", {})[side] = service.service_at_locations.first()
        objects.setdefault("hsds_taxonomy_terms", {})[side] = needs[need]
        objects.setdefault("hsds_taxonomies", {})[side] = Taxonomy.objects.get(pk=needs[need].taxonomy_id)
    # Justice: on each case a police contact (an agency off the platform, on the person's consent),
    # proceedings with a testimonial aid, a TRP and a CVAP application.
    from octip.justice import services as justice

    for side in ("own", "other"):
        case = objects["case"][side]
        worker = users["caseworker"] if side == "own" else caseworker_b
        make_consent(case=case, obtained_by=worker, organization=None, scope="police_contact", sections=[],
                     purpose="statement to police")
        make_consent(case=case, obtained_by=worker, organization=None, external_recipient="Synthetic Police",
                     sections=["summary"], purpose="statement to police")
        today = timezone.localdate()
        objects.setdefault("police_contact", {})[side] = justice.record_police_contact(
            actor=worker, case=case, purpose="statement", sections=["summary"], contacted_on=today,
            external_agency="Synthetic Police")
        proceeding = justice.record_proceeding(actor=worker, case=case, accused="Synthetic Accused",
                                               charges=["cc_279_01"])
        objects.setdefault("proceeding", {})[side] = proceeding
        objects.setdefault("aid", {})[side] = justice.record_testimonial_aid(
            actor=worker, proceeding=proceeding, section="cc_486_2")
        objects.setdefault("status", {})[side] = justice.record_immigration_status(actor=worker, case=case, kind="trp")
        objects.setdefault("cvap", {})[side] = justice.record_cvap_application(
            actor=worker, case=case, offence_on=today - datetime.timedelta(days=30))
    objects["document_row"] = {s: Document.objects.get(pk=objects["document"][s].pk) for s in ("own", "other")}
    objects["consent_row"] = {s: Consent.objects.get(pk=objects["consent"][s].pk) for s in ("own", "other")}
    # Scripts of the line: the office's province-wide default (it applies to org A: "own") and org B's own.
    from octip.hotline.models import GuidanceScript
    objects["guidance_script"] = {side: GuidanceScript.objects.create(
        organization=org, topic="consent", language="en", version=1, title="Consent", body="Synthetic text.",
        status="published", written_by=writer, published_at=timezone.now())
        for side, org, writer in (("own", None, users["coordinator"]), ("other", org_b, caseworker_b))}
    w.objects = objects
    for role, user in users.items():
        if "token.create" in ROLES[role].permissions:
            w.tokens[role] = create_api_token(actor=user, name="fuzz")[1]
    return w


def _all_sections() -> set[str]:
    from octip.cases.sections import SECTIONS

    return set(SECTIONS)


def world_fixture(django_db_setup: Any, django_db_blocker: Any) -> Iterator[World]:
    """The body of a module-scoped fixture: the world, rolled back when the module is done."""
    from django.test.utils import override_settings

    with django_db_blocker.unblock(), override_settings(
            PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
            TASKS={"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield build_world()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
