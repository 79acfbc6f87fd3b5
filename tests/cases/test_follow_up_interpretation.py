"""Interpretation of a follow-up meeting: recorded through the service (page and API), refused when
incomplete, the id encrypted; the warning on saving and on the case page, the suggested flag, a restricted
timeline entry; the declared fields at every door (case page, API, printable summary), the id only with
the identity section; another organization gets 404."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from octip.cases import services
from octip.cases.models import FollowUp, TimelineEntry
from octip.cases.selectors import sections_visible_to, timeline
from octip.cases.sharing import grant_case_access
from octip.core.models import AuditEvent
from tests.cases.pdf_text import text
from tests.factories.consent_fixtures import case, caseworker, owner_team, partner_org, partner_worker  # noqa: F401

pytestmark = pytest.mark.django_db

WARNING = "The interpreter may know the person or the trafficker"
INTERPRETER_ID = "FOLLOWID-2208"


def _follow_up(actor, case, **interpreter):  # noqa: F811
    values = {"interpreter_used": True, "interpreter_language": "Tigrinya", "interpreter_agency": "Synthetic Co-op",
              "interpreter_id": INTERPRETER_ID, "interpreter_knows": "no"}
    values.update(interpreter)
    return services.record_follow_up(actor=actor, case=case, contacted_on=timezone.localdate(), mode="in_person",
                                     with_whom=["person", "interpreter"], **values)


def _form(**overrides) -> dict:
    data = {"contacted_on": timezone.localdate().isoformat(), "mode": "in_person", "with_whom": ["person"],
            "interpreter_used": "on", "interpreter_language": "Tigrinya", "interpreter_agency": "Synthetic Co-op",
            "interpreter_id": INTERPRETER_ID, "interpreter_knows": "knows_person"}
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_a_follow_up_with_an_interpreter_who_knows_the_person_warns_and_is_on_the_timeline(
        client_for, case, caseworker):  # noqa: F811
    client = client_for(caseworker)
    response = client.post(reverse("cases:follow_up_add", args=[case.pk]), _form(), follow=True)
    assert response.status_code == 200
    follow_up = FollowUp.objects.get()
    assert follow_up.interpreter_may_know and follow_up.interpreter_id == INTERPRETER_ID
    page = response.content.decode()
    assert WARNING in page and "Knows the person" in page and INTERPRETER_ID in page
    assert "?kind=interpreter_not_community" in page
    entry = TimelineEntry.objects.get(case=case, kind="case.interpreter_may_know")
    assert entry.restricted and entry.detail == {"follow_up_id": follow_up.pk}
    assert "may know the person" in entry.summary
    event = AuditEvent.objects.get(action="case.follow_up_recorded")
    assert event.detail["interpreter_knows"] == "knows_person" and INTERPRETER_ID not in str(event.detail)


def test_the_form_groups_the_interpretation_in_a_fieldset(client_for, case, caseworker):  # noqa: F811
    page = client_for(caseworker).get(reverse("cases:follow_up_add", args=[case.pk])).content.decode()
    assert '<fieldset class="interpretation">' in page and "<legend>Interpretation</legend>" in page
    assert page.count('name="interpreter_knows"') == 1


@pytest.mark.parametrize(("overrides", "field"), [
    ({"interpreter_knows": ""}, "interpreter_knows"),
    ({"interpreter_language": ""}, "interpreter_language"),
    ({"interpreter_used": None}, "interpreter_agency"),
])
def test_an_incomplete_interpretation_is_refused_and_nothing_saved(
        client_for, case, caseworker, overrides, field):  # noqa: F811
    response = client_for(caseworker).post(reverse("cases:follow_up_add", args=[case.pk]), _form(**overrides))
    assert response.status_code == 400 and field in response.context["form"].errors
    with pytest.raises(ValidationError):
        _follow_up(caseworker, case, **{k: ("" if v is None else v) for k, v in overrides.items()})
    assert not FollowUp.objects.exists()
    assert not TimelineEntry.objects.filter(kind__in=["case.follow_up_recorded", "case.interpreter_may_know"]).exists()


def test_the_interpreter_id_is_encrypted_at_rest(case, caseworker):  # noqa: F811
    _follow_up(caseworker, case)
    with connection.cursor() as cursor:
        cursor.execute("SELECT interpreter_id, interpreter_language FROM cases_followup")
        stored, language = cursor.fetchone()
    assert stored and INTERPRETER_ID not in stored and "2208" not in stored and language == "Tigrinya"


def test_a_correction_to_a_worrying_answer_writes_one_entry_and_keeps_what_it_leaves_out(
        case, caseworker):  # noqa: F811
    follow_up = _follow_up(caseworker, case)
    assert not TimelineEntry.objects.filter(kind="case.interpreter_may_know").exists()
    services.update_follow_up(actor=caseworker, follow_up=follow_up, expected_version=follow_up.version,
                              contacted_on=follow_up.contacted_on, mode="phone", with_whom=["person"],
                              interpreter_knows="unsure")
    follow_up.refresh_from_db()
    assert follow_up.interpreter_knows == "unsure" and follow_up.interpreter_id == INTERPRETER_ID
    assert TimelineEntry.objects.filter(kind="case.interpreter_may_know").count() == 1
    event = AuditEvent.objects.filter(action="case.follow_up_updated").latest("pk")
    assert event.detail["interpreter_fields"] == ["interpreter_knows"]


def test_the_api_records_and_lists_the_interpretation(client_for, case, caseworker):  # noqa: F811
    api = client_for(caseworker)
    made = api.post(f"/api/v1/cases/{case.pk}/follow-ups", content_type="application/json", data={
        "contacted_on": timezone.localdate().isoformat(), "mode": "video", "with_whom": ["person"],
        "interpreter_used": True, "interpreter_language": "Dari", "interpreter_id": INTERPRETER_ID,
        "interpreter_knows": "knows_both"})
    assert made.status_code == 201, made.content
    body = made.json()
    assert body["interpreter_knows"] == "knows_both" and body["interpreter_id"] == INTERPRETER_ID
    edited = api.put(f"/api/v1/cases/{case.pk}/follow-ups/{body['id']}", content_type="application/json", data={
        "contacted_on": timezone.localdate().isoformat(), "mode": "phone", "with_whom": ["person"],
        "version": body["version"]})
    assert edited.status_code == 200 and edited.json()["interpreter_knows"] == "knows_both"  # left out: kept
    bad = api.post(f"/api/v1/cases/{case.pk}/follow-ups", content_type="application/json", data={
        "contacted_on": timezone.localdate().isoformat(), "mode": "video", "with_whom": ["person"],
        "interpreter_used": True})
    assert bad.status_code == 400 and FollowUp.objects.count() == 1


def test_a_receiver_reads_the_id_only_with_the_identity_section(
        client_for, case, caseworker, partner_org, partner_worker):  # noqa: F811
    _follow_up(caseworker, case, interpreter_knows="knows_trafficker")
    grant_case_access(actor=caseworker, case=case, organization=partner_org, sections=["summary", "follow_ups",
                      "timeline"], source="referral", source_id="r-1", reason="test")
    receiver = client_for(partner_worker)
    listed = receiver.get(f"/api/v1/cases/{case.pk}/follow-ups").json()
    assert [(f["interpreter_id"], f["interpreter_knows"]) for f in listed] == [("", "knows_trafficker")]
    page = receiver.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert INTERPRETER_ID not in page and "Synthetic Co-op" in page and WARNING in page
    assert "Interpreter id" not in page  # no column for it
    assert "?kind=interpreter_not_community" not in page
    # The restricted entry stays within the owning circle.
    def kinds(actor):
        return [e.kind for e in timeline(actor=actor, case=case, sections=sections_visible_to(actor, case))]

    assert "case.interpreter_may_know" not in kinds(partner_worker)
    assert "case.interpreter_may_know" in kinds(caseworker)

    grant_case_access(actor=caseworker, case=case, organization=partner_org, sections=["identity", "follow_ups"],
                      source="referral", source_id="r-2", reason="test")
    listed = receiver.get(f"/api/v1/cases/{case.pk}/follow-ups").json()
    assert [f["interpreter_id"] for f in listed] == [INTERPRETER_ID]


def test_the_case_page_and_the_printable_summary_show_the_interpretation(client_for, case, caseworker):  # noqa: F811
    _follow_up(caseworker, case, interpreter_knows="knows_person")
    client = client_for(caseworker)
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "Interpreter id" in page and INTERPRETER_ID in page and "Tigrinya" in page and WARNING in page
    pdf = client.get(reverse("cases:summary_pdf", args=[case.pk]))
    assert pdf.status_code == 200
    printed = text(pdf.content)
    assert "Tigrinya" in printed and "Knows the person" in printed
    assert INTERPRETER_ID in printed  # a caseworker may export identifying data


def test_another_organization_gets_404(client_for, make_user, case, caseworker):  # noqa: F811
    from tests.factories.partners import OrganizationFactory, TeamFactory

    follow_up = _follow_up(caseworker, case)
    org = OrganizationFactory(name="Elsewhere (test)")
    stranger = client_for(make_user("caseworker", organization=org, teams=[TeamFactory(organization=org)]))
    assert stranger.get(f"/api/v1/cases/{case.pk}/follow-ups").status_code == 404
    assert stranger.get(reverse("cases:follow_up_edit", args=[case.pk, follow_up.pk])).status_code == 404
    assert stranger.put(f"/api/v1/cases/{case.pk}/follow-ups/{follow_up.pk}", content_type="application/json", data={
        "contacted_on": timezone.localdate().isoformat(), "mode": "phone", "with_whom": ["person"],
        "version": follow_up.version, "interpreter_knows": "knows_both"}).status_code == 404
    follow_up.refresh_from_db()
    assert follow_up.interpreter_knows == "no"
