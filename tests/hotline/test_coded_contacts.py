"""Coded contacts: a type (the non-data ones need no follow-up and open nothing), categories as data,
and the Polaris-style counts of signals and cases."""

from __future__ import annotations

import datetime
import json

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from octip.hotline import reference, selectors, services
from octip.hotline.models import Contact, ContactType, Outcome

URL = "/api/v1/hotline/contacts"


def _log(actor, **fields):
    base = {"channel": "phone", "caller_type": "public", "urgency": "routine", "summary": "Synthetic call"}
    return services.log_contact(actor=actor, **{**base, **fields})


def test_the_taxonomy_is_data_with_english_and_french_labels():
    codes = [c.code for c in reference.categories()]
    for code in ("labour_trafficking", "sex_trafficking", "forced_marriage", "domestic_servitude", "organ_removal",
                 "online_exploitation", "information_request", "training_request", "referral_request", "other"):
        assert code in codes
    assert all(c.label_en and c.label_fr for c in reference.categories())
    assert "information_request" not in reference.trafficking_codes()
    with translation.override("fr"):
        assert reference.category("forced_marriage").label == "Mariage forcé"


@pytest.mark.parametrize("kind", sorted(set(ContactType.values) - {ContactType.SUBSTANTIVE}))
def test_a_non_data_contact_is_closed_needs_no_follow_up_and_stays_out_of_the_queue(db, operator, kind):
    contact = _log(operator, contact_type=kind, summary="")
    assert contact.outcome == Outcome.NO_FURTHER_ACTION and contact.first_response_at is not None
    assert contact.is_non_data
    assert selectors.queue(actor=operator) == []


def test_a_non_data_contact_cannot_have_a_follow_up_a_category_or_another_outcome(db, operator):
    for extra, field in (({"follow_up_due": timezone.localdate()}, "follow_up_due"),
                         ({"categories": ["labour_trafficking"]}, "categories"),
                         ({"outcome": Outcome.INTAKE_OPENED}, "outcome")):
        with pytest.raises(ValidationError) as error:
            _log(operator, contact_type="prank", **extra)
        assert field in error.value.message_dict
    assert not Contact.objects.exists()


def test_a_non_data_contact_opens_no_intake(db, client_for, operator):
    operator_contact = _log(operator, contact_type="silent", summary="")
    client = client_for(operator)
    page = client.get(reverse("hotline:contact_detail", args=[operator_contact.pk])).content.decode()
    assert "Open an intake from this contact" not in page
    response = client.get(reverse("cases:intake") + f"?hotline_contact={operator_contact.pk}")
    assert response.status_code == 302


def test_categories_are_validated_and_kept_once_in_taxonomy_order(db, operator):
    contact = _log(operator, categories=["other", "labour_trafficking", "other"])
    assert contact.categories == ["labour_trafficking", "other"]
    with pytest.raises(ValidationError) as error:
        _log(operator, categories=["alien_abduction"])
    assert "categories" in error.value.message_dict
    with pytest.raises(ValidationError):
        _log(operator, categories="labour_trafficking")


def test_a_substantive_contact_needs_a_summary(db, operator):
    with pytest.raises(ValidationError) as error:
        _log(operator, summary="  ")
    assert "summary" in error.value.message_dict


def test_the_form_records_type_and_categories_and_the_page_shows_them_in_french(db, client_for, operator):
    client = client_for(operator)
    response = client.post(reverse("hotline:contact_create"), {
        "urgency": "routine", "channel": "phone", "caller_type": "person", "contact_type": "substantive",
        "categories": ["forced_marriage", "information_request"], "summary": "Synthetic question"})
    assert response.status_code == 302, response.content.decode()[:3000]
    contact = Contact.objects.get()
    assert contact.categories == ["forced_marriage", "information_request"]
    page = client.get(reverse("hotline:contact_detail", args=[contact.pk])).content.decode()
    assert "Forced marriage" in page and "Request for information" in page
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    page = client.get(reverse("hotline:contact_detail", args=[contact.pk])).content.decode()
    assert "Mariage forcé" in page


