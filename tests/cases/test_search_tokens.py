"""The person search tokens (``cases.search_index``): written by every save of a person's names, rebuilt
by ``build()`` (resumably), rewritten by the blind-index key rotation; a search is a fixed number of
queries, however many persons there are."""

from __future__ import annotations

import base64
import datetime
import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from octip.cases import search_index, selectors, services
from octip.cases.models import Person, PersonSearchToken, name_index, phonetic_name_index
from octip.core import crypto

from .conftest import open_case, person_data


def stored(person: Person) -> set[tuple[str, str, str]]:
    return set(PersonSearchToken.objects.filter(person=person).values_list("kind", "key_id", "token"))


def expected(*names: str, key_id: str = "b1") -> set[tuple[str, str, str]]:
    exact = {("name", key_id, name_index(n, key_id)) for n in names}
    sounds = {("phonetic", key_id, t) for n in names for t in phonetic_name_index(n, key_id).split()}
    return exact | sounds


def numbers(actor, **filters) -> list[str]:
    return [c.number for c in selectors.case_list(actor=actor, filters=selectors.CaseFilters(**filters))]


def test_intake_writes_a_token_for_every_name_and_sound(world):
    person = world.case_a.person
    assert stored(person) == expected("Ana Beatriz Ferreira", "Bia", "Anna F")
    assert {t.token for t in search_index.tokens_for(person)} == {t for _k, _v, t in stored(person)}
    # Blind indexes only: no name in the clear.
    assert not any("Ferreira" in t or "Bia" in t for _k, _v, t in stored(person))


def test_an_edit_of_the_names_rewrites_the_tokens(world):
    case = world.case_a
    actor = world.caseworker_a
    services.update_person(actor=actor, case=case, expected_version=case.person.version,
                           changes={"aliases": ["Beatriz Souza"], "preferred_name": ""})
    person = Person.objects.get(pk=case.person_id)
    assert stored(person) == expected("Ana Beatriz Ferreira", "Beatriz Souza")
    assert numbers(actor, q="Beatriz Souza") == [case.number]
    assert numbers(actor, q="Anna F") == [] and numbers(actor, q="Bia") == []
    services.update_person(actor=actor, case=case, expected_version=person.version,
                           changes={"legal_name": "Ana Souza"})
    assert numbers(actor, q="Ana Beatriz Ferreira") == []
    assert numbers(actor, q="Ana Souza") == [case.number]
    assert numbers(actor, q="Anna Suza", phonetic=True) == [case.number]


def test_an_edit_that_changes_no_name_keeps_the_same_tokens(world):
    case = world.case_a
    before = stored(case.person)
    services.update_person(actor=world.caseworker_a, case=case, expected_version=case.person.version,
                           changes={"phone": "604 555 0177"})
    assert stored(Person.objects.get(pk=case.person_id)) == before


def test_tokens_need_a_saved_person():
    with pytest.raises(ValueError):
        search_index.tokens_for(Person(legal_name="Synthetic Unsaved"))


def test_build_fills_the_persons_lacking_tokens_and_resumes_after_an_interruption(world):
    for i in range(3):
        open_case(world.caseworker_a, person_data(legal_name=f"Synthetic Person {i}", aliases=[], preferred_name=""))
    everyone = {p.pk: stored(p) for p in Person.objects.all()}
    assert len(everyone) == 5 and all(everyone.values())
    PersonSearchToken.objects.all().delete()
    assert numbers(world.caseworker_a, q="Ana Beatriz Ferreira") == []

    seen: list[tuple[int, int]] = []

    def stop_after_two_batches(done: int, total: int) -> None:
        seen.append((done, total))
        if len(seen) == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        search_index.build(batch=2, progress=stop_after_two_batches)
    assert seen == [(2, 5), (4, 5)]
    assert Person.objects.filter(search_tokens__isnull=True).count() == 1  # the batches done stay done
    progress: list[tuple[int, int]] = []
    assert search_index.build(batch=2, progress=lambda done, total: progress.append((done, total))) == 1
    assert progress == [(1, 1)]
    assert {p.pk: stored(p) for p in Person.objects.all()} == everyone
    assert numbers(world.caseworker_a, q="Ana Beatriz Ferreira") == [world.case_a.number]
    assert search_index.build() == 0  # nothing left: a second run does nothing
    with pytest.raises(ValueError):
        search_index.build(batch=0)


