"""A Merkle tree over the audit log, as Certificate Transparency builds one (RFC 6962 / RFC 9162 §2.1),
and signed checkpoints of it.

This module uses only the standard library and ``cryptography``, and imports nothing of Django or
of the platform: ``tools/verify_checkpoint.py`` loads it from its file to verify exported
checkpoints and proofs on a machine that has neither.

- A leaf is one audit event's chain hash (32 bytes); its leaf hash is ``SHA-256(0x00 || leaf)`` and an
  inner node ``SHA-256(0x01 || left || right)``, so a leaf can never pass for a node.
- A checkpoint is a signed note: the origin, the tree size, the root hash, the chain hash of the last
  event and the time, one per line, signed with Ed25519 by a key that is not in the database.
- The compact range ("frontier") of a tree of size n is the list of the roots of its perfect
  subtrees, largest first: from it and the leaves after n, the root of any larger tree is computed
  without reading the first n leaves again (incremental verification).
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

ORIGIN = "octip.audit/v1"
EMPTY_ROOT = hashlib.sha256(b"").digest()


def leaf_hash(leaf: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + leaf).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def _split(n: int) -> int:
    """The largest power of two smaller than ``n`` (n > 1)."""
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def root_of(hashes: Sequence[bytes]) -> bytes:
    """The Merkle tree hash of leaf hashes ``hashes`` (MTH of RFC 9162 §2.1.1)."""
    if not hashes:
        return EMPTY_ROOT
    level = list(hashes)
    while len(level) > 1:  # pairing left to right gives the same tree as the recursive split
        paired = [node_hash(level[i], level[i + 1]) for i in range(0, len(level) - 1, 2)]
        if len(level) % 2:
            paired.append(level[-1])
        level = paired
    return level[0]


# --- Compact ranges: the tree grown leaf by leaf ----------------------------------------------

def extend(frontier: list[bytes], size: int, hashes: Iterable[bytes]) -> tuple[list[bytes], int]:
    """The frontier of the tree of ``size`` leaves grown by the leaf hashes ``hashes``."""
    frontier = list(frontier)
    for h in hashes:
        node, n = h, size
        while n & 1:  # merge with each completed subtree of the same height
            node = node_hash(frontier.pop(), node)
            n >>= 1
        frontier.append(node)
        size += 1
    return frontier, size


def root_of_frontier(frontier: Sequence[bytes]) -> bytes:
    """The root of a tree from its frontier (the perfect subtrees' roots, largest first)."""
    if not frontier:
        return EMPTY_ROOT
    node = frontier[-1]
    for left in reversed(frontier[:-1]):
        node = node_hash(left, node)
    return node


# --- Proofs (RFC 9162 §2.1.3 and §2.1.4) ------------------------------------------------------

def inclusion_proof(index: int, hashes: Sequence[bytes]) -> list[bytes]:
    """The audit path of leaf ``index`` in the tree of leaf hashes ``hashes``."""
    if not 0 <= index < len(hashes):
        raise ValueError("leaf index out of range")
    if len(hashes) == 1:
        return []
    k = _split(len(hashes))
    if index < k:
        return inclusion_proof(index, hashes[:k]) + [root_of(hashes[k:])]
    return inclusion_proof(index - k, hashes[k:]) + [root_of(hashes[:k])]


def consistency_proof(old_size: int, hashes: Sequence[bytes]) -> list[bytes]:
    """The proof that the tree of the first ``old_size`` leaves is a prefix of the tree of ``hashes``."""
    if not 0 < old_size <= len(hashes):
        raise ValueError("old tree size out of range")
    return _subproof(old_size, hashes, True)


def _subproof(m: int, hashes: Sequence[bytes], complete: bool) -> list[bytes]:
    n = len(hashes)
    if m == n:
        return [] if complete else [root_of(hashes)]
    k = _split(n)
    if m <= k:
        return _subproof(m, hashes[:k], complete) + [root_of(hashes[k:])]
    return _subproof(m - k, hashes[k:], False) + [root_of(hashes[:k])]


def verify_inclusion(index: int, size: int, leaf: bytes, proof: Sequence[bytes], root: bytes) -> bool:
    """Whether ``proof`` shows leaf hash ``leaf`` at ``index`` in the tree of ``size`` with ``root``."""
    if not 0 <= index < size:
        return False
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == root


def verify_consistency(old_size: int, new_size: int, old_root: bytes, new_root: bytes,
                       proof: Sequence[bytes]) -> bool:
    """Whether ``proof`` shows the tree of ``old_size`` (``old_root``) is a prefix of ``new_root``'s."""
    if old_size < 1 or old_size > new_size:
        return False
    if old_size == new_size:
        return not proof and old_root == new_root
    if not proof:
        return False
    path = list(proof)
    if old_size & (old_size - 1) == 0:  # a power of two: the old root is the first node
        path.insert(0, old_root)
    fn, sn = old_size - 1, new_size - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr, sr = node_hash(c, fr), node_hash(c, sr)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return sn == 0 and fr == old_root and sr == new_root


# --- Signed checkpoints -----------------------------------------------------------------------

@dataclass(frozen=True)
class Checkpoint:
    """A signed statement of the audit tree at one size. ``root_hash`` and ``last_hash`` are hex;
    ``signature`` base64 over ``body()``; ``key_id`` names the signing key (see ``key_id``)."""

    tree_size: int
    root_hash: str
    last_hash: str
    timestamp: str
    key_id: str
    signature: str = ""
    origin: str = ORIGIN

    def body(self) -> bytes:
        return (f"{self.origin}\n{self.tree_size}\n{self.root_hash}\n{self.last_hash}\n{self.timestamp}\n"
                f"{self.key_id}\n").encode()

    def as_json(self) -> str:
        return json.dumps(asdict(self), indent=2, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> Checkpoint:
        data = json.loads(text)
        return cls(**{k: data[k] for k in ("tree_size", "root_hash", "last_hash", "timestamp", "key_id",
                                            "signature", "origin")})


def public_key_bytes(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def key_id(key: Ed25519PublicKey) -> str:
    """A short name of a public key: the first 16 hex digits of the SHA-256 of its raw bytes."""
    return hashlib.sha256(public_key_bytes(key)).hexdigest()[:16]


def sign(checkpoint: Checkpoint, private_key: Ed25519PrivateKey) -> Checkpoint:
    unsigned = Checkpoint(checkpoint.tree_size, checkpoint.root_hash, checkpoint.last_hash, checkpoint.timestamp,
                          key_id(private_key.public_key()), "", checkpoint.origin)
    signature = base64.b64encode(private_key.sign(unsigned.body())).decode()
    return Checkpoint(unsigned.tree_size, unsigned.root_hash, unsigned.last_hash, unsigned.timestamp,
                      unsigned.key_id, signature, unsigned.origin)


def signature_valid(checkpoint: Checkpoint, public_key: Ed25519PublicKey) -> bool:
    """Whether ``checkpoint`` was signed by ``public_key`` (and names it)."""
    if checkpoint.key_id != key_id(public_key) or checkpoint.origin != ORIGIN:
        return False
    try:
        public_key.verify(base64.b64decode(checkpoint.signature, validate=True), checkpoint.body())
    except (InvalidSignature, ValueError):
        return False
    return True


def load_public_key(pem: bytes) -> Ed25519PublicKey:
    key = serialization.load_pem_public_key(pem)
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError("not an Ed25519 public key")
    return key
