"""Demo partners: ~25 synthetic organizations of every type and region, teams, and one account per
role (plus more in several organizations). Every demo account uses DEMO_PASSWORD."""

from __future__ import annotations

from django.db import transaction

from .models import Organization, Region, Team, User

ORDER = 10
DEMO_PASSWORD = "octip-demo-2026"
DEMO_DOMAIN = "demo.octip.invalid"

# (name, type, region code). Synthetic organizations modelled on the kinds of partner the office has.
ORGANIZATIONS = [
    ("BC Office to Combat Trafficking in Persons (demo)", "coordinating_office", "province_wide"),
    ("Ministry of Public Safety and Solicitor General (demo)", "provincial_ministry", "province_wide"),
    ("Ministry of Children and Family Development (demo)", "provincial_ministry", "province_wide"),
    ("Ministry of Health (demo)", "provincial_ministry", "province_wide"),
    ("Immigration, Refugees and Citizenship Canada (demo)", "federal_department", "national"),
    ("Canada Border Services Agency (demo)", "federal_department", "national"),
    ("Public Safety Canada (demo)", "federal_department", "national"),
    ("City of Vancouver Social Policy (demo)", "municipal_government", "vancouver_coastal"),
    ("City of Surrey Community Services (demo)", "municipal_government", "fraser"),
    ("City of Prince George (demo)", "municipal_government", "northern"),
    ("Metro Police Service (demo)", "law_enforcement", "vancouver_coastal"),
    ("Fraser Valley Police (demo)", "law_enforcement", "fraser"),
    ("Island District Police (demo)", "law_enforcement", "vancouver_island"),
    ("RCMP E Division Human Trafficking Unit (demo)", "law_enforcement", "province_wide"),
    ("Coastal Health Authority (demo)", "health_authority", "vancouver_coastal"),
    ("Northern Health Authority (demo)", "health_authority", "northern"),
    ("Interior Health Authority (demo)", "health_authority", "interior"),
    ("Salal Indigenous Women's Centre (demo)", "indigenous_organization", "vancouver_coastal"),
    ("Northern Nations Family Services (demo)", "indigenous_organization", "northern"),
    ("Island Friendship Centre (demo)", "indigenous_organization", "vancouver_island"),
    ("Harbour Light Migrant Workers' Centre (demo)", "community_organization", "fraser"),
    ("Safe Harbour Women's Shelter Society (demo)", "community_organization", "vancouver_coastal"),
    ("Okanagan Youth Outreach (demo)", "community_organization", "interior"),
    ("Island Sexual Assault Centre (demo)", "community_organization", "vancouver_island"),
    ("Newcomers Legal Clinic (demo)", "community_organization", "province_wide"),
]

TEAMS = {
    "BC Office to Combat Trafficking in Persons (demo)": ["Coordination", "24/7 line", "Prevention"],
    "Safe Harbour Women's Shelter Society (demo)": ["Outreach", "Housing"],
    "Harbour Light Migrant Workers' Centre (demo)": ["Settlement", "Labour rights"],
    "Salal Indigenous Women's Centre (demo)": ["Family support"],
    "Metro Police Service (demo)": ["Counter-exploitation unit"],
}

OFFICE = ORGANIZATIONS[0][0]
SHELTER = "Safe Harbour Women's Shelter Society (demo)"
MIGRANT = "Harbour Light Migrant Workers' Centre (demo)"
INDIGENOUS = "Salal Indigenous Women's Centre (demo)"
POLICE = "Metro Police Service (demo)"

# (email local part, full name, role, organization, team or None). The first of each role is the
# account `make run` prints.
ACCOUNTS = [
    ("coordinator", "Morgan Tremblay", "coordinator", OFFICE, "Coordination"),
    ("caseworker", "Priya Sandhu", "caseworker", SHELTER, "Outreach"),
    ("screener", "Daniel Okafor", "screener", MIGRANT, "Settlement"),
    ("hotline", "Camille Girard", "hotline_operator", OFFICE, "24/7 line"),
    ("hotlinelead", "Grace Okonkwo", "hotline_lead", OFFICE, "24/7 line"),
    ("police", "Sgt. Alex Chen", "police_liaison", POLICE, "Counter-exploitation unit"),
    ("analyst", "Jordan Leblanc", "analyst", OFFICE, "Coordination"),
    ("trainer", "Fatima Haddad", "trainer", OFFICE, "Prevention"),
    ("orgadmin", "Sam Wilson", "org_admin", SHELTER, None),
    ("auditor", "Renée Bouchard", "auditor", OFFICE, None),
    ("sysadmin", "Taylor Nguyen", "system_admin", OFFICE, None),
    ("caseworker2", "Maria Santos", "caseworker", MIGRANT, "Labour rights"),
    ("caseworker3", "Lena Thomas", "caseworker", INDIGENOUS, "Family support"),
    ("caseworker4", "Owen MacDonald", "caseworker", SHELTER, "Housing"),
    ("coordinator2", "Aiko Tanaka", "coordinator", OFFICE, "Coordination"),
    ("orgadmin2", "Ravi Patel", "org_admin", MIGRANT, None),
    ("hotline2", "Noah Johnson", "hotline_operator", OFFICE, "24/7 line"),
]


def demo_email(local: str) -> str:
    return f"{local}@{DEMO_DOMAIN}"


def demo_accounts() -> list[tuple[str, str, str]]:
    """(role, email, organization) of the first demo account of each role."""
    seen: dict[str, tuple[str, str, str]] = {}
    for local, _name, role, org, _team in ACCOUNTS:
        seen.setdefault(role, (role, demo_email(local), org))
    return list(seen.values())


@transaction.atomic
def seed(*, scale: int | None, stdout) -> None:
    regions = {r.code: r for r in Region.objects.all()}
    organizations = {}
    for name, kind, region in ORGANIZATIONS:
        organizations[name], _ = Organization.objects.get_or_create(
            name=name, defaults={"type": kind, "region": regions[region]})
    for org_name, team_names in TEAMS.items():
        for team_name in team_names:
            Team.objects.get_or_create(organization=organizations[org_name], name=team_name)
    created = 0
    for local, full_name, role, org_name, team_name in ACCOUNTS:
        user = User.objects.filter(email=demo_email(local)).first()
        if user is None:
            user = User(email=demo_email(local), full_name=full_name, role=role,
                        organization=organizations[org_name])
            user.set_password(DEMO_PASSWORD)
            user.save()
            created += 1
        if team_name:
            user.teams.add(Team.objects.get(organization=organizations[org_name], name=team_name))
    stdout.write(f"Partners: {len(organizations)} organizations, {created} new demo accounts.")