def test_the_form_refuses_an_unknown_category_and_logs_nothing(db, client_for, operator):
    response = client_for(operator).post(reverse("hotline:contact_create"), {
        "urgency": "routine", "channel": "phone", "caller_type": "person", "categories": ["nope"],
        "summary": "Synthetic"})
    assert response.status_code == 400 and not Contact.objects.exists()


def test_the_form_logs_a_hang_up_without_a_summary(db, client_for, operator):
    response = client_for(operator).post(reverse("hotline:contact_create"), {
        "urgency": "routine", "channel": "phone", "caller_type": "anonymous", "contact_type": "hang_up"})
    assert response.status_code == 302
    assert Contact.objects.get().outcome == Outcome.NO_FURTHER_ACTION


def test_signals_and_cases_are_counted_the_polaris_way_in_the_readers_scope(db, operator, other_operator):
    _log(operator, categories=["labour_trafficking", "information_request"])
    _log(operator, categories=["information_request"])
    _log(operator, contact_type="silent", summary="")
    _log(operator, contact_type="prank", summary="")
    _log(other_operator, categories=["sex_trafficking"])
    counts = selectors.contact_counts(actor=operator)
    assert counts.signals == 4 and counts.cases == 1 and counts.non_data == 2
    assert counts.by_type["silent"] == 1 and counts.by_type["substantive"] == 2
    assert counts.by_category["information_request"] == 2 and counts.by_category["sex_trafficking"] == 0
    assert selectors.contact_counts(actor=operator, category="labour_trafficking").signals == 1
    assert selectors.contact_counts(actor=operator, contact_type="prank").signals == 1
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    assert selectors.contact_counts(actor=operator, start=tomorrow).signals == 0
    # The other organization's operator counts only their own contact.
    theirs = selectors.contact_counts(actor=other_operator)
    assert theirs.signals == 1 and theirs.cases == 1


def test_the_api_takes_and_gives_the_codes_and_refuses_bad_ones(db, client_for, operator):
    client = client_for(operator)
    response = client.post(URL, json.dumps({"channel": "phone", "caller_type": "person", "urgency": "routine",
                                            "summary": "Synthetic", "categories": ["domestic_servitude"]}),
                           content_type="application/json")
    assert response.status_code == 201, response.content
    assert response.json()["categories"] == ["domestic_servitude"]
    assert response.json()["contact_type"] == "substantive"
    listed = client.get(URL).json()
    assert listed[0]["categories"] == ["domestic_servitude"]
    bad = client.post(URL, json.dumps({"channel": "phone", "caller_type": "person", "urgency": "routine",
                                       "contact_type": "wrong_number", "follow_up_due": "2026-12-31"}),
                      content_type="application/json")
    assert bad.status_code in (400, 422) and Contact.objects.count() == 1
    contact = Contact.objects.get()
    patched = client.patch(f"{URL}/{contact.pk}", json.dumps({"version": contact.version, "contact_type": "testing",
                                                              "categories": []}), content_type="application/json")
    assert patched.status_code == 200, patched.content
    assert patched.json()["outcome"] == "no_further_action"


def test_another_organizations_operator_cannot_read_or_recode_our_contact(db, client_for, operator, other_operator):
    contact = _log(operator, categories=["labour_trafficking"])
    client = client_for(other_operator)
    assert client.get(f"{URL}/{contact.pk}").status_code == 404
    response = client.patch(f"{URL}/{contact.pk}", json.dumps({"version": 1, "contact_type": "prank"}),
                            content_type="application/json")
    assert response.status_code == 404
    contact.refresh_from_db()
    assert contact.contact_type == "substantive"


def test_the_statistics_extract_reads_the_codes_only(db, make_user, operator):
    from octip.stats.selectors import build_extract

    _log(operator, categories=["sex_trafficking"], reporter_phone="604 555 0101")
    _log(operator, categories=["training_request"])
    _log(operator, contact_type="hang_up", summary="")
    analyst = make_user("analyst")
    with build_extract(actor=analyst, year=timezone.localdate().year) as extract:
        rows = sorted(extract.con.execute("SELECT contact_type, counts_as_case FROM contacts").fetchall())
        columns = [c[0] for c in extract.con.execute("DESCRIBE contacts").fetchall()]
    assert rows == [("hang_up", False), ("substantive", False), ("substantive", True)]
    assert not {"categories", "summary", "reporter_phone"} & set(columns)
