"""Quality review of the 24/7 line: the lead draws a reproducible sample of closed, substantive contacts
of their line (never their own, never one reviewed before), reviews each against the rubric (data,
validated), and shares feedback (encrypted) with the operator, who reads it (audited) and acknowledges
it. Another operator of the same line sees nothing of it; another organization gets 404 everywhere."""

from __future__ import annotations

import datetime
import io
import json
from pathlib import Path

import pytest
import yaml
from django.core.exceptions import ValidationError
from django.db import connection
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from octip.core.access import AccessDenied
from octip.core.models import AuditEvent
from octip.hotline import selectors, services
from octip.hotline.models import ContactReview, ReviewSample
from octip.hotline.rubric import NOT_APPLICABLE, RUBRIC_FILE, RubricError, load_rubric, rubric
from octip.notifications.models import Notification

API = "/api/v1/hotline"
SECRET_FEEDBACK = "Synthetic feedback: ask about the passport earlier"
SECRET_NOTE = "Synthetic private note: coach on pacing"


@pytest.fixture
def lead(make_user, org):
    return make_user("coordinator", organization=org)


@pytest.fixture
def colleague(make_user, org):
    """Another operator of the same line."""
    return make_user("hotline_operator", organization=org)


@pytest.fixture
def other_lead(make_user, other_org):
    return make_user("coordinator", organization=other_org)


def _closed(make_contact, organization, operator, *, days_ago: int = 1, **fields):
    base = {"handled_by": operator, "outcome": "information_given", "minutes_ago": days_ago * 24 * 60}
    return make_contact(organization, **{**base, **fields})


def _full_scores(value=2) -> dict:
    return {c.code: value for c in rubric().criteria}


def _draw(lead, n=5, seed=7, days=30):
    today = timezone.localdate()
    return services.draw_review_sample(actor=lead, period_start=today - datetime.timedelta(days=days),
                                       period_end=today, size_per_operator=n, seed=seed)


def _shared_review(lead, operator, make_contact, org):
    _closed(make_contact, org, operator)
    review = _draw(lead).reviews.get(operator=operator)
    services.save_review(actor=lead, review=review, expected_version=review.version, scores=_full_scores(),
                         feedback=SECRET_FEEDBACK, reviewer_note=SECRET_NOTE)
    return services.share_review(actor=lead, review=review, expected_version=review.version)


# --- the rubric ----------------------------------------------------------------------------------

def test_the_rubric_file_is_valid_bilingual_and_versioned():
    loaded = load_rubric()
    assert loaded.version and [lv.value for lv in loaded.scale] == [0, 1, 2]
    codes = {c.code for c in loaded.criteria}
    assert {"greeting_safety", "consent_explained", "active_listening", "indicators_explored", "duty_to_report",
            "resources_given", "accurate_record"} <= codes
    assert all(c.label_en and c.label_fr and c.description_en and c.description_fr for c in loaded.criteria)
    assert loaded.criterion("duty_to_report").not_applicable and not loaded.criterion("greeting_safety").not_applicable


@pytest.mark.parametrize("breakage", [
    lambda d: d.pop("version"),
    lambda d: d["criteria"].append(dict(d["criteria"][0])),  # a repeated code
    lambda d: d["criteria"][0].pop("label_fr"),
    lambda d: d["criteria"][1].update(description=""),
    lambda d: d["scale"].reverse(),
    lambda d: d["scale"][0].update(value="zero"),
    lambda d: d["criteria"][2].update(not_applicable="sometimes"),
    lambda d: d.update(criteria=[]),
])
def test_a_malformed_rubric_file_is_refused_at_load(tmp_path: Path, breakage):
    data = yaml.safe_load(RUBRIC_FILE.read_text(encoding="utf-8"))
    breakage(data)
    path = tmp_path / "rubric.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(RubricError):
        load_rubric(path)


