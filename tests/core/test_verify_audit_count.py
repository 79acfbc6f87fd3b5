"""``verify_audit`` says how many events it verified before the break it names: every one of them,
not the last progress step (a multiple of 1000)."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from octip.core import audit
from octip.core.models import AuditEvent


def _events(n):
    return [audit.record(None, "test.event", ("test.thing", i), detail={"i": i}) for i in range(n)]


def _alter(event):
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE core_auditevent DISABLE TRIGGER octip_audit_append_only")
        cursor.execute("UPDATE core_auditevent SET purpose = %s WHERE id = %s", ["rewritten", event.pk])
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE core_auditevent ENABLE TRIGGER octip_audit_append_only")


def test_the_break_reports_every_event_verified_before_it(db):
    events = _events(5)
    _alter(events[3])
    with pytest.raises(CommandError, match=r"seq=4 .*\. 3 earlier events verified\."):
        call_command("verify_audit")


def test_the_chain_walk_counts_the_events_before_the_break(db):
    events = _events(1003)
    _alter(events[1001])
    steps = list(audit.verify_chain())
    broken = steps[-1]
    assert isinstance(broken, audit.ChainBreak) and broken.seq == 1002
    assert broken.verified == 1001


def test_an_intact_chain_reports_its_full_count(db):
    _events(4)
    from io import StringIO

    out = StringIO()
    call_command("verify_audit", stdout=out)
    assert f"{AuditEvent.objects.count()} events verified" in out.getvalue()
