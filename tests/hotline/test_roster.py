"""The on-call roster: who is on call now, with whom to escalate to."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils import timezone

from octip.hotline.models import OnCallShift


def _shift(person, escalation, *, hours_from_now: float, length: float = 8):
    starts = timezone.now() + datetime.timedelta(hours=hours_from_now)
    return OnCallShift.objects.create(organization=person.organization, person=person, starts_at=starts,
                                      ends_at=starts + datetime.timedelta(hours=length),
                                      escalation_contact=escalation, escalation_phone="604-555-0100")


def test_on_call_now_shows_the_current_shift_and_escalation(client_for, operator, make_user, org):
    lead = make_user("coordinator", organization=org, full_name="Synthetic Lead")
    colleague = make_user("hotline_operator", organization=org, full_name="Synthetic Colleague")
    _shift(operator, lead, hours_from_now=-2)
    _shift(colleague, lead, hours_from_now=6)
    page = client_for(operator).get(reverse("hotline:on_call")).content.decode()
    now_section = page[page.index("On call now"):page.index("Roster")]
    assert operator.full_name in now_section and "Synthetic Lead" in now_section
    assert "Synthetic Colleague" not in now_section and "Synthetic Colleague" in page


def test_gap_in_the_roster_is_said_plainly(client_for, operator):
    assert "Nobody is on call right now." in client_for(operator).get(reverse("hotline:on_call")).content.decode()


def test_another_organizations_roster_is_not_shown(client_for, operator, other_operator, make_user, other_org):
    _shift(other_operator, make_user("coordinator", organization=other_org), hours_from_now=-1)
    page = client_for(operator).get(reverse("hotline:on_call")).content.decode()
    assert other_operator.full_name not in page


def test_coordinator_adds_a_shift(client_for, make_user, org):
    coordinator = make_user("coordinator", organization=org)
    person = make_user("hotline_operator", organization=org)
    start = timezone.localtime() + datetime.timedelta(days=1)
    response = client_for(coordinator).post(reverse("hotline:shift_create"), {
        "person": person.pk, "escalation_contact": coordinator.pk,
        "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (start + datetime.timedelta(hours=8)).strftime("%Y-%m-%dT%H:%M")})
    assert response.status_code == 302
    shift = OnCallShift.objects.get()
    assert shift.person == person and shift.organization == org


def test_shift_that_ends_before_it_starts_is_refused(client_for, make_user, org):
    coordinator = make_user("coordinator", organization=org)
    person = make_user("hotline_operator", organization=org)
    start = timezone.localtime() + datetime.timedelta(days=1)
    response = client_for(coordinator).post(reverse("hotline:shift_create"), {
        "person": person.pk, "escalation_contact": coordinator.pk,
        "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (start - datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")})
    assert response.status_code == 400 and "must end after it starts" in response.content.decode()
    assert not OnCallShift.objects.exists()


def test_roster_person_must_work_on_the_line(make_user, org):
    import pytest
    from django.core.exceptions import ValidationError

    from octip.hotline.services import add_shift

    coordinator = make_user("coordinator", organization=org)
    caseworker = make_user("caseworker", organization=org)
    with pytest.raises(ValidationError):
        add_shift(actor=coordinator, person=caseworker, escalation_contact=coordinator,
                  starts_at=timezone.now(), ends_at=timezone.now() + datetime.timedelta(hours=1))
    assert not OnCallShift.objects.exists()


def test_operator_cannot_change_the_roster(client_for, operator, make_user, org):
    shift = _shift(operator, make_user("coordinator", organization=org), hours_from_now=1)
    client = client_for(operator)
    assert client.get(reverse("hotline:shift_create")).status_code == 403
    assert client.post(reverse("hotline:shift_delete", args=[shift.pk])).status_code == 403
    assert OnCallShift.objects.exists()


def test_coordinator_removes_a_shift(client_for, operator, make_user, org):
    coordinator = make_user("coordinator", organization=org)
    shift = _shift(operator, coordinator, hours_from_now=1)
    assert client_for(coordinator).post(reverse("hotline:shift_delete", args=[shift.pk])).status_code == 302
    assert not OnCallShift.objects.exists()