def test_scores_are_validated_against_the_rubric():
    current = rubric()
    assert current.validate({"greeting_safety": "2", "duty_to_report": NOT_APPLICABLE}, complete=False) == {
        "greeting_safety": 2, "duty_to_report": NOT_APPLICABLE}
    for bad, field in (({"greeting_safety": 3}, "greeting_safety"), ({"greeting_safety": NOT_APPLICABLE},
                                                                      "greeting_safety"),
                       ({"greeting_safety": True}, "greeting_safety"), ({"charm": 2}, "scores")):
        with pytest.raises(ValidationError) as error:
            current.validate(bad, complete=False)
        assert field in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        current.validate({"greeting_safety": 2}, complete=True)
    assert "accurate_record" in error.value.message_dict


# --- sampling ------------------------------------------------------------------------------------

def test_the_sample_takes_only_closed_substantive_contacts_of_others_in_the_period(
        db, lead, operator, colleague, org, other_org, other_operator, make_contact):
    good = {_closed(make_contact, org, operator), _closed(make_contact, org, colleague, days_ago=3)}
    _closed(make_contact, org, operator, outcome="")  # open
    _closed(make_contact, org, operator, contact_type="hang_up", outcome="no_further_action", summary="")
    _closed(make_contact, org, operator, contact_type="silent", outcome="no_further_action", summary="")
    _closed(make_contact, org, lead)  # the lead's own
    _closed(make_contact, org, operator, days_ago=45)  # before the period
    _closed(make_contact, other_org, other_operator)  # another organization's
    _closed(make_contact, org, None)  # handled by nobody
    sample = _draw(lead)
    assert {r.contact for r in sample.reviews.all()} == good
    assert sample.pool_size == 2 and sample.seed == 7 and sample.organization == org
    assert all(r.operator == r.contact.handled_by and r.reviewer == lead and r.status == "draft"
               for r in sample.reviews.all())
    # A contact reviewed once is never drawn again.
    with pytest.raises(ValidationError):
        _draw(lead)


def test_the_sample_takes_n_per_operator_and_is_reproducible_from_its_seed(
        db, lead, operator, colleague, org, make_contact):
    for days in range(1, 9):
        _closed(make_contact, org, operator, days_ago=days)
        _closed(make_contact, org, colleague, days_ago=days)
    first = _draw(lead, n=3, seed=12345)
    drawn = sorted(first.reviews.values_list("contact_id", flat=True))
    assert len(drawn) == 6
    assert first.reviews.filter(operator=operator).count() == 3 == first.reviews.filter(operator=colleague).count()
    first.delete()  # the same pool again
    again = _draw(lead, n=3, seed=12345)
    assert sorted(again.reviews.values_list("contact_id", flat=True)) == drawn
    again.delete()
    different = False
    for seed in (1, 2, 3, 4):
        ReviewSample.objects.all().delete()
        different |= sorted(_draw(lead, n=3, seed=seed).reviews.values_list("contact_id", flat=True)) != drawn
    assert different  # another seed, another sample


def test_choose_sample_does_not_depend_on_row_order():
    pool = {5: [10, 11, 12, 13, 14], 2: [20, 21, 22]}
    shuffled = {2: [22, 20, 21], 5: [14, 12, 10, 13, 11]}
    assert services.choose_sample(pool, per_operator=2, seed=9) == services.choose_sample(shuffled, per_operator=2,
                                                                                          seed=9)
    assert len(services.choose_sample(pool, per_operator=10, seed=9)) == 8


@pytest.mark.parametrize("change, field", [
    ({"period_end": 1}, "period_end"),  # ends tomorrow: in the future
    ({"period_start": 5, "period_end": 0}, "period_start"),  # starts after it ends (dates shifted below)
    ({"size_per_operator": 0}, "size_per_operator"),
    ({"size_per_operator": -3}, "size_per_operator"),
    ({"size_per_operator": 51}, "size_per_operator"),
    ({"seed": -1}, "seed"),
])
def test_bad_input_to_a_draw_is_refused_and_changes_nothing(db, lead, operator, org, make_contact, change, field):
    _closed(make_contact, org, operator)
    today = timezone.localdate()
    args = {"period_start": today - datetime.timedelta(days=30), "period_end": today, "size_per_operator": 2}
    for name, value in change.items():
        args[name] = today + datetime.timedelta(days=value) if name.startswith("period") else value
    if field == "period_start":
        args["period_start"], args["period_end"] = today, today - datetime.timedelta(days=5)
    with pytest.raises(ValidationError) as error:
        services.draw_review_sample(actor=lead, **args)
    assert field in error.value.message_dict
    assert not ReviewSample.objects.exists() and not ContactReview.objects.exists()
    assert not AuditEvent.objects.filter(action="hotline.review.sample_drawn").exists()


