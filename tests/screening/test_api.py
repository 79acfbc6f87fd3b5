"""The screening API: frameworks, evaluate (stores nothing), saved screenings and their scope."""

from __future__ import annotations

import json

import pytest

from octip.core.models import AuditEvent
from octip.screening.models import Screening

from .conftest import make_case

pytestmark = pytest.mark.django_db

GOOD = {
    "deceptive_recruitment.deceived_nature_of_job": "yes", "deceptive_recruitment.deceived_wages": "yes",
    "exploitative_conditions.excessive_working_hours": "yes", "exploitative_conditions.low_or_no_salary": "yes",
    "coercion_at_destination.debt_bondage": "yes", "coercion_at_destination.confiscation_of_documents": "yes",
}


def post(client, url, body):
    return client.post(url, data=json.dumps(body), content_type="application/json")


def test_framework_list_shows_every_framework_with_version_and_status(client_for, screener, frameworks):
    response = client_for(screener).get("/api/v1/screening/frameworks")
    assert response.status_code == 200
    listed = {f["id"]: f for f in response.json()}
    assert set(listed) == set(frameworks)
    assert listed["ilo-adult-labour"]["status"] == "provisional"
    assert listed["ilo-adult-labour"]["version"] == 1


def test_framework_detail_has_dimensions_indicators_strength_question_and_rule(client_for, screener, frameworks):
    body = client_for(screener).get("/api/v1/screening/frameworks/ilo-child-labour").json()
    assert body["dimensions"][0]["id"] == "act"
    indicator = body["dimensions"][0]["indicators"][0]
    assert indicator["key"] == "act.recruited_or_moved"
    assert indicator["strength"] == "strong" and indicator["question"]["fr"]
    assert body["rule"]["conclusion"]["all_of"] == ["act", "exploitative_conditions"]
    assert body["versions"] == [1]
    assert client_for(screener).get("/api/v1/screening/frameworks/nope").status_code == 404


def test_evaluate_returns_the_issue_shape_and_stores_nothing(client_for, screener, frameworks):
    client = client_for(screener)
    screenings, events = Screening.objects.count(), AuditEvent.objects.count()
    response = post(client, "/api/v1/screening/evaluate",
                    {"framework": "ilo-adult-labour", "answers": GOOD})
    assert response.status_code == 200, response.content
    body = response.json()
    assert set(body) == {"framework", "version", "status", "dimensions", "conclusion", "explanation"}
    assert body["conclusion"] == "indicated"
    assert body["dimensions"]["coercion_at_destination"] == {
        "status": "positive", "present": {"strong": ["confiscation_of_documents", "debt_bondage"], "medium": [],
                                          "weak": []}}
    assert body["dimensions"]["coercive_recruitment"]["status"] == "undetermined"
    assert Screening.objects.count() == screenings and AuditEvent.objects.count() == events


def test_evaluate_explains_in_french_when_asked(client_for, screener, frameworks):
    body = post(client_for(screener), "/api/v1/screening/evaluate",
                {"framework": "ilo-adult-labour", "answers": GOOD, "language": "fr"}).json()
    assert any("Conclusion" in line and "La traite est indiquée" in line for line in body["explanation"])


@pytest.mark.parametrize(("answers", "offending"), [
    ({"coercion_at_destination.debt_bondage": "yes", "coercion_at_destination.made_up": "yes"},
     "coercion_at_destination.made_up"),
    ({"debt_bondage": "yes"}, "debt_bondage"),
    ({"coercion_at_destination.debt_bondage": "perhaps"}, "coercion_at_destination.debt_bondage"),
    ({"coercion_at_destination.debt_bondage": True}, "coercion_at_destination.debt_bondage"),
])
def test_evaluate_unknown_key_or_value_is_a_400_naming_the_key(client_for, screener, frameworks, answers, offending):
    response = post(client_for(screener), "/api/v1/screening/evaluate",
                    {"framework": "ilo-adult-labour", "answers": answers})
    assert response.status_code == 400
    assert offending in response.json()["errors"]


def test_evaluate_unknown_framework_is_a_400(client_for, screener, frameworks):
    response = post(client_for(screener), "/api/v1/screening/evaluate", {"framework": "nope", "answers": {}})
    assert response.status_code == 400
    assert "framework" in response.json()["errors"]


def test_roles_without_screening_use_are_refused(client_for, make_user, frameworks):
    analyst = client_for(make_user("analyst"))
    assert analyst.get("/api/v1/screening/frameworks").status_code == 403
    assert post(analyst, "/api/v1/screening/evaluate", {"framework": "palermo", "answers": {}}).status_code == 403
    assert post(analyst, "/api/v1/screenings", {"framework": "palermo", "answers": {}}).status_code == 403
    assert not Screening.objects.exists()


def test_save_and_read_a_screening(client_for, screener, frameworks):
    client = client_for(screener)
    response = post(client, "/api/v1/screenings", {"framework": "ilo-adult-labour", "answers": GOOD,
                                                   "notes": {"exploitative_conditions": "Works nights."},
                                                   "age_group": "adult_19_plus"})
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["assessment"]["conclusion"] == "indicated" and created["case"] is None
    fetched = client.get(f"/api/v1/screenings/{created['id']}")
    assert fetched.status_code == 200
    assert fetched.json()["notes"] == {"exploitative_conditions": "Works nights."}
    assert AuditEvent.objects.filter(action="screening.viewed", target_id=created["id"]).exists()


