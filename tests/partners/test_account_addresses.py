"""Separation of duties (issue 9, finding 3c): an administrator cannot create an account at an address
that reaches their own mailbox, nor one that reaches another account's; a password link an administrator
sends goes to the address on file only, and the administrator never sees it."""

import re

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from octip.core.models import AuditEvent
from octip.partners.models import User
from octip.partners.services import create_user
from tests.factories import OrganizationFactory


@pytest.fixture
def org_admin(make_user, org):
    return make_user("org_admin", organization=org, email="sam.admin@shelter.octip.invalid")


def test_a_system_admin_cannot_take_over_a_coordinator_through_its_own_mailbox(make_user):
    """The whole attack of the review: create a coordinator at a tagged variant of one's own address, ask for a
    password link, and sign in. It stops at the first step."""
    office = OrganizationFactory(type="coordinating_office")
    sysadmin = make_user("system_admin", organization=office, email="taylor@office.octip.invalid")
    with pytest.raises(ValidationError):
        create_user(actor=sysadmin, email="taylor+coord@office.octip.invalid", full_name="Shadow",
                    organization=office, role="coordinator")
    assert not User.objects.filter(full_name="Shadow").exists()


@pytest.mark.parametrize("address", [
    "sam.admin@shelter.octip.invalid",
    "SAM.ADMIN@Shelter.Octip.Invalid",
    "sam.admin+desk@shelter.octip.invalid",
    " Sam.Admin+Another.Tag@SHELTER.octip.invalid ",
])
def test_an_administrator_cannot_create_an_account_at_their_own_mailbox(org_admin, org, address):
    with pytest.raises(ValidationError) as refused:
        create_user(actor=org_admin, email=address, full_name="Sock Puppet", organization=org, role="trainer")
    assert "email" in refused.value.message_dict
    assert not User.objects.filter(full_name="Sock Puppet").exists()


@pytest.mark.parametrize("address", ["samadmin@gmail.com", "s.a.m.admin+x@gmail.com", "Sam.Admin@googlemail.com"])
def test_dots_do_not_make_a_new_gmail_mailbox(make_user, org, address):
    admin = make_user("org_admin", organization=org, email="sam.admin@gmail.com")
    with pytest.raises(ValidationError):
        create_user(actor=admin, email=address, full_name="Sock Puppet", organization=org, role="trainer")


@pytest.mark.parametrize("address", ["priya+2@shelter.octip.invalid", "PRIYA@shelter.octip.invalid"])
def test_an_account_cannot_share_another_accounts_mailbox(org_admin, org, make_user, address):
    make_user("caseworker", organization=org, email="priya@shelter.octip.invalid")
    with pytest.raises(ValidationError):
        create_user(actor=org_admin, email=address, full_name="Second Priya", organization=org, role="trainer")


def test_dots_still_count_outside_gmail(org_admin, org):
    account = create_user(actor=org_admin, email="samadmin@shelter.octip.invalid", full_name="Sam Other",
                          organization=org, role="trainer")
    assert account.email == "samadmin@shelter.octip.invalid"


def test_the_mailbox_of_an_address():
    from octip.partners.mailbox import mailbox

    assert mailbox(" Priya.Sandhu+Shelter@Example.ORG ") == "priya.sandhu@example.org"
    assert mailbox("p.r.i.y.a+x@googlemail.com") == mailbox("priya@gmail.com") == "priya@gmail.com"
    assert mailbox("priya@gmail.com.") == "priya@gmail.com"


def test_creating_an_account_takes_no_password_from_the_administrator(org_admin, org):
    with pytest.raises(TypeError):
        create_user(actor=org_admin, email="chosen@shelter.octip.invalid", full_name="Cho Sen", organization=org,
                    role="trainer", password="the-admin-knows-this-one")
    assert not User.objects.filter(email="chosen@shelter.octip.invalid").exists()


def test_an_administrators_password_link_goes_to_the_address_on_file_only(org_admin, org, make_user, client_for,
                                                                           django_capture_on_commit_callbacks):
    account = make_user("trainer", organization=org, email="fatima@shelter.octip.invalid")
    client = client_for(org_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/app/staff/{account.pk}/password-link/",
                               {"email": org_admin.email, "to": "attacker@elsewhere.invalid"}, follow=True)
    assert response.status_code == 200
    assert [m.to for m in mail.outbox] == [["fatima@shelter.octip.invalid"]]
    link = re.search(r"/accounts/password/reset/[^/\s]+/[^/\s]+/", mail.outbox[0].body).group(0)
    assert link not in response.content.decode()  # the administrator never sees the link or its token
    assert AuditEvent.objects.filter(action="user.password_link_sent", actor_id=org_admin.pk,
                                     target_id=str(account.pk)).exists()


def test_only_an_administrator_of_the_account_sends_it_a_password_link(make_user, org, other_org, client_for):
    account = make_user("trainer", organization=org)
    stranger = make_user("org_admin", organization=other_org)
    assert client_for(stranger).post(f"/app/staff/{account.pk}/password-link/").status_code == 404
    worker = make_user("caseworker", organization=org)
    assert client_for(worker).post(f"/app/staff/{account.pk}/password-link/").status_code in {403, 404}
    assert mail.outbox == []