def test_nothing_to_sample_is_a_clear_error(db, lead, operator, org, make_contact):
    _closed(make_contact, org, operator, outcome="")
    with pytest.raises(ValidationError) as error:
        _draw(lead)
    assert "No contact of this period can be reviewed" in str(error.value)
    assert not ReviewSample.objects.exists()


def test_an_operator_cannot_draw_or_review(db, client_for, lead, operator, colleague, org, make_contact):
    _closed(make_contact, org, colleague)
    with pytest.raises(AccessDenied):
        _draw(operator)
    review = _draw(lead).reviews.get()
    with pytest.raises(AccessDenied):
        services.save_review(actor=operator, review=review, expected_version=1, scores={}, feedback="x")
    client = client_for(operator)
    assert client.get(reverse("hotline:review_samples")).status_code == 403
    assert client.get(reverse("hotline:review_edit", args=[review.pk])).status_code == 403
    assert client.get(reverse("hotline:review_summary")).status_code == 403
    assert client.get(f"{API}/review-samples").status_code == 403
    assert client.get(f"{API}/reviews").status_code == 403


def test_no_self_review_even_by_another_lead(db, lead, make_user, org, make_contact):
    second_lead = make_user("coordinator", organization=org)
    _closed(make_contact, org, lead)  # the first lead answered the line
    review = _draw(second_lead).reviews.get()
    assert review.operator == lead
    with pytest.raises(Http404):  # the lead can neither open nor change a review of their own contact
        selectors.review_for_reading(actor=lead, review_id=review.pk)
    with pytest.raises(AccessDenied):  # a draft about one's own contact is out of one's scope
        services.save_review(actor=lead, review=review, expected_version=review.version, scores={}, feedback="x")


def test_a_contact_handed_to_the_lead_after_the_draw_is_out_of_their_review(db, lead, operator, org, make_contact):
    """Reassigning a sampled contact to oneself must not open a way round "no self review", and the
    feedback of a contact handed to someone else would reach the wrong operator."""
    contact = _closed(make_contact, org, operator)
    review = _draw(lead).reviews.get()
    services.update_contact(actor=lead, contact=contact, expected_version=contact.version,
                            changes={"handled_by": lead})
    with pytest.raises(Http404):
        selectors.review_for_reading(actor=lead, review_id=review.pk)
    review.contact.refresh_from_db()
    with pytest.raises((AccessDenied, ValidationError)):
        services.save_review(actor=lead, review=review, expected_version=review.version, scores={}, feedback="x")
    review.refresh_from_db()
    assert review.feedback == "" and review.status == "draft"


def test_another_lead_cannot_share_a_review_of_a_contact_handed_on(db, lead, operator, colleague, org,
                                                                   make_contact):
    contact = _closed(make_contact, org, operator)
    review = _draw(lead).reviews.get()
    services.update_contact(actor=lead, contact=contact, expected_version=contact.version,
                            changes={"handled_by": colleague})
    review = ContactReview.objects.get(pk=review.pk)
    with pytest.raises(ValidationError) as error:
        services.save_review(actor=lead, review=review, expected_version=review.version,
                             scores=_full_scores(), feedback="Synthetic feedback")
    assert "handed to another operator" in str(error.value)
    review.refresh_from_db()
    assert review.feedback == "" and review.version == 1


# --- reviewing and sharing -----------------------------------------------------------------------

