"""A real S3 server on loopback for the tests (moto's server mode, on a free port), and the settings
that point the default storage at a fresh bucket in it, built by the same code as production's."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from octip.core.object_storage import s3_storage


@dataclass
class Bucket:
    name: str
    endpoint_url: str
    client: Any

    def keys(self) -> list[str]:
        listing = self.client.list_objects_v2(Bucket=self.name)
        return [row["Key"] for row in listing.get("Contents", [])]

    def read(self, key: str) -> bytes:
        return self.client.get_object(Bucket=self.name, Key=key)["Body"].read()


@pytest.fixture(scope="session")
def s3_server() -> Iterator[str]:
    """moto's S3 server in a thread of this process, over real HTTP on 127.0.0.1 (not in-process patching)."""
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def s3_bucket(s3_server, settings, monkeypatch) -> Bucket:
    """A fresh private bucket, and the default storage pointed at it as ``OCTIP_STORAGE=s3`` would."""
    import boto3

    for name, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                        "AWS_DEFAULT_REGION": "ca-central-1"}.items():
        monkeypatch.setenv(name, value)
    name = f"octip-test-{uuid.uuid4().hex[:12]}"
    client = boto3.client("s3", endpoint_url=s3_server, region_name="ca-central-1")
    client.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": "ca-central-1"})
    settings.STORAGES = {**settings.STORAGES, "default": s3_storage({
        "OCTIP_S3_BUCKET": name, "OCTIP_S3_ENDPOINT_URL": s3_server, "OCTIP_S3_REGION": "ca-central-1",
        "OCTIP_S3_ADDRESSING_STYLE": "path"})}
    return Bucket(name=name, endpoint_url=s3_server, client=client)
