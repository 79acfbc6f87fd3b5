"""The statistics API: make a release, list and read releases, download a release's files."""

from __future__ import annotations

import hashlib
from uuid import UUID

from django.http import FileResponse, Http404
from django.urls import reverse
from ninja import Router, Status

from . import selectors, services
from .models import Release
from .schemas import ReleaseIn, ReleaseOut

router = Router(tags=["stats"])

CONTENT_TYPES = {".csv": "text/csv", ".json": "application/json", ".pdf": "application/pdf",
                 ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def _out(release: Release) -> dict:
    return {
        "id": release.pk, "reference": release.reference, "kind": release.kind, "period": release.period,
        "k": release.k,
        "rounding_seed_sha256": hashlib.sha256(release.seed.encode()).hexdigest(),
        "epsilon": release.epsilon, "delta": release.delta,
        "suppression": release.suppression, "software": release.software, "row_count": release.row_count,
        "left_out": release.suppression.get("left_out_shown", "x"), "parameters": release.parameters,
        "created_at": release.created_at,
        "created_by": release.created_by.email,
        "files": [{**f, "url": reverse("api:stats_release_file", args=[release.pk, f["name"]])}
                  for f in release.files],
    }


@router.post("/stats/releases", response={201: ReleaseOut})
def create_release(request, body: ReleaseIn):
    """Make a release (``stats.release``). Refusals — bad parameters, over budget — are a 400 that
    says why, and nothing is written."""
    release = services.create_release(actor=request.auth, kind=body.kind, period=body.period, k=body.k,
                                      epsilon=body.epsilon, delta=body.delta)
    return Status(201, _out(release))


@router.get("/stats/releases", response=list[ReleaseOut])
def list_releases(request):
    return [_out(r) for r in selectors.releases_for(actor=request.auth).select_related("created_by")]


@router.get("/stats/releases/{release_id}", response=ReleaseOut)
def get_release(request, release_id: UUID):
    return _out(selectors.release_or_404(actor=request.auth, release_id=release_id))


@router.get("/stats/releases/{release_id}/files/{name}", url_name="stats_release_file")
def download_file(request, release_id: UUID, name: str):
    """One file of a release, checked against its SHA-256 before it is sent."""
    release = selectors.release_or_404(actor=request.auth, release_id=release_id)
    try:
        path = selectors.release_file(actor=request.auth, release=release, name=name)
    except FileNotFoundError as exc:
        raise Http404 from exc
    return FileResponse(path.open("rb"), as_attachment=True, filename=path.name,
                        content_type=CONTENT_TYPES.get(path.suffix, "application/octet-stream"))
