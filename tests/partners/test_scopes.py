"""Record scope of staff accounts, and what an org_admin may manage."""

import pytest
from django.core.exceptions import ValidationError

from octip.core.access import AccessDenied
from octip.partners.models import User
from octip.partners.services import create_user, unlock_user, update_user
from tests.factories import TeamFactory


def test_scopes_of_user_visibility(make_user, org, other_org):
    team = TeamFactory(organization=org)
    mate = make_user("caseworker", organization=org, teams=[team])
    outsider_same_org = make_user("caseworker", organization=org)
    elsewhere = make_user("caseworker", organization=other_org)
    admin = make_user("org_admin", organization=org)
    sysadmin = make_user("system_admin", organization=other_org)

    assert set(User.objects.visible_to(admin)) >= {mate, outsider_same_org, admin}
    assert elsewhere not in User.objects.visible_to(admin)
    assert {mate, elsewhere, admin} <= set(User.objects.visible_to(sysadmin))
    # a caseworker has no user.view permission at all: deny by default
    assert not User.objects.visible_to(mate).exists()


def test_team_scope_reaches_teammates_only(make_user, org):
    from octip.core import roles

    team, other_team = TeamFactory(organization=org), TeamFactory(organization=org)
    viewer = make_user("caseworker", organization=org, teams=[team])
    mate = make_user("caseworker", organization=org, teams=[team])
    stranger = make_user("caseworker", organization=org, teams=[other_team])
    queryset = User.objects.all()
    q = queryset.scope_filter(viewer, roles.Scope.TEAM)
    visible = set(User.objects.filter(q))
    assert visible == {viewer, mate}
    assert stranger not in visible


def test_org_admin_creates_accounts_in_own_organization_only(make_user, org, other_org):
    admin = make_user("org_admin", organization=org)
    created = create_user(actor=admin, email="New.Person@Test.octip.invalid", full_name="New Person",
                          organization=org, role="caseworker")
    assert created.email == "new.person@test.octip.invalid"
    assert not created.has_usable_password()
    with pytest.raises(ValidationError):
        create_user(actor=admin, email="x@test.octip.invalid", full_name="X", organization=other_org,
                    role="caseworker")
    assert not User.objects.filter(email="x@test.octip.invalid").exists()


def test_org_admin_cannot_give_office_wide_roles(make_user, org):
    admin = make_user("org_admin", organization=org)
    for role in ("system_admin", "auditor", "coordinator"):
        with pytest.raises(ValidationError):
            create_user(actor=admin, email=f"{role}@test.octip.invalid", full_name="X", organization=org, role=role)
    assert not User.objects.filter(email__endswith="@test.octip.invalid", full_name="X").exists()


def test_org_admin_cannot_edit_or_unlock_another_organizations_account(make_user, org, other_org):
    admin = make_user("org_admin", organization=org)
    elsewhere = make_user("caseworker", organization=other_org)
    with pytest.raises(AccessDenied):
        update_user(actor=admin, user=elsewhere, role="screener", teams=[], is_active=True)
    with pytest.raises(AccessDenied):
        unlock_user(actor=admin, user=elsewhere)
    elsewhere.refresh_from_db()
    assert elsewhere.role == "caseworker"


def test_caseworker_cannot_manage_accounts(make_user, org):
    worker = make_user("caseworker", organization=org)
    with pytest.raises(AccessDenied):
        create_user(actor=worker, email="y@test.octip.invalid", full_name="Y", organization=org, role="caseworker")


def test_deactivating_an_account_ends_its_sessions(make_user, org, client_for):
    admin = make_user("org_admin", organization=org)
    worker = make_user("caseworker", organization=org)
    client = client_for(worker)
    assert client.get("/app/").status_code == 200
    update_user(actor=admin, user=worker, role="caseworker", teams=[], is_active=False)
    assert client.get("/app/").status_code == 302


def test_staff_pages_through_the_browser_client(make_user, org, other_org, client_for):
    admin = make_user("org_admin", organization=org)
    elsewhere = make_user("caseworker", organization=other_org)
    client = client_for(admin)
    listing = client.get("/app/staff/")
    assert listing.status_code == 200
    assert elsewhere.email not in listing.content.decode()
    assert client.get(f"/app/staff/{elsewhere.pk}/").status_code == 404
    response = client.post("/app/staff/new/", {"email": "bad", "full_name": "", "organization": org.pk,
                                               "role": "caseworker"})
    assert response.status_code == 400
    response = client.post("/app/staff/new/", {"email": "fresh@test.octip.invalid", "full_name": "Fresh Person",
                                               "organization": org.pk, "role": "caseworker"})
    assert response.status_code == 302
    assert User.objects.filter(email="fresh@test.octip.invalid", organization=org).exists()


@pytest.mark.parametrize("protected_role", ["auditor", "coordinator", "system_admin"])
def test_org_admin_cannot_demote_or_deactivate_office_wide_roles(make_user, org, protected_role):
    admin = make_user("org_admin", organization=org)
    account = make_user(protected_role, organization=org)
    with pytest.raises(ValidationError):
        update_user(actor=admin, user=account, role="trainer", teams=[], is_active=False)
    account.refresh_from_db()
    assert account.role == protected_role and account.is_active


def test_new_account_can_set_its_password_by_reset_email(make_user, org):
    from django.core import mail
    from django.test import Client

    admin = make_user("org_admin", organization=org)
    account = create_user(actor=admin, email="newbie@test.octip.invalid", full_name="New Bie", organization=org,
                          role="caseworker")
    assert not account.has_usable_password()
    Client().post("/accounts/password/reset/", {"email": "newbie@test.octip.invalid"})
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["newbie@test.octip.invalid"]


def test_mfa_secrets_are_not_in_the_django_admin():
    from django.contrib import admin
    from django.contrib.auth.models import Group
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice

    for model in (TOTPDevice, StaticDevice, Group):
        assert not admin.site.is_registered(model)
