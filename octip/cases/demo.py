"""Demo cases: about 200 synthetic persons and cases across the demo organizations, tracks, stages and
exploitation types, with needs, plans, notes and tasks (some overdue). ``--scale N`` makes N cases.

Idempotent: it tops the number of demo cases up to the target, so a second run creates nothing.
Written in bulk (the fields are still encrypted on the way in); one audit event records the run.
"""

from __future__ import annotations

import datetime
import random

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from faker import Faker

from octip.core import audit
from octip.partners.demo import DEMO_DOMAIN
from octip.partners.models import Organization, Region, Team, User

from . import bulk_demo, demo_approvals, demo_htcds, reference
from . import models as m
from .demo_delivery import seed_deliveries
from .demo_flags import seed_flags_and_risk
from .search_index import index_persons
from .timeline import Kind, build, record_all

ORDER = 30
DEFAULT_CASES = 200
CHUNK = 500
#: Organizations that hold cases (the demo partners that do casework), with a relative weight.
CASE_HOLDERS = {
    "Safe Harbour Women's Shelter Society (demo)": 6,
    "Harbour Light Migrant Workers' Centre (demo)": 5,
    "Salal Indigenous Women's Centre (demo)": 4,
    "BC Office to Combat Trafficking in Persons (demo)": 3,
    "Okanagan Youth Outreach (demo)": 2,
    "Island Sexual Assault Centre (demo)": 2,
    "Northern Nations Family Services (demo)": 2,
    "Newcomers Legal Clinic (demo)": 1,
    "Coastal Health Authority (demo)": 1,
}
STAGE_WEIGHTS = {"intake": 3, "assessment": 3, "planning": 3, "services": 5, "closure_requested": 1, "closed": 3}
STAGE_ORDER = ["intake", "assessment", "planning", "services", "closure_requested", "closed"]
EXPLOITATION = [(["sexual"], 5), (["labour"], 4), (["sexual", "labour"], 2), (["other"], 1)]
SEXUAL_SETTINGS = ["escort_services", "illicit_massage_health_beauty", "outdoor_solicitation", "residential",
                   "personal_sexual_servitude", "remote_interactive_sexual_acts", "bars_strip_clubs_cantinas"]
LABOUR_SETTINGS = ["agriculture_animal_husbandry", "domestic_work", "restaurants_food_service", "construction",
                   "hotels_hospitality", "commercial_cleaning", "factories_manufacturing", "landscaping"]
NOTE_TEXTS = ["Met at the drop-in; talked about safe housing options.", "Phoned to confirm the appointment.",
              "Accompanied to the clinic.", "Discussed the TRP application and what it involves.",
              "Interpreter present; went through the safety plan.", "Follow-up about income assistance."]
TASK_TEXTS = ["Call back about housing", "Book an interpreter", "Accompany to legal clinic",
              "Check on CVAP application", "Follow up with shelter intake", "Review safety plan"]
GOALS = [("Safe, stable housing", "Apply to second-stage housing"), ("Legal status", "Book immigration lawyer"),
         ("Health", "Register with a family doctor"), ("Income", "Apply for income assistance")]


def _weighted(rng: random.Random, weights: dict | list):
    items = list(weights.items()) if isinstance(weights, dict) else weights
    return rng.choices([i for i, _w in items], weights=[w for _i, w in items], k=1)[0]


def _demo_cases():
    return m.Case.objects.filter(created_by__email__endswith="@" + DEMO_DOMAIN)


#: With ``--scale`` this module commits batch by batch (``bulk_demo``: resumable), so ``seed_demo``
#: does not wrap it in one transaction.
BATCHED_AT_SCALE = True
#: ``seed_demo`` checks ``--scale`` with this before any module writes.
check_scale = bulk_demo.check_scale


