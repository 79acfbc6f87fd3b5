"""The line's scripts (issue 17): guidance for consent, the duty to report a child, 911 and safety
checks, per language and versioned; written and published by the line's lead for their own line (the
coordinating office's lead: the province-wide defaults); shown beside the contact form in the
operator's language, falling back to English; another organization's scripts are a 404."""

from __future__ import annotations

import io
import json
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, close_old_connections, connection, transaction
from django.urls import reverse
from django.utils import translation

from octip.core.access import AccessDenied
from octip.core.models import AuditEvent
from octip.hotline import demo_guidance, guidance
from octip.hotline.models import Contact, GuidanceScript, ScriptStatus
from tests.factories import OrganizationFactory

API = "/api/v1/hotline/scripts"


@pytest.fixture
def office(db):
    return OrganizationFactory(name="Office (scripts test)", type="coordinating_office")


@pytest.fixture
def office_lead(make_user, office):
    return make_user("coordinator", organization=office)


@pytest.fixture
def lead(make_user, org):
    """The lead of an organization's own line (the coordinator holds ``hotline.lead``)."""
    return make_user("coordinator", organization=org)


@pytest.fixture
def other_lead(make_user, other_org):
    return make_user("coordinator", organization=other_org)


def _published(actor, topic="consent", language="en", title="Consent", body="Say this.\n\nThen this."):
    return guidance.publish_script(actor=actor, script=guidance.draft_script(
        actor=actor, topic=topic, language=language, title=title, body=body))


def _post(client, url, body=None):
    return client.post(url, json.dumps(body or {}), content_type="application/json")


# --- data ------------------------------------------------------------------------------------------

def test_the_four_topics_are_data_with_french_labels_and_an_order():
    codes = [t.code for t in guidance.topics()]
    assert set(codes) == {"consent", "duty_to_report_child", "emergency_911", "safety_check"}
    assert codes[0] == "emergency_911"  # 911 first: danger comes before anything else
    assert all(t.label_fr for t in guidance.topics())
    with translation.override("fr"):
        assert guidance.topic("consent").label == "Consentement"


# --- versioning ------------------------------------------------------------------------------------

def test_each_edit_is_a_new_version_and_publishing_retires_the_previous(db, lead):
    first = _published(lead, body="Version one text.")
    second = guidance.draft_script(actor=lead, topic="consent", language="en", title="Consent",
                                   body="Version two text.")
    assert (first.version, second.version) == (1, 2) and second.status == ScriptStatus.DRAFT
    first.refresh_from_db()
    assert first.status == ScriptStatus.PUBLISHED  # a draft changes nothing operators see
    guidance.publish_script(actor=lead, script=second)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == ScriptStatus.RETIRED and first.retired_by == lead and first.body == "Version one text."
    assert second.status == ScriptStatus.PUBLISHED and second.published_by == lead
    assert GuidanceScript.objects.filter(status=ScriptStatus.PUBLISHED).count() == 1
    published = AuditEvent.objects.filter(action="hotline.script.published").order_by("pk").last()
    assert published.detail["version"] == 2 and published.detail["retired_versions"] == [1]
    assert "Version two" not in json.dumps(published.detail)


def test_versions_are_numbered_per_topic_language_and_line(db, lead, other_lead, office_lead):
    assert _published(lead, language="en").version == 1
    assert _published(lead, language="fr").version == 1
    assert _published(lead, topic="safety_check").version == 1
    assert _published(other_lead).version == 1
    assert _published(office_lead).version == 1 and GuidanceScript.objects.get(
        organization__isnull=True).is_default
    assert GuidanceScript.objects.filter(status=ScriptStatus.PUBLISHED).count() == 5


def test_the_database_keeps_one_published_version_per_key(db, lead, office_lead):
    for actor, organization in ((lead, lead.organization), (office_lead, None)):
        _published(actor)
        with pytest.raises(IntegrityError), transaction.atomic():
            GuidanceScript.objects.create(organization=organization, topic="consent", language="en", version=9,
                                          title="t", body="b", status=ScriptStatus.PUBLISHED, written_by=actor)
        with pytest.raises(IntegrityError), transaction.atomic():  # and one row per version number
            GuidanceScript.objects.create(organization=organization, topic="consent", language="en", version=1,
                                          title="t", body="b", written_by=actor)


