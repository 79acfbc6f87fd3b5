#!/usr/bin/env python3
"""Verify an exported audit checkpoint, an inclusion proof or a consistency proof, without Django.

Needs only Python 3.11 and the ``cryptography`` package; it loads ``octip/core/merkle.py`` from its
file (that module imports nothing else of the platform). An auditor copies the public key once, from
``manage.py audit_checkpoint --public-key`` or the export folder, and keeps it apart from the server.

    tools/verify_checkpoint.py --public-key KEY.pem checkpoint-000000001234.json
    tools/verify_checkpoint.py --public-key KEY.pem --inclusion proof.json      # manage.py audit_proof ID
    tools/verify_checkpoint.py --public-key KEY.pem --consistency proof.json    # audit_proof --consistency N

Exit status 0 when everything verifies, 1 otherwise, with one line saying why.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
from pathlib import Path

_MERKLE = Path(__file__).resolve().parent.parent / "octip" / "core" / "merkle.py"


def _load_merkle():  # noqa: ANN202 - a module object
    spec = importlib.util.spec_from_file_location("octip_merkle_standalone", _MERKLE)
    if spec is None or spec.loader is None:
        raise SystemExit(f"cannot load {_MERKLE}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


merkle = _load_merkle()


def _checkpoint(data: dict, key) -> object:  # noqa: ANN001
    checkpoint = merkle.Checkpoint(**{k: data[k] for k in ("tree_size", "root_hash", "last_hash", "timestamp",
                                                             "key_id", "signature", "origin")})
    if not merkle.signature_valid(checkpoint, key):
        raise ValueError(f"checkpoint {checkpoint.tree_size}: the signature does not verify with this key")
    return checkpoint


def verify(path: Path, key_path: Path, mode: str) -> str:
    """What verified, as one sentence; raises ValueError saying what did not."""
    key = merkle.load_public_key(key_path.read_bytes())
    data = json.loads(path.read_text())
    if mode == "checkpoint":
        checkpoint = _checkpoint(data, key)
        return f"checkpoint {checkpoint.tree_size} verifies: root {checkpoint.root_hash}"
    if mode == "inclusion":
        checkpoint = _checkpoint(data["checkpoint"], key)
        leaf = merkle.leaf_hash(bytes.fromhex(data["event_hash"]))
        proof = [bytes.fromhex(h) for h in data["proof"]]
        if not merkle.verify_inclusion(int(data["leaf_index"]), checkpoint.tree_size, leaf, proof,
                                       bytes.fromhex(checkpoint.root_hash)):
            raise ValueError(f"event seq {data['seq']} is not in the tree checkpoint {checkpoint.tree_size} signed")
        return f"event seq {data['seq']} is in checkpoint {checkpoint.tree_size}"
    old, new = _checkpoint(data["old"], key), _checkpoint(data["new"], key)
    proof = [bytes.fromhex(h) for h in data["proof"]]
    if not merkle.verify_consistency(old.tree_size, new.tree_size, bytes.fromhex(old.root_hash),
                                     bytes.fromhex(new.root_hash), proof):
        raise ValueError(f"checkpoint {old.tree_size} is not a prefix of checkpoint {new.tree_size}: "
                         "the log was rewritten between them")
    return f"checkpoint {old.tree_size} is a prefix of checkpoint {new.tree_size}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--public-key", type=Path, required=True, help="The office's audit public key (PEM).")
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--inclusion", action="store_true", help="The file is an inclusion proof.")
    group.add_argument("--consistency", action="store_true", help="The file is a consistency proof.")
    parser.add_argument("file", type=Path)
    args = parser.parse_args(argv)
    mode = "inclusion" if args.inclusion else "consistency" if args.consistency else "checkpoint"
    try:
        said = verify(args.file, args.public_key, mode)
    except (ValueError, KeyError, TypeError, OSError) as failure:
        print(f"NOT VERIFIED: {failure}")
        return 1
    print(f"VERIFIED: {said}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
