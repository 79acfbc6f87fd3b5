"""The blind-index key ring: one bare key (version b1), or version:key entries while rotating."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from octip.core import crypto


@pytest.fixture
def configure(settings):
    def set_ring(index_spec: str) -> crypto.KeyRing:
        settings.OCTIP_FIELD_KEYS = f"k1:{crypto.new_key()}"
        settings.OCTIP_BLIND_INDEX_KEY = index_spec
        crypto.reset_key_ring()
        return crypto.key_ring()

    yield set_ring
    crypto.reset_key_ring()


def test_a_bare_key_is_version_b1_and_the_last_version_is_current(configure):
    old, new = crypto.new_key(), crypto.new_key()
    ring = configure(old)
    assert ring.blind_index_id == "b1" and list(ring.index_keys()) == ["b1"]
    before = crypto.blind_index("Amara Okafor", "person.name")
    ring = configure(f"b1:{old},b2:{new}")
    assert ring.blind_index_id == "b2" and crypto.index_key_ids() == ["b2", "b1"]
    assert crypto.blind_index("Amara Okafor", "person.name", key_id="b1") == before
    assert crypto.blind_index("Amara Okafor", "person.name") != before
    assert crypto.blind_index_matches("Amara Okafor", "person.name", before)


@pytest.mark.parametrize(("spec", "problem"), [
    ("b1:{a},b1:{b}", "names version b1 twice"),
    ("b 1:{a}", "version:base64key entries"),
    ("b1:{a},b2:short", "OCTIP_BLIND_INDEX_KEY b2 is not valid base64"),
    ("b1:{f}", "must not be one of the field keys"),
])
def test_a_malformed_index_key_ring_is_refused_by_name(spec, problem):
    field = crypto.new_key()
    spec = spec.format(a=crypto.new_key(), b=crypto.new_key(), f=field)
    problems = crypto.key_ring_problems(f"k1:{field}", spec)
    assert any(problem in p for p in problems), problems
    assert not any(field in p for p in problems), "a problem never shows the key"


def test_the_platform_does_not_start_on_a_malformed_index_ring(configure):
    with pytest.raises(ImproperlyConfigured, match="twice"):
        configure(f"b1:{crypto.new_key()},b1:{crypto.new_key()}")
