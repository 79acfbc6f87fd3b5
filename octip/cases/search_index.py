"""The person search tokens: the blind indexes a person is found by, one row each.

A person has one legal name but any number of other names (preferred name, aliases), and each name
several metaphone codes. Kept as space-separated lists in a column, they could only be matched with
``LIKE '%…%'``, a scan of every person. As rows of ``PersonSearchToken`` a name search is one btree
lookup on (kind, key_id, token). The tokens are made from the decrypted person under the person's
blind-index key version (``index_key_id``), so a person and their tokens always share one version:
during a key rotation a search looks under each version (``selectors._identity_q``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from .models import Person, PersonSearchToken, SearchTokenKind, name_index, phonetic_name_index


def tokens_for(person: Person) -> list[PersonSearchToken]:
    """The search tokens of one saved person (unsaved rows), under the person's key version: the
    blind index of every name, and of every metaphone code of every name, each once."""
    if person.pk is None:
        raise ValueError("A person's search tokens need the person saved first (they refer to its id).")
    key_id = person.index_key_id
    names = [n for n in [person.legal_name, person.preferred_name, *(person.aliases or [])] if n]
    exact = {name_index(n, key_id) for n in names} - {""}
    phonetic: set[str] = set()
    for n in names:
        phonetic.update(phonetic_name_index(n, key_id).split())
    return ([PersonSearchToken(person_id=person.pk, kind=SearchTokenKind.NAME, key_id=key_id, token=t)
             for t in sorted(exact)]
            + [PersonSearchToken(person_id=person.pk, kind=SearchTokenKind.PHONETIC, key_id=key_id, token=t)
               for t in sorted(phonetic)])


def index_persons(persons: Sequence[Person]) -> None:
    """Replace the search tokens of these saved persons with the ones their fields give now (call after
    saving their indexes, in the same transaction: ``refresh_indexes`` then save then this)."""
    PersonSearchToken.replace_for(persons)


def build(*, batch: int = 5000, progress: Callable[[int, int], None] | None = None) -> int:
    """Make the search tokens of every person who has none (after a restore of an old backup, or a
    bulk load that skipped ``index_persons``); returns how many persons were indexed.

    Resumable: persons are walked by primary key in batches of ``batch``, each batch committed on its
    own, and a person who has tokens already is skipped, so an interrupted run goes on where it
    stopped. ``progress(done, total)`` is called after each batch.
    """
    if batch < 1:
        raise ValueError("batch must be 1 or more.")
    lacking = Person.objects.filter(search_tokens__isnull=True)
    total = lacking.count()
    done = 0
    last_pk = 0
    while True:
        persons = list(lacking.filter(pk__gt=last_pk).order_by("pk")[:batch])
        if not persons:
            break
        index_persons(persons)
        done += len(persons)
        last_pk = persons[-1].pk
        if progress is not None:
            progress(done, total)
    return done
