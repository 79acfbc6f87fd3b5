"""Prove that the platform runs on several web nodes: two gunicorn processes on two loopback ports,
each with a var folder of its own (no shared disk), in front of one PostgreSQL database, one Redis
and one S3 server (moto's server mode). A person signs in on node A and uses the session on node B;
a document uploaded on A downloads on B; the object is in the bucket and on neither node's disk.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/deploy_nodes \\
        .venv/bin/python tools/two_nodes.py [--redis redis://127.0.0.1:6379/8]

The database must exist and may be empty (it is migrated once, as a deployment does); synthetic
demo data is seeded if it has none. Every process it starts is stopped at the end. Exit status 0
when every step held.
"""
# ruff: noqa: S603 - every command is one of our own programs, as a list, never through a shell

from __future__ import annotations

import argparse
import base64
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from contextlib import suppress
from pathlib import Path

import requests
from rich.console import Console

ROOT = Path(__file__).resolve().parents[1]
console = Console()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with suppress(requests.RequestException):
            if requests.get(url, timeout=2).status_code < 500:
                return
        time.sleep(0.3)
    raise SystemExit(f"{url} did not answer within {seconds:.0f} s")


def step(ok: bool, text: str) -> bool:
    console.print(("[green]PASS[/green] " if ok else "[red]FAIL[/red] ") + text)
    return ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--redis", default=os.environ.get("OCTIP_REDIS_URL", "redis://127.0.0.1:6379/8"))
    args = parser.parse_args(argv)
    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url.startswith("postgres"):
        raise SystemExit("Set DATABASE_URL to a PostgreSQL database (e.g. postgres://postgres@127.0.0.1:5432/deploy_nodes).")
    work = Path(tempfile.mkdtemp(prefix="octip-two-nodes-"))
    s3_port, port_a, port_b = free_port(), free_port(), free_port()
    bucket = "octip-two-nodes"
    # What every node shares: the secrets and keys (from the environment, as in production), the
    # database, Redis and the bucket. What each node has alone: its var folder.
    shared = {
        "DATABASE_URL": database_url, "OCTIP_REDIS_URL": args.redis, "OCTIP_STORAGE": "s3",
        "OCTIP_S3_BUCKET": bucket, "OCTIP_S3_ENDPOINT_URL": f"http://127.0.0.1:{s3_port}",
        "OCTIP_S3_REGION": "ca-central-1", "OCTIP_S3_ADDRESSING_STYLE": "path",
        "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": "ca-central-1",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "OCTIP_FIELD_KEYS": "k1:" + base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
        "OCTIP_BLIND_INDEX_KEY": base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
        "OCTIP_REQUIRE_MFA": "0", "OCTIP_DEBUG": "0", "PYTHONPATH": str(ROOT),
        "OCTIP_AUDIT_CHECKPOINT_DIR": str(work / "shared-volume" / "audit-checkpoints"),
    }
    processes: list[subprocess.Popen] = []

    def node_env(name: str) -> dict[str, str]:
        var = work / f"var-{name}"
        var.mkdir(mode=0o700)
        return {**os.environ, **shared, "OCTIP_VAR_DIR": str(var)}

    def start(command: list[str], env: dict[str, str], log: str) -> None:
        handle = (work / log).open("w")
        processes.append(subprocess.Popen(command, cwd=ROOT, env=env, stdout=handle, stderr=subprocess.STDOUT,
                                          start_new_session=True))

    results: list[bool] = []
    try:
        console.print(f"[bold]Work folder[/bold] {work}")
        start([str(ROOT / ".venv/bin/moto_server"), "-H", "127.0.0.1", "-p", str(s3_port)], dict(os.environ),
              "s3.log")
        wait_for(f"http://127.0.0.1:{s3_port}/")
        import boto3

        s3 = boto3.client("s3", endpoint_url=f"http://127.0.0.1:{s3_port}", region_name="ca-central-1",
                          aws_access_key_id="testing", aws_secret_access_key="testing")
        s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": "ca-central-1"})
        admin = node_env("admin")
        manage = [sys.executable, str(ROOT / "manage.py")]
        console.print("migrate (once, from one node)")
        subprocess.run([*manage, "migrate", "--no-input", "-v", "0"], cwd=ROOT, env=admin, check=True)
        setup = subprocess.run([*manage, "shell", "-c", SETUP], cwd=ROOT, env=admin, check=True,
                               capture_output=True, text=True)
        email, case_id = setup.stdout.strip().splitlines()[-1].split()
        for name, port in (("a", port_a), ("b", port_b)):
            start([str(ROOT / ".venv/bin/gunicorn"), "octip.wsgi:application", "-b", f"127.0.0.1:{port}", "-w", "2",
                   "--timeout", "60"], node_env(name), f"node-{name}.log")
        node_a, node_b = f"http://127.0.0.1:{port_a}", f"http://127.0.0.1:{port_b}"
        for node in (node_a, node_b):
            wait_for(f"{node}/healthz")
        results.append(step(all(requests.get(f"{n}/healthz", timeout=10).status_code == 200 for n in (node_a, node_b)),
                            f"both nodes healthy (A {node_a}, B {node_b}, each with its own var folder)"))

        browser = requests.Session()  # one browser; the cookie jar goes to whichever node answers
        browser.get(f"{node_a}/accounts/login/", timeout=10)
        signed_in = browser.post(f"{node_a}/accounts/login/", timeout=10, allow_redirects=False, data={
            "username": email, "password": DEMO_PASSWORD, "csrfmiddlewaretoken": browser.cookies["csrftoken"]})
        results.append(step(signed_in.status_code == 302, f"signed in on node A as {email}"))
        case_page = browser.get(f"{node_b}/app/cases/{case_id}/", timeout=20, allow_redirects=False)
        results.append(step(case_page.status_code == 200, "the session opened on A reads the case page on node B"))

        content = b"%PDF-1.4 synthetic two-node letter " + secrets.token_hex(8).encode()
        uploaded = browser.post(f"{node_a}/app/cases/{case_id}/documents/new/", timeout=20, allow_redirects=False,
                                data={"kind": "legal", "csrfmiddlewaretoken": browser.cookies["csrftoken"]},
                                files={"file": ("letter.pdf", content, "application/pdf")})
        results.append(step(uploaded.status_code == 302, "uploaded a document on node A"))
        keys = [o["Key"] for o in s3.list_objects_v2(Bucket=bucket).get("Contents", [])]
        results.append(step(len(keys) == 1 and re.fullmatch(r"cases/documents/[0-9a-f]{32}\.enc", keys[0]) is not None,
                            f"the bucket holds one sealed object under an opaque key: {keys}"))
        document_uuid = str(uuid.UUID(keys[0].rsplit("/", 1)[1].split(".")[0])) if keys else "missing"
        link = browser.post(f"{node_b}/app/cases/{case_id}/documents/{document_uuid}/link/", timeout=20,
                            allow_redirects=False, data={"csrfmiddlewaretoken": browser.cookies["csrftoken"]})
        download = browser.get(node_b + link.headers.get("Location", "/missing"), timeout=20, allow_redirects=False)
        results.append(step(download.status_code == 200 and download.content == content,
                            "downloaded it on node B through the audited view, byte for byte"))
        on_disk = [p for name in ("a", "b", "admin") for p in (work / f"var-{name}").rglob("*")
                   if p.is_file() and "media" in p.parts]
        results.append(step(on_disk == [], "no node keeps a media file on its own disk"))
        stored = s3.get_object(Bucket=bucket, Key=keys[0])["Body"].read() if keys else b""
        results.append(step(stored.startswith(b"enc1:") and content not in stored,
                            "the object in the bucket is the app's ciphertext, not the document"))
        audit = subprocess.run([*manage, "shell", "-c", AUDIT.format(document=document_uuid)], cwd=ROOT, env=admin,
                               check=True, capture_output=True, text=True).stdout.strip().splitlines()[-1]
        results.append(step(audit == "1", "one case.document_downloaded audit event"))
    finally:
        for process in processes:
            with suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
        if all(results) and results:
            shutil.rmtree(work, ignore_errors=True)
        else:
            console.print(f"Logs kept in {work}")
    passed = sum(results)
    console.print(f"{passed} passed, {len(results) - passed} failed")
    return 0 if results and all(results) else 1


DEMO_PASSWORD = "octip-two-nodes-" + secrets.token_hex(6)

#: Synthetic people only: one organization, one caseworker, one case of a made-up person.
SETUP = f"""
from tests.factories import OrganizationFactory, TeamFactory, UserFactory
from tests.cases.conftest import open_case
org = OrganizationFactory()
team = TeamFactory(organization=org)
user = UserFactory(role="caseworker", organization=org, teams=[team])
user.set_password({DEMO_PASSWORD!r}); user.save()
case = open_case(user)
print(user.email, case.pk)
"""

AUDIT = """
from octip.core.models import AuditEvent
print(AuditEvent.objects.filter(action="case.document_downloaded", detail__document_id="{document}").count())
"""

if __name__ == "__main__":
    sys.exit(main())
