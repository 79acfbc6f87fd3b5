"""Caller flags: set and lifted by the line's lead (``hotline.lead``), keyed by the reporter's blind
index, with an encrypted reason and an expiry; operators see an active flag on a contact from the
flagged caller (audited); another organization's line sees nothing of ours."""

from __future__ import annotations

import datetime
import io
import json

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from octip.core.access import AccessDenied
from octip.core.fields import blind_indexed_models
from octip.core.models import AuditEvent
from octip.core.roles import ROLES
from octip.hotline import reference, selectors, services
from octip.hotline.models import CallerFlag

API = "/api/v1/hotline"


def _log(actor, minutes_ago=0, **fields):
    base = {"channel": "phone", "caller_type": "public", "urgency": "routine", "summary": "Synthetic call",
            "received_at": timezone.now() - datetime.timedelta(minutes=minutes_ago)}
    return services.log_contact(actor=actor, **{**base, **fields})


@pytest.fixture
def lead(make_user, org):
    return make_user("coordinator", organization=org)


def test_only_the_lead_holds_the_permission_and_kinds_are_data():
    assert [r for r in ROLES if "hotline.lead" in ROLES[r].permissions] == ["coordinator", "hotline_lead"]
    assert {k.code for k in reference.flag_kinds()} >= {"abusive", "hoax", "possible_trafficker"}
    assert all(k.label_fr and k.days > 0 for k in reference.flag_kinds())


def test_the_lead_flags_a_caller_and_the_operator_sees_it_on_their_next_contact(db, client_for, lead, operator):
    first = _log(operator, minutes_ago=10, reporter_phone="604 555 0160")
    flags = services.set_caller_flag(actor=lead, contact=first, kind="abusive", reason="Synthetic: shouts at staff")
    assert len(flags) == 1 and flags[0].expires_on == timezone.localdate() + datetime.timedelta(days=90)
    assert AuditEvent.objects.get(action="hotline.caller_flag.set").detail["kind"] == "abusive"
    assert "shouts" not in json.dumps(AuditEvent.objects.get(action="hotline.caller_flag.set").detail)
    again = _log(operator, reporter_contact="call back on +1 604-555-0160")
    shown = selectors.active_flags_on(actor=operator, contact=again)
    assert [f.kind for f in shown] == ["abusive"] and shown[0].reason == "Synthetic: shouts at staff"
    assert AuditEvent.objects.filter(action="hotline.caller_flag.read", target_id=str(again.pk)).count() == 1
    page = client_for(operator).get(reverse("hotline:contact_detail", args=[again.pk])).content.decode()
    assert "This caller is flagged" in page and "Abusive to operators" in page
    assert "Flag this caller" not in page  # the operator is not the lead


def test_an_operator_cannot_set_or_lift_a_flag(db, client_for, lead, operator):
    contact = _log(operator, reporter_phone="604 555 0161")
    with pytest.raises(AccessDenied):
        services.set_caller_flag(actor=operator, contact=contact, kind="hoax", reason="Synthetic")
    flag = services.set_caller_flag(actor=lead, contact=contact, kind="hoax", reason="Synthetic")[0]
    with pytest.raises(AccessDenied):
        services.lift_caller_flag(actor=operator, flag=flag)
    client = client_for(operator)
    assert client.post(reverse("hotline:caller_flag_lift", args=[flag.pk])).status_code == 403
    assert client.post(f"{API}/contacts/{contact.pk}/caller-flags",
                       json.dumps({"kind": "hoax", "reason": "x"}), content_type="application/json").status_code == 403
    flag.refresh_from_db()
    assert flag.lifted_at is None


def test_bad_input_is_refused_and_nothing_is_written(db, lead, operator):
    contact = _log(operator, reporter_phone="604 555 0162")
    today = timezone.localdate()
    for fields, field in (({"kind": "nuisance", "reason": "x"}, "kind"),
                          ({"kind": "hoax", "reason": "  "}, "reason"),
                          ({"kind": "hoax", "reason": "x", "expires_on": today}, "expires_on"),
                          ({"kind": "hoax", "reason": "x", "expires_on": today + datetime.timedelta(days=400)},
                           "expires_on")):
        with pytest.raises(ValidationError) as error:
            services.set_caller_flag(actor=lead, contact=contact, **fields)
        assert field in error.value.message_dict
    nobody = _log(operator)
    with pytest.raises(ValidationError):
        services.set_caller_flag(actor=lead, contact=nobody, kind="hoax", reason="Synthetic")
    assert not CallerFlag.objects.exists()


def test_expired_and_lifted_flags_stop_showing(db, lead, operator):
    contact = _log(operator, reporter_email="synthetic@example.org")
    flag = services.set_caller_flag(actor=lead, contact=contact, kind="hoax", reason="Synthetic",
                                    expires_on=timezone.localdate() + datetime.timedelta(days=1))[0]
    assert selectors.active_flags_on(actor=operator, contact=contact)
    CallerFlag.objects.filter(pk=flag.pk).update(expires_on=timezone.localdate() - datetime.timedelta(days=1))
    assert selectors.active_flags_on(actor=operator, contact=contact) == []
    other = services.set_caller_flag(actor=lead, contact=contact, kind="abusive", reason="Synthetic")[0]
    services.lift_caller_flag(actor=lead, flag=other)
    assert selectors.active_flags_on(actor=operator, contact=contact) == []
    with pytest.raises(ValidationError):
        services.lift_caller_flag(actor=lead, flag=other)
    assert AuditEvent.objects.filter(action="hotline.caller_flag.lifted").count() == 1