def test_retiring_the_published_version_falls_back_to_the_default(db, lead, office_lead, operator):
    default = _published(office_lead, body="Default consent text.")
    own = _published(lead, body="Our line's consent text.")
    shown = {s.topic.code: s for s in guidance.current_scripts(actor=operator, language="en")}
    assert shown["consent"].script == own
    guidance.retire_script(actor=lead, script=own)
    shown = {s.topic.code: s for s in guidance.current_scripts(actor=operator, language="en")}
    assert shown["consent"].script == default and not shown["consent"].fallback
    assert shown["safety_check"].script is None


# --- bad input -------------------------------------------------------------------------------------

@pytest.mark.parametrize(("fields", "field"), [
    ({"topic": "weather"}, "topic"), ({"language": "xx"}, "language"), ({"title": "  "}, "title"),
    ({"title": "t" * 201}, "title"), ({"body": ""}, "body"), ({"body": "b" * 20_001}, "body"),
])
def test_bad_input_is_a_clear_error_and_writes_nothing(db, lead, fields, field):
    base = {"topic": "consent", "language": "en", "title": "Consent", "body": "Text."}
    with pytest.raises(ValidationError) as refused:
        guidance.draft_script(actor=lead, **{**base, **fields})
    assert field in refused.value.message_dict
    assert not GuidanceScript.objects.exists() and not AuditEvent.objects.filter(action__startswith="hotline.script")


def test_the_same_text_again_and_publishing_twice_are_refused(db, lead):
    script = _published(lead, body="Same.")
    with pytest.raises(ValidationError, match="same text as version 1"):
        guidance.draft_script(actor=lead, topic="consent", language="en", title="Consent", body="Same.")
    with pytest.raises(ValidationError, match="Only a draft"):
        guidance.publish_script(actor=lead, script=script)
    guidance.retire_script(actor=lead, script=script)
    with pytest.raises(ValidationError, match="retired already"):
        guidance.retire_script(actor=lead, script=script)
    assert GuidanceScript.objects.count() == 1


# --- permissions and doors ---------------------------------------------------------------------------

def test_only_the_lead_of_the_scripts_line_writes_them(db, lead, other_lead, office_lead, operator):
    with pytest.raises(AccessDenied):
        guidance.draft_script(actor=operator, topic="consent", language="en", title="t", body="b")
    ours = _published(lead)
    default = _published(office_lead)
    for actor, script in ((other_lead, ours), (lead, default), (office_lead, ours), (operator, ours)):
        with pytest.raises(AccessDenied):
            guidance.retire_script(actor=actor, script=script)
    assert GuidanceScript.objects.filter(status=ScriptStatus.PUBLISHED).count() == 2


def test_another_organizations_script_pages_are_404(db, client_for, lead, other_lead, operator, other_operator):
    ours = _published(lead)
    draft = guidance.draft_script(actor=lead, topic="consent", language="en", title="Consent", body="New text.")
    for user in (other_lead, other_operator):
        client = client_for(user)
        for name in ("hotline:guidance_detail", "hotline:guidance_history"):
            assert client.get(reverse(name, args=[ours.pk])).status_code == 404, (user, name)
        for name in ("hotline:guidance_publish", "hotline:guidance_retire"):
            assert client.post(reverse(name, args=[draft.pk])).status_code in (403, 404), (user, name)
        assert client.get(f"{API}/{ours.pk}/versions").status_code in (403, 404)
        assert _post(client, f"{API}/{draft.pk}/publish").status_code in (403, 404)
    draft.refresh_from_db()
    assert draft.status == ScriptStatus.DRAFT
    assert client_for(other_lead).get(reverse("hotline:guidance_list")).content.decode().count("Version 1") == 0
    # Our operator reads the published version and its history, not the draft.
    client = client_for(operator)
    assert client.get(reverse("hotline:guidance_detail", args=[ours.pk])).status_code == 200
    assert client.get(reverse("hotline:guidance_detail", args=[draft.pk])).status_code == 404
    assert AuditEvent.objects.filter(action="access.denied", actor_id=operator.pk,
                                     target_id=str(draft.pk)).exists()  # the probe of a draft is on record
    history = client.get(reverse("hotline:guidance_history", args=[ours.pk])).content.decode()
    assert "Version 1" in history and "Version 2" not in history
    assert client.get(reverse("hotline:guidance_list")).status_code == 403


