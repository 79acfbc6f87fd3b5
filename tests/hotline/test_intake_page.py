"""The intake from a 24/7 line contact is the hotline app's page, at the intake's own address: the cases
app hands it over, and ``hotline.services.open_case_from_contact`` opens and links in one go."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from octip.cases.models import Case
from octip.core.versioning import StaleVersion
from octip.hotline import services
from octip.hotline.models import Contact
from tests.factories import region


def person() -> dict:
    return {"legal_name": "Synthetic Caller", "gender": "woman"}


def case_fields() -> dict:
    return {"region": region("fraser"), "first_contact_date": datetime.date.today(), "referral_source": "hotline"}


def test_the_intake_from_a_contact_is_served_by_the_hotline_page(operator, make_contact, client_for, monkeypatch):
    from octip.hotline import views

    contact = make_contact(operator.organization)
    served = []
    original = views.intake_from_contact
    monkeypatch.setattr("octip.cases.views._INTAKE_ORIGINS", {
        views.INTAKE_CONTACT: lambda request: served.append(request.path) or original(request)})
    page = client_for(operator).get(reverse("cases:intake") + f"?hotline_contact={contact.pk}")
    assert page.status_code == 200 and served == [reverse("cases:intake")]
    assert f'name="hotline_contact" value="{contact.pk}"' in page.content.decode()


def test_a_plain_intake_carries_no_contact(operator, client_for):
    page = client_for(operator).get(reverse("cases:intake"))
    assert page.status_code == 200 and 'name="hotline_contact"' not in page.content.decode()


def test_the_intake_page_for_a_contact_out_of_scope_is_a_404(operator, other_operator, make_contact, client_for):
    theirs = make_contact(other_operator.organization)
    assert client_for(operator).get(reverse("cases:intake") + f"?hotline_contact={theirs.pk}").status_code == 404


def test_opening_a_case_from_a_contact_links_it_and_closes_the_contact(operator, make_contact):
    contact = make_contact(operator.organization)
    case = services.open_case_from_contact(actor=operator, contact=contact, person=person(), case=case_fields())
    contact.refresh_from_db()
    assert contact.case_id == case.pk and contact.outcome == "intake_opened"


def test_a_contact_changed_meanwhile_opens_no_case(operator, make_contact):
    contact = make_contact(operator.organization)
    Contact.objects.filter(pk=contact.pk).update(version=contact.version + 1)
    with pytest.raises(StaleVersion):
        services.open_case_from_contact(actor=operator, contact=contact, person=person(), case=case_fields())
    assert not Case.objects.exists()
