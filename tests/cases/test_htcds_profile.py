"""The HTCDS trafficking profile and events: codes as the standard spells them, refusals that change
nothing, encryption of the places and accounts, the doors from another organization's side, the API
and the timeline."""

from __future__ import annotations

import csv
import datetime
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from octip.cases import reference, sections, services
from octip.cases.models import TimelineEntry, TraffickingEvent, TraffickingProfile
from octip.cases.selectors import sections_visible_to, timeline
from octip.cases.validation import PROFILE_CODES, parse_partial_date
from octip.core.access import AccessDenied
from octip.core.models import AuditEvent
from tests.cases.conftest import share

CSV = Path(__file__).resolve().parents[4] / "shared" / "reference" / "htcds_fields.csv"

PROFILE = {"trafficking_status": "ActualVictimOfTrafficking", "status_decided_by": "CourtOrProsecution",
           "recruitment_methods": ["ThroughAnOnlineAdvertisement", "ThroughFriendsOrSocialEvents"],
           "recruitment_platforms": ["Facebook", "4Sale"], "exploitation_platforms": ["WhatsApp"],
           "labour_industry": "A_AgricultureForestryAndFishing", "sex_exploitation_types": [],
           "vulnerabilities": ["Migration", "Poverty"], "trafficker_relationship": "Acquainted",
           "age_when_trafficked": 24}
EVENT = {"type": "Recruitment", "date": datetime.date(2024, 3, 20), "date_precision": "month",
         "city": "CITYMARK Synthetic Town", "state": "STATEMARK Jalisco", "country": "mx",
         "description": "DESCMARK met a recruiter at a synthetic job fair"}


def _htcds_allowed() -> dict[str, list[str]]:
    with CSV.open(newline="", encoding="utf-8") as handle:
        return {row["table_prefix"] + row["field_name"]: row["allowed_values"].split("|")
                for row in csv.DictReader(handle) if row["allowed_values"]}


@pytest.mark.skipif(not CSV.exists(), reason="the shared HTCDS reference is not beside the checkout")
def test_every_htcds_list_holds_exactly_the_codes_of_the_standard():
    allowed = _htcds_allowed()
    for list_name, htcds_fields in reference.HTCDS_LISTS.items():
        for field in htcds_fields:
            assert [t.code for t in reference.htcds(list_name)] == allowed[field], field
    for term in (t for name in reference.HTCDS_LISTS for t in reference.htcds(name)):
        assert term.label_en and term.label_fr, term.code
    # The case's own means of control are the HTCDS codes already (mapped, not repeated).
    assert [t.code for t in reference.means_of_control()] == allowed["vic_MethodsOfControl"]


def test_a_profile_is_saved_with_htcds_codes_and_a_version(world):
    case = world.case_a
    profile = services.save_trafficking_profile(actor=world.caseworker_a, case=case, changes=PROFILE,
                                                expected_version=None)
    stored = TraffickingProfile.objects.get(case=case)
    assert {k: getattr(stored, k) for k in PROFILE} == PROFILE
    again = services.save_trafficking_profile(actor=world.caseworker_a, case=case, expected_version=profile.version,
                                              changes={"trafficker_relationship": "Familial"})
    assert again.version == 2
    stored.refresh_from_db()
    assert stored.trafficker_relationship == "Familial" and stored.vulnerabilities == ["Migration", "Poverty"]
    from octip.core.versioning import StaleVersion

    with pytest.raises(StaleVersion):
        services.save_trafficking_profile(actor=world.caseworker_a, case=case, expected_version=1,
                                          changes={"trafficker_relationship": "Unaquainted"})


@pytest.mark.parametrize(("field", "bad"), [
    ("trafficking_status", "Victim"), ("status_decided_by", "Judge"), ("recruitment_methods", ["AtWork", "Telepathy"]),
    ("recruitment_platforms", ["MySpace"]), ("exploitation_platforms", "WhatsApp"), ("labour_industry", "Z_Nothing"),
    ("sex_exploitation_types", ["Unknown"]), ("vulnerabilities", ["Poor"]), ("trafficker_relationship", "Friend"),
    ("age_when_trafficked", 121), ("age_when_trafficked", -1), ("age_when_trafficked", "20"),
])
def test_an_unknown_code_or_a_bad_age_is_refused_on_its_field_and_nothing_changes(world, field, bad):
    case = world.case_a
    events_before = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as refused:
        services.save_trafficking_profile(actor=world.caseworker_a, case=case, expected_version=None,
                                          changes={**PROFILE, field: bad})
    assert field in refused.value.message_dict
    if field in PROFILE_CODES:  # the unknown code is named (a lone string for a list is refused as such)
        named = bad[-1] if isinstance(bad, list) else bad
        expected = "Give a list of codes." if PROFILE_CODES[field][1] and isinstance(bad, str) else named
        assert expected in refused.value.message_dict[field][0]
    assert not TraffickingProfile.objects.filter(case=case).exists()
    assert not TimelineEntry.objects.filter(case=case, kind="case.trafficking_profile_saved").exists()
    assert AuditEvent.objects.count() == events_before


