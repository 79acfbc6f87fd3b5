"""Signed checkpoints of the audit log, so that whoever can write the database still cannot rewrite or
cut the log unseen (the shape of Certificate Transparency, RFC 9162, and Sigstore's Rekor).

The hash chain (``core.audit``) catches a careless edit; an attacker who recomputes every hash after
the edit passes it. A checkpoint states the Merkle root of the log at one size, signed with an
Ed25519 key that is not in the database, and is exported to a folder outside it. Then:

- a rewritten event, hashes recomputed, changes the root: the checkpoint no longer matches;
- deleting the newest events leaves a log shorter than a checkpoint;
- a forged checkpoint fails its signature; a deleted one is still in the export.

``write_checkpoint`` (``manage.py audit_checkpoint``, and the scheduled job) extends the tree from the
last checkpoint's compact range, reading only the new events; ``verify_log`` (``manage.py
verify_audit``) checks every checkpoint, in the database and in the export, and walks the log from
the last checkpoint (``full=True``: from the first event).
"""

from __future__ import annotations

import base64
import binascii
import datetime
import os
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, transaction

from . import merkle
from .audit import GENESIS, compute_hash
from .models import AuditCheckpoint, AuditEvent
from .private_files import make_private_dir

Progress = Callable[[int], None]


# --- The signing key --------------------------------------------------------------------------

def _decode_signing_key(text: str) -> Ed25519PrivateKey:
    try:
        raw = base64.urlsafe_b64decode(text.strip() + "=" * (-len(text.strip()) % 4))
    except (binascii.Error, ValueError) as error:
        raise ImproperlyConfigured("OCTIP_AUDIT_SIGNING_KEY is not valid base64.") from error
    if len(raw) != 32:
        raise ImproperlyConfigured("OCTIP_AUDIT_SIGNING_KEY must be 32 bytes (an Ed25519 private key).")
    return Ed25519PrivateKey.from_private_bytes(raw)


def _development_key() -> str:
    path: Path = settings.OCTIP_AUDIT_SIGNING_KEY_FILE
    if path.exists():
        return path.read_text()
    make_private_dir(path.parent)
    raw = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption())
    text = base64.urlsafe_b64encode(raw).decode().rstrip("=")
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)  # never briefly readable by others
    with os.fdopen(fd, "w") as handle:
        handle.write(text)
    return text


@lru_cache(maxsize=1)
def signing_key() -> Ed25519PrivateKey:
    """The key that signs checkpoints: ``OCTIP_AUDIT_SIGNING_KEY``, or in development a key file."""
    text = settings.OCTIP_AUDIT_SIGNING_KEY
    if not text:
        if getattr(settings, "PRODUCTION", False):
            raise ImproperlyConfigured("Production needs OCTIP_AUDIT_SIGNING_KEY.")
        text = _development_key()
    return _decode_signing_key(text)


def public_key() -> Ed25519PublicKey:
    return signing_key().public_key()


def public_key_pem() -> bytes:
    return public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)


def reset_signing_key() -> None:
    """Forget the cached key (tests, or after the settings changed)."""
    signing_key.cache_clear()


# --- Writing ----------------------------------------------------------------------------------

def as_checkpoint(row: AuditCheckpoint) -> merkle.Checkpoint:
    return merkle.Checkpoint(row.tree_size, row.root_hash, row.last_hash, row.timestamp, row.key_id, row.signature)


def _leaves_after(size: int, last_hash: str, *, upto: int | None = None) -> Iterator[tuple[AuditEvent, bytes]]:
    """The events after ``size`` in order, each checked against the chain (raises ``LogBroken``), with
    its leaf hash."""
    events = AuditEvent.objects.filter(seq__gt=size).order_by("seq")
    if upto is not None:
        events = events.filter(seq__lte=upto)
    prev, expected = last_hash, size + 1
    for event in events.iterator(chunk_size=2000):
        if event.seq != expected:
            raise LogBroken(f"sequence jumps from {expected - 1} to {event.seq}: events missing", event.seq)
        if event.prev_hash != prev or compute_hash(prev, event) != event.hash:
            raise LogBroken("the event does not match the chain: it was altered", event.seq)
        yield event, merkle.leaf_hash(bytes.fromhex(event.hash))
        prev, expected = event.hash, expected + 1


