"""The Merkle tree of the audit log follows RFC 9162: its root, compact ranges and proofs, checked
against a direct recursive reading of the RFC for every tree size up to 40."""

from __future__ import annotations

import hashlib

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from octip.core import merkle

LEAVES = [merkle.leaf_hash(hashlib.sha256(str(i).encode()).digest()) for i in range(40)]


def _mth(hashes):
    """MTH of RFC 9162 §2.1.1, word for word."""
    if len(hashes) == 1:
        return hashes[0]
    k = 1
    while k * 2 < len(hashes):
        k *= 2
    return merkle.node_hash(_mth(hashes[:k]), _mth(hashes[k:]))


@pytest.mark.parametrize("n", range(1, 41))
def test_roots_and_compact_ranges_agree_with_the_rfc(n):
    assert merkle.root_of(LEAVES[:n]) == _mth(LEAVES[:n])
    frontier, size = merkle.extend([], 0, LEAVES[:n // 2])
    frontier, size = merkle.extend(frontier, size, LEAVES[n // 2:n])
    assert size == n and merkle.root_of_frontier(frontier) == _mth(LEAVES[:n])


def test_an_empty_tree_has_the_hash_of_nothing():
    assert merkle.root_of([]) == merkle.root_of_frontier([]) == hashlib.sha256(b"").digest()


def test_a_leaf_cannot_pass_for_a_node():
    a, b = LEAVES[0], LEAVES[1]
    assert merkle.leaf_hash(a + b) != merkle.node_hash(a, b)


@pytest.mark.parametrize("n", [1, 2, 3, 5, 8, 13, 21, 40])
def test_every_inclusion_proof_verifies_and_a_wrong_one_does_not(n):
    root = merkle.root_of(LEAVES[:n])
    for i in range(n):
        proof = merkle.inclusion_proof(i, LEAVES[:n])
        assert merkle.verify_inclusion(i, n, LEAVES[i], proof, root)
        assert not merkle.verify_inclusion(i, n, LEAVES[(i + 1) % 40], proof, root)
        if proof:
            assert not merkle.verify_inclusion(i, n, LEAVES[i], proof[:-1], root)
            bent = [bytes(32)] + proof[1:]
            assert not merkle.verify_inclusion(i, n, LEAVES[i], bent, root)


@pytest.mark.parametrize("n", [2, 3, 7, 8, 9, 16, 17, 40])
def test_every_consistency_proof_verifies_and_a_rewritten_history_does_not(n):
    new_root = merkle.root_of(LEAVES[:n])
    for m in range(1, n + 1):
        old_root = merkle.root_of(LEAVES[:m])
        proof = merkle.consistency_proof(m, LEAVES[:n])
        assert merkle.verify_consistency(m, n, old_root, new_root, proof), (m, n)
        rewritten = merkle.root_of([bytes(32)] + LEAVES[1:m])
        if m < n:
            assert not merkle.verify_consistency(m, n, rewritten, new_root, proof), (m, n)
            assert not merkle.verify_consistency(m, n, old_root, new_root, []), (m, n)


def test_a_checkpoint_verifies_only_with_its_key_and_unaltered():
    key, other = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
    signed = merkle.sign(merkle.Checkpoint(5, "ab" * 32, "cd" * 32, "2026-12-01T00:00:00+00:00", ""), key)
    assert merkle.signature_valid(signed, key.public_key())
    assert not merkle.signature_valid(signed, other.public_key())
    altered = merkle.Checkpoint(6, signed.root_hash, signed.last_hash, signed.timestamp, signed.key_id,
                                signed.signature)
    assert not merkle.signature_valid(altered, key.public_key())
    assert merkle.Checkpoint.from_json(signed.as_json()) == signed
