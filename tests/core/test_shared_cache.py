"""``core.shared_cache.kept``: what readers share, and what it refuses to hand back."""

from dataclasses import dataclass

from django.core.cache import cache

from octip.core.shared_cache import kept


@dataclass(frozen=True)
class Numbers:
    n: int


def counter():
    calls = []

    def compute() -> Numbers:
        calls.append(1)
        return Numbers(len(calls))

    return compute, calls


def test_a_kept_value_is_computed_once_for_every_reader():
    compute, calls = counter()
    assert kept("t.numbers", compute, 60, Numbers) == Numbers(1)
    assert kept("t.numbers", compute, 60, Numbers) == Numbers(1)
    assert len(calls) == 1


def test_no_seconds_computes_afresh_and_keeps_nothing():
    compute, calls = counter()
    assert kept("t.fresh", compute, 0, Numbers) == Numbers(1)
    assert kept("t.fresh", compute, 0, Numbers) == Numbers(2)
    assert cache.get("t.fresh") is None


def test_an_entry_of_another_shape_is_computed_again_not_shown():
    # What an older release wrote under the same key (a dict, say) must not reach a page.
    cache.set("t.old", {"n": 99}, 60)
    compute, calls = counter()
    assert kept("t.old", compute, 60, Numbers) == Numbers(1)
    assert len(calls) == 1