def test_bad_scores_and_incomplete_shares_change_nothing(db, lead, operator, org, make_contact):
    _closed(make_contact, org, operator)
    review = _draw(lead).reviews.get()
    for scores in ({"greeting_safety": 7}, {"consent_explained": NOT_APPLICABLE}, {"unknown": 1}):
        with pytest.raises(ValidationError):
            services.save_review(actor=lead, review=review, expected_version=review.version, scores=scores,
                                 feedback="Synthetic")
    review.refresh_from_db()
    assert review.scores == {} and review.feedback == "" and review.version == 1
    services.save_review(actor=lead, review=review, expected_version=1, scores={"greeting_safety": 1},
                         feedback="")
    with pytest.raises(ValidationError) as error:
        services.share_review(actor=lead, review=review, expected_version=review.version)
    assert "accurate_record" in error.value.message_dict and "feedback" in error.value.message_dict
    review.refresh_from_db()
    assert review.status == "draft" and review.shared_at is None
    assert not Notification.objects.filter(kind="hotline.review").exists()


def test_feedback_and_note_are_encrypted_at_rest(db, lead, operator, org, make_contact):
    review = _shared_review(lead, operator, make_contact, org)
    with connection.cursor() as cursor:
        cursor.execute("SELECT feedback, reviewer_note, scores FROM hotline_contactreview WHERE id = %s", [review.pk])
        feedback, note, scores = cursor.fetchone()
    assert "passport" not in feedback and "pacing" not in note and "Synthetic" not in feedback + note
    assert json.loads(scores)["greeting_safety"] == 2  # numbers, not text: counted in the summary
    review.refresh_from_db()
    assert review.feedback == SECRET_FEEDBACK


def test_sharing_notifies_the_operator_once_without_text(db, lead, operator, org, make_contact):
    review = _shared_review(lead, operator, make_contact, org)
    notice = Notification.objects.get(kind="hotline.review")
    assert notice.recipient == operator and notice.link == reverse("hotline:my_review", args=[review.pk])
    assert "Synthetic" not in notice.message and review.contact.reference not in notice.message
    with pytest.raises(ValidationError):  # a shared review is final
        services.share_review(actor=lead, review=review, expected_version=review.version)
    assert Notification.objects.filter(kind="hotline.review").count() == 1


def test_the_audit_names_what_happened_never_the_text(db, client_for, lead, operator, org, make_contact):
    review = _shared_review(lead, operator, make_contact, org)
    client_for(operator).get(reverse("hotline:my_review", args=[review.pk]))
    services.acknowledge_review(actor=operator, review=review)
    actions = list(AuditEvent.objects.filter(action__startswith="hotline.review").values_list("action", flat=True))
    assert actions == ["hotline.review.sample_drawn", "hotline.review.saved", "hotline.review.shared",
                       "hotline.review.read", "hotline.review.acknowledged"]
    details = json.dumps(list(AuditEvent.objects.filter(action__startswith="hotline.review")
                              .values_list("detail", flat=True)))
    assert "Synthetic" not in details and "passport" not in details
    assert AuditEvent.objects.get(action="hotline.review.read").actor_id == operator.pk


# --- the pages: who sees what --------------------------------------------------------------------

def test_the_lead_reviews_through_the_pages(db, client_for, lead, operator, org, make_contact):
    contact = _closed(make_contact, org, operator, summary="Synthetic summary to review")
    client = client_for(lead)
    assert b"Quality review" in client.get(reverse("hotline:queue")).content
    today = timezone.localdate()
    response = client.post(reverse("hotline:review_samples"), {
        "period_start": (today - datetime.timedelta(days=7)).isoformat(), "period_end": today.isoformat(),
        "size_per_operator": 2})
    sample = ReviewSample.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("hotline:review_sample_detail",
                                                                           args=[sample.pk])
    review = sample.reviews.get()
    page = client.get(reverse("hotline:review_edit", args=[review.pk]))
    assert page.status_code == 200 and "Synthetic summary to review" in page.content.decode()
    assert AuditEvent.objects.filter(action="hotline.contact.read", target_id=str(contact.pk),
                                     purpose="quality review").exists()
    form = {f"score_{c.code}": "2" for c in rubric().criteria} | {
        "version": review.version, "feedback": SECRET_FEEDBACK, "reviewer_note": SECRET_NOTE}
    assert client.post(reverse("hotline:review_edit", args=[review.pk]), {**form, "save": "1"}).status_code == 302
    review.refresh_from_db()
    assert review.status == "draft" and review.scores["greeting_safety"] == 2
    form["version"] = review.version
    assert client.post(reverse("hotline:review_edit", args=[review.pk]), {**form, "share": "1"}).status_code == 302
    review.refresh_from_db()
    assert review.status == "shared" and review.shared_at is not None
    stale = client.post(reverse("hotline:review_edit", args=[review.pk]), {**form, "save": "1"})
    assert stale.status_code == 200 and SECRET_NOTE in stale.content.decode()  # shown, no longer a form
    summary = client.get(reverse("hotline:review_summary")).content.decode()
    assert operator.full_name in summary and "2.00" in summary


