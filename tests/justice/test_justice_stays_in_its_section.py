"""What justice records say stays in the justice section, at every door: a deadline's task is seen only
by readers who see the justice section too, and the timeline's justice entries are read only by those
who see the section (a reader whose role lacks ``justice.view`` never does, in the owning organization
either)."""

from __future__ import annotations

import datetime

import pytest

from octip.justice import services
from tests.factories.consent import make_consent

pytestmark = pytest.mark.django_db


@pytest.fixture
def justice_records(case, caseworker, today):
    services.record_proceeding(actor=caseworker, case=case, accused="Synthetic Accused", charges=["cc_279_01"])
    services.record_immigration_status(actor=caseworker, case=case, kind="trp", decision="approved",
                                       issued_on=today, expires_on=today + datetime.timedelta(days=100))
    services.record_police_choice(actor=caseworker, case=case, choice="declines")


def _says_justice(text: str) -> bool:
    return any(words in text for words in ("TRP", "279.01", "Criminal proceedings", "choice about police",
                                            "Immigration status recorded", "Temporary resident permit"))


def test_a_role_without_justice_view_in_the_owning_organization_reads_no_justice(
        client_for, make_user, org, case, caseworker, justice_records):
    operator = client_for(make_user("hotline_operator", organization=org))
    assert operator.get(f"/api/v1/cases/{case.pk}/justice").status_code == 404
    timeline = operator.get(f"/api/v1/cases/{case.pk}/timeline")
    tasks = operator.get(f"/api/v1/cases/{case.pk}/tasks")
    page = operator.get(f"/app/cases/{case.pk}/")
    assert timeline.status_code == tasks.status_code == page.status_code == 200
    assert not _says_justice(timeline.content.decode()) and tasks.json() == []
    assert "Justice and immigration" not in page.content.decode() and not _says_justice(page.content.decode())
    # The case's own worker sees all of it.
    worker = client_for(caseworker)
    assert _says_justice(worker.get(f"/api/v1/cases/{case.pk}/timeline").content.decode())
    assert any("TRP expires" in task["title"] for task in worker.get(f"/api/v1/cases/{case.pk}/tasks").json())


def test_a_police_service_shown_the_tasks_but_not_the_justice_section_sees_no_deadline(
        client_for, case, caseworker, police_x, liaison_x, today):
    make_consent(case=case, obtained_by=caseworker, organization=police_x, sections=["summary", "tasks"])
    make_consent(case=case, obtained_by=caseworker, scope="police_contact")
    services.record_immigration_status(actor=caseworker, case=case, kind="trp", decision="approved",
                                       issued_on=today, expires_on=today + datetime.timedelta(days=100))
    services.record_police_contact(actor=caseworker, case=case, organization=police_x, purpose="report",
                                   sections=["summary", "tasks"], contacted_on=today)
    liaison = client_for(liaison_x)
    assert liaison.get(f"/api/v1/cases/{case.pk}/justice").status_code == 404
    tasks = liaison.get(f"/api/v1/cases/{case.pk}/tasks")
    assert tasks.status_code == 200 and "TRP" not in tasks.content.decode()


def test_the_secure_exports_timeline_leaves_out_justice_entries(case, caseworker, justice_records):
    from octip.cases import sections

    content = sections.content(case, {"summary", "timeline"})
    assert content["timeline"] and not _says_justice(str(content["timeline"]))
    assert _says_justice(str(sections.content(case, {"summary", "timeline", "justice"})["timeline"]))


def test_a_receiver_cannot_complete_or_read_a_justice_deadline_task_by_its_number(
        client_for, case, caseworker, partner_org, partner_worker, today):
    from octip.cases.sharing import grant_case_access

    services.record_immigration_status(actor=caseworker, case=case, kind="trp", decision="approved",
                                       issued_on=today, expires_on=today + datetime.timedelta(days=100))
    task = case.tasks.get(section="justice")
    grant_case_access(actor=caseworker, case=case, organization=partner_org, sections=["summary", "tasks"],
                      source="referral", source_id="test")
    receiver = client_for(partner_worker)
    assert receiver.get(f"/api/v1/cases/{case.pk}/tasks").json() == []
    done = receiver.post(f"/api/v1/cases/{case.pk}/tasks/{task.pk}/done", {"version": task.version},
                         content_type="application/json")
    assert done.status_code == 404 and "TRP" not in done.content.decode()
    task.refresh_from_db()
    assert task.done_at is None
