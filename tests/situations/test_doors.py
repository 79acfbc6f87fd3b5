"""What each reader gets of a situation, from both organizations' sides: whole for the owning
organization (its cases opened if in scope, counted if not), a 404 for everyone else, and through a
case disclosed with its summary only the situation's kind on that case's page (a police liaison)."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from octip.cases.sharing import grant_case_access
from octip.core.models import AuditEvent
from octip.situations import selectors
from octip.situations.models import SituationCase

pytestmark = pytest.mark.django_db


def _grant_to_police(case, police, actor):
    return grant_case_access(actor=actor, case=case, organization=police, sections=["summary"],
                             source="police_contact", source_id="test", role="police_liaison")


def test_a_caseworker_opens_the_linked_cases_in_scope_and_counts_the_others(situation, worker1, case1, case2, case3):
    page = selectors.situation_page(actor=worker1, situation_id=situation.pk)
    assert page.whole and [c.pk for c in page.cases.shown] == sorted([case1.pk, case2.pk],
                                                                        key=lambda pk: {case1.pk: case1.number,
                                                                                        case2.pk: case2.number}[pk])
    assert page.cases.hidden == 1
    [item] = selectors.case_situations(actor=worker1, case=case1)
    assert [c.pk for c in item.others.shown] == [case2.pk] and item.others.hidden == 1


def test_an_in_org_caseworker_without_scope_counts_but_never_sees_the_numbers(situation, worker2, client_for, case1,
                                                                              case2, case3):
    client = client_for(worker2)
    html = client.get(reverse("situations:detail", args=[situation.pk])).content.decode()
    assert "Synthetic Farms Ltd" in html and case3.number in html
    assert case1.number not in html and case2.number not in html
    assert "and 2 other cases outside your scope" in html
    case_page = client.get(reverse("cases:detail", args=[case3.pk])).content.decode()
    assert "Linked to 2 other cases." in case_page and "2 of them are outside your scope." in case_page
    assert case1.number not in case_page and case2.number not in case_page
    api = client.get(f"/api/v1/cases/{case3.pk}/situations").json()
    assert api == [{"whole": True, "id": situation.pk, "kind": "employer", "title": "Synthetic Farms Ltd",
                    "other_cases": {"shown": [], "hidden": 2}}]


def test_another_organization_gets_404_and_an_empty_list(situation, worker_b, coordinator_b, client_for, case1):
    for user in (worker_b, coordinator_b):
        client = client_for(user)
        assert client.get(reverse("situations:detail", args=[situation.pk])).status_code == 404
        assert client.get(f"/api/v1/situations/{situation.pk}").status_code == 404
        assert client.get(reverse("situations:edit", args=[situation.pk])).status_code == 404
        listed = client.get("/api/v1/situations")
        assert listed.status_code == 200 and listed.json() == []
        assert "Synthetic Farms" not in client.get(reverse("situations:list")).content.decode()
    # B's coordinator sees case 1 (scope "all") but is not of its owning circle: the case page shows
    # no block at all (not even the link to a situation), and the API lists nothing.
    client = client_for(coordinator_b)
    page = client.get(reverse("cases:detail", args=[case1.pk]))
    assert page.status_code == 200 and "Synthetic Farms" not in page.content.decode()
    assert "other cases" not in page.content.decode() and 'id="situations-heading"' not in page.content.decode()
    assert reverse("situations:case_link", args=[case1.pk]) not in page.content.decode()
    assert client.get(f"/api/v1/cases/{case1.pk}/situations").json() == []
    assert AuditEvent.objects.filter(action="access.denied", actor_id=worker_b.pk,
                                     target_type="situations.situation").exists()


def test_a_police_liaison_gets_nothing_without_a_disclosure(situation, liaison, client_for):
    client = client_for(liaison)
    assert client.get(reverse("situations:detail", args=[situation.pk])).status_code == 404
    assert client.get(f"/api/v1/situations/{situation.pk}").status_code == 404
    # A police liaison holds no situation.view: the list is not theirs (403).
    assert client.get("/api/v1/situations").status_code == 403
    assert client.get(reverse("situations:list")).status_code == 403


def test_a_police_liaison_with_a_disclosure_sees_only_the_kind_on_the_disclosed_case(
        situation, liaison, police, client_for, case1, case2, case3, poi, coordinator_a):
    _grant_to_police(case1, police, coordinator_a)
    client = client_for(liaison)
    # The situation itself stays its organization's: 404 on its page and API, 403 on the list.
    assert client.get(f"/api/v1/situations/{situation.pk}").status_code == 404
    assert client.get(reverse("situations:detail", args=[situation.pk])).status_code == 404
    assert client.get("/api/v1/situations").status_code == 403
    # On the disclosed case's page: the kind, and nothing else (no id, no link, no title, no count).
    html = client.get(reverse("cases:detail", args=[case1.pk])).content.decode()
    assert "This case is part of a situation (kind: employer)." in html
    for hidden in ("Synthetic Farms", "Synthetic Boss", case2.number, case3.number, "other case",
                   reverse("situations:detail", args=[situation.pk]), "Link to a situation"):
        assert hidden not in html
    assert client.get(f"/api/v1/cases/{case1.pk}/situations").json() == [
        {"whole": False, "id": None, "kind": "employer", "title": None, "other_cases": None}]
    assert client.get(f"/api/v1/persons-of-interest/{poi.pk}").status_code == 404
    assert client.get(reverse("situations:poi", args=[poi.pk])).status_code == 404


def test_roles_with_nothing_to_meet_a_situation_through_are_refused(make_user, org, client_for, situation):
    for role in ("analyst", "trainer", "org_admin", "auditor", "system_admin"):
        client = client_for(make_user(role, organization=org))
        assert client.get("/api/v1/situations").status_code == 403
        assert client.get(f"/api/v1/situations/{situation.pk}").status_code == 404


def test_linking_from_the_page_needs_the_owners_circle_and_changes_nothing(situation, worker1, case3, client_for,
                                                                          coordinator_a):
    from octip.situations import services

    services.unlink_case(actor=coordinator_a, situation=situation, case=case3)
    client = client_for(worker1)
    # worker1 can see case 3? No: it is team 2's. The number is refused as unknown (nothing said of it).
    response = client.post(reverse("situations:link_case", args=[situation.pk]), {"number": case3.number})
    assert response.status_code == 400 and b"No case you can see has this number." in response.content
    assert not SituationCase.objects.filter(situation=situation, case=case3).exists()
    # Through the API by id: the case is not visible to worker1, so 404; nothing changes.
    api = client.post(f"/api/v1/situations/{situation.pk}/cases", json.dumps({"case_id": str(case3.pk)}),
                      content_type="application/json")
    assert api.status_code == 404
    assert not SituationCase.objects.filter(situation=situation, case=case3).exists()


def test_a_visible_case_outside_the_own_circle_is_403_and_nothing_changes(situation, operator, case1, client_for,
                                                                          coordinator_a, org, make_user, police):
    # A caseworker who sees case 1 only through a grant (another organization's) may not link it.
    services_case = case1
    from octip.situations import services

    services.unlink_case(actor=coordinator_a, situation=situation, case=services_case)
    grant_case_access(actor=coordinator_a, case=case1, user=operator, sections=["summary"], source="referral",
                      source_id="t")
    client = client_for(make_user("caseworker", organization=org))  # no team: sees no case of A's teams
    api = client.post(f"/api/v1/situations/{situation.pk}/cases", json.dumps({"case_id": str(case1.pk)}),
                      content_type="application/json")
    assert api.status_code == 404
    # The 24/7 operator of A sees case 1 (organization scope) but holds no situation.edit: 404 on the
    # situation (it is not theirs to edit), 403 from the case page's link.
    operator_client = client_for(operator)
    assert operator_client.get(reverse("situations:case_link", args=[case1.pk])).status_code == 403
    assert not SituationCase.objects.filter(situation=situation, case=case1).exists()


def test_the_api_creates_links_and_unlinks(worker1, client_for, case1, case2):
    client = client_for(worker1)
    created = client.post("/api/v1/situations", json.dumps({"kind": "operation", "title": "Synthetic op"}),
                          content_type="application/json")
    assert created.status_code == 201, created.content
    sid = created.json()["id"]
    bad = client.post("/api/v1/situations", json.dumps({"kind": "nope", "title": ""}), content_type="application/json")
    assert bad.status_code == 400 and set(bad.json()["errors"]) == {"kind", "title"}
    linked = client.post(f"/api/v1/situations/{sid}/cases", json.dumps({"case_id": str(case1.pk)}),
                         content_type="application/json")
    assert linked.status_code == 201 and linked.json()["cases"]["shown"][0]["number"] == case1.number
    again = client.post(f"/api/v1/situations/{sid}/cases", json.dumps({"case_id": str(case1.pk)}),
                        content_type="application/json")
    assert again.status_code == 400
    poi = client.post(f"/api/v1/situations/{sid}/persons-of-interest",
                      json.dumps({"names": ["Synthetic Person Of Interest"], "phones": ["604 555 0142"],
                                  "roles_in_process": ["Transporter"]}), content_type="application/json")
    assert poi.status_code == 201, poi.content
    pid = poi.json()["id"]
    link = client.post(f"/api/v1/persons-of-interest/{pid}/cases",
                       json.dumps({"case_id": str(case2.pk), "relationship": "Familial"}),
                       content_type="application/json")
    assert link.status_code == 201 and link.json()["cases"] == [{"case_id": str(case2.pk), "relationship": "Familial"}]
    patched = client.patch(f"/api/v1/persons-of-interest/{pid}", json.dumps({"aliases": ["Synthetic Alias"]}),
                           content_type="application/json")
    assert patched.status_code == 200 and patched.json()["aliases"] == ["Synthetic Alias"]
    assert patched.json()["names"] == ["Synthetic Person Of Interest"]
    renamed = client.patch(f"/api/v1/situations/{sid}", json.dumps({"title": "Renamed op"}),
                           content_type="application/json")
    assert renamed.status_code == 200 and renamed.json()["title"] == "Renamed op"
    assert client.delete(f"/api/v1/situations/{sid}/cases/{case1.pk}").status_code == 204
    assert client.delete(f"/api/v1/situations/{sid}/cases/{case1.pk}").status_code == 400
    assert client.delete(f"/api/v1/persons-of-interest/{pid}/cases/{case2.pk}").status_code == 204


def test_the_pages_record_show_and_edit(worker1, client_for, case1):
    client = client_for(worker1)
    assert client.get(reverse("situations:new")).status_code == 200
    bad = client.post(reverse("situations:new"), {"kind": "employer", "title": ""})
    assert bad.status_code == 400
    made = client.post(reverse("situations:new"), {"kind": "employer", "title": "Synthetic Bakery",
                                                   "description": ""})
    assert made.status_code == 302
    sid = int(made["Location"].rstrip("/").split("/")[-1])
    assert client.post(reverse("situations:link_case", args=[sid]), {"number": case1.number}).status_code == 302
    added = client.post(reverse("situations:poi_new", args=[sid]), {
        "names": "Synthetic Owner", "phones": "604-555-0177\n778 555 0178", "roles_in_process": ["Exploiter"]})
    assert added.status_code == 302
    page = client.get(reverse("situations:detail", args=[sid])).content.decode()
    assert "Synthetic Bakery" in page and "Synthetic Owner" in page and case1.number in page
    case_page = client.get(reverse("cases:detail", args=[case1.pk])).content.decode()
    assert "Synthetic Bakery" in case_page and "Linked to 0 other cases." in case_page
    assert client.get(reverse("situations:list")).status_code == 200
    assert client.get(reverse("situations:case_link", args=[case1.pk])).status_code == 200


def test_the_list_pages_whole_situations_then_those_met_through_a_case(worker1, monkeypatch, client_for,
                                                                       django_assert_max_num_queries):
    from octip.situations import services

    monkeypatch.setattr(selectors, "PAGE_SIZE", 3)
    made = [services.create_situation(actor=worker1, kind="network", title=f"Synthetic {i}") for i in range(7)]
    first = selectors.situations_for(actor=worker1, page=1)
    assert [r.situation.pk for r in first.rows] == [s.pk for s in reversed(made)][:3] and first.has_next
    last = selectors.situations_for(actor=worker1, page=3)
    assert [r.situation.pk for r in last.rows] == [made[0].pk] and not last.has_next
    client = client_for(worker1)
    assert client.get(reverse("situations:list")).status_code == 200  # renews the fresh session first
    with django_assert_max_num_queries(20):
        assert client.get(reverse("situations:list") + "?page=2").status_code == 200


def test_an_operator_of_the_owning_organization_meets_no_situation_through_the_cases_they_see(
        situation, operator, client_for, case1):
    client = client_for(operator)
    assert client.get(f"/api/v1/cases/{case1.pk}").status_code == 200  # the operator sees the case...
    assert client.get("/api/v1/situations").status_code == 403  # ...but holds no situation.view
    assert client.get(f"/api/v1/situations/{situation.pk}").status_code == 404
    assert "Synthetic Farms" not in client.get(reverse("cases:detail", args=[case1.pk])).content.decode()


def test_another_organizations_case_cannot_be_linked_and_an_unaccepted_referral_shows_nothing(
        situation, coordinator_a, worker1, worker_b, other_org, client_for, case1, case2, case3):
    from octip.core.access import AccessDenied
    from octip.situations import services
    from tests.factories.cases import make_case

    theirs = make_case(organization=other_org, worker=worker_b)
    # A's coordinator sees B's case? No (organization scope): and a situation of A never takes a
    # case of B's, whoever links it (tests/situations/test_security_review.py has B's coordinator).
    with pytest.raises(AccessDenied):
        services.link_case(actor=coordinator_a, situation=situation, case=theirs)
    assert not SituationCase.objects.filter(case=theirs).exists()
    html = client_for(worker1).get(reverse("cases:detail", args=[case1.pk])).content.decode()
    assert "Linked to 2 other cases." in html and "1 of them is outside your scope." in html
    assert theirs.number not in html and case3.number not in html and case2.number in html
    # B's caseworker sees their own case, and no situation of A on it.
    client = client_for(worker_b)
    page = client.get(reverse("cases:detail", args=[theirs.pk])).content.decode()
    assert "Synthetic Farms" not in page and "other case" not in page
    assert client.get(f"/api/v1/situations/{situation.pk}").status_code == 404
    # A grant from a referral that cannot be found counts as a preview (deny by default): nothing.
    grant_case_access(actor=coordinator_a, case=case1, organization=other_org, sections=["summary"],
                      source="referral", source_id="t")
    assert client.get(f"/api/v1/situations/{situation.pk}").status_code == 404
    assert client.get(f"/api/v1/cases/{case1.pk}/situations").json() == []
    assert "part of a situation" not in client.get(reverse("cases:detail", args=[case1.pk])).content.decode()
