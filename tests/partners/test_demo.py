"""The demo data: idempotent, every role present, every demo account can sign in."""

from django.core.management import call_command
from django.test import Client

from octip.core.roles import ROLES
from octip.partners.demo import DEMO_PASSWORD, demo_accounts
from octip.partners.models import Organization, OrganizationType, Region, User


def test_seed_demo_partners_twice_creates_nothing_new(db):
    from io import StringIO

    from octip.partners import demo

    demo.seed(scale=None, stdout=StringIO())
    counts = (Organization.objects.count(), User.objects.count())
    demo.seed(scale=None, stdout=StringIO())
    assert (Organization.objects.count(), User.objects.count()) == counts
    assert counts[0] >= 25
    assert set(Organization.objects.values_list("type", flat=True)) == set(OrganizationType.values)
    used_regions = set(Organization.objects.values_list("region__code", flat=True))
    assert used_regions == set(Region.objects.values_list("code", flat=True))


def test_every_role_has_a_demo_account_that_can_sign_in(db, settings):
    from io import StringIO

    from octip.partners import demo

    settings.OCTIP_REQUIRE_MFA = False
    demo.seed(scale=None, stdout=StringIO())
    accounts = demo_accounts()
    assert {role for role, _email, _org in accounts} == set(ROLES)
    for _role, email, _org in accounts:
        client = Client()
        response = client.post("/accounts/login/", {"username": email, "password": DEMO_PASSWORD})
        assert response.status_code == 302, email
        assert client.get("/app/").status_code == 200, email


def test_demo_accounts_command_says_whether_mfa_is_enforced(db, settings, capsys):
    settings.OCTIP_REQUIRE_MFA = False
    call_command("demo_accounts")
    out = capsys.readouterr().out
    assert "MFA: NOT enforced" in out and DEMO_PASSWORD in out and "coordinator@" in out
    settings.OCTIP_REQUIRE_MFA = True
    call_command("demo_accounts")
    assert "MFA: enforced" in capsys.readouterr().out