def test_index_persons_replaces_the_tokens_of_bulk_created_persons(world):
    persons = [Person(legal_name=f"Synthetic Bulk {i}", aliases=[f"Bulk Alias {i}"]) for i in range(3)]
    for person in persons:
        person.refresh_indexes()
    Person.objects.bulk_create(persons)
    assert not PersonSearchToken.objects.filter(person__in=persons).exists()  # bulk_create skips save()
    search_index.index_persons(persons)
    search_index.index_persons(persons)  # twice: replaced, not doubled
    for i, person in enumerate(persons):
        assert stored(person) == expected(f"Synthetic Bulk {i}", f"Bulk Alias {i}")
    search_index.index_persons([])  # nothing to do, no error


@pytest.fixture
def two_key_versions(settings):
    """b1 (the key the rows were indexed under) and a new current b2."""
    ring = crypto.key_ring()
    settings.OCTIP_FIELD_KEYS = ",".join(f"{k}:{base64.urlsafe_b64encode(v).decode()}" for k, v in ring.keys.items())
    first = base64.urlsafe_b64encode(ring.blind_index_key).decode()
    settings.OCTIP_BLIND_INDEX_KEY = f"b1:{first},b2:{crypto.new_key()}"
    crypto.reset_key_ring()
    yield settings
    crypto.reset_key_ring()


def test_the_key_rotation_rewrites_the_tokens_in_the_rows_transaction(world, two_key_versions):
    settings = two_key_versions
    person = world.case_a.person
    old = stored(person)
    call_command("rotate_blind_index_key", "--batch-size", "1", stdout=io.StringIO())
    person.refresh_from_db()
    assert person.index_key_id == "b2"
    assert stored(person) == expected("Ana Beatriz Ferreira", "Bia", "Anna F", key_id="b2")
    assert not old & stored(person)
    assert set(PersonSearchToken.objects.values_list("key_id", flat=True)) == {"b2"}
    settings.OCTIP_BLIND_INDEX_KEY = settings.OCTIP_BLIND_INDEX_KEY.split(",")[1]  # b2 alone
    crypto.reset_key_ring()
    assert numbers(world.caseworker_a, q="Anna F") == [world.case_a.number]
    assert numbers(world.caseworker_a, q="Anna Beatris Fereira", phonetic=True) == [world.case_a.number]


def test_a_failed_rotation_batch_leaves_row_and_tokens_under_the_old_version(world, two_key_versions, monkeypatch):
    person = world.case_a.person
    old = stored(person)

    def fail(rows):
        raise RuntimeError("the tokens could not be written")

    monkeypatch.setattr(search_index, "index_persons", fail)
    with pytest.raises(RuntimeError):
        call_command("rotate_blind_index_key", stdout=io.StringIO())
    person.refresh_from_db()
    assert person.index_key_id == "b1" and stored(person) == old  # rolled back together


def _search_queries(actor, **filters) -> int:
    with CaptureQueriesContext(connection) as captured:
        list(selectors.case_list(actor=actor, filters=selectors.CaseFilters(**filters)))
    return len(captured.captured_queries)


@pytest.mark.parametrize("filters", [{"q": "Ana Beatriz Ferreira"}, {"q": "Bia"},
                                     {"q": "Anna Beatris Fereira", "phonetic": True},
                                     {"date_of_birth": datetime.date(1995, 3, 14)}, {"phone": "604 555 0142"}])
def test_a_search_takes_as_many_queries_with_many_persons_as_with_few(world, filters):
    actors = [world.caseworker_a, world.coordinator]
    few = [_search_queries(actor, **filters) for actor in actors]
    for i in range(6):
        open_case(world.caseworker_a, person_data(legal_name=f"Synthetic Person {i}", aliases=[f"Alias {i}"]))
    many = [_search_queries(actor, **filters) for actor in actors]
    assert few == many
    # And no LIKE: the names are looked up in the token index.
    with CaptureQueriesContext(connection) as captured:
        list(selectors.case_list(actor=world.coordinator, filters=selectors.CaseFilters(**filters)))
    assert not any(" LIKE " in q["sql"].upper() for q in captured.captured_queries)
    found = numbers(world.coordinator, **filters)
    assert world.case_a.number in found
