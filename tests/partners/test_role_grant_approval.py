"""Separation of duties (issue 9, finding 3): no administrator gives a role that reads identifying data on
their own. The grant waits, with the account holding no such role, until a coordinator of the account's
organization (or of the coordinating office) who did not ask for it approves; auditors hear of every grant."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from octip.core.access import AccessDenied, allows
from octip.core.models import AuditEvent
from octip.core.roles import ROLES, Role, Scope
from octip.partners.models import User
from octip.partners.services import create_user, update_user
from tests.factories import OrganizationFactory


@pytest.fixture
def office(db):
    return OrganizationFactory(type="coordinating_office")


@pytest.fixture
def sysadmin(make_user, office):
    return make_user("system_admin", organization=office, email="taylor.admin@office.octip.invalid")


@pytest.fixture
def org_admin(make_user, org):
    return make_user("org_admin", organization=org, email="sam.admin@shelter.octip.invalid")


@pytest.fixture
def office_coordinator(make_user, office):
    return make_user("coordinator", organization=office, email="morgan@office.octip.invalid")


def identifying(user: User) -> set[str]:
    user.refresh_from_db()
    return {p for p in ("case.view_identifying", "case.export_identifying", "hotline.view", "case.break_glass")
            if allows(user, p)}


# --- the finding, reproduced -----------------------------------------------------------------------------

def test_a_system_admin_cannot_mint_a_coordinator_alone(sysadmin, office):
    account = create_user(actor=sysadmin, email="ops.desk@office.octip.invalid", full_name="Ops Desk",
                          organization=office, role="coordinator")
    assert identifying(account) == set(), "a coordinator minted by a system admin alone reads identities"
    assert account.role_def is None


@pytest.mark.parametrize("role", ["hotline_operator", "caseworker"])
def test_an_org_admin_cannot_mint_an_identifying_role_alone(org_admin, org, role):
    account = create_user(actor=org_admin, email=f"new.{role}@shelter.octip.invalid", full_name="New Hire",
                          organization=org, role=role)
    assert identifying(account) == set()


def test_an_org_admin_cannot_promote_an_account_to_an_identifying_role_alone(org_admin, org, make_user):
    trainer = make_user("trainer", organization=org)
    update_user(actor=org_admin, user=trainer, role="caseworker", teams=[], is_active=True)
    trainer.refresh_from_db()
    assert trainer.role == "trainer"
    assert identifying(trainer) == set()


# --- the request, and who may decide it ------------------------------------------------------------------

def test_the_grant_waits_as_a_pending_request(org_admin, org):
    from octip.partners.models import RoleGrant

    account = create_user(actor=org_admin, email="pending@shelter.octip.invalid", full_name="Pen Ding",
                          organization=org, role="caseworker")
    grant = RoleGrant.objects.get(account=account)
    assert (grant.status, grant.role, grant.requested_by) == ("pending", "caseworker", org_admin)
    assert AuditEvent.objects.filter(action="user.role_requested", target_id=str(account.pk)).exists()


def test_roles_that_need_a_second_person_come_from_the_role_table(monkeypatch):
    from octip.partners.services import roles_needing_approval

    needing = roles_needing_approval()
    for role in ROLES.values():
        if "case.view_identifying" in role.permissions:
            assert role.id in needing, role.id
    assert {"coordinator", "caseworker", "hotline_operator"} <= needing
    assert not needing & {"analyst", "trainer", "org_admin", "system_admin"}
    # A role added to the table later is covered without touching the approval code.
    newcomer = Role("intake_clerk", "Intake clerk", Scope.TEAM, frozenset({"case.view", "case.view_identifying"}),
                    True)
    monkeypatch.setitem(ROLES, "intake_clerk", newcomer)
    assert "intake_clerk" in roles_needing_approval()


def test_roles_without_identifying_reads_are_given_at_once(org_admin, org):
    account = create_user(actor=org_admin, email="trainer@shelter.octip.invalid", full_name="Tra Iner",
                          organization=org, role="trainer")
    assert account.role == "trainer"
    assert account.role_grants.get().status == "direct"


def test_a_coordinator_of_the_organization_approves_and_the_role_takes_effect(org_admin, org, make_user):
    from octip.partners.services import approve_role_grant

    coordinator = make_user("coordinator", organization=org)
    account = create_user(actor=org_admin, email="approved@shelter.octip.invalid", full_name="Ap Proved",
                          organization=org, role="caseworker")
    approve_role_grant(actor=coordinator, grant=account.role_grants.get())
    account.refresh_from_db()
    assert account.role == "caseworker"
    assert "case.view_identifying" in identifying(account)
    grant = account.role_grants.get()
    assert (grant.status, grant.decided_by) == ("approved", coordinator)
    assert AuditEvent.objects.filter(action="user.role_granted", actor_id=coordinator.pk,
                                     target_id=str(account.pk)).exists()


def test_an_office_coordinator_approves_office_wide_and_partner_accounts(sysadmin, office, org_admin, org,
                                                                         office_coordinator):
    from octip.partners.services import approve_role_grant

    office_account = create_user(actor=sysadmin, email="coord2@office.octip.invalid", full_name="Co Ord",
                                 organization=office, role="coordinator")
    partner_account = create_user(actor=org_admin, email="cw@shelter.octip.invalid", full_name="Case Worker",
                                  organization=org, role="caseworker")
    for account in (office_account, partner_account):
        approve_role_grant(actor=office_coordinator, grant=account.role_grants.get())
    assert {identifying(office_account) != set(), identifying(partner_account) != set()} == {True}


def test_a_coordinator_of_another_partner_cannot_approve(org_admin, org, make_user, other_org):
    from octip.partners.services import approve_role_grant

    elsewhere = make_user("coordinator", organization=other_org)
    account = create_user(actor=org_admin, email="nope@shelter.octip.invalid", full_name="No Pe",
                          organization=org, role="caseworker")
    with pytest.raises(AccessDenied):
        approve_role_grant(actor=elsewhere, grant=account.role_grants.get())
    assert identifying(account) == set()


@pytest.mark.parametrize("who", ["requester", "system_admin", "auditor", "the_account_itself"])
def test_nobody_but_a_second_person_who_is_a_coordinator_approves(who, org_admin, org, make_user, office, sysadmin):
    from octip.partners.services import approve_role_grant

    account = create_user(actor=org_admin, email="self@shelter.octip.invalid", full_name="Se Lf",
                          organization=org, role="caseworker")
    actor = {"requester": org_admin, "system_admin": sysadmin,
             "auditor": make_user("auditor", organization=office), "the_account_itself": account}[who]
    with pytest.raises(AccessDenied):
        approve_role_grant(actor=actor, grant=account.role_grants.get())
    assert identifying(account) == set()


def test_a_coordinator_whose_own_role_change_waits_cannot_approve_it(sysadmin, office, make_user):
    """The requester of a grant and its subject are both excluded, even when the subject is a coordinator."""
    from octip.partners.services import approve_role_grant, request_role_grant

    coordinator = make_user("coordinator", organization=office)
    grant = request_role_grant(actor=sysadmin, account=coordinator, role="hotline_operator")
    with pytest.raises(AccessDenied):
        approve_role_grant(actor=coordinator, grant=grant)


def test_a_refused_request_leaves_the_account_without_the_role(org_admin, org, office_coordinator):
    from octip.partners.services import refuse_role_grant

    account = create_user(actor=org_admin, email="refused@shelter.octip.invalid", full_name="Re Fused",
                          organization=org, role="caseworker")
    refuse_role_grant(actor=office_coordinator, grant=account.role_grants.get(), reason="not known to us")
    account.refresh_from_db()
    assert account.role_def is None
    grant = account.role_grants.get()
    assert (grant.status, grant.note) == ("refused", "not known to us")
    assert AuditEvent.objects.filter(action="user.role_refused").exists()


def test_a_decided_request_cannot_be_decided_again(org_admin, org, office_coordinator, make_user):
    from octip.partners.services import approve_role_grant, refuse_role_grant

    account = create_user(actor=org_admin, email="twice@shelter.octip.invalid", full_name="Tw Ice",
                          organization=org, role="caseworker")
    grant = account.role_grants.get()
    refuse_role_grant(actor=office_coordinator, grant=grant, reason="")
    with pytest.raises(ValidationError):
        approve_role_grant(actor=make_user("coordinator", organization=org), grant=grant)
    assert identifying(account) == set()


def test_a_new_role_choice_replaces_the_pending_request(org_admin, org):
    account = create_user(actor=org_admin, email="change@shelter.octip.invalid", full_name="Chan Ge",
                          organization=org, role="caseworker")
    update_user(actor=org_admin, user=account, role="trainer", teams=[], is_active=True)
    account.refresh_from_db()
    assert account.role == "trainer"
    assert not account.role_grants.filter(status="pending").exists()
    assert account.role_grants.filter(role="caseworker", status="withdrawn").exists()


def test_keeping_the_requested_role_while_editing_teams_keeps_the_request(org_admin, org, team):
    account = create_user(actor=org_admin, email="teams@shelter.octip.invalid", full_name="Te Ams",
                          organization=org, role="caseworker")
    update_user(actor=org_admin, user=account, role="caseworker", teams=[team], is_active=True)
    assert account.role_grants.filter(status="pending", role="caseworker").count() == 1
    assert identifying(account) == set()


def test_demoting_to_a_role_without_identifying_reads_needs_no_approval(org_admin, org, make_user):
    worker = make_user("caseworker", organization=org)
    update_user(actor=org_admin, user=worker, role="trainer", teams=[], is_active=True)
    worker.refresh_from_db()
    assert worker.role == "trainer"


# --- auditors hear of it ---------------------------------------------------------------------------------

def test_every_auditor_is_emailed_when_a_role_is_asked_for_and_when_it_is_granted(
        org_admin, org, office, office_coordinator, make_user, django_capture_on_commit_callbacks):
    from octip.partners.services import approve_role_grant

    auditors = [make_user("auditor", organization=office), make_user("auditor", organization=office)]
    make_user("auditor", organization=office, is_active=False)
    with django_capture_on_commit_callbacks(execute=True):
        account = create_user(actor=org_admin, email="watched@shelter.octip.invalid", full_name="Wat Ched",
                              organization=org, role="caseworker")
    to_auditors = [m for m in mail.outbox if set(m.to) == {a.email for a in auditors}]
    assert len(to_auditors) == 1
    assert "watched@shelter.octip.invalid" in to_auditors[0].body and org_admin.email in to_auditors[0].body
    # The coordinators who may approve are told too, so the request does not sit unseen.
    assert any(office_coordinator.email in m.to for m in mail.outbox)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        approve_role_grant(actor=office_coordinator, grant=account.role_grants.get())
    to_auditors = [m for m in mail.outbox if set(m.to) == {a.email for a in auditors}]
    assert len(to_auditors) == 1 and office_coordinator.email in to_auditors[0].body


def test_a_role_given_at_once_is_reported_to_the_auditors_too(org_admin, org, office, make_user,
                                                              django_capture_on_commit_callbacks):
    auditor = make_user("auditor", organization=office)
    with django_capture_on_commit_callbacks(execute=True):
        create_user(actor=org_admin, email="direct@shelter.octip.invalid", full_name="Di Rect", organization=org,
                    role="trainer")
    assert [m.to for m in mail.outbox] == [[auditor.email]]


# --- the pages -------------------------------------------------------------------------------------------

def test_a_coordinator_approves_on_the_role_requests_page(org_admin, org, office_coordinator, client_for):
    account = create_user(actor=org_admin, email="page@shelter.octip.invalid", full_name="Pa Ge",
                          organization=org, role="caseworker")
    grant = account.role_grants.get()
    client = client_for(office_coordinator)
    page = client.get("/app/staff/role-requests/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "page@shelter.octip.invalid" in body and f"/app/staff/role-requests/{grant.pk}/approve/" in body
    assert client.post(f"/app/staff/role-requests/{grant.pk}/approve/").status_code == 302
    account.refresh_from_db()
    assert account.role == "caseworker"


def test_the_role_requests_page_in_french(org_admin, org, office_coordinator, client_for):
    create_user(actor=org_admin, email="fr@shelter.octip.invalid", full_name="Fr An", organization=org,
                role="caseworker")
    client = client_for(office_coordinator)
    client.cookies["django_language"] = "fr"
    page = client.get("/app/staff/role-requests/", HTTP_ACCEPT_LANGUAGE="fr")
    assert page.status_code == 200
    assert 'lang="fr"' in page.content.decode()
    assert "Approuver" in page.content.decode()


def test_a_coordinator_refuses_with_a_reason_on_the_page(org_admin, org, office_coordinator, client_for):
    account = create_user(actor=org_admin, email="no@shelter.octip.invalid", full_name="No Way",
                          organization=org, role="caseworker")
    grant = account.role_grants.get()
    response = client_for(office_coordinator).post(f"/app/staff/role-requests/{grant.pk}/refuse/",
                                                   {"reason": "nobody knows this person"})
    assert response.status_code == 302
    grant.refresh_from_db()
    assert (grant.status, grant.note) == ("refused", "nobody knows this person")


def test_the_requester_sees_the_request_but_cannot_decide_it(org_admin, org, client_for):
    account = create_user(actor=org_admin, email="mine@shelter.octip.invalid", full_name="Mi Ne",
                          organization=org, role="caseworker")
    grant = account.role_grants.get()
    client = client_for(org_admin)
    page = client.get("/app/staff/role-requests/").content.decode()
    assert "mine@shelter.octip.invalid" in page
    assert f"/app/staff/role-requests/{grant.pk}/approve/" not in page
    assert client.post(f"/app/staff/role-requests/{grant.pk}/approve/").status_code == 403
    assert identifying(account) == set()


def test_another_organizations_admin_does_not_see_the_request(org_admin, org, other_org, make_user, client_for):
    create_user(actor=org_admin, email="hidden@shelter.octip.invalid", full_name="Hid Den", organization=org,
                role="caseworker")
    stranger = make_user("org_admin", organization=other_org)
    assert "hidden@shelter.octip.invalid" not in client_for(stranger).get("/app/staff/role-requests/").content.decode()


def test_auditors_see_pending_and_decided_grants_on_the_role_requests_page(
        org_admin, org, office, office_coordinator, make_user, client_for):
    from octip.partners.services import approve_role_grant

    waiting = create_user(actor=org_admin, email="waiting@shelter.octip.invalid", full_name="Wai Ting",
                          organization=org, role="hotline_operator")
    granted = create_user(actor=org_admin, email="granted@shelter.octip.invalid", full_name="Gran Ted",
                          organization=org, role="caseworker")
    approve_role_grant(actor=office_coordinator, grant=granted.role_grants.get())
    page = client_for(make_user("auditor", organization=office)).get("/app/staff/role-requests/")
    assert page.status_code == 200
    body = page.content.decode()
    assert waiting.email in body and granted.email in body and office_coordinator.email in body
    assert "/approve/" not in body


def test_the_new_account_message_says_a_coordinator_must_approve(org_admin, org, client_for):
    response = client_for(org_admin).post("/app/staff/new/", {
        "email": "web@shelter.octip.invalid", "full_name": "Web Hire", "organization": org.pk,
        "role": "caseworker"}, follow=True)
    assert response.status_code == 200
    assert "coordinator" in response.content.decode()
    assert User.objects.get(email="web@shelter.octip.invalid").role_def is None


def test_the_demo_seed_is_the_only_code_that_gives_roles_without_a_request():
    """Demo accounts come from ``seed_demo`` (a management command), never from a web request: the demo
    modules, which set roles directly, are imported only by other demo modules and management commands
    (``seed_demo`` finds them with importlib)."""
    import ast
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "octip"
    importers = []
    for path in root.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                names = [node.module or ""] + [f"{node.module or ''}.{a.name}" for a in node.names]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            else:
                continue
            # The bulk demo (seed_demo --scale) and an app's demo parts (``cases/demo_flags.py``) are demo
            # code too.
            if any(_is_demo(n.rsplit(".", 1)[-1]) for n in names):
                importers.append(path.relative_to(root).as_posix())
    assert "partners/management/commands/demo_accounts.py" in importers
    assert all(_is_demo(Path(p).stem) or "/management/commands/" in p for p in importers), importers


def _is_demo(module: str) -> bool:
    return module in ("demo", "bulk_demo") or module.startswith("demo_")


def test_the_first_coordinator_gets_the_role_from_the_server_command_line(make_user, office, capsys):
    """A new installation has no coordinator to approve the first one: the server's operator gives it,
    audited, and the grant is listed like any other."""
    from django.core.management import call_command

    first = make_user("trainer", organization=office)
    call_command("grant_role", first.email.upper(), "coordinator")
    first.refresh_from_db()
    assert first.role == "coordinator"
    grant = first.role_grants.get()
    assert (grant.status, grant.requested_by) == ("direct", None)
    assert AuditEvent.objects.filter(action="user.role_given_on_command_line", target_id=str(first.pk)).exists()
    assert "now has the role coordinator" in capsys.readouterr().out
