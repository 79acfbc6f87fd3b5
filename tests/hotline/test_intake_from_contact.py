"""An operator opens an intake from a 24/7 line contact: the new case and the contact are linked."""

import datetime

from django.urls import reverse

from octip.cases.models import Case
from octip.hotline.models import Contact
from tests.factories import region


def intake_form(**extra):
    return {"legal_name": "Synthetic Caller", "region": region("fraser").pk,
            "first_contact_date": datetime.date.today().isoformat(), "referral_source": "hotline",
            "gender": "woman", **extra}


def test_intake_from_a_contact_links_the_case_and_closes_the_contact(operator, make_contact, client_for):
    contact = make_contact(operator.organization, urgency="urgent")
    client = client_for(operator)
    page = client.get(reverse("cases:intake") + f"?hotline_contact={contact.pk}")
    assert f'name="hotline_contact" value="{contact.pk}"' in page.content.decode()
    response = client.post(reverse("cases:intake"), intake_form(hotline_contact=contact.pk))
    assert response.status_code == 302
    contact.refresh_from_db()
    case = Case.objects.get()
    assert contact.case_id == case.pk
    assert contact.outcome == "intake_opened"


def test_intake_naming_another_organizations_contact_opens_nothing(operator, other_operator, make_contact,
                                                                   client_for):
    theirs = make_contact(other_operator.organization)
    response = client_for(operator).post(reverse("cases:intake"), intake_form(hotline_contact=theirs.pk))
    assert response.status_code == 404
    assert not Case.objects.exists()
    assert Contact.objects.get(pk=theirs.pk).case_id is None
