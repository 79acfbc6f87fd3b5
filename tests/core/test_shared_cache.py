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


def test_a_value_past_its_time_is_computed_again_by_one_reader_while_the_others_get_the_last(monkeypatch):
    from octip.core import shared_cache

    clock = [1000.0]
    monkeypatch.setattr(shared_cache.time, "time", lambda: clock[0])
    compute, calls = counter()
    assert kept("t.stale", compute, 60, Numbers) == Numbers(1)
    clock[0] += 30
    assert kept("t.stale", compute, 60, Numbers) == Numbers(1)  # within its time: kept
    clock[0] += 31
    cache.add("t.stale:refreshing", 1, 60)  # another reader is computing it now
    assert kept("t.stale", compute, 60, Numbers) == Numbers(1)
    assert len(calls) == 1
    cache.delete("t.stale:refreshing")  # that reader is done (or died): the next one computes
    assert kept("t.stale", compute, 60, Numbers) == Numbers(2)
    assert kept("t.stale", compute, 60, Numbers) == Numbers(2)
    assert len(calls) == 2 and cache.get("t.stale:refreshing") is None


def test_a_failed_refresh_leaves_the_last_value_and_lets_the_next_reader_try():
    import pytest

    from octip.core import shared_cache

    compute, calls = counter()
    kept("t.failing", compute, 60, Numbers)
    cache.set("t.failing", (0.0, Numbers(1)), 600)  # counted long ago

    def broken() -> Numbers:
        raise RuntimeError("database gone")

    with pytest.raises(RuntimeError):
        kept("t.failing", broken, 60, Numbers)
    assert cache.get("t.failing:refreshing") is None
    assert shared_cache.kept("t.failing", compute, 60, Numbers) == Numbers(2)
