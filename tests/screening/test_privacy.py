"""The hard rules, for screenings: notes and answers encrypted at rest, audit events without content."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.urls import reverse

from octip.core.models import AuditEvent
from octip.screening import services

pytestmark = pytest.mark.django_db


def _raw(screening, column):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM screening_screening WHERE id = %s", [screening.pk.hex])  # noqa: S608
        row = cursor.fetchone()
    return row[0] if row else None


def test_notes_and_answers_are_not_stored_in_plaintext(screener, frameworks):
    screening = services.save_screening(
        actor=screener, framework=frameworks["ilo-adult-labour"],
        answers={"coercion_at_destination.debt_bondage": "yes"},
        notes={"coercion_at_destination": "Owes the crew boss for the flight from Manila"})
    notes, answers = _raw(screening, "notes"), _raw(screening, "answers")
    assert notes is not None and "Manila" not in notes and notes.startswith("enc")
    assert "debt_bondage" not in answers
    screening.refresh_from_db()
    assert screening.notes == {"coercion_at_destination": "Owes the crew boss for the flight from Manila"}


def test_audit_events_carry_no_notes_or_answers(client_for, screener, frameworks):
    screening = services.save_screening(actor=screener, framework=frameworks["palermo"],
                                        answers={"act.recruitment": "yes"}, notes={"act": "Met at the ferry terminal"})
    client_for(screener).get(reverse("screening:detail", args=[screening.pk]))
    events = AuditEvent.objects.filter(target_id=str(screening.pk))
    assert {e.action for e in events} == {"screening.created", "screening.viewed"}
    dumped = json.dumps([e.detail for e in events])
    assert "ferry" not in dumped and "recruitment" not in dumped


def test_screening_list_page_query_count_does_not_grow_with_rows(client_for, screener, frameworks,
                                                                  django_assert_max_num_queries):
    for _ in range(12):
        services.save_screening(actor=screener, framework=frameworks["palermo"], answers={})
    client = client_for(screener)
    with django_assert_max_num_queries(15):
        response = client.get(reverse("screening:index"))
    assert response.status_code == 200
    assert response.content.decode().count("Open the result of") == 12
