"""The printable case summary: a PDF of exactly the sections the reader may see, "Confidential — printed
by X at T" and "Page n of m" on every page, recorded as an export, at the page and at the API."""

from __future__ import annotations

import dataclasses
import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from octip.cases import sections, services
from octip.cases.sections import Field, FieldKind
from octip.cases.selectors import sections_visible_to
from octip.core.models import AuditEvent
from tests.cases.conftest import share
from tests.cases.pdf_text import pages_text, text
from tests.factories import OrganizationFactory, UserFactory
from tests.factories.consent import make_consent

pytestmark = pytest.mark.django_db

IDENTITY_VALUES = ["Ana Beatriz Ferreira", "Bia", "bia@example.invalid", "604 555 0142", "12 Synthetic Lane",
                   "Anna F", "1995-03-14"]
NOTE = "NOTEMARK met at the depot"
RESTRICTED = "RESTRICTEDMARK only the owning team"
NEED = "NEEDMARK a bed for two nights"
TASK = "TASKMARK call the shelter"
GOAL = "GOALMARK safe housing"
RECIPIENT = "Synthetic Legal Clinic (off the platform)"


def _label(name: str) -> str:
    return " ".join(str(sections.section(name).label).split())


def _pdf(client, case, **extra):
    response = client.get(reverse("cases:summary_pdf", args=[case.pk]), **extra)
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "application/pdf"
    return response


@pytest.fixture
def filled(world):
    """World A's case with something in most sections."""
    actor, case = world.caseworker_a, world.case_a
    services.save_need(actor=actor, case=case, domain="shelter", priority="high", status="identified", notes=NEED)
    goal = services.add_goal(actor=actor, case=case, description=GOAL)
    services.add_plan_action(actor=actor, goal=goal, description="ACTIONMARK apply", owner=actor,
                             due=timezone.localdate() + datetime.timedelta(days=7))
    services.add_task(actor=actor, case=case, title=TASK, due=timezone.localdate() + datetime.timedelta(days=3),
                      assignee=actor)
    services.add_note(actor=actor, case=case, body=NOTE)
    services.add_note(actor=actor, case=case, body=RESTRICTED, sensitivity="restricted")
    services.save_safety_plan(actor=actor, case=case, expected_version=None, changes={
        "risks": "Former employer", "trusted_contacts": "Sister", "code_words": "SAFETYMARK bluebird",
        "emergency_steps": "Call 911"})
    make_consent(case=case, obtained_by=actor, organization=world.org_b, sections=["summary", "consents"])
    make_consent(case=case, obtained_by=actor, organization=None, external_recipient=RECIPIENT,
                 sections=["summary"])
    return case


def test_the_owner_prints_every_section_they_see_with_the_identity(client_for, world, filled):
    response = _pdf(client_for(world.caseworker_a), filled)
    assert response["Content-Disposition"] == f'attachment; filename="case-{filled.number}-summary.pdf"'
    assert response["Cache-Control"] == "no-store"
    printed = text(response.content)
    visible = sections_visible_to(world.caseworker_a, filled)
    for name in sections.SECTIONS:
        assert (_label(name) in printed) == (name in visible), name
    for marker in [*IDENTITY_VALUES, NOTE, NEED, TASK, GOAL, "ACTIONMARK apply", "SAFETYMARK bluebird",
                   "Legal name", RECIPIENT, filled.number]:
        assert marker in printed, marker
    # Restricted notes never leave the owning team, not even on paper.
    assert RESTRICTED not in printed
    # Labels, not codes.
    assert "Debt bondage" in printed and "DebtBondage" not in printed


def test_a_receiver_given_the_summary_only_prints_the_summary_and_nothing_identifying(client_for, world, filled):
    share(world, filled, ["summary"])
    printed = text(_pdf(client_for(world.caseworker_b), filled).content)
    assert _label("summary") in printed
    for name in set(sections.SECTIONS) - {"summary"}:
        assert _label(name) not in printed, name
    for marker in [*IDENTITY_VALUES, NOTE, NEED, TASK, GOAL, RECIPIENT, "Legal name"]:
        assert marker not in printed, marker
    assert "Debt bondage" in printed