def test_the_age_when_trafficked_cannot_be_above_the_persons_age_today(world):
    case = world.case_a  # born 1995-03-14
    age = case.person.age()
    with pytest.raises(ValidationError) as refused:
        services.save_trafficking_profile(actor=world.caseworker_a, case=case, expected_version=None,
                                          changes={"age_when_trafficked": age + 1})
    # The refusal does not tell the person's age.
    assert str(age) not in refused.value.message_dict["age_when_trafficked"][0]
    profile = services.save_trafficking_profile(actor=world.caseworker_a, case=case, expected_version=None,
                                                changes={"age_when_trafficked": age})
    assert profile.age_when_trafficked == age


def test_events_keep_their_date_precision_and_their_place_and_account_are_encrypted_at_rest(world):
    case = world.case_a
    event = services.add_trafficking_event(actor=world.caseworker_a, case=case, values=EVENT)
    event.refresh_from_db()
    assert event.date == datetime.date(2024, 3, 1) and event.date_text() == "2024-03" and event.country == "MX"
    assert event.city == EVENT["city"] and event.description == EVENT["description"]
    # The profile row the section lists events with exists now.
    assert TraffickingProfile.objects.filter(case=case).exists()
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM cases_traffickingevent")
        raw = repr(cursor.fetchall())
    assert "CITYMARK" not in raw and "STATEMARK" not in raw and "DESCMARK" not in raw and "MX" in raw
    year = services.update_trafficking_event(actor=world.caseworker_a, event=event, expected_version=event.version,
                                             changes={"date_precision": "year"})
    assert year.date == datetime.date(2024, 1, 1) and year.date_text() == "2024"


@pytest.mark.parametrize(("values", "field"), [
    ({"type": "Arrival"}, "type"), ({"type": ""}, "type"), ({"type": "Transit", "country": "ZZ"}, "country"),
    ({"type": "Transit", "date": timezone.localdate() + datetime.timedelta(days=2)}, "date"),
    ({"type": "Transit", "date_precision": "week"}, "date_precision"),
])
def test_a_bad_event_is_refused_and_nothing_is_written(world, values, field):
    with pytest.raises(ValidationError) as refused:
        services.add_trafficking_event(actor=world.caseworker_a, case=world.case_a, values=values)
    assert field in refused.value.message_dict
    assert not TraffickingEvent.objects.exists() and not TraffickingProfile.objects.exists()


@pytest.mark.parametrize(("text", "expected"), [
    ("2024", (datetime.date(2024, 1, 1), "year")), ("2024-03", (datetime.date(2024, 3, 1), "month")),
    ("2024-03-09", (datetime.date(2024, 3, 9), "day")), ("", (None, "day")),
])
def test_partial_dates_are_read_to_their_precision(text, expected):
    assert parse_partial_date(text) == expected


@pytest.mark.parametrize("text", ["24", "2024-13", "2024-02-30", "March 2024", "1850", "2999-01"])
def test_a_date_that_is_not_one_is_refused(text):
    with pytest.raises(ValidationError):
        parse_partial_date(text)


def test_removing_an_event_leaves_its_trace_on_the_timeline_not_its_content(world):
    case = world.case_a
    event = services.add_trafficking_event(actor=world.caseworker_a, case=case, values=EVENT)
    services.remove_trafficking_event(actor=world.caseworker_a, event=event)
    assert not TraffickingEvent.objects.exists()
    kinds = list(TimelineEntry.objects.filter(case=case).values_list("kind", flat=True))
    assert "case.trafficking_event_added" in kinds and "case.trafficking_event_removed" in kinds
    dump = repr(list(AuditEvent.objects.values("detail"))) + repr(list(TimelineEntry.objects.values("params",
                                                                                                   "summary")))
    assert "CITYMARK" not in dump and "DESCMARK" not in dump


