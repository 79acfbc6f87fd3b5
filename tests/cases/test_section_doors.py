"""Every door shows a section exactly as ``cases.sections`` declares it.

A receiver of a referral given sections S sees exactly S — every declared field of a shared section and
nothing of the others — through the case page, the API (the case and its sub-resources), the CSV and
XLSX exports, the secure export ZIP and the printable case summary (PDF, page and API). And a field
added to a section's declaration appears at every door with no other edit.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime
import io
import json

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import conditional_escape

from octip.cases import sections, services
from octip.cases.sections import Field, FieldKind
from octip.cases.selectors import case_or_404, sections_visible_to, timeline
from octip.core.csv_safety import neutralise
from tests.cases.conftest import case_data, person_data
from tests.factories.consent import make_consent
from tests.factories.consent_fixtures import caseworker, owner_team, partner_org, partner_worker  # noqa: F401

pytestmark = pytest.mark.django_db

RECIPIENT = "Synthetic Legal Clinic (off the platform)"
#: A value of each section that no other section (nor the case header) shows.
MARKERS = {
    "identity": ["Ana Beatriz Ferreira", "bia@example.invalid", "12 Synthetic Lane", "GUARDIANMARK"],
    # A flag's kind is the summary's (its reason stays in the owning circle: ``FLAG_REASON``).
    "summary": ["Debt bondage", "Labour exploitation", "Trafficker may make contact"],
    "needs": ["NEEDMARK a bed for two nights"],
    "plan": ["GOALMARK safe housing", "ACTIONMARK apply for housing"],
    "tasks": ["TASKMARK call the shelter"],
    "notes": ["NOTEMARK met at the depot"],
    "safety_plan": ["SAFETYMARK bluebird"],
    "documents": ["DOCMARK-letter.txt", "IDDOCMARK-passport-scan.txt"],
    "consents": [RECIPIENT],
    "profile": ["PROFILECITYMARK Synthetic Town", "PROFILEDESCMARK a synthetic job fair"],
    "timeline": [],
    "services": ["DELIVERYMARK bus pass until June"],
    "follow_ups": ["FOLLOWUPMARK met at the library", "WITHMARK cousin Rosa"],
}
#: Markers shown only when a further section is open too (issue 9 #4): a document's file name, and a
#: document of kind identity at all, go with the identity section.
ALSO_NEEDS = {"DOCMARK-letter.txt": "identity", "IDDOCMARK-passport-scan.txt": "identity"}
#: Data doors (the ZIP) carry codes where pages show labels.
DATA_MARKERS = {**MARKERS, "summary": ["DebtBondage", "agriculture_animal_husbandry", "trafficker_contact"]}
RESTRICTED = "RESTRICTEDMARK only the owning team"
#: A flag's reason and a risk assessment's rationale: free text no receiver reads, whatever it was given.
FLAG_REASON = "FLAGREASONMARK the recruiter waits outside"
RISK_RATIONALE = "RISKRATIONALEMARK threats last week"
#: The API sub-resource of each section of rows (and of the summary's youth profile).
SUB_RESOURCES = {"needs": "needs", "plan": "goals", "tasks": "tasks", "notes": "notes", "safety_plan": "safety-plan",
                 "documents": "documents", "timeline": "timeline", "consents": "consents", "services": "services",
                 "follow_ups": "follow-ups", "profile": "profile"}
#: Page headings of the sections the case page shows by id.
HEADINGS = {"identity": "identity", "needs": "needs", "plan": "plan", "tasks": "tasks", "notes": "notes",
            "safety_plan": "safety", "documents": "documents", "timeline": "timeline", "services": "services",
            "follow_ups": "follow-ups", "profile": "profile"}

COMBINATIONS = [[name] for name in sections.SECTIONS] + [
    ["summary", "identity"], ["needs", "plan", "tasks"], ["notes", "documents", "timeline"], ["documents", "identity"],
    ["services", "follow_ups", "timeline"], ["plan", "tasks"], ["profile", "timeline"],
    sorted(sections.ALL_SECTIONS)]


@pytest.fixture(autouse=True)
def _storage(settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path)}}}


@pytest.fixture
def rich_case(caseworker):  # noqa: F811
    """A youth case with a value in every declared field of every section."""
    born = timezone.localdate() - datetime.timedelta(days=365 * 16)
    case = services.open_case(actor=caseworker, person=person_data(
        date_of_birth=born, pronouns="she/her", interpreter_needed=True, identity_documents=[
            {"type": "passport", "number": "BR998877", "country": "BR", "held_by_person": False}]),
        case=case_data(immediate_danger=True, needs_interpreter=True))
    services.record_duty_to_report(actor=caseworker, case=case, reported_by_name="Synthetic Worker",
                                   reported_at=timezone.now(), office="mcfd_line")
    youth = case.youth
    services.update_youth_profile(actor=caseworker, case=case, expected_version=youth.version, changes={
        "guardian_name": "GUARDIANMARK Aunt", "guardian_contact": "604 555 0111", "guardian_relationship": "aunt",
        "separation": "separated", "migrant_services_involved": True, "consent_given_by": "both"})
    services.save_need(actor=caseworker, case=case, domain="shelter", priority="high", status="identified",
                       notes=MARKERS["needs"][0])
    goal = services.add_goal(actor=caseworker, case=case, description=MARKERS["plan"][0])
    services.add_plan_action(actor=caseworker, goal=goal, description=MARKERS["plan"][1], owner=caseworker,
                             due=timezone.localdate() + datetime.timedelta(days=7))
    services.add_task(actor=caseworker, case=case, title=MARKERS["tasks"][0],
                      due=timezone.localdate() + datetime.timedelta(days=3), assignee=caseworker)
    services.add_note(actor=caseworker, case=case, body=MARKERS["notes"][0])
    services.add_note(actor=caseworker, case=case, body=RESTRICTED, sensitivity="restricted")
    services.save_safety_plan(actor=caseworker, case=case, expected_version=None, changes={
        "risks": "Former employer", "trusted_contacts": "Sister", "code_words": MARKERS["safety_plan"][0],
        "emergency_steps": "Call 911"})
    services.upload_document(actor=caseworker, case=case, kind="correspondence", filename=MARKERS["documents"][0],
                             content=b"A synthetic letter.")
    services.upload_document(actor=caseworker, case=case, kind="identity", filename=MARKERS["documents"][1],
                             content=b"A synthetic passport scan.")
    services.raise_flag(actor=caseworker, case=case, kind="trafficker_contact", reason=FLAG_REASON,
                        review_date=timezone.localdate() + datetime.timedelta(days=10))
    services.assess_risk(actor=caseworker, case=case_or_404(actor=caseworker, case_id=case.pk), level="high",
                         rationale=RISK_RATIONALE)
    services.add_service_delivery(actor=caseworker, case=case, status="in_progress", domain="income",
                                  provider_organization=caseworker.organization, notes=MARKERS["services"][0],
                                  started_on=timezone.localdate())
    services.record_follow_up(actor=caseworker, case=case, contacted_on=timezone.localdate(), mode="in_person",
                              with_whom=["person", "family"], with_whom_detail=MARKERS["follow_ups"][1],
                              note=MARKERS["follow_ups"][0])
    services.save_trafficking_profile(actor=caseworker, case=case, expected_version=None, changes={
        "trafficking_status": "ActualVictimOfTrafficking", "status_decided_by": "NGO",
        "recruitment_methods": ["ThroughAnOnlineAdvertisement"], "recruitment_platforms": ["Facebook"],
        "exploitation_platforms": ["WhatsApp"], "labour_industry": "A_AgricultureForestryAndFishing",
        "sex_exploitation_types": ["Pornography"], "vulnerabilities": ["Migration"],
        "trafficker_relationship": "Acquainted", "age_when_trafficked": 15})
    services.add_trafficking_event(actor=caseworker, case=case, values={
        "type": "Recruitment", "date": datetime.date(2024, 3, 1), "date_precision": "month",
        "city": MARKERS["profile"][0], "state": "Jalisco", "country": "MX", "description": MARKERS["profile"][1]})
    return case_or_404(actor=caseworker, case_id=case.pk)


def _refer(case, caseworker, partner_org, chosen, receiver):  # noqa: F811
    from octip.referrals.services import change_referral_status, send_referral, without_email

    make_consent(case=case, obtained_by=caseworker, organization=partner_org, sections=chosen)
    # The consent the secure export needs; its recipient is the export's marker of the consents section.
    make_consent(case=case, obtained_by=caseworker, organization=None, external_recipient=RECIPIENT, sections=chosen)
    with without_email():
        referral = send_referral(actor=caseworker, case=case, organization=partner_org, purpose="Support",
                                 urgency="urgent", sections=chosen)
        change_referral_status(actor=receiver, referral=referral, action="accept")


def _applicable(name, case):
    return sections.values(sections.fields_of(name), case)


def _segment(html: str, heading: str) -> str:
    start = html.index(f'id="{heading}-heading"')
    return html[start:html.index("</section>", start)]


def _escaped(text) -> str:
    return str(conditional_escape(text))


# --- The doors ---------------------------------------------------------------------------------

def _check_page(client, reader, case, chosen):
    html = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    for name, heading in HEADINGS.items():
        assert (f'id="{heading}-heading"' in html) == (name in chosen), name
    summary = _segment(html, "summary")
    for field in sections.fields_of("summary", on=["", "person"]):
        assert (f"<dt>{_escaped(field.label)}</dt>" in summary) == ("summary" in chosen), field.name
    for name in sections.CASE_LEVEL:
        if name not in chosen:  # not one of its fields, wherever the page would put it
            assert not [f.name for f in sections.fields_of(name) if f"<dt>{_escaped(f.label)}</dt>" in html], name
    if "summary" in chosen:
        for fact in sections.facts(sections.fields_of("summary", on=["", "person"]), case):
            assert f"<dd>{_escaped(fact.text)}</dd>" in summary, fact.field.name
        youth = _segment(html, "youth")
        for fact in sections.facts(sections.fields_of("summary", on=["youth"]), case):
            assert f"<dt>{_escaped(fact.label)}</dt><dd>{_escaped(fact.text)}</dd>" in youth, fact.field.name
    if "identity" in chosen:
        identity = _segment(html, "identity")
        for fact in sections.facts(sections.fields_of("identity", on=["person"]), case):
            assert f"<dt>{_escaped(fact.label)}</dt>" in identity, fact.field.name
            assert _escaped(fact.text) in identity, fact.field.name
        youth = _segment(html, "youth")
        for fact in sections.facts(sections.fields_of("identity", on=["youth"]), case):
            assert f"<dt>{_escaped(fact.label)}</dt><dd>{_escaped(fact.text)}</dd>" in youth, fact.field.name
    for name in ("needs", "plan", "tasks", "notes", "documents", "timeline", "services", "follow_ups", "profile"):
        if name not in chosen:
            continue
        part = _segment(html, HEADINGS[name])
        # A receiver's timeline leaves out the case's other sharing (``selectors.timeline``).
        rows = (timeline(actor=reader, case=case, sections=sections_visible_to(reader, case)) if name == "timeline"
                else sections.open_rows(name, sections.section(name).rows(case), chosen))
        for row in rows:
            for fact in sections.facts(sections.open_fields(name, chosen), row):
                if fact.field.kind == FieldKind.ROWS:
                    for _child, child_facts in fact.rows:
                        assert all(_escaped(f.text) in part for f in child_facts), fact.field.name
                else:
                    assert _escaped(fact.text) in part, (name, fact.field.name)
        for field in sections.open_fields(name, chosen):
            if name not in ("notes", "timeline"):  # a note's and an entry's fields are read unlabelled
                assert _escaped(field.label) in part, (name, field.name)
    printed = client.get(reverse("cases:safety_plan_print", args=[case.pk]))
    assert printed.status_code == (200 if "safety_plan" in chosen else 404)
    if "safety_plan" in chosen:
        text = printed.content.decode()
        for fact in sections.facts(sections.fields_of("safety_plan"), case.safety_plan):
            assert _escaped(fact.field.own_words or fact.label) in text and _escaped(fact.text) in text
    consents = client.get(reverse("consent:case_consents", args=[case.pk]))
    assert consents.status_code == (200 if "consents" in chosen else 404)
    for name, markers in MARKERS.items():
        for marker in markers:
            if name != "consents":
                shown = name in chosen and ALSO_NEEDS.get(marker, name) in chosen
                assert (_escaped(marker) in html or marker in printed.content.decode()) == shown, marker
    assert RESTRICTED not in html
    assert FLAG_REASON not in html and RISK_RATIONALE not in html


def _check_api(client, case, chosen):
    body = client.get(f"/api/v1/cases/{case.pk}").json()
    assert body["sections"] == sorted(chosen)
    for field in sections.fields_of("summary", on=["", "person"]):
        expected = sections.plain(sections.value(field, case)) if "summary" in chosen else sections.withheld(field)
        assert body[field.name] == expected, field.name
    if "identity" in chosen:
        person = sections.plain(sections.values(sections.fields_of("identity", on=["person"]), case))
        assert {k: body["person"][k] for k in person} == person
    else:
        assert body["person"] is None
    youth = client.get(f"/api/v1/cases/{case.pk}/youth")
    assert youth.status_code == (200 if "summary" in chosen else 404)
    if "summary" in chosen:
        data = youth.json()
        for field in sections.fields_of("summary", on=["youth"]):
            assert data[field.name] == sections.plain(sections.value(field, case)), field.name
        for field in sections.fields_of("identity", on=["youth"]):
            shown = sections.value(field, case) if "identity" in chosen else None
            assert data[field.name] == shown, field.name
    for name, path in SUB_RESOURCES.items():
        response = client.get(f"/api/v1/cases/{case.pk}/{path}")
        assert response.status_code == (200 if name in chosen else 404), name
        if name not in chosen or name == "consents":
            continue
        rows = response.json()
        rows = [rows] if isinstance(rows, dict) else rows
        assert rows, name
        declared = {f.name for f in sections.fields_of(name)}
        for row in rows:
            assert declared <= set(row), (name, declared - set(row))
        if name == "documents":  # identity documents and file names go with the identity section
            assert ({r["kind"] for r in rows} >= {"identity"}) == ("identity" in chosen)
            assert {r["filename"] for r in rows} == (set(MARKERS["documents"]) if "identity" in chosen else {""})
        if name == "plan":
            action_fields = {f.name for f in sections.field_of("plan", "actions").fields}
            assert all(action_fields <= set(a) for g in rows for a in g["actions"])
        if name == "profile":
            event_fields = {f.name for f in sections.field_of("profile", "events").fields}
            assert all(event_fields <= set(e) for p in rows for e in p["events"]) and rows[0]["events"]
        assert RESTRICTED not in response.content.decode()
        assert FLAG_REASON not in response.content.decode() and RISK_RATIONALE not in response.content.decode()
    flags = client.get(f"/api/v1/cases/{case.pk}/flags")
    assert flags.status_code == (200 if "summary" in chosen else 404)
    if "summary" in chosen:
        assert [(f["kind"], f["reason"]) for f in flags.json()] == [("trafficker_contact", None)]
    assert client.get(f"/api/v1/cases/{case.pk}/risk").status_code == 404


def _expected_cells(case, chosen):
    return {c.name: (c.field, c.section in chosen) for c in sections.columns(sections.CASE_LEVEL, identifying=True)}


def _check_exports(client, case, chosen):
    from openpyxl import load_workbook

    text = b"".join(client.get(reverse("cases:export_csv")).streaming_content).decode()
    assert FLAG_REASON not in text and RISK_RATIONALE not in text
    rows = list(csv.reader(io.StringIO(text)))
    header, row = rows[0], next(r for r in rows[1:] if r[0] == case.number)
    cells = dict(zip(header, row, strict=True))
    expected = _expected_cells(case, chosen)
    assert set(header) - set(expected) == {"case_number", "case_id", "track", "stage", "owner_organization",
                                           "owner_team", "opened_at", "overdue_tasks"}
    for name, (field, shown) in expected.items():
        value = sections.cell(field, case) if shown else ""
        assert cells[name] == str(neutralise(value)), name

    book = load_workbook(io.BytesIO(b"".join(client.get(reverse("cases:export_xlsx")).streaming_content)))
    sheet_rows = [list(r) for r in book.active.iter_rows(values_only=True)]
    sheet = dict(zip(sheet_rows[0], next(r for r in sheet_rows[1:] if r[0] == case.number), strict=True))
    for name, (field, shown) in expected.items():
        value = neutralise(sections.cell(field, case)) if shown else ""
        assert (sheet[name] if sheet[name] is not None else "") == value, name


def _check_secure_export(caseworker, case, chosen):  # noqa: F811
    import pyzipper

    from octip.referrals.secure_exports import create_secure_export, read_archive

    export, password = create_secure_export(actor=caseworker, case=case, recipient=RECIPIENT, purpose="Advice",
                                            sections=chosen)
    with pyzipper.AESZipFile(io.BytesIO(read_archive(actor=caseworker, export=export))) as archive:
        archive.setpassword(password.encode())
        raw = archive.read("case.json").decode()
    content = json.loads(raw)
    assert set(content) == {"case_number", "track", "stage", *chosen}
    for name in chosen:
        declared = sections.section(name)
        if declared.owner != "cases":
            continue
        if declared.rows is None:
            assert set(content[name]) == set(_applicable(name, case)), name
            continue
        rows = [content[name]] if declared.single else content[name]
        assert rows, name
        for row in rows:
            assert set(row) == {f.name for f in sections.open_fields(name, chosen)}, name
    for name, markers in DATA_MARKERS.items():
        for marker in markers:
            if name != "consents":
                assert (marker in raw) == (name in chosen and ALSO_NEEDS.get(marker, name) in chosen), marker
    assert RESTRICTED not in raw
    assert FLAG_REASON not in raw and RISK_RATIONALE not in raw
    if "consents" in chosen:
        assert {c["recipient"] for c in content["consents"]} >= {RECIPIENT}


def _flat(value) -> str:
    from octip.cases.summary_pdf import _plain

    return " ".join(_plain(value).split())


def _check_summary_pdf(client, reader, case, chosen):
    from tests.cases.pdf_text import text as pdf_text

    response = client.get(reverse("cases:summary_pdf", args=[case.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    api = client.get(f"/api/v1/cases/{case.pk}/summary.pdf")
    assert api.status_code == 200 and api["Content-Type"] == "application/pdf"
    printed = pdf_text(response.content)
    assert sections_visible_to(reader, case) == set(chosen)
    for name in sections.SECTIONS:
        label = " ".join(str(sections.section(name).label).split())
        if "(" in label:  # a label no other text of the summary repeats (a timeline entry says "Safety plan updated")
            assert (label in printed) == (name in chosen), name
        elif name in chosen:
            assert label in printed, name
    for name in chosen:
        declared = sections.section(name)
        if declared.owner != "cases":
            continue
        if declared.rows is None:
            rows = [case]
        elif name == "timeline":
            rows = timeline(actor=reader, case=case, sections=frozenset(chosen))
        else:
            rows = sections.open_rows(name, declared.rows(case), chosen)
        for row in rows:
            for fact in sections.facts(sections.open_fields(name, chosen), row):
                assert " ".join(str(fact.label).split()) in printed, (name, fact.field.name)
                texts = ([c.text for _child, child_facts in fact.rows for c in child_facts]
                         if fact.field.kind == FieldKind.ROWS else [fact.text])
                for shown in texts:
                    assert _flat(shown) in printed, (name, fact.field.name)
    for name, markers in MARKERS.items():
        for marker in markers:
            if name != "consents":
                assert (marker in printed) == (name in chosen and ALSO_NEEDS.get(marker, name) in chosen), marker
    # Restricted notes never leave the owning team; a receiver reads only the consent its access rests on.
    assert RESTRICTED not in printed and RECIPIENT not in printed


@pytest.mark.parametrize("chosen", COMBINATIONS, ids=["+".join(c) for c in COMBINATIONS])
def test_a_receiver_given_sections_sees_exactly_them_at_every_door(client_for, rich_case, caseworker,  # noqa: F811
                                                                   partner_org, partner_worker, chosen):  # noqa: F811
    _refer(rich_case, caseworker, partner_org, chosen, partner_worker)
    receiver = client_for(partner_worker)
    _check_page(receiver, partner_worker, rich_case, chosen)
    _check_api(receiver, rich_case, chosen)
    _check_exports(receiver, rich_case, chosen)
    _check_secure_export(caseworker, rich_case, chosen)
    _check_summary_pdf(receiver, partner_worker, rich_case, chosen)


def test_a_field_added_to_a_section_appears_at_every_door(client_for, rich_case, caseworker, partner_org,  # noqa: F811
                                                          partner_worker, monkeypatch):  # noqa: F811
    person = rich_case.person
    person.estimated_age = 31
    person.save()
    identity, tasks = sections.section("identity"), sections.section("tasks")
    monkeypatch.setitem(sections.DECLARED, "identity", dataclasses.replace(identity, fields=identity.fields + (
        Field("estimated_age", "Estimated age (added)", on="person", kind=FieldKind.INT),)))
    monkeypatch.setitem(sections.DECLARED, "tasks", dataclasses.replace(tasks, fields=tasks.fields + (
        Field("created_at", "Written down (added)", kind=FieldKind.DATETIME),)))
    chosen = ["identity", "tasks"]
    _refer(rich_case, caseworker, partner_org, chosen, partner_worker)
    receiver = client_for(partner_worker)

    page = receiver.get(reverse("cases:detail", args=[rich_case.pk])).content.decode()
    assert "<dt>Estimated age (added)</dt><dd>31</dd>" in _segment(page, "identity")
    assert "Written down (added)" in _segment(page, "tasks")
    assert receiver.get(f"/api/v1/cases/{rich_case.pk}").json()["person"]["estimated_age"] == 31
    assert all("created_at" in t for t in receiver.get(f"/api/v1/cases/{rich_case.pk}/tasks").json())
    text = b"".join(receiver.get(reverse("cases:export_csv")).streaming_content).decode()
    rows = list(csv.reader(io.StringIO(text)))
    row = next(r for r in rows[1:] if r[0] == rich_case.number)
    assert dict(zip(rows[0], row, strict=True))["estimated_age"] == "31"
    _check_page(receiver, partner_worker, rich_case, chosen)
    _check_api(receiver, rich_case, chosen)
    _check_exports(receiver, rich_case, chosen)
    _check_secure_export(caseworker, rich_case, chosen)
    from tests.cases.pdf_text import text as pdf_text

    printed = pdf_text(receiver.get(reverse("cases:summary_pdf", args=[rich_case.pk])).content)
    assert "Estimated age (added) 31" in printed and "Written down (added)" in printed
    _check_summary_pdf(receiver, partner_worker, rich_case, chosen)


def test_the_api_shapes_are_the_declared_fields():
    from octip.cases import schemas

    shapes = {"needs": schemas.NeedOut, "plan": schemas.GoalOut, "tasks": schemas.TaskOut, "notes": schemas.NoteOut,
              "safety_plan": schemas.SafetyPlanOut, "documents": schemas.DocumentOut,
              "timeline": schemas.TimelineOut, "services": schemas.ServiceDeliveryOut,
              "follow_ups": schemas.FollowUpOut, "profile": schemas.TraffickingProfileOut}
    for name, shape in shapes.items():
        assert {f.name for f in sections.fields_of(name)} <= set(shape.model_fields), name
    assert {f.name for f in sections.fields_of("summary", on=["", "person"])} <= set(schemas.CaseOut.model_fields)
    assert {f.name for f in sections.fields_of("identity", on=["person"])} <= set(schemas.PersonOut.model_fields)


def test_every_case_owned_section_declares_its_fields_and_consents_belong_to_consent():
    assert set(sections.DECLARED) == sections.ALL_SECTIONS
    for name, declared in sections.DECLARED.items():
        assert bool(declared.fields) == (declared.owner == "cases"), name
    assert sections.section("consents").owner == "consent"
    # Free text and personal identifiers are marked identifying, so exports without the permission drop them.
    identifying = {f.name for s in sections.DECLARED.values() for f in s.fields if f.identifying}
    assert {"legal_name", "date_of_birth", "phone", "email", "address", "notes", "body", "title",
            "code_words", "filename", "note", "with_whom_detail"} <= identifying
    assert not [c for c in sections.columns(sections.CASE_LEVEL, identifying=False)
                if c.field.identifying or c.section == "identity"]
