"""What the fuzzer (test_api_fuzz.py) found, pinned down one request each."""

from __future__ import annotations

import pytest

from octip.api import api

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/hsds/services?search=a%00b", "/hsds/taxonomies?page=%00",
                                  "/api/v1/cases?search=a%00b"])
def test_a_nul_in_the_query_of_a_json_api_is_refused_in_json(client, path):
    # Found by the HSDS fuzz: the refusal at the door was text/plain, which no JSON client reads.
    response = client.get(path)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert "NUL" in response.json()["detail"]


def test_a_nul_in_a_page_address_is_still_refused_as_text(client):
    response = client.get("/services/?q=a%00b")
    assert response.status_code == 400 and response["Content-Type"].startswith("text/plain")


def test_the_api_document_names_the_error_answers():
    # Found by the API fuzz: every 400/401/403/404/409 came back undocumented (only 2xx were named).
    document = api.get_openapi_schema()
    assert "Error" in document["components"]["schemas"]
    for path, item in document["paths"].items():
        for method, operation in item.items():
            codes = {str(code) for code in operation["responses"]}
            assert {"400", "401", "403", "404"} <= codes, (method, path)
            if method in {"post", "put", "patch", "delete"}:
                assert {"409", "415"} <= codes, (method, path)
    download = document["paths"]["/api/v1/cases/{case_id}/documents/{document_id}/download"]["get"]
    assert "410" in {str(code) for code in download["responses"]}