def test_the_operator_reads_and_acknowledges_only_their_own_shared_reviews(
        db, client_for, lead, operator, colleague, org, make_contact):
    review = _shared_review(lead, operator, make_contact, org)
    _closed(make_contact, org, colleague)
    draft = _draw(lead, seed=3).reviews.get(operator=colleague)
    mine = client_for(operator)
    listing = mine.get(reverse("hotline:my_reviews")).content.decode()
    assert review.contact.reference in listing and draft.contact.reference not in listing
    page = mine.get(reverse("hotline:my_review", args=[review.pk])).content.decode()
    assert SECRET_FEEDBACK in page and SECRET_NOTE not in page
    assert mine.post(reverse("hotline:review_acknowledge", args=[review.pk])).status_code == 302
    review.refresh_from_db()
    first = review.acknowledged_at
    assert first is not None
    mine.post(reverse("hotline:review_acknowledge", args=[review.pk]))  # twice: refused, unchanged
    review.refresh_from_db()
    assert review.acknowledged_at == first
    # The colleague sees neither the operator's review nor (while a draft) their own.
    theirs = client_for(colleague)
    assert review.contact.reference not in theirs.get(reverse("hotline:my_reviews")).content.decode()
    assert theirs.get(reverse("hotline:my_review", args=[review.pk])).status_code == 404
    assert theirs.get(reverse("hotline:my_review", args=[draft.pk])).status_code == 404
    assert theirs.post(reverse("hotline:review_acknowledge", args=[review.pk])).status_code == 404
    assert theirs.get(f"{API}/my-reviews/{review.pk}").status_code == 404
    assert theirs.get(f"{API}/my-reviews").json() == []


def test_another_organization_gets_404_on_every_door_and_counts_nothing(
        db, client_for, lead, operator, org, other_lead, other_operator, make_contact):
    review = _shared_review(lead, operator, make_contact, org)
    sample = review.sample
    before = AuditEvent.objects.filter(action="hotline.review.read").count()
    for user in (other_lead, other_operator):
        client = client_for(user)
        for url in (reverse("hotline:my_review", args=[review.pk]), f"{API}/my-reviews/{review.pk}"):
            assert client.get(url).status_code == 404, url
        assert client.post(reverse("hotline:review_acknowledge", args=[review.pk])).status_code == 404
        assert client.post(f"{API}/my-reviews/{review.pk}/acknowledge").status_code == 404
    client = client_for(other_lead)
    for url in (reverse("hotline:review_sample_detail", args=[sample.pk]),
                reverse("hotline:review_edit", args=[review.pk]), f"{API}/reviews?sample_id={sample.pk}"):
        assert client.get(url).status_code == 404, url
    assert client.get(f"{API}/review-samples").json() == [] and client.get(f"{API}/reviews").json() == []
    summary = client.get(reverse("hotline:review_summary")).content.decode()
    assert operator.full_name not in summary and "No reviews yet" in summary
    assert str(sample.pk) not in client.get(reverse("hotline:review_samples")).content.decode().split("<table")[1]
    assert selectors.review_summary(actor=other_lead) == []
    assert AuditEvent.objects.filter(action="hotline.review.read").count() == before
    review.refresh_from_db()
    assert review.acknowledged_at is None


