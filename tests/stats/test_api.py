"""The statistics API: make, list, read and download releases; refusals are 400/403 and write nothing."""

from __future__ import annotations

import hashlib
import json

import pytest

from octip.core.models import AuditEvent
from octip.stats.models import Release
from tests.stats.conftest import YEAR

URL = "/api/v1/stats/releases"


@pytest.fixture(autouse=True)
def _release_dir(settings, tmp_path):
    settings.OCTIP_STATS_RELEASE_DIR = tmp_path / "releases"


def _post(client, body):
    return client.post(URL, json.dumps(body), content_type="application/json")


def test_make_list_read_and_download_a_release(client_for, analyst, stats_world):
    stats_world(40)
    client = client_for(analyst)
    response = _post(client, {"kind": "aggregate", "period": YEAR})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["reference"].startswith(f"OCTIP-{YEAR}-AGGREGATE-") and body["k"] == 11
    assert [r["id"] for r in client.get(URL).json()] == [body["id"]]
    read = client.get(f"{URL}/{body['id']}").json()
    assert read["rounding_seed_sha256"] == body["rounding_seed_sha256"] and "seed" not in read
    entry = next(f for f in body["files"] if f["name"] == "tables.xlsx")
    download = client.get(entry["url"])
    assert download.status_code == 200
    content = b"".join(download.streaming_content)
    assert hashlib.sha256(content).hexdigest() == entry["sha256"]
    assert AuditEvent.objects.filter(action="stats.release_downloaded", target_id=body["id"]).exists()
    assert client.get(f"{URL}/{body['id']}/files/..%2Fsecret").status_code == 404
    assert client.get(f"{URL}/{body['id']}/files/other.csv").status_code == 404
    assert client.get(f"{URL}/00000000-0000-0000-0000-000000000000").status_code == 404


def test_bad_parameters_are_a_400_naming_them(client_for, analyst):
    client = client_for(analyst)
    for body, field in [({"kind": "aggregate", "period": YEAR, "k": 1}, "k"),
                        ({"kind": "aggregate", "period": YEAR, "epsilon": 0}, "epsilon"),
                        ({"kind": "other", "period": YEAR}, "kind"),
                        ({"kind": "aggregate", "period": YEAR + 5}, "period")]:
        response = _post(client, body)
        assert response.status_code == 400, response.content
        assert field in response.json()["errors"]
    assert Release.objects.count() == 0


def test_a_coordinator_reads_but_may_not_release_and_a_caseworker_sees_nothing(client_for, make_user):
    coordinator = client_for(make_user("coordinator"))
    assert _post(coordinator, {"kind": "aggregate", "period": YEAR}).status_code == 403
    assert coordinator.get(URL).status_code == 200
    caseworker = client_for(make_user("caseworker"))
    assert caseworker.get(URL).status_code == 403
    assert Release.objects.count() == 0
