"""The hash-chained audit log and its viewer."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from octip.core import audit
from octip.core.models import AuditEvent


def _events(n, actor=None):
    return [audit.record(actor, "test.event", ("test.thing", i), purpose="testing", detail={"i": i}) for i in range(n)]


def test_events_form_a_chain(db):
    events = _events(3)
    assert events[0].prev_hash == audit.GENESIS
    assert events[1].prev_hash == events[0].hash
    assert [e.seq for e in events] == [1, 2, 3]
    call_command("verify_audit")


def test_event_carries_actor_organization_and_request_context(make_user, client_for):
    user = make_user("auditor")
    client_for(user).get("/app/audit/", HTTP_X_REQUEST_ID="req-12345678", REMOTE_ADDR="10.1.2.3")
    event = AuditEvent.objects.filter(action="audit.viewed").latest("seq")
    assert event.actor_id == user.pk and event.actor_email == user.email
    assert event.organization_id == user.organization_id
    assert event.request_id == "req-12345678"
    assert event.ip == "10.1.2.3"


def _tamper(sql, params):
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE core_auditevent DISABLE TRIGGER octip_audit_append_only")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE core_auditevent ENABLE TRIGGER octip_audit_append_only")


def test_verify_audit_names_an_altered_event(db):
    events = _events(5)
    _tamper("UPDATE core_auditevent SET purpose = %s WHERE id = %s", ["rewritten", events[2].pk])
    with pytest.raises(CommandError, match=r"seq=3 .*altered"):
        call_command("verify_audit")


def test_verify_audit_names_the_gap_of_a_deleted_event(db):
    events = _events(5)
    _tamper("DELETE FROM core_auditevent WHERE id = %s", [events[1].pk])
    with pytest.raises(CommandError, match=r"seq=3 .*missing"):
        call_command("verify_audit")


def test_verify_audit_catches_a_rehashed_forgery(db):
    # An attacker who rewrites a row and recomputes its own hash still breaks the next link.
    events = _events(4)
    forged = AuditEvent.objects.get(pk=events[1].pk)
    forged.purpose = "nothing to see"
    new_hash = audit.compute_hash(forged.prev_hash, forged)
    _tamper("UPDATE core_auditevent SET purpose = %s, hash = %s WHERE id = %s", ["nothing to see", new_hash, forged.pk])
    with pytest.raises(CommandError, match=r"seq=3 .*previous-hash"):
        call_command("verify_audit")


def test_orm_cannot_update_or_delete_events(db):
    event = _events(1)[0]
    with pytest.raises(TypeError):
        event.save()
    with pytest.raises(TypeError):
        event.delete()
    with pytest.raises(TypeError):
        AuditEvent.objects.all().delete()
    with pytest.raises(TypeError):
        AuditEvent.objects.update(action="x")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL only")
def test_postgres_trigger_refuses_update_and_delete(db):
    from django.db import DatabaseError, transaction

    event = _events(1)[0]
    for sql in ("UPDATE core_auditevent SET purpose = 'x' WHERE id = %s", "DELETE FROM core_auditevent WHERE id = %s"):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [event.pk])


def test_denial_inside_a_rolled_back_request_is_still_recorded(make_user, client_for):
    # An org_admin trying to edit another organization's account gets a 404; the probe is on record.
    admin = make_user("org_admin")
    other = make_user("caseworker")
    assert client_for(admin).post(f"/app/staff/{other.pk}/", {"role": "screener"}).status_code == 404
    assert AuditEvent.objects.filter(action="access.denied", actor_id=admin.pk).exists()


def test_audit_viewer_is_for_auditors_only(make_user, client_for):
    for role in ("caseworker", "coordinator", "system_admin", "org_admin"):
        assert client_for(make_user(role)).get("/app/audit/").status_code == 403
    assert client_for(make_user("auditor")).get("/app/audit/").status_code == 200


def test_audit_viewer_filters_and_exports_csv(make_user, client_for):
    auditor = make_user("auditor")
    someone = make_user("caseworker")
    audit.record(someone, "case.read", ("cases.case", "abc"), purpose="=HYPERLINK(\"http://evil\")")
    audit.record(someone, "case.updated", ("cases.case", "abc"))
    audit.record(None, "other.thing", None)
    client = client_for(auditor)
    page = client.get("/app/audit/", {"actor": someone.email, "action": "case."})
    assert page.status_code == 200
    shown = [e.action for e in page.context["page"]]
    assert shown == ["case.updated", "case.read"]
    assert client.get("/app/audit/", {"date_from": "2026-02-01", "date_to": "2026-01-01"}).status_code == 400
    export = client.get("/app/audit/export.csv", {"actor": someone.email, "target_id": "abc"})
    assert export.status_code == 200
    body = b"".join(export.streaming_content).decode()
    lines = body.strip().splitlines()
    assert lines[0].startswith("seq,occurred_at,actor_email")
    assert len(lines) == 3
    assert "'=HYPERLINK" in body  # formula neutralised
    assert AuditEvent.objects.filter(action="audit.exported", actor_id=auditor.pk).exists()
    assert client_for(make_user("coordinator")).get("/app/audit/export.csv").status_code == 403
