"""From a directory service of a partner on the platform, a caseworker can start a referral."""

from django.urls import reverse

from tests.factories.directory import make_service


def test_service_of_a_platform_partner_offers_a_referral(make_user, org, client_for):
    service = make_service("Legal clinic", partner=org)
    link = reverse("referrals:refer_to_service") + f"?service={service.pk}"
    page = reverse("directory:detail", args=[service.pk])
    assert link in client_for(make_user("caseworker")).get(page).content.decode()
    # a trainer cannot send referrals; a service outside the platform cannot receive one
    assert link not in client_for(make_user("trainer")).get(page).content.decode()
    outside = make_service("Food bank")
    html = client_for(make_user("caseworker")).get(reverse("directory:detail", args=[outside.pk])).content.decode()
    assert "refer_to_service" not in html and "?service=" not in html
