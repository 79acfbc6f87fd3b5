"""Persons of interest: encrypted at rest, found by blind index (a phone written differently meets),
tokens under a key version, and seen only by their organization."""

from __future__ import annotations

import pytest
from django.db import connection
from django.urls import reverse

from octip.situations import selectors, services
from octip.situations.models import PersonOfInterest, PersonOfInterestToken, TokenKind

pytestmark = pytest.mark.django_db

PLAIN = ["Synthetic Boss", "The Synthetic", "604-555-0100", "6045550100", "Grey van", "Synthetic Road",
         "Synthetic Farms", "Synthetic note"]


def test_every_identifying_field_is_encrypted_at_rest(poi, situation):
    with connection.cursor() as cursor:
        cursor.execute("SELECT names, aliases, phones, vehicles, addresses, businesses, notes "
                       "FROM situations_personofinterest WHERE id = %s", [poi.pk])
        row = " ".join(str(v) for v in cursor.fetchone())
        cursor.execute("SELECT title, description FROM situations_situation WHERE id = %s", [situation.pk])
        row += " ".join(str(v) for v in cursor.fetchone())
        cursor.execute("SELECT token FROM situations_personofinteresttoken WHERE poi_id = %s", [poi.pk])
        row += " ".join(str(v[0]) for v in cursor.fetchall())
    for value in PLAIN:
        assert value not in row
    assert PersonOfInterest.objects.get(pk=poi.pk).phones == ["+1 604-555-0100"]


def test_a_phone_written_differently_meets_its_blind_index(poi, coordinator_a):
    for written in ("6045550100", "(604) 555.0100", "+1 604 555 0100", "1-604-555-0100"):
        assert selectors.find_persons_of_interest(actor=coordinator_a, phone=written) == [poi]
    assert selectors.find_persons_of_interest(actor=coordinator_a, phone="604-555-0101") == []
    assert services.phones_in("call me at +1 604-555-0100 or (778) 555.0101") == ["6045550100", "7785550101"]


def test_names_and_aliases_are_found_exactly_and_never_by_another_organization(poi, coordinator_a, worker_b):
    assert selectors.find_persons_of_interest(actor=coordinator_a, name="synthetic  BOSS") == [poi]
    assert selectors.find_persons_of_interest(actor=coordinator_a, name="The Synthetic") == [poi]
    assert selectors.find_persons_of_interest(actor=coordinator_a, name="Synthetic") == []
    assert selectors.find_persons_of_interest(actor=worker_b, name="Synthetic Boss") == []


def test_tokens_carry_the_key_version_and_are_made_again_on_edit(poi, coordinator_a):
    tokens = PersonOfInterestToken.objects.filter(poi=poi)
    assert {t.key_id for t in tokens} == {poi.index_key_id}
    assert tokens.filter(kind=TokenKind.PHONE).count() == 1 and tokens.filter(kind=TokenKind.NAME).count() == 2
    services.update_poi(actor=coordinator_a, poi=poi, situation=poi.situation, names=["Synthetic Boss"], aliases=[],
                        phones=["778-555-0199", "604 555 0100"])
    assert tokens.filter(kind=TokenKind.PHONE).count() == 2 and tokens.filter(kind=TokenKind.NAME).count() == 1
    assert services.reindex(PersonOfInterest.objects.all()) == 1
    assert tokens.filter(kind=TokenKind.PHONE).count() == 2


def test_the_person_of_interest_page_shows_only_cases_in_scope(poi, worker2, worker1, client_for, case1):
    # worker2 is of the organization (sees the person of interest) but not of case 1's team.
    html = client_for(worker2).get(reverse("situations:poi", args=[poi.pk])).content.decode()
    assert "Synthetic Boss" in html and case1.number not in html
    html = client_for(worker1).get(reverse("situations:poi", args=[poi.pk])).content.decode()
    assert case1.number in html and "Known to the person" in html


def test_another_organization_gets_404_on_a_person_of_interest(poi, worker_b, coordinator_b, client_for):
    for user in (worker_b, coordinator_b):
        client = client_for(user)
        assert client.get(reverse("situations:poi", args=[poi.pk])).status_code == 404
        assert client.get(f"/api/v1/persons-of-interest/{poi.pk}").status_code == 404
        assert client.get(reverse("situations:poi_edit", args=[poi.pk])).status_code == 404


def test_a_bad_edit_changes_nothing(poi, worker1, client_for):
    client = client_for(worker1)
    response = client.post(reverse("situations:poi_edit", args=[poi.pk]), {"names": "", "phones": "12"})
    assert response.status_code == 400
    poi.refresh_from_db()
    assert poi.phones == ["+1 604-555-0100"] and poi.names == ["Synthetic Boss"]


@pytest.fixture
def rotating_keys(settings):
    from octip.core import crypto

    old, new = crypto.new_key(), crypto.new_key()
    settings.OCTIP_BLIND_INDEX_KEY = f"b1:{old}"
    crypto.reset_key_ring()

    def rotate() -> None:
        settings.OCTIP_BLIND_INDEX_KEY = f"b1:{old},b2:{new}"
        crypto.reset_key_ring()

    yield rotate
    crypto.reset_key_ring()


def test_a_key_rotation_re_indexes_persons_of_interest_and_they_are_found_meanwhile(
        rotating_keys, coordinator_a, situation):
    import io

    from django.core.management import call_command

    from octip.core.fields import blind_indexed_models

    assert PersonOfInterest in blind_indexed_models()
    made = services.create_poi(actor=coordinator_a, situation=situation, names=["Synthetic Rotor"],
                               phones=["604-555-0133"])
    assert made.index_key_id == "b1"
    rotating_keys()
    # During the rotation the rows are still under b1: a search and the alert look under every version.
    assert selectors.find_persons_of_interest(actor=coordinator_a, phone="6045550133") == [made]
    assert services.matching_cases(["6045550133"])
    call_command("rotate_blind_index_key", stdout=io.StringIO())
    made.refresh_from_db()
    assert made.index_key_id == "b2"
    assert set(PersonOfInterestToken.objects.filter(poi=made).values_list("key_id", flat=True)) == {"b2"}
    assert selectors.find_persons_of_interest(actor=coordinator_a, name="synthetic rotor") == [made]