def test_a_lead_with_scope_all_sees_only_their_own_lines_reviews(db, make_user, operator, org, make_contact,
                                                                other_org, other_operator):
    # The coordinator's scope is "all" for contacts; a review stays with its line.
    office_lead = make_user("coordinator", organization=other_org)
    _closed(make_contact, org, operator)
    with pytest.raises(ValidationError):  # org's contacts are not in the office lead's pool
        _draw(office_lead)
    assert not selectors.reviewable_contacts(actor=office_lead, start=timezone.localdate() - datetime.timedelta(
        days=30), end=timezone.localdate()).exists()


# --- the API -------------------------------------------------------------------------------------

def test_the_api_lists_are_paginated_and_carry_no_text(db, client_for, lead, operator, org, make_contact):
    for days in (1, 2, 3):
        _closed(make_contact, org, operator, days_ago=days)
    sample = _draw(lead)
    for review in sample.reviews.all():
        services.save_review(actor=lead, review=review, expected_version=review.version, scores=_full_scores(1),
                             feedback=SECRET_FEEDBACK, reviewer_note=SECRET_NOTE)
        services.share_review(actor=lead, review=review, expected_version=review.version)
    client = client_for(lead)
    samples = client.get(f"{API}/review-samples").json()
    assert [s["id"] for s in samples] == [sample.pk] and samples[0]["reviews"] == 3 and samples[0]["seed"] == 7
    first = client.get(f"{API}/reviews?limit=2")
    assert len(first.json()) == 2 and first["X-Next-Cursor"]
    rest = client.get(f"{API}/reviews?limit=2&cursor={first['X-Next-Cursor']}").json()
    assert len(rest) == 1 and {r["id"] for r in first.json() + rest} == set(sample.reviews.values_list("pk", flat=True))
    assert "Synthetic" not in first.content.decode() and "feedback" not in first.json()[0]
    operator_client = client_for(operator)
    mine = operator_client.get(f"{API}/my-reviews").json()
    assert len(mine) == 3 and all(r["status"] == "shared" for r in mine)
    one = operator_client.get(f"{API}/my-reviews/{mine[0]['id']}")
    assert one.status_code == 200 and one.json()["feedback"] == SECRET_FEEDBACK and "reviewer_note" not in one.json()
    acknowledged = operator_client.post(f"{API}/my-reviews/{mine[0]['id']}/acknowledge")
    assert acknowledged.status_code == 200 and acknowledged.json()["acknowledged_at"]
    assert operator_client.post(f"{API}/my-reviews/{mine[0]['id']}/acknowledge").status_code in (400, 422)


# --- the demo -----------------------------------------------------------------------------------

def test_the_demo_draws_a_sample_shares_one_review_and_is_idempotent(db):
    from octip.hotline import demo
    from octip.partners import demo as partners_demo
    out = io.StringIO()
    partners_demo.seed(scale=None, stdout=out)
    demo.seed(scale=None, stdout=out)
    counts = (ReviewSample.objects.count(), ContactReview.objects.count())
    assert counts[0] == 1 and counts[1] >= 2
    demo.seed(scale=None, stdout=out)
    from octip.hotline.demo_review import seed as seed_reviews

    office = ReviewSample.objects.get().organization
    seed_reviews(office=office, lead=ReviewSample.objects.get().drawn_by)
    assert (ReviewSample.objects.count(), ContactReview.objects.count()) == counts
    shared = ContactReview.objects.get(status="shared")
    assert shared.operator.email in {partners_demo.demo_email("hotline"), partners_demo.demo_email("hotline2")}
    assert shared.feedback.startswith("Synthetic") and Notification.objects.filter(recipient=shared.operator,
                                                                                  kind="hotline.review").exists()


def test_a_refused_share_from_the_page_saves_nothing(db, client_for, lead, operator, org, make_contact):
    _closed(make_contact, org, operator)
    review = _draw(lead).reviews.get()
    form = {"score_greeting_safety": "2", "version": review.version, "feedback": SECRET_FEEDBACK, "share": "1"}
    response = client_for(lead).post(reverse("hotline:review_edit", args=[review.pk]), form)
    assert response.status_code == 400
    assert "Score this criterion before sharing the review." in response.content.decode()
    review.refresh_from_db()
    assert (review.version, review.scores, review.feedback, review.status) == (1, {}, "", "draft")
    assert not AuditEvent.objects.filter(action="hotline.review.saved").exists()
