"""The JSON API (/api/v1/openapi.json) and the HSDS API (/hsds/openapi.json), fuzzed with Schemathesis.

Every operation of each document is called, signed in as each of the roles below (personal API tokens;
anonymous too), with requests Schemathesis generates from the schema: valid ones and, for the JSON
API, invalid ones. Path parameters are half the time the ids of real objects of the world (the
caller's organization's or another's), so that the handlers are reached past the 404. Every response
must be no server error (5xx) and conform to the document: a documented status code, a documented
content type, a body that matches the response schema.

Bounded and reproducible: ``MAX_EXAMPLES`` per operation and role (``OCTIP_FUZZ_EXAMPLES``, 5 by
default; 2 for anonymous on the JSON API, where authentication answers first), derandomized
Hypothesis, no deadline, no shrinking. Requests go through the Django test client in the test's own
transaction, on one world per module and worker (tests/security/world.py). The counts (operations,
requests, status codes) go to bench/results/fuzz.json: each xdist worker keeps its part in a folder
of the run's own under the temporary directory, and whoever finishes a module sums the parts.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import requests
import schemathesis
from django.test import Client
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.core.transport import Response
from schemathesis.generation.modes import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.security import hsds_openapi
from tests.security.world import World, world_fixture

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "bench" / "results"
BASE = "http://testserver"
MAX_EXAMPLES = int(os.environ.get("OCTIP_FUZZ_EXAMPLES", "5"))
ROLES = ["coordinator", "caseworker", "hotline_operator", "screener", "analyst", "police_liaison"]
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_headers_conformance,
          response_schema_conformance]

#: A path parameter's name -> the kind of world object whose id fills it.
PATH_KINDS = {"case_id": "case", "request_id": "closure", "goal_id": "goal", "task_id": "task",
              "document_id": "document", "access_id": "emergency", "consent_id": "consent",
              "screening_id": "screening", "contact_id": "contact", "referral_id": "referral",
              "transfer_id": "transfer", "framework_id": "framework", "id": "hsds"}

STATS: Counter[str] = Counter()
OPERATIONS: set[str] = set()


def _operations(document: dict) -> list[tuple[str, str]]:
    return [(method.upper(), path) for path, item in document["paths"].items() for method in item
            if method in {"get", "post", "put", "patch", "delete"}]


def _api_document() -> dict:
    from octip.api import api

    return api.get_openapi_schema()


API_OPERATIONS = _operations(_api_document())


shared_world = pytest.fixture(scope="module")(world_fixture)


HSDS_OPERATIONS = _operations(hsds_openapi.document())
HSDS_ROLES = ["coordinator", "caseworker", None]


@pytest.fixture(scope="module")
def hsds_schema(shared_world):
    served = Client().get("/hsds/openapi.json").json()
    assert served["paths"].keys() == hsds_openapi.document()["paths"].keys()  # the same operations
    return schemathesis.openapi.from_dict(hsds_openapi.document())


@pytest.fixture(scope="module")
def api_schema(shared_world):
    # The document as served (it needs no sign-in), not as built in-process.
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    return schemathesis.openapi.from_dict(response.json())


def _send(case, headers: dict[str, str], base_url: str) -> Response:
    """The case through the Django test client; the answer as Schemathesis validates it."""
    kwargs = case.as_transport_kwargs(base_url=base_url, headers=headers)
    kwargs.pop("timeout", None)
    kwargs.pop("allow_redirects", None)
    prepared = requests.Request(**{k: v for k, v in kwargs.items()
                                   if k in {"method", "url", "headers", "params", "data", "json", "files",
                                            "cookies", "auth"}}).prepare()
    path = prepared.path_url
    body = prepared.body or b""
    if isinstance(body, str):
        body = body.encode()
    header_kwargs = {k: v for k, v in prepared.headers.items() if k.lower() not in {"content-type", "content-length"}}
    client = Client()
    started = time.monotonic()
    answer = client.generic(prepared.method, path, data=body,
                            content_type=prepared.headers.get("Content-Type", "application/octet-stream"),
                            headers=header_kwargs)
    content = b"".join(answer.streaming_content) if answer.streaming else answer.content
    STATS["requests"] += 1
    STATS[f"status_{answer.status_code}"] += 1
    if answer.status_code >= 500:
        STATS["server_errors"] += 1
    return Response(status_code=answer.status_code, headers={k: [v] for k, v in answer.headers.items()},
                    content=content, request=prepared, elapsed=time.monotonic() - started, verify=True)


def _fill_path(case, world: World, side: str) -> None:
    if side == "generated":
        return
    for name in list(case.path_parameters or {}):
        kind = PATH_KINDS.get(name)
        if kind == "hsds":  # /services/{id}, /taxonomies/{id}...
            kind = "hsds_" + case.operation.path.strip("/").split("/")[0]
        if kind == "framework":
            case.path_parameters[name] = world.objects["framework"][side].slug
        elif kind is not None and kind in world.objects:
            case.path_parameters[name] = str(world.objects[kind][side].pk)


def _fuzz(operation, world: World, role: str | None, label: str, modes: list[GenerationMode],
          base_url: str = BASE, examples: int = MAX_EXAMPLES) -> None:
    headers = {"Authorization": f"Bearer {world.tokens[role]}"} if role else {}
    strategy = st.one_of(*[operation.as_strategy(generation_mode=mode) for mode in modes])
    OPERATIONS.add(label)

    @settings(max_examples=examples, deadline=None, derandomize=True, database=None, print_blob=False,
              phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
    @given(case=strategy, side=st.sampled_from(["own", "other", "generated"]))
    def run(case, side: str) -> None:
        _fill_path(case, world, side)
        response = _send(case, headers, base_url)
        case.validate_response(response, checks=CHECKS)

    run()


@pytest.mark.parametrize("role", [*ROLES, None], ids=[*ROLES, "anonymous"])
@pytest.mark.parametrize(("method", "path"), API_OPERATIONS, ids=[f"{m} {p}" for m, p in API_OPERATIONS])
def test_api_operation(api_schema, shared_world, role, method, path):
    operation = api_schema[path][method]
    modes = [GenerationMode.POSITIVE, GenerationMode.NEGATIVE] if role else [GenerationMode.POSITIVE]
    # Anonymous, every operation meets the authentication first: a couple of examples say all there is.
    _fuzz(operation, shared_world, role, f"api {method} {path}", modes,
          examples=MAX_EXAMPLES if role else min(MAX_EXAMPLES, 2))


def _parts_folder() -> Path:
    # One folder per run (xdist gives every worker of a run the same id), one file per worker.
    run = os.environ.get("PYTEST_XDIST_TESTRUNUID") or f"single-{os.getpid()}"
    folder = Path(tempfile.gettempdir()) / f"octip-fuzz-{run}"
    folder.mkdir(exist_ok=True)
    return folder


@pytest.fixture(scope="module", autouse=True)
def _write_totals():
    yield
    folder = _parts_folder()
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    (folder / f"{worker}.json").write_text(json.dumps({"operations": sorted(OPERATIONS), "counts": dict(STATS)}))
    totals: Counter[str] = Counter()
    operations: set[str] = set()
    for part in folder.glob("*.json"):
        data: dict[str, Any] = json.loads(part.read_text())
        totals.update(data["counts"])
        operations.update(data["operations"])
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "fuzz.json").write_text(json.dumps({
        "operations_fuzzed": len(operations),
        "operations_fuzzed_by_api": dict(Counter(label.split()[0] for label in operations)),
        "requests_sent": totals["requests"], "server_errors": totals["server_errors"],
        "max_examples_per_operation_and_role": MAX_EXAMPLES, "roles": [*ROLES, "anonymous"],
        "status_codes": {k.removeprefix("status_"): v for k, v in sorted(totals.items()) if k.startswith("status_")},
    }, indent=2) + "\n")


@pytest.mark.parametrize("role", HSDS_ROLES, ids=["coordinator", "caseworker", "anonymous"])
@pytest.mark.parametrize(("method", "path"), HSDS_OPERATIONS, ids=[f"{m} {p}" for m, p in HSDS_OPERATIONS])
def test_hsds_operation(hsds_schema, shared_world, role, method, path):
    operation = hsds_schema[path][method]
    _fuzz(operation, shared_world, role, f"hsds {method} {path}", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE],
          base_url=BASE + "/hsds")