def test_bad_screening_input_changes_nothing(client_for, screener, frameworks):
    client = client_for(screener)
    for body in ({"framework": "palermo", "answers": {"act.nope": "yes"}},
                 {"framework": "palermo", "answers": {}, "notes": {"nowhere": "x"}},
                 {"framework": "palermo", "answers": {}, "age_group": "ancient"}):
        assert post(client, "/api/v1/screenings", body).status_code == 400
    assert not Screening.objects.exists()


def test_another_organizations_screening_is_a_404(client_for, screener, make_user, other_org, frameworks):
    created = post(client_for(screener), "/api/v1/screenings", {"framework": "palermo", "answers": {}}).json()
    outsider = make_user("coordinator", organization=other_org)  # all scope: may see it
    stranger = make_user("screener", organization=other_org)
    colleague = make_user("screener", organization=screener.organization)  # own scope: not someone else's
    assert client_for(outsider).get(f"/api/v1/screenings/{created['id']}").status_code == 200
    assert client_for(stranger).get(f"/api/v1/screenings/{created['id']}").status_code == 404
    assert client_for(colleague).get(f"/api/v1/screenings/{created['id']}").status_code == 404


def test_hotline_operators_see_their_organizations_screenings(client_for, make_user, org, other_org, frameworks):
    first = make_user("hotline_operator", organization=org)
    created = post(client_for(first), "/api/v1/screenings", {"framework": "palermo", "answers": {}}).json()
    assert client_for(make_user("hotline_operator", organization=org)).get(
        f"/api/v1/screenings/{created['id']}").status_code == 200
    assert client_for(make_user("hotline_operator", organization=other_org)).get(
        f"/api/v1/screenings/{created['id']}").status_code == 404


def test_link_to_a_case_only_when_the_user_can_see_it(client_for, make_user, org, other_org, frameworks):
    worker = make_user("caseworker", organization=org)
    mine = make_case(org, "BC-2026-000101", owner_worker=worker)
    theirs = make_case(other_org, "BC-2026-000102")
    client = client_for(worker)
    linked = post(client, "/api/v1/screenings", {"framework": "palermo", "answers": {}, "case": str(mine.pk)})
    assert linked.status_code == 201 and linked.json()["case"] == str(mine.pk)
    refused = post(client, "/api/v1/screenings", {"framework": "palermo", "answers": {}, "case": str(theirs.pk)})
    assert refused.status_code == 400 and "case" in refused.json()["errors"]
    assert Screening.objects.count() == 1


def test_the_case_id_is_withheld_from_someone_who_cannot_see_the_case(client_for, make_user, org, other_org,
                                                                      frameworks):
    worker = make_user("hotline_operator", organization=org)
    case = make_case(org, "BC-2026-000103", owner_worker=worker)
    created = post(client_for(worker), "/api/v1/screenings",
                   {"framework": "palermo", "answers": {}, "case": str(case.pk)}).json()
    assert created["case"] == str(case.pk)
    colleague = make_user("hotline_operator", organization=org)  # sees the screening (organization scope)
    case.owner_organization = other_org
    case.save()
    seen = client_for(colleague).get(f"/api/v1/screenings/{created['id']}")
    assert seen.status_code == 200 and seen.json()["case"] is None


def test_openapi_documents_the_screening_routes(client_for, screener):
    paths = client_for(screener).get("/api/v1/openapi.json").json()["paths"]
    for path in ("/api/v1/screening/frameworks", "/api/v1/screening/frameworks/{framework_id}",
                 "/api/v1/screening/evaluate", "/api/v1/screenings", "/api/v1/screenings/{screening_id}"):
        assert path in paths


def test_list_shows_only_screenings_in_scope(client_for, screener, make_user, frameworks):
    mine = post(client_for(screener), "/api/v1/screenings", {"framework": "palermo", "answers": {}}).json()
    other = make_user("screener")
    post(client_for(other), "/api/v1/screenings", {"framework": "palermo", "answers": {}})
    listed = client_for(screener).get("/api/v1/screenings").json()
    assert [row["id"] for row in listed] == [mine["id"]]
    assert set(listed[0]) == {"id", "framework", "version", "conclusion", "age_group", "case", "created_at"}


def test_the_screening_list_does_not_reveal_a_case_the_caller_cannot_see(client_for, make_user, org, other_org,
                                                                         frameworks):
    worker = make_user("hotline_operator", organization=org)
    case = make_case(org, "BC-2026-000104", owner_worker=worker)
    still_mine = make_case(org, "BC-2026-000105", owner_worker=worker)
    client = client_for(worker)
    for linked in (case, still_mine):
        assert post(client, "/api/v1/screenings",
                    {"framework": "palermo", "answers": {}, "case": str(linked.pk)}).status_code == 201
    colleague = client_for(make_user("hotline_operator", organization=org))  # sees the screenings
    case.owner_organization = other_org  # the case moved out of reach; the screening stays visible
    case.owner_worker = None
    case.save()
    listed = colleague.get("/api/v1/screenings").json()
    assert len(listed) == 2
    assert sorted(str(row["case"]) for row in listed) == sorted(["None", str(still_mine.pk)])
    assert str(case.pk) not in colleague.get("/api/v1/screenings").content.decode()