def test_the_timeline_tells_of_the_profile_only_to_readers_of_the_profile(world):
    case = world.case_a
    services.save_trafficking_profile(actor=world.caseworker_a, case=case, changes=PROFILE, expected_version=None)
    services.add_trafficking_event(actor=world.caseworker_a, case=case, values=EVENT)
    share(world, case, ["summary", "timeline"])
    seen = timeline(actor=world.caseworker_b, case=case, sections=sections_visible_to(world.caseworker_b, case))
    assert not [e for e in seen if e.kind.startswith("case.trafficking")]
    owner = timeline(actor=world.caseworker_a, case=case, sections=sections_visible_to(world.caseworker_a, case))
    texts = [e.text() for e in owner]
    assert "Trafficking profile (HTCDS) updated." in texts and "Trafficking event recorded (Recruitment)." in texts


def test_another_organization_gets_404_and_its_writes_are_refused(world, client_for):
    case = world.case_a
    services.save_trafficking_profile(actor=world.caseworker_a, case=case, changes=PROFILE, expected_version=None)
    event = services.add_trafficking_event(actor=world.caseworker_a, case=case, values=EVENT)
    other = client_for(world.caseworker_b)
    for url in (reverse("cases:trafficking_profile", args=[case.pk]),
                reverse("cases:trafficking_event_add", args=[case.pk]),
                reverse("cases:trafficking_event_edit", args=[case.pk, event.pk]),
                reverse("cases:trafficking_event_remove", args=[case.pk, event.pk]),
                f"/api/v1/cases/{case.pk}/profile"):
        assert other.get(url).status_code == 404, url
    assert other.put(f"/api/v1/cases/{case.pk}/profile", {"trafficker_relationship": "Familial"},
                     content_type="application/json").status_code == 404
    assert other.delete(f"/api/v1/cases/{case.pk}/profile/events/{event.pk}").status_code == 404
    assert other.post(reverse("cases:trafficking_event_remove", args=[case.pk, event.pk]),
                      {"confirm": "on"}).status_code == 404
    # The other organization's own case does not open this case's events either.
    assert other.get(reverse("cases:trafficking_event_edit", args=[world.case_b.pk, event.pk])).status_code == 404
    with pytest.raises(AccessDenied):
        services.save_trafficking_profile(actor=world.caseworker_b, case=case, changes={}, expected_version=None)
    assert TraffickingEvent.objects.filter(pk=event.pk).exists()


def test_a_receiver_sees_the_profile_only_when_the_section_is_shared(world, client_for):
    case = world.case_a
    services.save_trafficking_profile(actor=world.caseworker_a, case=case, changes=PROFILE, expected_version=None)
    services.add_trafficking_event(actor=world.caseworker_a, case=case, values=EVENT)
    receiver = client_for(world.caseworker_b)
    grant = share(world, case, ["summary"], source_id="r-summary")
    page = receiver.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert 'id="profile-heading"' not in page and "CITYMARK" not in page and "Known to the person" not in page
    assert receiver.get(f"/api/v1/cases/{case.pk}/profile").status_code == 404
    assert receiver.get(reverse("cases:trafficking_profile", args=[case.pk])).status_code == 404
    grant.sections = ["summary", "profile"]
    grant.save(update_fields=["sections"])
    page = receiver.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert 'id="profile-heading"' in page and "CITYMARK" in page and "Known to the person" in page
    body = receiver.get(f"/api/v1/cases/{case.pk}/profile").json()
    assert body["trafficker_relationship"] == "Acquainted" and body["events"][0]["city"] == EVENT["city"]
    assert AuditEvent.objects.filter(action="case.profile_viewed", actor_id=world.caseworker_b.pk).exists()