def test_the_lead_writes_publishes_and_retires_through_the_pages(db, client_for, lead):
    client = client_for(lead)
    first = _published(lead, body="Old text.")
    page = client.get(reverse("hotline:guidance_new") + "?topic=consent&language=en").content.decode()
    assert "Old text." in page and "Prefilled from version 1" in page
    response = client.post(reverse("hotline:guidance_new") + "?topic=consent&language=en",
                           {"topic": "consent", "language": "en", "title": "Consent", "body": "New <b>text</b>."})
    second = GuidanceScript.objects.get(version=2)
    assert response.status_code == 302 and response["Location"] == reverse("hotline:guidance_detail", args=[second.pk])
    detail = client.get(response["Location"]).content.decode()
    assert "New &lt;b&gt;text&lt;/b&gt;." in detail and "<b>text</b>" not in detail  # escaped
    client.post(reverse("hotline:guidance_publish", args=[second.pk]))
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == (ScriptStatus.RETIRED, ScriptStatus.PUBLISHED)
    listing = client.get(reverse("hotline:guidance_list")).content.decode()
    assert "2 versions" in listing and "Consent" in listing
    client.post(reverse("hotline:guidance_retire", args=[second.pk]))
    second.refresh_from_db()
    assert second.status == ScriptStatus.RETIRED
    bad = client.post(reverse("hotline:guidance_new"), {"topic": "consent", "language": "en", "title": "",
                                                       "body": "x"})
    assert bad.status_code == 400 and GuidanceScript.objects.count() == 2


# --- the aside beside the contact form -----------------------------------------------------------------