def _frontier_of(row: AuditCheckpoint | None) -> tuple[list[bytes], int, str]:
    if row is None:
        return [], 0, GENESIS
    try:
        frontier = [bytes.fromhex(h) for h in row.frontier]
    except (TypeError, ValueError) as error:
        raise LogBroken(f"the stored compact range of checkpoint {row.tree_size} cannot be read", row.tree_size) \
            from error
    # A tree of n leaves has one perfect subtree per bit set in n: any other shape (a lone root, say)
    # would fold to the signed root and then extend wrongly.
    if len(frontier) != bin(row.tree_size).count("1") or any(len(h) != 32 for h in frontier) \
            or merkle.root_of_frontier(frontier).hex() != row.root_hash:
        raise LogBroken(f"the stored compact range of checkpoint {row.tree_size} does not give its root",
                        row.tree_size)
    return frontier, row.tree_size, row.last_hash


def write_checkpoint(*, export_dir: Path | None = None, progress: Progress | None = None) -> AuditCheckpoint | None:
    """Sign and store a checkpoint of the log as it stands, and export it. Reads only the events
    after the last checkpoint, and checks their chain first. Returns None when no event came since
    the last one, so running it twice writes one checkpoint."""
    last = AuditCheckpoint.objects.order_by("-tree_size").first()
    frontier, size, last_hash = _frontier_of(last)
    if last is not None and not merkle.signature_valid(as_checkpoint(last), public_key()):
        raise LogBroken(f"checkpoint {last.tree_size} does not verify: it was forged or altered", last.tree_size)
    start = size
    for event, leaf in _leaves_after(size, last_hash):
        frontier, size = merkle.extend(frontier, size, [leaf])  # the shape was checked: cannot fail
        last_hash = event.hash
        if progress and (size - start) % 1000 == 0:
            progress(size - start)
    if size == start:  # nothing new (or nothing at all): no checkpoint
        return None
    stamp = datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")
    signed = merkle.sign(merkle.Checkpoint(size, merkle.root_of_frontier(frontier).hex(), last_hash, stamp, ""),
                         signing_key())
    try:
        with transaction.atomic():
            row = AuditCheckpoint.objects.create(
                tree_size=signed.tree_size, root_hash=signed.root_hash, last_hash=signed.last_hash,
                timestamp=signed.timestamp, key_id=signed.key_id, signature=signed.signature,
                frontier=[h.hex() for h in frontier])
    except IntegrityError:  # another run checkpointed the same size a moment ago
        return None
    export(row, export_dir)
    return row


def export(row: AuditCheckpoint, export_dir: Path | None = None) -> Path:
    """Write the checkpoint, and the public key that verifies it, into the export folder."""
    folder = Path(export_dir or settings.OCTIP_AUDIT_CHECKPOINT_DIR)
    make_private_dir(folder)
    (folder / "audit-signing-key.pub.pem").write_bytes(public_key_pem())
    path = folder / f"checkpoint-{row.tree_size:012d}.json"
    path.write_text(as_checkpoint(row).as_json() + "\n")
    return path


# --- Verifying --------------------------------------------------------------------------------

class LogBroken(Exception):
    """The audit log or its checkpoints do not hold; ``seq`` names where."""

    def __init__(self, reason: str, seq: int) -> None:
        super().__init__(reason)
        self.reason, self.seq = reason, seq


@dataclass(frozen=True)
class Verified:
    events: int  # events walked
    checkpoints: int  # checkpoints checked
    tree_size: int
    root_hash: str


def exported_checkpoints(export_dir: Path | None = None) -> list[merkle.Checkpoint]:
    folder = Path(export_dir or settings.OCTIP_AUDIT_CHECKPOINT_DIR)
    if not folder.is_dir():
        return []
    out = []
    for path in sorted(folder.glob("checkpoint-*.json")):
        try:
            out.append(merkle.Checkpoint.from_json(path.read_text()))
        except (ValueError, KeyError, TypeError) as error:
            raise LogBroken(f"the exported checkpoint {path.name} cannot be read", 0) from error
    return out