def seed(*, scale: int | None, stdout) -> None:
    _seed_cases(scale=scale, stdout=stdout)
    with transaction.atomic():
        _seed_emergency_accesses(stdout=stdout)
    if scale is None:
        seed_flags_and_risk(demo_cases=_demo_cases(), stdout=stdout)
    if scale is None:  # services delivered and follow-ups (the bulk demo writes none)
        seed_deliveries(stdout=stdout)
    demo_approvals.seed_approvals(scale=scale, stdout=stdout, demo_domain=DEMO_DOMAIN)
    demo_htcds.seed(scale=scale, stdout=stdout)  # HTCDS profiles and events (issue 16; none at --scale)


#: Emergency accesses a demo coordinator opened, for the auditors' review (the reasons are synthetic).
EMERGENCY_REASONS = ["Police called about an immediate risk; the assigned worker is off shift.",
                     "The person is at the hospital and asked for their safety plan tonight."]


def _seed_emergency_accesses(*, stdout) -> None:
    """Two emergency accesses by the second demo coordinator, awaiting review; none if there are some."""
    from .services import break_glass

    if m.EmergencyAccess.objects.filter(case__in=_demo_cases()).exists():
        return
    coordinator = User.objects.filter(email=f"coordinator2@{DEMO_DOMAIN}").first()
    cases = list(_demo_cases().exclude(stage="closed").order_by("number")[:len(EMERGENCY_REASONS)])
    if coordinator is None or not cases:
        return
    for case, reason in zip(cases, EMERGENCY_REASONS, strict=False):
        break_glass(actor=coordinator, case=case, reason=reason)
    stdout.write(f"Cases: {len(cases)} emergency accesses awaiting an auditor's review.")


#: The scaled demo's caseloads: beyond the demo accounts, ``scale_staff`` adds synthetic caseworkers so
#: that each worker holds about this many cases, in teams of ``TEAM_SIZE``, as an office of that size is
#: staffed. Shared among the dozen demo workers, a million cases would be 100,000 each, and "My work" and a
#: team's lists would show what no caseload reaches (and hide what a team that sees a small share costs).
CASES_PER_WORKER = 100
TEAM_SIZE = 8
STAFF_DOMAIN = "staff." + DEMO_DOMAIN


