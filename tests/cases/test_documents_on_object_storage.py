"""Case documents in S3-compatible object storage (OCTIP_STORAGE=s3), against a real S3 server on
loopback: the upload and the download go through the same permission-checked, audited views as on
the file system, the object is sealed and private, and nothing lands on the local disk."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from storages.backends.s3 import S3Storage

from octip.cases import models as m
from octip.core.models import AuditEvent

PDF = b"%PDF-1.4 synthetic letter for Ana Beatriz Ferreira"


def upload(client, case, name, content, kind="legal"):
    return client.post(reverse("cases:document_upload", args=[case.pk]),
                       {"kind": kind, "file": SimpleUploadedFile(name, content)})


def download(client, case, document):
    link = client.post(reverse("cases:document_link", args=[case.pk, document.pk]))
    if link.status_code != 302:
        return link
    return client.get(link["Location"])


@pytest.fixture
def object_reads(monkeypatch) -> list[str]:
    """The names of the objects opened through the storage (a spy on the real S3 storage's reads)."""
    opened: list[str] = []
    real_open = S3Storage._open

    def counting_open(self, name, mode="rb"):
        opened.append(name)
        return real_open(self, name, mode)

    monkeypatch.setattr(S3Storage, "_open", counting_open)
    return opened


def test_a_document_goes_to_the_bucket_sealed_and_private_and_never_to_local_disk(world, client_for, s3_bucket):
    local_media = Path(django_settings.VAR_DIR) / "media" / "cases" / "documents"
    before = set(local_media.glob("*")) if local_media.is_dir() else set()
    assert upload(client_for(world.caseworker_a), world.case_a, "ferreira-letter.pdf", PDF).status_code == 302
    document = m.Document.objects.get(case=world.case_a)

    assert s3_bucket.keys() == [document.storage_name]
    # The key is opaque: the document's id, never the uploaded name or the person's.
    assert document.storage_name == f"cases/documents/{document.pk.hex}.enc"
    stored = s3_bucket.read(document.storage_name)
    assert stored.startswith(b"enc1:") and b"Ferreira" not in stored and b"PDF" not in stored
    head = s3_bucket.client.head_object(Bucket=s3_bucket.name, Key=document.storage_name)
    assert head["ServerSideEncryption"] == "AES256"
    grants = s3_bucket.client.get_object_acl(Bucket=s3_bucket.name, Key=document.storage_name)["Grants"]
    assert [g["Permission"] for g in grants] == ["FULL_CONTROL"]
    assert all(g["Grantee"].get("Type") == "CanonicalUser" for g in grants)  # no AllUsers, no public read
    after = set(local_media.glob("*")) if local_media.is_dir() else set()
    assert after == before


def test_a_document_in_the_bucket_downloads_through_the_audited_view(world, client_for, s3_bucket, object_reads):
    assert upload(client_for(world.caseworker_a), world.case_a, "letter.pdf", PDF).status_code == 302
    document = m.Document.objects.get(case=world.case_a)
    response = download(client_for(world.caseworker_a), world.case_a, document)
    assert response.status_code == 200 and response.content == PDF
    assert response["Cache-Control"] == "no-store" and "ferreira" not in response["Content-Disposition"].lower()
    # Streamed by the app, never a redirect to the bucket.
    assert s3_bucket.endpoint_url not in response.get("Location", "")
    assert object_reads == [document.storage_name]
    assert AuditEvent.objects.filter(action="case.document_downloaded", actor_id=world.caseworker_a.pk).count() == 1


def test_someone_outside_the_case_gets_a_404_and_no_object_is_read(world, client_for, s3_bucket, object_reads):
    assert upload(client_for(world.caseworker_a), world.case_a, "letter.pdf", PDF).status_code == 302
    document = m.Document.objects.get(case=world.case_a)
    owner_link = client_for(world.caseworker_a).post(
        reverse("cases:document_link", args=[world.case_a.pk, document.pk]))
    outsider = client_for(world.caseworker_b)
    assert download(outsider, world.case_a, document).status_code == 404
    assert outsider.get(owner_link["Location"]).status_code == 404
    assert object_reads == []
    assert not AuditEvent.objects.filter(action="case.document_downloaded").exists()


def test_an_upload_to_a_case_out_of_reach_writes_no_object(world, client_for, s3_bucket):
    assert upload(client_for(world.caseworker_b), world.case_a, "a.pdf", PDF).status_code == 404
    assert s3_bucket.keys() == []
