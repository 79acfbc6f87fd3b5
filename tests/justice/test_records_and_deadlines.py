"""Recording permits, CVAP applications and proceedings makes deadlines (tasks in "My work") with
reminders once per threshold; bad input is refused clearly and changes nothing; letters pass the
disclosure gate."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from octip.cases.models import Task
from octip.consent.policy import DisclosureRefused
from octip.core.models import AuditEvent
from octip.justice import services
from octip.justice.models import CvapApplication, Deadline, ImmigrationStatus, Letter, Proceeding, ReminderSent
from octip.notifications.models import Notification
from tests.justice.conftest import days

pytestmark = pytest.mark.django_db


def test_a_trp_without_an_expiry_gets_the_rule_of_its_day_and_lands_in_my_work(client_for, case, caseworker, today):
    status = services.record_immigration_status(actor=caseworker, case=case, kind="trp", decision="approved",
                                                applied_on=today - days(40), decided_on=today - days(5),
                                                issued_on=today - days(5))
    assert status.expires_on == today - days(5) + days(365)
    deadline = Deadline.objects.get(source="status", source_id=str(status.pk))
    assert deadline.kind == "trp_expiry" and deadline.due_on == status.expires_on
    assert deadline.task.assignee == caseworker and deadline.task.due == status.expires_on
    page = client_for(caseworker).get(reverse("cases:my_work")).content.decode()
    assert f"TRP expires: {status.expires_on.isoformat()}" in page
    listed = client_for(caseworker).get("/api/v1/justice/deadlines").json()
    assert [(d["kind"], d["due_on"]) for d in listed] == [("trp_expiry", status.expires_on.isoformat())]


def test_a_renewal_closes_the_old_permits_deadline(case, caseworker, today):
    first = services.record_immigration_status(actor=caseworker, case=case, kind="trp", decision="approved",
                                               issued_on=today - days(300), expires_on=today + days(20))
    renewal = services.record_immigration_status(actor=caseworker, case=case, kind="trp", decision="approved",
                                                 issued_on=today, renews=first)
    assert renewal.expires_on == today + days(365)
    old = Deadline.objects.get(source="status", source_id=str(first.pk))
    assert old.closed_at is not None and old.task.done_at is not None
    assert Deadline.objects.filter(closed_at__isnull=True).get().source_id == str(renewal.pk)


def test_each_reminder_is_sent_once_per_threshold(case, caseworker, today):
    status = services.record_immigration_status(actor=caseworker, case=case, kind="trp", decision="approved",
                                                issued_on=today - days(300), expires_on=today + days(100))
    for day, expected in [(0, 0), (10, 1), (10, 0), (11, 0), (70, 1), (71, 0), (93, 1), (93, 0), (101, 0)]:
        assert services.remind_deadlines(today=today + days(day)) == expected, day
    deadline = Deadline.objects.get(source_id=str(status.pk))
    assert sorted(ReminderSent.objects.filter(deadline=deadline).values_list("days_before", flat=True)) == [7, 30, 90]
    told = Notification.objects.filter(recipient=caseworker, kind="deadline.approaching")
    assert told.count() == 3
    assert all(set(n.params) <= {"number", "date"} for n in told)  # the case number and the date, nothing else


def test_cvap_deadline_comes_from_the_rule_and_the_persons_age(case, caseworker, today):
    case.person.date_of_birth = datetime.date(today.year - 18, 1, 1)  # a minor at the offence last year
    case.person.save()
    application = services.record_cvap_application(actor=caseworker, case=case, offence_on=today - days(365))
    assert application.apply_by == datetime.date(today.year + 3, 1, 1)  # two years from turning 19
    assert Deadline.objects.get(source="cvap").due_on == application.apply_by
    sexual = services.record_cvap_application(actor=caseworker, case=case, offence_on=today - days(365),
                                              sexual_offence=True)
    assert sexual.apply_by is None and not Deadline.objects.filter(source_id=str(sexual.pk)).exists()
    assert AuditEvent.objects.filter(action="person.viewed", purpose="cvap deadline").count() == 2


@pytest.mark.parametrize(("call", "field"), [
    (lambda a, c, t: services.record_immigration_status(actor=a, case=c, kind="trp", decision="approved",
                                                         issued_on=t, expires_on=t - days(1)), "expires_on"),
    (lambda a, c, t: services.record_immigration_status(actor=a, case=c, kind="trp", applied_on=t + days(3)),
     "applied_on"),
    (lambda a, c, t: services.record_immigration_status(actor=a, case=c, kind="visa"), "kind"),
    (lambda a, c, t: services.record_cvap_application(actor=a, case=c, offence_on=t + days(1)), "offence_on"),
    (lambda a, c, t: services.record_cvap_application(actor=a, case=c, offence_on=datetime.date(9999, 1, 1)),
     "offence_on"),
    (lambda a, c, t: services.record_proceeding(actor=a, case=c, accused="X", charges=["cc_999"]), "charges"),
    (lambda a, c, t: services.record_proceeding(actor=a, case=c, accused="X", charges=["cc_279_01"],
                                                publication_bans=["cc_486_9"]), "publication_bans"),
    (lambda a, c, t: services.record_police_contact(actor=a, case=c, external_agency="Town Police",
                                                    purpose="report", sections=["secrets"], contacted_on=t),
     "__all__"),
    (lambda a, c, t: services.record_police_contact(actor=a, case=c, external_agency="Town Police",
                                                    purpose="report", sections=["summary"],
                                                    contacted_on=t + days(2)), "contacted_on"),
])
def test_bad_dates_and_unknown_sections_get_a_clear_error_and_change_nothing(case, caseworker, today, call, field):
    before = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as invalid:
        call(caseworker, case, today)
    errors = invalid.value.message_dict if hasattr(invalid.value, "error_dict") else {"__all__": invalid.value.messages}
    assert field in errors and all(errors[field])
    assert not (ImmigrationStatus.objects.exists() or CvapApplication.objects.exists() or Proceeding.objects.exists()
                or Deadline.objects.exists() or Task.objects.exists())
    assert AuditEvent.objects.count() == before


def test_the_api_says_what_is_wrong(client_for, case, caseworker):
    client = client_for(caseworker)
    response = client.post(f"/api/v1/cases/{case.pk}/proceedings", {"accused": "Synthetic", "charges": ["cc_1"]},
                           content_type="application/json")
    assert response.status_code == 400 and "charges" in response.json()["errors"]
    response = client.post(f"/api/v1/cases/{case.pk}/cvap-applications", {"offence_on": "2026-02-30"},
                           content_type="application/json")
    assert response.status_code == 400
    assert not Proceeding.objects.exists() and not CvapApplication.objects.exists()


def test_a_court_date_reaches_the_worker_as_a_task(client_for, case, caseworker, today):
    proceeding = services.record_proceeding(actor=caseworker, case=case, accused="Synthetic Accused",
                                            charges=["cc_279_01", "irpa_118"], publication_bans=["cc_486_4"],
                                            conditions="No contact with the person; not within 500 m of the shelter",
                                            no_contact_order=True)
    services.add_court_date(actor=caseworker, proceeding=proceeding, on=today + days(10), kind="trial",
                            place="Surrey Provincial Court")
    services.record_testimonial_aid(actor=caseworker, proceeding=proceeding, section="cc_486_2",
                                    hearing_on=today + days(5))
    kinds = sorted(Deadline.objects.values_list("kind", flat=True))
    assert kinds == ["aid_hearing", "court_date"]
    assert Task.objects.filter(assignee=caseworker, done_at__isnull=True).count() == 2
    page = client_for(caseworker).get(reverse("justice:case", args=[case.pk])).content.decode()
    assert "Criminal Code s. 279.01, IRPA s. 118" in page and "Surrey Provincial Court" in page


def test_a_letter_is_a_disclosure_and_needs_the_persons_consent(client_for, case, caseworker):
    from tests.factories.consent import make_consent

    with pytest.raises(DisclosureRefused) as refused:
        services.produce_letter(actor=caseworker, case=case, kind="trp_support", details=["legal_name"])
    assert refused.value.decision.code == "no_consent" and not Letter.objects.exists()
    make_consent(case=case, obtained_by=caseworker, organization=None,
                 external_recipient=services.LETTER_RECIPIENTS["trp_support"], sections=["identity", "summary"])
    response = client_for(caseworker).post(reverse("justice:letter_new", args=[case.pk]), {
        "kind": "trp_support", "details": ["legal_name", "case_number"]})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    letter = Letter.objects.get()
    assert letter.details == ["legal_name", "case_number"] and letter.disclosure.sections == ["identity", "summary"]
    assert AuditEvent.objects.filter(action="justice.letter_produced").exists()


def test_the_justice_section_travels_with_a_secure_export(case, caseworker):
    import io
    import json

    import pyzipper

    from octip.referrals.secure_exports import create_secure_export, read_archive
    from tests.factories.consent import make_consent

    services.record_proceeding(actor=caseworker, case=case, accused="Synthetic Accused", charges=["cc_279_02"])
    make_consent(case=case, obtained_by=caseworker, organization=None, external_recipient="Legal Clinic (test)",
                 sections=["justice"])
    export, password = create_secure_export(actor=caseworker, case=case, recipient="Legal Clinic (test)",
                                            purpose="Advice", sections=["justice"])
    with pyzipper.AESZipFile(io.BytesIO(read_archive(actor=caseworker, export=export))) as archive:
        archive.setpassword(password.encode())
        content = json.loads(archive.read("case.json"))
    assert content["justice"]["proceedings"][0]["charges"] == ["Criminal Code s. 279.02"]


def test_decisions_later_move_the_deadlines(client_for, case, caseworker, today):
    status = services.record_immigration_status(actor=caseworker, case=case, kind="trp", applied_on=today - days(9))
    assert not Deadline.objects.exists()  # pending: nothing expires yet
    response = client_for(caseworker).post(reverse("justice:status_edit", args=[status.pk]), {
        "decision": "approved", "applied_on": (today - days(9)).isoformat(), "decided_on": today.isoformat(),
        "issued_on": today.isoformat(), "expires_on": ""})
    assert response.status_code == 302
    assert Deadline.objects.get(kind="trp_expiry").due_on == today + days(365)

    application = services.record_cvap_application(actor=caseworker, case=case, offence_on=today - days(30),
                                                   benefits_requested=["counselling"])
    assert Deadline.objects.get(kind="cvap_deadline").closed_at is None
    response = client_for(caseworker).patch(f"/api/v1/cvap-applications/{application.pk}", {
        "status": "submitted", "submitted_on": today.isoformat()}, content_type="application/json")
    assert response.status_code == 200 and response.json()["status"] == "submitted"
    assert Deadline.objects.get(kind="cvap_deadline").closed_at is not None
    response = client_for(caseworker).patch(f"/api/v1/cvap-applications/{application.pk}", {
        "benefits_granted": ["transportation"]}, content_type="application/json")
    assert response.status_code == 400 and "benefits_granted" in response.json()["errors"]

    proceeding = services.record_proceeding(actor=caseworker, case=case, accused="Synthetic Accused",
                                            charges=["cc_279_01"])
    aid = services.record_testimonial_aid(actor=caseworker, proceeding=proceeding, section="cc_486_1",
                                          hearing_on=today + days(4))
    assert client_for(caseworker).post(f"/api/v1/testimonial-aids/{aid.pk}/decision", {"status": "granted"},
                                       content_type="application/json").status_code == 200
    assert Deadline.objects.get(kind="aid_hearing").closed_at is not None
    page = client_for(caseworker).get(reverse("justice:proceeding_edit", args=[proceeding.pk]))
    assert page.status_code == 200 and "Synthetic Accused" not in page.content.decode().split("<form")[1]
    response = client_for(caseworker).post(reverse("justice:proceeding_edit", args=[proceeding.pk]), {
        "charges": ["cc_279_01"], "impact_statement": "presented", "outcome": "convicted", "sentence": "4 years",
        "restitution_ordered": "on", "restitution_amount": "2500.00"})
    assert response.status_code == 302
    proceeding.refresh_from_db()
    assert (proceeding.outcome, proceeding.impact_statement, str(proceeding.restitution_amount)) == (
        "convicted", "presented", "2500.00")


def test_a_letter_carries_only_the_details_the_person_chose(case, caseworker):
    from django.template.loader import render_to_string

    from octip.justice.letters import letter_context

    letter = Letter(case=case, kind="trp_support", details=["case_number"])
    context = letter_context(letter=letter, case=case, author=caseworker)
    text = render_to_string("justice/letters/trp_support.txt", context)
    assert case.number in text and case.person.legal_name not in text and "1990-05-17" not in text
    letter.details = ["legal_name", "date_of_birth"]
    text = render_to_string("justice/letters/trp_support.txt", letter_context(letter=letter, case=case,
                                                                             author=caseworker))
    assert case.person.legal_name in text and "1990-05-17" in text and case.number not in text


def test_the_deadlines_api_pages_by_cursor_and_refuses_a_bad_one(client_for, case, caseworker, today):
    for offset in (10, 20, 30):
        services.record_immigration_status(actor=caseworker, case=case, kind="trp", decision="approved",
                                           issued_on=today - days(300 - offset), expires_on=today + days(offset))
    client = client_for(caseworker)
    first = client.get("/api/v1/justice/deadlines", {"limit": 2})
    assert first.status_code == 200 and len(first.json()) == 2
    cursor = first["X-Next-Cursor"]
    second = client.get("/api/v1/justice/deadlines", {"limit": 2, "cursor": cursor})
    assert second.status_code == 200 and "X-Next-Cursor" not in second
    due = [d["due_on"] for d in first.json() + second.json()]
    assert due == sorted(due) and len(set(due)) == 3
    listed = AuditEvent.objects.filter(action="justice.deadlines_listed", actor_id=caseworker.pk)
    before = listed.count()
    bad = client.get("/api/v1/justice/deadlines", {"limit": 2, "cursor": cursor[:-3] + "xyz"})
    assert bad.status_code == 400 and "cursor" in bad.content.decode()
    assert listed.count() == before  # refused before anything was read or recorded
    assert client.get("/api/v1/justice/deadlines", {"limit": 0}).status_code in (400, 422)
