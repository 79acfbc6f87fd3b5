"""Regression tests for the security review of situations (issue 16):

1. a coordinator of another partner (their role's scope is "all") may not link organization A's
   case into B's situation, nor B's person of interest to A's case;
2. a receiver of two referrals of cases of one situation cannot tie them together: no list, no
   situation page, and on a case disclosed with its summary (after acceptance) the kind only;
3. the edit forms' reads of encrypted values are audited, once, in a selector."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from octip.cases.models import TimelineEntry
from octip.cases.sharing import grant_case_access
from octip.core.access import AccessDenied
from octip.core.models import AuditEvent
from octip.referrals.services import change_referral_status, send_referral, without_email
from octip.situations import services
from octip.situations.models import PersonOfInterestCase, SituationCase
from tests.factories.cases import make_case
from tests.factories.consent import make_consent
from tests.factories.partners import OrganizationFactory, TeamFactory

pytestmark = pytest.mark.django_db


# --- 1. Another partner's coordinator ---------------------------------------------------------

def test_a_partners_coordinator_cannot_link_a_case_of_another_organization(
        make_user, other_org, client_for, case1, worker1):
    coordinator_b = make_user("coordinator", organization=other_org)
    theirs = services.create_situation(actor=coordinator_b, kind="network", title="B's synthetic ring")
    poi = services.create_poi(actor=coordinator_b, situation=theirs, names=["Synthetic Other"],
                              phones=["604 555 0190"])
    loose_poi = services.create_poi(actor=coordinator_b, names=["Synthetic Loner"], phones=["604 555 0191"])
    timeline_before = TimelineEntry.objects.filter(case=case1).count()
    with pytest.raises(AccessDenied):
        services.link_case(actor=coordinator_b, situation=theirs, case=case1)
    with pytest.raises(AccessDenied):
        services.link_poi_case(actor=coordinator_b, poi=loose_poi, case=case1, relationship="Acquainted")
    client = client_for(coordinator_b)
    api = client.post(f"/api/v1/situations/{theirs.pk}/cases", json.dumps({"case_id": str(case1.pk)}),
                      content_type="application/json")
    assert api.status_code == 403
    api = client.post(f"/api/v1/persons-of-interest/{poi.pk}/cases", json.dumps({"case_id": str(case1.pk)}),
                      content_type="application/json")
    assert api.status_code == 403
    page = client.post(reverse("situations:link_case", args=[theirs.pk]), {"number": case1.number})
    assert page.status_code == 403
    assert client.get(reverse("situations:case_link", args=[case1.pk])).status_code == 403
    # Nothing changed: no link, nothing on A's case's timeline, and no 24/7 alert would reach A.
    assert not SituationCase.objects.filter(case=case1).exists()
    assert not PersonOfInterestCase.objects.filter(case=case1).exists()
    assert TimelineEntry.objects.filter(case=case1).count() == timeline_before
    assert services.matching_cases(["604 555 0190", "604 555 0191"]) == []
    assert AuditEvent.objects.filter(action="access.denied", actor_id=coordinator_b.pk,
                                     target_id=str(case1.pk)).exists()


def test_a_situation_takes_only_its_own_organizations_cases_but_the_office_coordinates_across(
        make_user, other_org, case1, coordinator_a, client_for, worker1):
    theirs_case = make_case(organization=other_org, team=TeamFactory(organization=other_org))
    office = OrganizationFactory(type="coordinating_office")
    office_coordinator = make_user("coordinator", organization=office)
    # A's situation and A's coordinator: B's case is not A's (nor in A's coordinator's circle).
    own = services.create_situation(actor=coordinator_a, kind="employer", title="A's synthetic employer")
    with pytest.raises(AccessDenied):
        services.link_case(actor=coordinator_a, situation=own, case=theirs_case)
    # The office's coordinator is of every case's owning circle, and the office's situation spans them.
    across = services.create_situation(actor=office_coordinator, kind="network", title="Synthetic cross-org ring")
    services.link_case(actor=office_coordinator, situation=across, case=case1)
    services.link_case(actor=office_coordinator, situation=across, case=theirs_case)
    assert SituationCase.objects.filter(situation=across).count() == 2
    # ...but the office coordinator cannot put B's case into A's situation (it is A's, not theirs:
    # the situation itself is a 404 for them, and the organization rule holds in the service).
    with pytest.raises(AccessDenied):
        services.link_case(actor=office_coordinator, situation=own, case=theirs_case)
    # A's caseworker is not told of the office's situation on their case (it is not A's).
    html = client_for(worker1).get(reverse("cases:detail", args=[case1.pk])).content.decode()
    assert "cross-org" not in html and "part of a situation" not in html


# --- 2. Two disclosures cannot be tied together -----------------------------------------------

@pytest.fixture
def partner(make_user, other_org):
    return make_user("caseworker", organization=other_org, teams=[TeamFactory(organization=other_org)])


def _refer(case, caseworker, organization, sections):
    make_consent(case=case, obtained_by=caseworker, organization=organization, sections=sections)
    with without_email():
        return send_referral(actor=caseworker, case=case, organization=organization, purpose="A bed",
                             urgency="urgent", sections=sections)


def test_pending_referrals_of_two_linked_cases_reveal_no_situation(situation, worker1, case1, case2, other_org,
                                                                   partner, client_for):
    for case in (case1, case2):
        _refer(case, worker1, other_org, ["summary", "needs"])
    client = client_for(partner)
    assert client.get(f"/api/v1/cases/{case1.pk}").status_code == 200  # the preview is open to them...
    listed = client.get("/api/v1/situations")
    assert listed.status_code == 200 and listed.json() == []  # ...but no situation is theirs
    html = client.get(reverse("situations:list")).content.decode()
    assert case1.number not in html and case2.number not in html and "cases you can see" not in html
    assert client.get(reverse("situations:detail", args=[situation.pk])).status_code == 404
    assert client.get(f"/api/v1/situations/{situation.pk}").status_code == 404
    for case in (case1, case2):
        assert client.get(f"/api/v1/cases/{case.pk}/situations").json() == []
        assert "part of a situation" not in client.get(reverse("cases:detail", args=[case.pk])).content.decode()


def test_an_accepted_referral_with_the_summary_shows_the_kind_only(situation, worker1, case1, case2, case3,
                                                                   other_org, partner, client_for):
    first = _refer(case1, worker1, other_org, ["summary", "needs"])
    _refer(case2, worker1, other_org, ["summary", "needs"])
    change_referral_status(actor=partner, referral=first, action="accept")
    client = client_for(partner)
    html = client.get(reverse("cases:detail", args=[case1.pk])).content.decode()
    assert "This case is part of a situation (kind: employer)." in html
    for hidden in ("Synthetic Farms", case2.number, case3.number, "other case",
                   reverse("situations:detail", args=[situation.pk]), f"/situations/{situation.pk}/"):
        assert hidden not in html
    assert client.get(f"/api/v1/cases/{case1.pk}/situations").json() == [
        {"whole": False, "id": None, "kind": "employer", "title": None, "other_cases": None}]
    # The second referral is still a preview: nothing there, so the two cannot be put side by side.
    assert client.get(f"/api/v1/cases/{case2.pk}/situations").json() == []
    assert client.get(f"/api/v1/situations/{situation.pk}").status_code == 404
    assert client.get("/api/v1/situations").json() == []
    assert AuditEvent.objects.filter(action="situation.listed", actor_id=partner.pk,
                                     detail__via="api").exists()


def test_a_grant_without_the_summary_shows_nothing(situation, coordinator_a, case1, other_org, partner, client_for):
    for sections in (["documents"], ["needs"]):
        grant_case_access(actor=coordinator_a, case=case1, organization=other_org, sections=sections,
                          source="police_contact", source_id=f"t-{sections[0]}")
    client = client_for(partner)
    assert client.get(f"/api/v1/cases/{case1.pk}/situations").json() == []
    assert "part of a situation" not in client.get(reverse("cases:detail", args=[case1.pk])).content.decode()
    assert client.get(f"/api/v1/situations/{situation.pk}").status_code == 404


# --- 3. The edit forms' reads are audited ------------------------------------------------------

def test_the_situation_edit_form_audits_its_read(situation, coordinator_a, client_for):
    client = client_for(coordinator_a)
    response = client.get(reverse("situations:edit", args=[situation.pk]))
    assert response.status_code == 200 and "Synthetic Farms Ltd" in response.content.decode()
    viewed = AuditEvent.objects.filter(action="situation.viewed", actor_id=coordinator_a.pk,
                                       target_id=str(situation.pk))
    assert [e.detail for e in viewed] == [{"via": "edit form"}]


def test_the_person_of_interest_edit_form_audits_its_read_once(poi, coordinator_a, client_for):
    client = client_for(coordinator_a)
    response = client.get(reverse("situations:poi_edit", args=[poi.pk]))
    assert response.status_code == 200 and "Synthetic Boss" in response.content.decode()
    viewed = AuditEvent.objects.filter(action="poi.viewed", actor_id=coordinator_a.pk, target_id=str(poi.pk))
    assert [e.detail for e in viewed] == [{"via": "edit form"}]