def verify_log(*, full: bool = False, count_older: bool = False, export_dir: Path | None = None,
               progress: Progress | None = None) -> Verified:
    """Check every checkpoint (signature; the database and the export agree; none is missing from
    the database) and the log against them: from the last checkpoint on, or with ``full`` from the
    first event. Raises ``LogBroken`` at the first problem.

    Without ``full`` the cost follows the events since the last checkpoint, not the size of the log:
    the older events are checked by the signed newest hash only (one indexed read), which catches a
    rewrite with hashes recomputed. ``count_older`` also counts them (an index-only scan of every
    older event, no hashing) to catch one deleted from the middle; the weekly ``full`` walk catches
    that too."""
    key = public_key()
    rows = {r.tree_size: r for r in AuditCheckpoint.objects.order_by("tree_size")}
    stated = {size: as_checkpoint(row) for size, row in rows.items()}
    outside_sizes = set()
    for outside in exported_checkpoints(export_dir):
        outside_sizes.add(outside.tree_size)
        inside = stated.get(outside.tree_size)
        if inside is None:
            raise LogBroken(f"checkpoint {outside.tree_size} is in the export but not in the database: "
                            "it was deleted", outside.tree_size)
        if inside != outside:
            raise LogBroken(f"checkpoint {outside.tree_size} differs between the database and the export",
                            outside.tree_size)
    if stated and max(stated) not in outside_sizes:
        # Without its copy outside the database, a checkpoint proves nothing against whoever could
        # write both: the newest must be in the export (point --export at the write-once copy).
        raise LogBroken(f"the newest checkpoint, {max(stated)}, is not in the export folder "
                        f"{export_dir or settings.OCTIP_AUDIT_CHECKPOINT_DIR}", max(stated))
    for size, checkpoint in stated.items():
        if not merkle.signature_valid(checkpoint, key):
            raise LogBroken(f"checkpoint {size} does not verify: it was forged or altered", size)
    newest = AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
    if stated and newest < max(stated):
        raise LogBroken(f"the log ends at event {newest} but checkpoint {max(stated)} was signed: "
                        "the newest events were deleted", newest)
    start = None if full or not rows else rows[max(rows)]
    if start is not None:
        # The newest event a checkpoint signed must still be the one it signed: a rewrite before it,
        # hashes recomputed, changes it.
        tail = AuditEvent.objects.filter(seq=start.tree_size).first()
        if tail is None or tail.hash != start.last_hash or compute_hash(tail.prev_hash, tail) != tail.hash:
            raise LogBroken(f"the log no longer matches checkpoint {start.tree_size}: an event up to it was "
                            "rewritten (run verify_audit --full to find it)", start.tree_size)
        # Catches a deleted older event without re-hashing (seq counts from 1, one per event), but reads
        # the index of every older event: opt-in, so the daily check stays O(new events).
        if count_older and AuditEvent.objects.filter(seq__lte=start.tree_size).count() != start.tree_size:
            raise LogBroken(f"events up to checkpoint {start.tree_size} are missing (run verify_audit --full to "
                            "find where)", start.tree_size)
    frontier, size, last_hash = _frontier_of(start)
    walked, checked = 0, len(stated)
    for event, leaf in _leaves_after(size, last_hash):
        frontier, size = merkle.extend(frontier, size, [leaf])
        walked += 1
        if size in stated:
            checkpoint = stated[size]
            if merkle.root_of_frontier(frontier).hex() != checkpoint.root_hash or event.hash != checkpoint.last_hash:
                raise LogBroken(f"the log no longer matches checkpoint {size}: an event up to it was rewritten",
                                event.seq)
        if progress and walked % 1000 == 0:
            progress(walked)
    return Verified(walked, checked, size, merkle.root_of_frontier(frontier).hex())


# --- Proofs -----------------------------------------------------------------------------------

def _leaf_hashes(upto: int) -> list[bytes]:
    return [merkle.leaf_hash(bytes.fromhex(h)) for h in
            AuditEvent.objects.filter(seq__lte=upto).order_by("seq").values_list("hash", flat=True)]


def inclusion_proof(event: AuditEvent) -> dict:
    """The proof that ``event`` is in the log as the newest checkpoint that covers it states (JSON data,
    for ``tools/verify_checkpoint.py``). Raises ``LookupError`` when no checkpoint covers it yet."""
    row = AuditCheckpoint.objects.filter(tree_size__gte=event.seq).order_by("-tree_size").first()
    if row is None:
        raise LookupError("No checkpoint covers this event yet: run manage.py audit_checkpoint first.")
    hashes = _leaf_hashes(row.tree_size)
    return {"kind": "inclusion", "event_id": event.pk, "seq": event.seq, "leaf_index": event.seq - 1,
            "event_hash": event.hash, "proof": [h.hex() for h in merkle.inclusion_proof(event.seq - 1, hashes)],
            "checkpoint": _checkpoint_data(row)}


def consistency_proof(old_size: int) -> dict:
    """The proof that the log at the checkpoint of ``old_size`` is a prefix of the log at the newest
    checkpoint. Raises ``LookupError`` when there is no such checkpoint."""
    old = AuditCheckpoint.objects.filter(tree_size=old_size).first()
    new = AuditCheckpoint.objects.order_by("-tree_size").first()
    if old is None or new is None:
        raise LookupError(f"No checkpoint of size {old_size}.")
    hashes = _leaf_hashes(new.tree_size)
    return {"kind": "consistency", "proof": [h.hex() for h in merkle.consistency_proof(old_size, hashes)],
            "old": _checkpoint_data(old), "new": _checkpoint_data(new)}


def _checkpoint_data(row: AuditCheckpoint) -> dict:
    return asdict(as_checkpoint(row))
