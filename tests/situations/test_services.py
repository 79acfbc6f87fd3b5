"""The situations services: who may write, what is audited, what goes on the case timeline, and that a
refusal or bad input changes nothing."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from octip.cases.models import TimelineEntry
from octip.core.access import AccessDenied
from octip.core.models import AuditEvent
from octip.situations import services
from octip.situations.models import PersonOfInterest, Situation, SituationCase

pytestmark = pytest.mark.django_db


def test_a_caseworker_records_a_situation_owned_by_their_organization(worker1, org):
    made = services.create_situation(actor=worker1, kind="network", title="Synthetic network")
    assert made.owner_organization == org and made.created_by == worker1
    event = AuditEvent.objects.get(action="situation.created", target_id=str(made.pk))
    assert event.detail == {"kind": "network"}  # no title in the audit


@pytest.mark.parametrize("role", ["police_liaison", "hotline_operator", "screener", "analyst", "org_admin"])
def test_roles_without_situation_edit_cannot_record_one(make_user, org, role):
    with pytest.raises(AccessDenied):
        services.create_situation(actor=make_user(role, organization=org), kind="network", title="Synthetic")
    assert not Situation.objects.exists()


@pytest.mark.parametrize("kind, title", [("cartel", "Synthetic"), ("employer", ""), ("employer", "x" * 201)])
def test_bad_input_is_refused_and_nothing_is_written(worker1, kind, title):
    with pytest.raises(ValidationError):
        services.create_situation(actor=worker1, kind=kind, title=title)
    assert not Situation.objects.exists()


def test_linking_is_audited_and_on_the_case_timeline_within_the_owning_circle(situation, case1, coordinator_a):
    assert SituationCase.objects.filter(situation=situation).count() == 3
    entry = TimelineEntry.objects.get(case=case1, kind="situation.case_linked")
    assert entry.restricted and entry.params == {"kind": ["situation_kind", "employer"]}
    assert "Synthetic Farms" not in entry.summary
    assert AuditEvent.objects.filter(action="situation.case_linked", target_id=str(case1.pk),
                                     actor_id=coordinator_a.pk).exists()


def test_linking_twice_is_refused(situation, case1, coordinator_a):
    with pytest.raises(ValidationError):
        services.link_case(actor=coordinator_a, situation=situation, case=case1)
    assert SituationCase.objects.filter(situation=situation, case=case1).count() == 1


def test_linking_needs_the_owners_circle_of_that_case(situation, worker1, case3, org, team2, make_user):
    # worker1 may edit the situation (their organization's) but case3 is team 2's.
    services.unlink_case(actor=situation.created_by, situation=situation, case=case3)
    before = AuditEvent.objects.filter(action="situation.case_linked").count()
    with pytest.raises(AccessDenied):
        services.link_case(actor=worker1, situation=situation, case=case3)
    assert not SituationCase.objects.filter(situation=situation, case=case3).exists()
    assert AuditEvent.objects.filter(action="situation.case_linked").count() == before


def test_another_organization_cannot_link_to_or_edit_a_situation(situation, coordinator_b, worker_b, case1):
    for actor in (coordinator_b, worker_b):
        with pytest.raises(AccessDenied):
            services.link_case(actor=actor, situation=situation, case=case1)
        with pytest.raises(AccessDenied):
            services.update_situation(actor=actor, situation=situation, kind="network", title="Renamed")
    situation.refresh_from_db()
    assert situation.title == "Synthetic Farms Ltd" and situation.kind == "employer"


def test_unlinking_is_audited_and_on_the_timeline(situation, case2, worker1):
    services.unlink_case(actor=worker1, situation=situation, case=case2)
    assert not SituationCase.objects.filter(situation=situation, case=case2).exists()
    assert TimelineEntry.objects.filter(case=case2, kind="situation.case_unlinked", restricted=True).exists()
    with pytest.raises(ValidationError):
        services.unlink_case(actor=worker1, situation=situation, case=case2)


def test_a_person_of_interest_is_audited_without_identifying_values(poi):
    event = AuditEvent.objects.get(action="poi.created", target_id=str(poi.pk))
    text = str(event.detail)
    for value in ("Synthetic Boss", "604", "Synthetic Road", "van"):
        assert value not in text
    assert event.detail["roles_in_process"] == ["Exploiter", "RecruiterOrIntermediary"]
    linked = AuditEvent.objects.get(action="poi.case_linked")
    assert linked.detail["relationship"] == "Acquainted"


@pytest.mark.parametrize("fields", [
    {"names": [], "aliases": [], "phones": []},
    {"names": ["Synthetic"], "roles_in_process": ["Wizard"]},
    {"names": ["Synthetic"], "phones": ["12"]},
    {"names": ["x" * 301]},
    {"names": ["Synthetic"], "unknown": "x"},
])
def test_bad_person_of_interest_input_writes_nothing(coordinator_a, situation, fields):
    with pytest.raises(ValidationError):
        services.create_poi(actor=coordinator_a, situation=situation, **fields)
    assert not PersonOfInterest.objects.exists()


def test_a_person_of_interest_on_a_case_needs_its_owners_circle(poi, worker2, case1):
    # worker2 is of the owning organization but not of case1's team.
    with pytest.raises(AccessDenied):
        services.link_poi_case(actor=worker2, poi=poi, case=case1, relationship="Familial")
    assert poi.case_links.get().relationship == "Acquainted"


def test_bad_relationship_is_refused(poi, worker1, case2):
    with pytest.raises(ValidationError):
        services.link_poi_case(actor=worker1, poi=poi, case=case2, relationship="Enemy")
    assert not poi.case_links.filter(case=case2).exists()
