"""The dashboard: controlled figures for analysts, exact ones for coordinators only, CSV beside each
chart, inline SVG that the CSP allows, English and French."""

from __future__ import annotations

import re

import pytest

from octip.stats.tables import SPECS
from tests.stats.conftest import YEAR

URL = "/app/stats/"


@pytest.fixture(autouse=True)
def _release_dir(settings, tmp_path):
    settings.OCTIP_STATS_RELEASE_DIR = tmp_path / "releases"


def test_analyst_sees_controlled_figures_and_the_left_out_count(client_for, analyst, stats_world):
    cases, consented, _w = stats_world(60)
    response = client_for(analyst).get(URL, {"year": YEAR})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Controlled figures" in html and "Cases left out for want of an active consent" in html
    assert 'name="exact"' not in html
    for spec in SPECS:
        assert f'id="t-{spec.key}"' in html
        assert f"/app/stats/tables/{spec.key}.csv?" in html
    svgs = re.findall(r"<svg.*?</svg>", html, flags=re.S)
    assert len(svgs) == len(SPECS)
    for svg in svgs:
        assert "<script" not in svg and " style=" not in svg and "<style" not in svg and "href=\"http" not in svg
        assert 'role="img"' in svg and "<title>" in svg
    # Every number in a data table is rounded to base 5 or a symbol.
    cells = re.findall(r"<td>([^<]*)</td>", html.split('id="releases"')[0])
    assert cells and all(c in {"x", "F", ".."} or int(c) % 5 == 0 for c in cells)
    # An analyst cannot ask for exact counts.
    exact = client_for(analyst).get(URL, {"year": YEAR, "exact": "on"}).content.decode()
    assert "Exact internal operational counts" not in exact and "Open caseload today" not in exact


def test_coordinator_may_see_exact_operational_counts(client_for, make_user, stats_world):
    cases, consented, _w = stats_world(30)
    client = client_for(make_user("coordinator"))
    response = client.get(URL, {"year": YEAR, "exact": "on"})
    html = response.content.decode()
    assert "Exact internal operational counts" in html
    assert "Open caseload today, by stage and track" in html and "Overdue tasks" in html
    csv = client.get(f"{URL}tables/cases_by_track.csv", {"year": YEAR, "exact": "on"})
    assert csv.status_code == 200
    last = b"".join(csv.streaming_content).decode().strip().splitlines()[-1]
    assert last.split(",")[1] == str(len(cases))


def test_csv_download_of_a_controlled_table(client_for, analyst, stats_world):
    stats_world(30)
    response = client_for(analyst).get(f"{URL}tables/cases_by_gender.csv", {"year": YEAR})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = b"".join(response.streaming_content).decode().strip().splitlines()
    assert rows[0].startswith(",") and rows[-1].startswith("Total")
    assert client_for(analyst).get(f"{URL}tables/nope.csv", {"year": YEAR}).status_code == 404


def test_bad_filters_are_a_clear_400(client_for, analyst):
    client = client_for(analyst)
    assert client.get(URL, {"year": "1999"}).status_code == 400
    assert client.get(URL, {"year": YEAR, "region": "atlantis"}).status_code == 400
    assert client.get(f"{URL}tables/cases_by_gender.csv", {"year": "soon"}).status_code == 400


def test_who_may_see_the_dashboard(client_for, make_user):
    assert client_for(make_user("caseworker")).get(URL).status_code == 403
    assert client_for(make_user("coordinator")).get(URL).status_code == 200
    nav = client_for(make_user("analyst")).get("/app/").content.decode()
    assert 'href="/app/stats/"' in nav


def test_french(client_for, analyst, stats_world):
    stats_world(20)
    client = client_for(analyst)
    client.cookies["django_language"] = "fr"
    html = client.get(URL, {"year": YEAR}, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Statistiques" in html


def test_make_a_release_from_the_page(client_for, analyst, stats_world):
    stats_world(20)
    client = client_for(analyst)
    response = client.post(f"{URL}releases/new/", {"kind": "aggregate", "period": YEAR})
    assert response.status_code == 302
    html = client.get(URL, {"year": YEAR}).content.decode()
    assert "tables.xlsx of OCTIP-" in html
    refused = client.post(f"{URL}releases/new/", {"kind": "aggregate", "period": YEAR, "epsilon": "-1"}, follow=True)
    assert "Release refused" in refused.content.decode()


def test_the_same_figures_round_the_same_on_every_request(client_for, analyst, stats_world):
    # Fresh random rounding on each request could be averaged back to the true counts.
    stats_world(30)
    client = client_for(analyst)
    first = b"".join(client.get(f"{URL}tables/cases_by_region_and_funding.csv", {"year": YEAR}).streaming_content)
    again = b"".join(client.get(f"{URL}tables/cases_by_region_and_funding.csv", {"year": YEAR}).streaming_content)
    assert first == again
    cells = [re.findall(r"<td>([^<]*)</td>", client.get(URL, {"year": YEAR}).content.decode()) for _ in range(2)]
    assert cells[0] and cells[0] == cells[1]
