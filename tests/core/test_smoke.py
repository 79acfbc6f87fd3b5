def test_healthz_answers_without_authentication(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_signed_in_client_reaches_home(client_for, make_user):
    response = client_for(make_user("caseworker")).get("/app/")
    assert response.status_code == 200