def test_a_receiver_of_the_consents_prints_only_the_consent_its_access_rests_on(client_for, world, filled):
    share(world, filled, ["summary", "consents"])
    printed = text(_pdf(client_for(world.caseworker_b), filled).content)
    assert _label("consents") in printed and world.org_b.name in printed
    assert RECIPIENT not in printed  # the person's other sharing is the owning circle's alone


def test_a_police_liaison_prints_what_was_disclosed_to_their_service(client_for, world, filled):
    from octip.justice import services as justice

    police = OrganizationFactory(name="Police Service X (test)", type="law_enforcement")
    liaison = UserFactory(role="police_liaison", organization=police)
    other_liaison = UserFactory(role="police_liaison", organization=OrganizationFactory(type="law_enforcement"))
    make_consent(case=filled, obtained_by=world.caseworker_a, organization=police, sections=["summary", "justice"])
    make_consent(case=filled, obtained_by=world.caseworker_a, scope="police_contact")
    justice.record_proceeding(actor=world.caseworker_a, case=filled, accused="ACCUSEDMARK Synthetic Accused",
                              charges=["cc_279_01"])
    justice.record_police_contact(actor=world.caseworker_a, case=filled, organization=police, purpose="report",
                                  sections=["summary", "justice"], contacted_on=timezone.localdate())
    printed = text(_pdf(client_for(liaison), filled).content)
    assert _label("summary") in printed and _label("justice") in printed
    assert "ACCUSEDMARK Synthetic Accused" in printed
    for name in set(sections.SECTIONS) - {"summary", "justice"}:
        assert _label(name) not in printed, name
    for marker in [*IDENTITY_VALUES, NOTE, NEED]:
        assert marker not in printed, marker
    assert client_for(other_liaison).get(reverse("cases:summary_pdf", args=[filled.pk])).status_code == 404


def test_without_the_export_permission_nothing_identifying_is_printed(client_for, world, filled):
    # A 24/7 line operator reads identities in their organization but may not export them.
    reader = world.hotline_a
    assert "identity" in sections_visible_to(reader, filled)
    printed = text(_pdf(client_for(reader), filled).content)
    assert _label("identity") not in printed
    for marker in [*IDENTITY_VALUES, NOTE, NEED, TASK, GOAL, "SAFETYMARK bluebird"]:
        assert marker not in printed, marker
    assert "Identifying details are left out of this printout" in printed
    assert _label("notes") in printed and "Debt bondage" in printed
    event = AuditEvent.objects.filter(action="case.exported", actor_id=reader.pk).last()
    assert event.detail["left_out"] == ["identity"] and "identity" not in event.detail["sections"]


def test_every_page_says_who_printed_it_when_and_which_page(client_for, world, filled):
    for number in range(40):
        services.add_note(actor=world.caseworker_a, case=filled,
                          body=f"Note {number}: " + "A long synthetic paragraph about the follow-up. " * 12)
    pages = pages_text(_pdf(client_for(world.caseworker_a), filled).content)
    assert len(pages) >= 3
    for number, page in enumerate(pages, start=1):
        assert f"Confidential — printed by {world.caseworker_a.full_name} at" in page, number
        assert f"Page {number} of {len(pages)}" in page, number
    year = str(timezone.localdate().year)
    assert all(year in page.split("printed by", 1)[1] for page in pages)


def test_printing_is_recorded_as_an_export(client_for, world, filled):
    _pdf(client_for(world.caseworker_a), filled)
    event = AuditEvent.objects.filter(action="case.exported", actor_id=world.caseworker_a.pk).last()
    assert event.target_id == str(filled.pk) and event.purpose == "export"
    detail = event.detail
    assert detail["format"] == "pdf" and detail["complete"] is True
    assert detail["sections"] == sorted(sections_visible_to(world.caseworker_a, filled))
    assert detail["identifying"] is True and detail["identifying_case_ids"] == [str(filled.pk)]
    assert "identity" in detail["identifying_sections"]
    # Nothing identifying in the event itself.
    assert not [v for v in IDENTITY_VALUES if v in str(detail)]

    share(world, filled, ["summary"])
    _pdf(client_for(world.caseworker_b), filled)
    event = AuditEvent.objects.filter(action="case.exported", actor_id=world.caseworker_b.pk).last()
    assert event.detail["sections"] == ["summary"]
    assert event.detail["identifying"] is False and event.detail["identifying_case_ids"] == []