def test_the_profile_through_the_api(world, client_for):
    case = world.case_a
    client = client_for(world.caseworker_a)
    url = f"/api/v1/cases/{case.pk}/profile"
    assert client.get(url).status_code == 404  # none yet
    bad = client.put(url, {**PROFILE, "vulnerabilities": ["Poverty", "Bad luck"]}, content_type="application/json")
    assert bad.status_code == 400 and "vulnerabilities" in bad.json()["errors"]
    assert "Bad luck" in str(bad.json()["errors"]["vulnerabilities"])
    assert not TraffickingProfile.objects.exists()
    saved = client.put(url, PROFILE, content_type="application/json")
    assert saved.status_code == 200, saved.content
    assert {k: saved.json()[k] for k in PROFILE} == PROFILE and saved.json()["events"] == []
    partial = client.put(url, {"version": 1, "trafficking_status": "PossibleVictimOfTrafficking"},
                         content_type="application/json")
    assert partial.json()["trafficking_status"] == "PossibleVictimOfTrafficking"
    assert partial.json()["vulnerabilities"] == PROFILE["vulnerabilities"]  # kept, not blanked
    assert client.put(url, {"version": 1, "trafficking_status": "NotAVictimOfTrafficking"},
                      content_type="application/json").status_code == 409

    events = f"{url}/events"
    created = client.post(events, {"type": "Exploitation", "date": "2025-06", "city": "Synthetic City",
                                   "country": "CA", "description": "Farm work without pay"},
                          content_type="application/json")
    assert created.status_code == 201, created.content
    event = created.json()
    assert event["date"] == "2025-06-01" and event["date_precision"] == "month" and event["type"] == "Exploitation"
    assert client.post(events, {"type": "Exploitation", "date": "June 2025"},
                       content_type="application/json").status_code == 400
    assert client.post(events, {"type": "Holiday"}, content_type="application/json").status_code == 400
    assert TraffickingEvent.objects.count() == 1
    changed = client.patch(f"{events}/{event['id']}", {"version": event["version"], "type": "Transit", "date": "2025"},
                           content_type="application/json")
    assert changed.status_code == 200 and changed.json()["date_precision"] == "year"
    assert changed.json()["type"] == "Transit" and changed.json()["city"] == "Synthetic City"
    assert client.get(url).json()["events"][0]["type"] == "Transit"
    assert client.delete(f"{events}/{event['id']}").status_code == 204
    assert client.delete(f"{events}/{event['id']}").status_code == 404
    assert not TraffickingEvent.objects.exists()


def test_the_profile_pages_in_english_and_french(world, client_for):
    case = world.case_a
    client = client_for(world.caseworker_a)
    form_url = reverse("cases:trafficking_profile", args=[case.pk])
    assert client.get(form_url).status_code == 200
    refused = client.post(form_url, {"trafficking_status": "Victim"})
    assert refused.status_code == 400 and not TraffickingProfile.objects.exists()
    response = client.post(form_url, {"trafficking_status": "PossibleVictimOfTrafficking",
                                      "vulnerabilities": ["Migration", "Homelessness"], "age_when_trafficked": "19"})
    assert response.status_code == 302, response.content.decode()[:3000]
    assert TraffickingProfile.objects.get(case=case).vulnerabilities == ["Migration", "Homelessness"]
    added = client.post(reverse("cases:trafficking_event_add", args=[case.pk]),
                        {"type": "Transit", "date": "2023", "city": "Synthetic Port", "country": "CA"})
    assert added.status_code == 302
    event = TraffickingEvent.objects.get(case=case)
    assert event.date_precision == "year"
    edit = reverse("cases:trafficking_event_edit", args=[case.pk, event.pk])
    assert 'value="2023"' in client.get(edit).content.decode()
    bad = client.post(edit, {"type": "Transit", "date": "2023-99", "version": event.version})
    assert bad.status_code == 400
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "Homelessness" in page and "Synthetic Port" in page and "2023" in page
    client.cookies["django_language"] = "fr"
    french = client.get(reverse("cases:detail", args=[case.pk]), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Itinérance" in french and "Transit" in french
    remove = reverse("cases:trafficking_event_remove", args=[case.pk, event.pk])
    assert client.post(remove, {}).status_code == 400  # not confirmed
    assert client.post(remove, {"confirm": "on"}).status_code == 302
    assert not TraffickingEvent.objects.exists()


def test_a_closed_case_refuses_profile_changes(world):
    case = world.case_a
    case.stage = "closed"
    case.save(update_fields=["stage"])
    with pytest.raises(ValidationError):
        services.save_trafficking_profile(actor=world.caseworker_a, case=case, changes=PROFILE, expected_version=None)
    with pytest.raises(ValidationError):
        services.add_trafficking_event(actor=world.caseworker_a, case=case, values=EVENT)


def test_the_profile_section_declares_identifying_places_and_accounts():
    events = sections.field_of("profile", "events")
    identifying = {f.name for f in events.fields if f.identifying}
    assert identifying == {"city", "state", "description"}
    assert not [f for f in sections.fields_of("profile") if f.identifying]


def test_a_transfer_asks_for_the_profile_only_of_a_case_that_holds_one(world):
    case = world.case_a
    assert "profile" not in sections.sections_held(case)
    services.add_trafficking_event(actor=world.caseworker_a, case=case, values=EVENT)
    assert "profile" in sections.sections_held(case)
