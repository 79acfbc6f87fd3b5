"""Demo situations: two synthetic situations (an employer and a network) linking several demo cases
of one organization, with synthetic persons of interest (names that are plainly made up, phones in
the 604-555-01xx range reserved for fiction), and one 24/7 contact whose reporter gives one of those
phones, so the case owner gets the alert. Written through the services (audited, on the timelines).
Idempotent: nothing is added once a demo situation exists. Synthetic people only."""

from __future__ import annotations

from collections import defaultdict

from octip.core.access import allows

ORDER = 75

SITUATIONS = [
    ("employer", "Demo Orchard Co. (synthetic)",
     "Seasonal pickers recruited abroad; passports held by the supervisor; wage deductions for housing.",
     [{"names": ["Demo Supervisor Alpha"], "aliases": ["Boss A"], "phones": ["604-555-0150"],
       "vehicles": ["White pickup, plate DEMO-001"], "addresses": ["1 Demo Orchard Road (synthetic)"],
       "businesses": ["Demo Orchard Co. (synthetic)"], "roles_in_process": ["RecruiterOrIntermediary", "Exploiter"]},
      {"names": ["Demo Driver Beta"], "phones": ["604-555-0151"], "vehicles": ["Grey van, plate DEMO-002"],
       "roles_in_process": ["Transporter"]}]),
    ("network", "Demo online recruitment network (synthetic)",
     "Ads for 'nanny work' asking for large recruitment fees; the same phone numbers recur.",
     [{"names": ["Demo Recruiter Gamma"], "aliases": ["G."], "phones": ["+1 (604) 555-0152"],
       "businesses": ["Demo Placement Agency (synthetic)"], "roles_in_process": ["RecruiterOrIntermediary"]}]),
]
RELATIONSHIPS = ["Acquainted", "Unaquainted", "Familial"]


def seed(*, scale: int | None, stdout) -> None:
    from octip.cases.sharing import is_own_case
    from octip.consent.demo import demo_cases
    from octip.notifications.services import without_email

    from . import services
    from .models import Situation

    if Situation.objects.filter(created_by__email__endswith="@demo.octip.invalid").exists():
        stdout.write("Situations: the demo situations exist already; nothing to add.")
        return
    by_org = defaultdict(list)
    for case in demo_cases().exclude(stage="closed").select_related("owner_worker")[:200]:
        worker = case.owner_worker
        if worker is not None and allows(worker, "situation.edit") and is_own_case(worker, case):
            by_org[case.owner_organization_id].append(case)
    if not by_org:
        stdout.write("Situations: no open demo case with a caseworker; skipped.")
        return
    cases = max(by_org.values(), key=len)[:7]
    made = pois = links = 0
    with without_email():
        for index, (kind, title, description, people) in enumerate(SITUATIONS):
            # The two situations share a case when there are few demo cases (a case may be in both).
            chosen = cases[:4] if index == 0 else cases[-4:]
            if not chosen:
                continue
            situation = services.create_situation(actor=chosen[0].owner_worker, kind=kind, title=title,
                                                  description=description)
            made += 1
            for case in chosen:
                services.link_case(actor=case.owner_worker, situation=situation, case=case)
                links += 1
            for number, fields in enumerate(people):
                poi = services.create_poi(actor=chosen[0].owner_worker, situation=situation, **fields)
                pois += 1
                case = chosen[number % len(chosen)]
                services.link_poi_case(actor=case.owner_worker, poi=poi, case=case,
                                       relationship=RELATIONSHIPS[number % len(RELATIONSHIPS)])
        alerted = _contact_giving_a_known_phone()
    stdout.write(f"Situations: {made} situations linking {links} cases, {pois} persons of interest; "
                 f"{alerted} case owners alerted by a demo 24/7 contact.")


def _contact_giving_a_known_phone() -> int:
    """A 24/7 contact whose reporter gives 604 555 0150 (a demo person of interest's phone)."""
    from octip.hotline.services import log_contact
    from octip.partners.demo import demo_email
    from octip.partners.models import User

    from .services import alert_on_contact

    operator = User.objects.filter(email=demo_email("hotline")).first()
    if operator is None or not allows(operator, "hotline.edit"):
        return 0
    contact = log_contact(actor=operator, channel="text", caller_type="public", urgency="routine",
                          summary="Demo: a caller asks about 'farm jobs' and wants to be called back.",
                          reporter_contact="Call back on 604 555 0150 after 6 pm")
    # seed_demo runs outside a transaction, so the signal has already run; asked again it tells nobody twice.
    return len(alert_on_contact(contact_id=contact.pk))