def test_a_case_out_of_scope_is_a_404_and_the_probe_is_recorded(client_for, world, filled):
    for reader in (world.caseworker_b, world.screener_a, world.police_a):
        response = client_for(reader).get(reverse("cases:summary_pdf", args=[filled.pk]))
        assert response.status_code == 404, reader.role
        assert AuditEvent.objects.filter(action="access.denied", actor_id=reader.pk,
                                         target_id=str(filled.pk)).exists(), reader.role
        assert not AuditEvent.objects.filter(action="case.exported", actor_id=reader.pk).exists()
    response = client_for(world.caseworker_b).get(f"/api/v1/cases/{filled.pk}/summary.pdf")
    assert response.status_code == 404
    assert client_for(world.caseworker_a).get(reverse("cases:summary_pdf", args=[filled.pk]).replace(
        str(filled.pk), "00000000-0000-0000-0000-000000000000")).status_code == 404


def test_a_french_reader_gets_french_labels(client_for, world, filled):
    client = client_for(world.caseworker_a)
    client.cookies["django_language"] = "fr"
    printed = text(_pdf(client, filled, HTTP_ACCEPT_LANGUAGE="fr").content)
    assert "Nom légal" in printed and "Legal name" not in printed


def test_the_api_gives_the_same_pdf_and_records_it(client_for, world, filled):
    response = client_for(world.caseworker_a).get(f"/api/v1/cases/{filled.pk}/summary.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "no-store"
    assert response["Content-Disposition"] == f'attachment; filename="case-{filled.number}-summary.pdf"'
    printed = text(response.content)
    assert "Ana Beatriz Ferreira" in printed and NOTE in printed
    event = AuditEvent.objects.filter(action="case.exported", actor_id=world.caseworker_a.pk).last()
    assert event.detail["format"] == "pdf" and event.detail["via"] == "api"


def test_a_field_added_to_a_declaration_is_printed_with_no_other_edit(client_for, world, filled, monkeypatch):
    person = filled.person
    person.estimated_age = 31
    person.save()
    identity, tasks = sections.section("identity"), sections.section("tasks")
    monkeypatch.setitem(sections.DECLARED, "identity", dataclasses.replace(identity, fields=identity.fields + (
        Field("estimated_age", "Estimated age (added)", on="person", kind=FieldKind.INT),)))
    monkeypatch.setitem(sections.DECLARED, "tasks", dataclasses.replace(tasks, fields=tasks.fields + (
        Field("created_at", "Written down (added)", kind=FieldKind.DATETIME),)))
    printed = text(_pdf(client_for(world.caseworker_a), filled).content)
    assert re.search(r"Estimated age \(added\) 31\b", printed)
    assert "Written down (added)" in printed


def test_long_text_and_other_scripts_print(client_for, world, filled):
    services.update_person(actor=world.caseworker_a, case=filled, expected_version=filled.person.version,
                           changes={"preferred_name": "Maria Dalisay Ñino",
                                    "legal_name": "Ana Beatriz Ferreira Élodie"})
    long_note = "Word " * 2000 + "ENDMARK"
    services.add_note(actor=world.caseworker_a, case=filled, body=long_note)
    printed = text(_pdf(client_for(world.caseworker_a), filled).content)
    assert "Maria Dalisay Ñino" in printed and "Ana Beatriz Ferreira Élodie" in printed
    assert "ENDMARK" in printed


def test_the_case_page_links_to_the_printable_summary(client_for, world, filled):
    html = client_for(world.caseworker_a).get(reverse("cases:detail", args=[filled.pk])).content.decode()
    assert reverse("cases:summary_pdf", args=[filled.pk]) in html and "Print summary (PDF)" in html