def scale_staff(*, target: int, weights: dict[Organization, int]) -> int:
    """Create the synthetic caseworkers and their teams that ``target`` cases need, in each organization
    in proportion to its share of the cases (``weights``), counting the demo workers already there.
    They have no usable password (nobody signs in as them) and made-up names. Idempotent: a second run,
    or a resumed one, finds them by address and adds only what is missing. Returns how many it created."""
    from django.contrib.auth.hashers import make_password

    if target < 10 * CASES_PER_WORKER:
        return 0  # a small demo (the tests', the default 200) keeps the demo accounts' caseloads as they are
    total = sum(weights.values()) or 1
    created = 0
    for organization, weight in weights.items():
        wanted = -(-target * weight // (total * CASES_PER_WORKER))  # ceiling
        prefix = f"caseworker-{organization.pk}-"
        demo_workers = User.objects.filter(organization=organization, role__in=["caseworker", "coordinator"],
                                           email__endswith="@" + DEMO_DOMAIN).count()
        have = User.objects.filter(organization=organization, email__startswith=prefix,
                                   email__endswith="@" + STAFF_DOMAIN).count()
        missing = wanted - demo_workers - have
        if missing <= 0:
            continue
        with transaction.atomic():
            new_users = User.objects.bulk_create([
                User(email=f"{prefix}{k:05d}@{STAFF_DOMAIN}", full_name=f"Caseworker {organization.pk}-{k:05d}",
                     role="caseworker", organization=organization, password=make_password(None))
                for k in range(have + 1, have + missing + 1)], batch_size=1000)
            new_teams = Team.objects.bulk_create([
                Team(organization=organization, name=f"Caseload team {organization.pk}-{have + i + 1:05d}")
                for i in range(0, missing, TEAM_SIZE)], batch_size=1000)
            User.teams.through.objects.bulk_create([
                User.teams.through(user_id=user.pk, team_id=new_teams[i // TEAM_SIZE].pk)
                for i, user in enumerate(User.objects.filter(email__in=[u.email for u in new_users]).order_by("email"))
            ], batch_size=1000)
        created += missing
    return created


def _seed_cases(*, scale: int | None, stdout) -> None:
    target = DEFAULT_CASES if scale is None else bulk_demo.check_scale(scale)
    existing = _demo_cases().count()
    missing = max(target - existing, 0)
    if missing == 0:
        stdout.write(f"Cases: {existing} demo cases already there; nothing to add.")
        return
    organizations = {o.name: o for o in Organization.objects.filter(name__in=CASE_HOLDERS)}
    if not organizations:
        stdout.write("Cases: no demo organizations (run the partners demo first); skipped.")
        return
    weights = {organizations[name]: w for name, w in CASE_HOLDERS.items() if name in organizations}
    if scale is not None:
        added = scale_staff(target=target, weights=weights)
        if added:
            stdout.write(f"Staff: {added:,} synthetic caseworkers (no password) in teams of {TEAM_SIZE}, about "
                         f"{CASES_PER_WORKER} cases each.")
    teams = {}
    for team in Team.objects.filter(organization__in=organizations.values()).order_by("pk"):
        teams.setdefault(team.organization_id, []).append(team)
    workers = {}
    for user in User.objects.filter(Q(email__endswith="@" + DEMO_DOMAIN) | Q(email__endswith="@" + STAFF_DOMAIN),
                                    organization__in=organizations.values(), role__in=["caseworker", "coordinator"],
                                    ).prefetch_related("teams").order_by("pk"):
        workers.setdefault(user.organization_id, []).append(user)
    creator = next(iter(u for us in workers.values() for u in us), None) or User.objects.filter(
        email__endswith="@" + DEMO_DOMAIN, role="coordinator").first()
    if creator is None:
        stdout.write("Cases: no demo staff accounts; skipped.")
        return
    regions = {r.code: r for r in Region.objects.all()}
    if scale is not None:
        # N cases for benchmarks: in bulk, batch by batch, resumable (octip/cases/bulk_demo.py).
        worker_team = {u.pk: min((t for t in u.teams.all() if t.organization_id == u.organization_id),
                                 key=lambda t: t.pk, default=None)
                       for us in workers.values() for u in us}
        bulk_demo.seed_scale(target=target, stdout=stdout, demo_cases=_demo_cases, world=bulk_demo.World(
            weights=weights, teams=teams, workers=workers, worker_team=worker_team, regions=regions, creator=creator))
        return

    rng = random.Random(20070401 + existing)
    fakers = [Faker("en_CA"), Faker("fr_CA")]
    for index, faker in enumerate(fakers):
        faker.seed_instance(20070401 + existing + index)
    made = 0
    progress = _progress(missing, stdout)
    while made < missing:
        size = min(CHUNK, missing - made)
        with transaction.atomic():
            _make_chunk(size, rng=rng, fakers=fakers, weights=weights, teams=teams, workers=workers,
                        regions=regions, creator=creator)
        made += size
        progress(made)
    with transaction.atomic():
        audit.record(None, "demo.cases_seeded", None, detail={"created": made, "total": existing + made})
    stdout.write(f"Cases: {made} new synthetic cases ({existing + made} in all).")


def _progress(total: int, stdout):
    if total <= CHUNK:
        return lambda done: None
    from rich.progress import Progress

    bar = Progress(transient=True)
    task = bar.add_task("Synthetic cases", total=total)
    bar.start()

    def advance(done: int) -> None:
        bar.update(task, completed=done)
        if done >= total:
            bar.stop()

    return advance


def _make_chunk(size: int, *, rng, fakers, weights, teams, workers, regions, creator) -> None:
    today = timezone.localdate()
    now = timezone.now()
    first_number = m.CaseNumberCounter.claim(today.year, size)
    settings_codes = [t.code for t in reference.polaris_settings()]
    control_codes = [t.code for t in reference.means_of_control()]
    domains = [t.code for t in reference.needs_domains()]

    persons, cases, plans = [], [], []
    for i in range(size):
        faker = rng.choice(fakers)
        youth = rng.random() < 0.2
        age = rng.randint(13, 18) if youth else rng.randint(19, 58)
        opened_days_ago = rng.randint(1, 700)
        first_contact = today - datetime.timedelta(days=opened_days_ago + rng.randint(0, 20))
        born = first_contact - datetime.timedelta(days=age * 365 + rng.randint(0, 364))
        known_dob = rng.random() < 0.8
        first, last = faker.first_name(), faker.last_name()
        person = m.Person(
            legal_name=f"{first} {last}", preferred_name=first if rng.random() < 0.5 else "",
            aliases=[faker.first_name()] if rng.random() < 0.2 else [],
            date_of_birth=born if known_dob else None, estimated_age=None if known_dob else age,
            phone=f"604-555-{rng.randint(100, 199):04d}" if rng.random() < 0.7 else "",
            email=f"{first.lower()}.{last.lower()}@example.invalid" if rng.random() < 0.3 else "",
            address=faker.street_address() if rng.random() < 0.4 else "",
            gender=_weighted(rng, [("woman", 14), ("man", 4), ("trans_woman", 1), ("non_binary", 1), ("unknown", 1)]),
            citizenship=[rng.choice(["CA", "CA", "CA", "MX", "PH", "CN", "VN", "IN", "GT", "UA", "BR"])],
            languages=rng.choice([["en"], ["fr"], ["es"], ["tl", "en"], ["zh"], ["vi"], ["en"]]),
            interpreter_needed=rng.random() < 0.3, pronouns=rng.choice(["", "she/her", "he/him", "they/them"]),
            indigenous_identity=rng.choice(["", "", "", "first_nations", "metis", "not_indigenous"]))
        person.refresh_indexes()
        persons.append(person)
        organization = _weighted(rng, weights)
        org_teams = teams.get(organization.pk, [])
        org_workers = workers.get(organization.pk, [])
        worker = rng.choice(org_workers) if org_workers else None
        worker_teams = [t for t in org_teams if worker and t in worker.teams.all()]
        team = (worker_teams or org_teams or [None])[0]
        stage = _weighted(rng, STAGE_WEIGHTS)
        exploitation = _weighted(rng, EXPLOITATION)
        pool = SEXUAL_SETTINGS if exploitation == ["sexual"] else LABOUR_SETTINGS if exploitation == ["labour"] \
            else settings_codes
        region = organization.region if organization.region.code not in ("province_wide", "national") else \
            regions[rng.choice(["vancouver_coastal", "fraser", "interior", "northern", "vancouver_island"])]
        opened = now - datetime.timedelta(days=opened_days_ago)
        cases.append(m.Case(
            number=f"BC-{today.year}-{first_number + i:06d}", track="youth" if youth else "adult", stage=stage,
            owner_organization=organization, owner_team=team, owner_worker=worker, exploitation_types=exploitation,
            setting=rng.choice(pool), means_of_control=rng.sample(control_codes, k=rng.randint(1, 4)),
            referral_source=rng.choice(list(m.ReferralSource.values)), region=region,
            first_contact_date=first_contact, immediate_danger=rng.random() < 0.08,
            needs_interpreter=person.interpreter_needed, created_by=creator, opened_at=opened,
            closed_at=opened + datetime.timedelta(days=rng.randint(30, 300)) if stage == "closed" else None))
        plans.append((stage, worker, team, opened))
    m.Person.objects.bulk_create(persons)
    index_persons(persons)  # bulk_create skips Person.save: the search tokens are written here
    for person, case in zip(persons, cases, strict=True):
        case.person = person
    m.Case.objects.bulk_create(cases)

    timeline, needs, goals, tasks, notes, youth_rows, reports, closures = [], [], [], [], [], [], [], []
    for case, (stage, worker, team, opened) in zip(cases, plans, strict=True):
        reached = STAGE_ORDER.index(stage)
        timeline.append(build(actor=creator, case=case, kind=Kind.CASE_OPENED, params={"track": ("track", case.track)},
                              at=opened))
        for step in range(1, min(reached, 4) + 1):
            before, after = STAGE_ORDER[step - 1], STAGE_ORDER[step]
            timeline.append(build(actor=worker, case=case, kind=Kind.STAGE_CHANGED,
                                  params={"from": ("stage", before), "to": ("stage", after)},
                                  detail={"from": before, "to": after}, at=opened + datetime.timedelta(days=7 * step)))
        if case.track == "youth":
            youth_rows.append(m.YouthProfile(
                case=case, separation=rng.choice(list(m.Separation.values)),
                migrant_services_involved=rng.random() < 0.3, consent_given_by=rng.choice(list(m.ConsentGiver.values)),
                guardian_relationship=rng.choice(["", "aunt", "mother", "foster parent"])))
            if reached >= 1 or rng.random() < 0.5:
                reports.append(m.DutyToReport(
                    case=case, reported_by_name=worker.full_name if worker else "Demo worker",
                    reported_at=opened + datetime.timedelta(hours=rng.randint(1, 20)), office="mcfd_line",
                    reference=f"DEMO-{rng.randint(10000, 99999)}", recorded_by=worker or creator))
        if reached >= 1:
            for domain in rng.sample(domains, k=rng.randint(2, 6)):
                needs.append(m.Need(case=case, domain=domain, priority=rng.choice(list(m.Priority.values)),
                                    status=rng.choice(list(m.NeedStatus.values)), updated_by=worker))
        if reached >= 2:
            goal_text, _action = rng.choice(GOALS)
            goals.append((m.Goal(case=case, description=goal_text, created_by=worker), _action, worker, opened))
        for _n in range(rng.randint(1, 3)):
            notes.append(m.Note(case=case, body=rng.choice(NOTE_TEXTS), author=worker, team=team,
                                sensitivity="restricted" if rng.random() < 0.15 else "normal",
                                created_at=opened + datetime.timedelta(days=rng.randint(0, 60))))
        if stage != "closed":
            for _t in range(rng.randint(1, 3)):
                due = today + datetime.timedelta(days=rng.randint(-20, 30))
                tasks.append(m.Task(case=case, title=rng.choice(TASK_TEXTS), due=due, assignee=worker, team=team,
                                    created_by=worker, done_at=now if rng.random() < 0.2 else None))
        if stage in ("closure_requested", "closed"):
            closures.append(m.ClosureRequest(
                case=case, reason="Goals of the service plan met.", outcome="goals_met", requested_by=worker or creator,
                previous_stage="services", decision="approved" if stage == "closed" else "pending",
                decided_by=creator if stage == "closed" else None, decided_at=case.closed_at,
                comment="Approved." if stage == "closed" else ""))
    record_all(timeline)
    m.Need.objects.bulk_create(needs)
    m.Goal.objects.bulk_create([g for g, *_rest in goals])
    m.PlanAction.objects.bulk_create([
        m.PlanAction(goal=g, description=action, owner=worker, due=opened.date() + datetime.timedelta(days=60))
        for g, action, worker, opened in goals])
    m.Task.objects.bulk_create(tasks)
    m.Note.objects.bulk_create(notes)
    m.YouthProfile.objects.bulk_create(youth_rows)
    m.DutyToReport.objects.bulk_create(reports)
    m.ClosureRequest.objects.bulk_create(closures)
