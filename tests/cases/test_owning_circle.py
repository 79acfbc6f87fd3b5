"""What stays with a case's owning circle (its own organization, or the coordinating office) stays
there: a coordinator of another partner, whose role reaches every case, reads no flag reason, risk
rationale or approval comment, and may not raise a flag; receivers are not told of the approvals or a
reassignment; a receiver cannot learn the person's age from the profile's checks; a bulk reassignment
across organizations is the coordinating office's alone; a request for approval is told only to those
who may decide. (Findings of the issue 16 security review, from the other organization's side.)"""

import datetime
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from octip.cases import selectors, services
from octip.cases.models import TraffickingProfile
from octip.core.access import AccessDenied
from octip.core.models import AuditEvent
from octip.notifications.models import Notification
from octip.partners.models import Organization
from tests.cases.conftest import share
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

REASON = "Synthetic: a cousin watches the house"


def _partner_coordinator(world):
    return UserFactory(role="coordinator", organization=world.org_b)


def _flag(world):
    return services.raise_flag(actor=world.caseworker_a, case=world.case_a, kind="no_home_contact", reason=REASON,
                               review_date=timezone.localdate() + datetime.timedelta(days=5))


def test_a_partners_coordinator_reads_no_flag_reason_nor_risk_history(world, client_for):
    _flag(world)
    services.assess_risk(actor=world.caseworker_a, case=selectors.case_or_404(actor=world.caseworker_a,
                                                                            case_id=world.case_a.pk),
                         level="high", rationale="Synthetic rationale")
    coordinator_b = _partner_coordinator(world)
    client = client_for(coordinator_b)
    flags = client.get(f"/api/v1/cases/{world.case_a.pk}/flags").json()
    assert [f["kind"] for f in flags] == ["no_home_contact"]
    assert flags[0]["reason"] is None
    assert client.get(f"/api/v1/cases/{world.case_a.pk}/risk").status_code == 404
    page = client.get(reverse("cases:detail", args=[world.case_a.pk])).content.decode()
    assert REASON not in page and "Synthetic rationale" not in page
    # The case's own organization still reads them.
    own = client_for(world.caseworker_a).get(f"/api/v1/cases/{world.case_a.pk}/flags").json()
    assert own[0]["reason"] == REASON


def test_a_partners_coordinator_may_not_raise_or_edit_a_flag(world, client_for):
    flag = _flag(world)
    coordinator_b = _partner_coordinator(world)
    with pytest.raises(AccessDenied):
        services.raise_flag(actor=coordinator_b, case=world.case_a, kind="safety_concern", reason="x",
                            review_date=timezone.localdate() + datetime.timedelta(days=5))
    response = client_for(coordinator_b).get(reverse("cases:flag_edit", args=[world.case_a.pk, flag.pk]))
    assert response.status_code in (403, 404)
    assert REASON not in response.content.decode()
    assert world.case_a.flags.count() == 1


def test_the_flag_edit_form_records_the_reading_of_the_reason(world, client_for):
    flag = _flag(world)
    before = AuditEvent.objects.filter(action="case.flags_listed").count()
    response = client_for(world.caseworker_a).get(reverse("cases:flag_edit", args=[world.case_a.pk, flag.pk]))
    assert response.status_code == 200 and REASON in response.content.decode()
    event = AuditEvent.objects.filter(action="case.flags_listed").order_by("-seq").first()
    assert AuditEvent.objects.filter(action="case.flags_listed").count() == before + 1
    assert event.detail.get("via") == "edit form"


def test_receivers_are_not_told_of_approvals(world, client_for):
    Organization.objects.filter(pk=world.org_a.pk).update(requires_plan_approval=True)
    world.case_a.owner_organization.refresh_from_db()
    services.add_goal(actor=world.caseworker_a, case=world.case_a, description="Synthetic safe housing")
    approval = services.request_approval(actor=world.caseworker_a, case=world.case_a, subject="service_plan")
    services.decide_approval(actor=world.coordinator, approval=approval, action="reject",
                             comment="Synthetic private remark")
    share(world, world.case_a, ["summary", "timeline"])
    entries = client_for(world.caseworker_b).get(f"/api/v1/cases/{world.case_a.pk}/timeline").json()
    assert entries and not [e for e in entries if "approv" in json.dumps(e).lower()]
    own = client_for(world.caseworker_a).get(f"/api/v1/cases/{world.case_a.pk}/timeline").json()
    assert [e for e in own if "approv" in json.dumps(e).lower()]


def test_the_age_check_is_no_oracle_for_a_receiver_without_the_identity(world, client_for):
    services.save_trafficking_profile(actor=world.caseworker_a, case=world.case_a,
                                      changes={"trafficking_status": ""}, expected_version=None)
    share(world, world.case_a, ["profile"])
    client = client_for(world.caseworker_b)
    answers = {age: client.put(f"/api/v1/cases/{world.case_a.pk}/profile",
                               data=json.dumps({"age_when_trafficked": age, "version": 999}),
                               content_type="application/json").status_code
               for age in (1, 30, 60, 119)}
    assert len(set(answers.values())) == 1, answers  # the same answer whatever the person's age
    assert TraffickingProfile.objects.get(case=world.case_a).age_when_trafficked is None


def test_a_partners_coordinator_may_not_bulk_reassign_another_organizations_worker(world):
    from django.core.exceptions import ValidationError

    coordinator_b = _partner_coordinator(world)
    receiver = UserFactory(role="caseworker", organization=world.org_a)
    with pytest.raises((ValidationError, AccessDenied)):
        services.reassign_departing_worker(actor=coordinator_b, departing=world.caseworker_a, receiver=receiver)
    world.case_a.refresh_from_db()
    assert world.case_a.owner_worker_id == world.caseworker_a.pk


def test_a_request_for_approval_is_told_only_to_those_who_may_decide(world):
    Organization.objects.filter(pk=world.org_a.pk).update(requires_plan_approval=True)
    world.case_a.owner_organization.refresh_from_db()
    coordinator_b = _partner_coordinator(world)
    services.add_goal(actor=world.caseworker_a, case=world.case_a, description="Synthetic goal")
    services.request_approval(actor=world.caseworker_a, case=world.case_a, subject="service_plan")
    assert not Notification.objects.filter(recipient=coordinator_b).exists()