def test_the_aside_shows_the_current_version_in_the_operators_language(db, client_for, office_lead, operator):
    _published(office_lead, body="English consent, version one.")
    _published(office_lead, body="English consent, version two.")
    _published(office_lead, language="fr", title="Consentement", body="Consentement en français.")
    _published(office_lead, topic="safety_check", body="English safety check.")
    client = client_for(operator)
    page = client.get(reverse("hotline:contact_create")).content.decode()
    assert 'aria-labelledby="guidance-heading"' in page and "<details" in page
    assert "English consent, version two." in page and "version one" not in page
    assert "Consentement en français." not in page
    french = client.get(reverse("hotline:contact_create"), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Consentement en français." in french and 'lang="fr"' in french
    # No French safety check: the English one, said to be in English (the only fallback note; the
    # topics with no script at all say so instead).
    assert "English safety check." in french and french.count('class="guidance-fallback"') == 1
    assert page.count('class="guidance-fallback"') == 0


def test_another_language_is_shown_by_a_get_parameter_and_the_form_still_works(db, client_for, office_lead,
                                                                              operator):
    _published(office_lead, body="English consent.")
    _published(office_lead, language="pa", title="Consent (Punjabi)", body="Punjabi consent text.")
    _published(office_lead, topic="safety_check", body="English safety check.")
    client = client_for(operator)
    url = reverse("hotline:contact_create") + "?script_lang=pa"
    page = client.get(url).content.decode()
    assert "Punjabi consent text." in page and 'lang="pa"' in page
    assert "No script in Punjabi yet: shown in English." in page and "English safety check." in page
    assert client.get(reverse("hotline:contact_create") + "?script_lang=zz").status_code == 200  # unknown: ignored
    bad = client.post(url, {"urgency": "apocalyptic", "channel": "phone", "caller_type": "person", "summary": ""})
    assert bad.status_code == 400 and "Punjabi consent text." in bad.content.decode()  # the aside survives an error
    good = client.post(url, {"urgency": "routine", "channel": "phone", "caller_type": "public",
                             "summary": "Synthetic call", "handled_by": operator.pk})
    assert good.status_code == 302 and Contact.objects.count() == 1  # the language parameter does not get in the way
    readable = client.get(reverse("hotline:guidance_read") + "?script_lang=pa").content.decode()
    assert "<h1>Scripts in Punjabi</h1>" in readable and "Punjabi consent text." in readable


def test_the_edit_form_has_the_aside_and_a_lines_own_script_comes_before_the_default(
        db, client_for, office_lead, lead, operator, make_contact):
    _published(office_lead, body="Default text.")
    _published(lead, body="Our own text.")
    contact = make_contact(operator.organization)
    page = client_for(operator).get(reverse("hotline:contact_edit", args=[contact.pk])).content.decode()
    assert "Our own text." in page and "Default text." not in page


# --- API ---------------------------------------------------------------------------------------------

def test_the_api_lists_writes_and_publishes(db, client_for, lead, operator, other_operator, office_lead):
    _published(office_lead, body="Default.")
    client = client_for(lead)
    created = _post(client, API, {"topic": "consent", "language": "fr", "title": "Consentement",
                                  "body": "Texte."})
    assert created.status_code == 201 and created.json()["status"] == "draft" and created.json()["version"] == 1
    assert _post(client, API, {"topic": "nope", "language": "fr", "title": "t", "body": "b"}).status_code == 400
    assert _post(client_for(operator), API, {"topic": "consent", "language": "fr", "title": "t",
                                             "body": "b"}).status_code == 403
    script_id = created.json()["id"]
    assert _post(client, f"{API}/{script_id}/publish").json()["status"] == "published"
    assert _post(client, f"{API}/{script_id}/publish").status_code == 400
    listed = client_for(operator).get(f"{API}?limit=1")
    assert listed.status_code == 200 and len(listed.json()) == 1 and listed["X-Next-Cursor"]
    page_two = client_for(operator).get(f"{API}?limit=1&cursor={listed['X-Next-Cursor']}").json()
    assert {listed.json()[0]["id"], page_two[0]["id"]} == set(GuidanceScript.objects.values_list("pk", flat=True))
    assert client_for(operator).get(f"{API}?cursor=forged").status_code == 400
    assert [s["id"] for s in client_for(other_operator).get(API).json()] == [
        GuidanceScript.objects.get(organization__isnull=True).pk]  # the default only
    current = client_for(operator).get(f"{API}/current?language=fr").json()
    assert [(s["topic"], s["language"], s["fallback"]) for s in current] == [("consent", "fr", False)]
    versions = client_for(operator).get(f"{API}/{script_id}/versions")
    assert versions.status_code == 200 and [v["version"] for v in versions.json()] == [1]
    assert client_for(operator).get(f"{API}?language=xx").status_code == 400


# --- the race (PostgreSQL) ------------------------------------------------------------------------------

@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="real row locks need PostgreSQL")
def test_two_publications_at_once_leave_exactly_one_published(make_user):
    lead = make_user("coordinator")
    _published(lead, body="Version one.")
    drafts = [guidance.draft_script(actor=lead, topic="consent", language="en", title="Consent",
                                    body=f"Draft {n}.") for n in (2, 3)]
    barrier = threading.Barrier(2)
    outcomes: list[object] = [None, None]

    def run(i: int) -> None:
        try:
            barrier.wait(timeout=10)
            outcomes[i] = guidance.publish_script(actor=lead, script=GuidanceScript.objects.get(pk=drafts[i].pk))
        except ValidationError as refused:
            outcomes[i] = refused
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert all(o is not None for o in outcomes), outcomes
    assert GuidanceScript.objects.filter(status=ScriptStatus.PUBLISHED).count() == 1
    assert GuidanceScript.objects.filter(status=ScriptStatus.RETIRED).count() >= 1


# --- demo -----------------------------------------------------------------------------------------------

def test_demo_scripts_cover_every_topic_in_english_and_french_and_are_idempotent(db):
    from octip.partners import demo as partners_demo
    from octip.partners.models import User

    partners_demo.seed(scale=None, stdout=io.StringIO())
    coordinator = User.objects.get(email=partners_demo.demo_email("coordinator"))
    assert demo_guidance.seed_scripts(coordinator=coordinator) == "8 scripts published"
    assert demo_guidance.seed_scripts(coordinator=coordinator) == "scripts already present"
    published = GuidanceScript.objects.filter(status=ScriptStatus.PUBLISHED, organization__isnull=True)
    assert {(s.topic, s.language) for s in published} == {(t.code, lang) for t in guidance.topics()
                                                           for lang in ("en", "fr")}
    child = published.get(topic="duty_to_report_child", language="en").body
    assert "under 19" in child and "1-800-663-9122" in child and "section 14" in child
    assert "1-833-900-1010" in published.get(topic="safety_check", language="en").body
