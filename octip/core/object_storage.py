"""The S3-compatible object storage for the files the platform writes at run time (``OCTIP_STORAGE=s3``).

Read by settings.py, so it imports nothing of Django's models. What the storage promises:

- **Private.** Objects get the ``private`` ACL; nothing builds a public or presigned URL for a user.
  Every download is streamed by the app's own views, after the permission check and with the audit
  event (``cases.services.documents.read_document``, the secure export's download, ...). A URL handed
  out would skip both and could be forwarded.
- **Opaque names.** Object keys are the names the app gives (``cases/documents/<uuid>.enc``,
  ``referral-exports/<uuid>.zip``, ``prevention/materials/...``): never a person's name.
- **Encrypted twice.** Documents are sealed with the field keys before they leave the app
  (``core.crypto``); the bucket is also asked to encrypt at rest (``ServerSideEncryption``,
  ``OCTIP_S3_SERVER_SIDE_ENCRYPTION``, ``AES256`` unless set, ``none`` for a server that refuses it).
- **Never overwritten.** ``file_overwrite`` is off: a taken name gets a new one, as on the file system.

Credentials come from boto3's standard chain (``AWS_ACCESS_KEY_ID``/``AWS_SECRET_ACCESS_KEY``, a
profile, an instance role): never a Django setting, so they are never printed with the settings.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

S3_BACKEND = "storages.backends.s3.S3Storage"


class StorageConfigurationError(ValueError):
    """The object storage's environment variables are incomplete or wrong."""


def s3_storage(environ: Mapping[str, str]) -> dict[str, Any]:
    """The ``STORAGES["default"]`` entry for ``OCTIP_STORAGE=s3``, from environment variables."""
    bucket = environ.get("OCTIP_S3_BUCKET", "").strip()
    if not bucket:
        raise StorageConfigurationError("OCTIP_STORAGE=s3 needs OCTIP_S3_BUCKET. See docs/deployment.md.")
    sse = environ.get("OCTIP_S3_SERVER_SIDE_ENCRYPTION", "AES256").strip()
    if sse.lower() == "none":
        sse = ""
    elif sse not in ("AES256", "aws:kms"):
        raise StorageConfigurationError("OCTIP_S3_SERVER_SIDE_ENCRYPTION must be AES256, aws:kms or none.")
    return {"BACKEND": S3_BACKEND, "OPTIONS": {
        "bucket_name": bucket,
        "endpoint_url": environ.get("OCTIP_S3_ENDPOINT_URL") or None,
        "region_name": environ.get("OCTIP_S3_REGION") or None,
        "location": environ.get("OCTIP_S3_PREFIX", "").strip("/"),
        "default_acl": "private",
        "file_overwrite": False,
        # Were a URL ever built it would be signed and short-lived; none is handed to a user.
        "querystring_auth": True,
        "querystring_expire": 60,
        "object_parameters": {"ServerSideEncryption": sse} if sse else {},
        # Local S3 servers (moto, MinIO) want path-style addresses; AWS takes either.
        "addressing_style": environ.get("OCTIP_S3_ADDRESSING_STYLE") or None,
        "signature_version": "s3v4",
    }}