def test_the_reason_and_identifier_are_encrypted_at_rest(db, lead, operator):
    contact = _log(operator, reporter_phone="604 555 0163")
    flag = services.set_caller_flag(actor=lead, contact=contact, kind="possible_trafficker",
                                    reason="Synthetic: asks where a survivor is")[0]
    with connection.cursor() as cursor:
        cursor.execute("SELECT reason, identifier, token FROM hotline_callerflag WHERE id = %s", [flag.pk])
        reason, identifier, token = cursor.fetchone()
    numbers = ("604 555 0163", "6045550163", "5550163")  # not "555": a hex token can hold it by chance
    assert "survivor" not in reason and not any(n in identifier or n in token for n in numbers)


def test_another_organizations_line_sees_nothing_of_our_flags(db, client_for, lead, operator, other_operator,
                                                               make_user, other_org):
    ours = _log(operator, reporter_phone="604 555 0164")
    flag = services.set_caller_flag(actor=lead, contact=ours, kind="abusive", reason="Synthetic")[0]
    # The same caller calls the other organization's line: their operator sees no flag of ours.
    theirs = _log(other_operator, reporter_phone="604 555 0164")
    assert selectors.active_flags_on(actor=other_operator, contact=theirs) == []
    client = client_for(other_operator)
    body = client.get(f"{API}/contacts/{theirs.pk}").json()
    assert body["caller_flags"] == [] and body["previous_contacts"] == 0
    assert client.get(reverse("hotline:contact_detail", args=[ours.pk])).status_code == 404
    # Even a lead of the other organization (were one to hold the permission) cannot lift ours.
    assert selectors.caller_flags_for(actor=other_operator).count() == 0
    flag.refresh_from_db()
    assert flag.lifted_at is None


def test_the_lead_uses_the_pages(db, client_for, lead, operator):
    contact = _log(operator, reporter_phone="604 555 0165")
    client = client_for(lead)
    assert "Flag this caller" in client.get(reverse("hotline:contact_detail", args=[contact.pk])).content.decode()
    bad = client.post(reverse("hotline:caller_flag_create", args=[contact.pk]), {"kind": "hoax", "reason": ""})
    assert bad.status_code == 400 and not CallerFlag.objects.exists()
    response = client.post(reverse("hotline:caller_flag_create", args=[contact.pk]),
                           {"kind": "hoax", "reason": "Synthetic: repeated prank calls"})
    assert response.status_code == 302
    listing = client.get(reverse("hotline:caller_flags")).content.decode()
    assert "Repeated prank or hoax contacts" in listing and "Synthetic: repeated" not in listing
    flag = CallerFlag.objects.get()
    assert client.post(reverse("hotline:caller_flag_lift", args=[flag.pk])).status_code == 302
    flag.refresh_from_db()
    assert flag.lifted_at is not None
    assert client_for(operator).get(reverse("hotline:caller_flags")).status_code == 403


def test_the_api_sets_lists_and_lifts(db, client_for, lead, operator):
    contact = _log(operator, reporter_phone="604 555 0166", reporter_email="synthetic@example.org")
    client = client_for(lead)
    made = client.post(f"{API}/contacts/{contact.pk}/caller-flags",
                       json.dumps({"kind": "abusive", "reason": "Synthetic"}), content_type="application/json")
    assert made.status_code == 201, made.content
    assert len(made.json()) == 2  # one per phone and email
    listed = client.get(f"{API}/caller-flags?active_only=true").json()
    assert len(listed) == 2 and "reason" not in listed[0]
    shown = client_for(operator).get(f"{API}/contacts/{contact.pk}").json()["caller_flags"]
    assert [f["kind"] for f in shown] == ["abusive"]  # once per kind
    lifted = client.post(f"{API}/caller-flags/{listed[0]['id']}/lift")
    assert lifted.status_code == 200 and lifted.json()["active"] is False
    bad = client.post(f"{API}/contacts/{contact.pk}/caller-flags", json.dumps({"kind": "x", "reason": "y"}),
                      content_type="application/json")
    assert bad.status_code in (400, 422)


@pytest.fixture
def rotating_keys(settings):
    from octip.core import crypto

    old, new = crypto.new_key(), crypto.new_key()
    settings.OCTIP_BLIND_INDEX_KEY = f"b1:{old}"
    crypto.reset_key_ring()

    def rotate() -> None:
        settings.OCTIP_BLIND_INDEX_KEY = f"b1:{old},b2:{new}"
        crypto.reset_key_ring()

    yield rotate
    crypto.reset_key_ring()


def test_a_key_rotation_re_keys_the_flags(db, rotating_keys, lead, operator):
    assert CallerFlag in blind_indexed_models()
    contact = _log(operator, reporter_phone="604 555 0167")
    flag = services.set_caller_flag(actor=lead, contact=contact, kind="hoax", reason="Synthetic")[0]
    rotating_keys()
    later = _log(operator, reporter_phone="604 555 0167")
    assert selectors.active_flags_on(actor=operator, contact=later)  # found under b1 meanwhile
    call_command("rotate_blind_index_key", stdout=io.StringIO())
    flag.refresh_from_db()
    assert flag.index_key_id == "b2"
    assert selectors.active_flags_on(actor=operator, contact=later)
