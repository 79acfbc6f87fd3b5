"""Benchmark: audit-log appends, chain verification, and field encryption.

Run: .venv/bin/python bench/audit_and_crypto.py [N]   (uses a throwaway SQLite database under /tmp)
Writes its numbers to bench/results/audit_and_crypto.json.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "octip.settings")
os.environ["OCTIP_VAR_DIR"] = tempfile.mkdtemp(prefix="octip-bench-")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402


def main(n: int) -> dict:
    call_command("migrate", verbosity=0)
    from octip.core import audit, crypto
    from octip.core.audit import ChainBreak, verify_chain

    started = time.perf_counter()
    for i in range(n):
        audit.record(None, "bench.event", ("bench.thing", i), detail={"i": i})
    append_s = time.perf_counter() - started

    started = time.perf_counter()
    checked = 0
    for step in verify_chain():
        assert not isinstance(step, ChainBreak)
        checked = step
    verify_s = time.perf_counter() - started

    started = time.perf_counter()
    for i in range(n):
        crypto.decrypt(crypto.encrypt(f"Synthetic Person {i}", "bench.field"), "bench.field")
    crypto_s = time.perf_counter() - started

    started = time.perf_counter()
    for i in range(n):
        crypto.blind_index(f"Synthetic Person {i}", "bench.name")
    index_s = time.perf_counter() - started
    return {
        "events": n,
        "audit_appends_per_second": round(n / append_s, 1),
        "audit_verified_per_second": round(checked / verify_s, 1),
        "encrypt_decrypt_pairs_per_second": round(n / crypto_s, 1),
        "blind_indexes_per_second": round(n / index_s, 1),
    }


if __name__ == "__main__":
    result = main(int(sys.argv[1]) if len(sys.argv) > 1 else 5000)
    out = ROOT / "bench" / "results" / "audit_and_crypto.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))
