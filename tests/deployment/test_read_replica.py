"""The read replica (DATABASE_REPLICA_URL) gets only the reads that cannot harm anyone when they are
a little stale: published public content inside a view that asks for it. Everything else — the user,
a case, a consent, the audit chain — and every write stays on the primary, inside such a view too."""

from __future__ import annotations

import datetime
import warnings

import pytest
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from octip.cases.models import Case
from octip.consent.models import Consent
from octip.core.db_router import PRIMARY, REPLICA, ReplicaRouter, replica_reads
from octip.core.models import AuditEvent
from octip.partners.models import User
from octip.prevention.models import AwarenessPage, Practice


@pytest.fixture
def with_a_replica(settings):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the router only asks whether an alias is configured
        settings.DATABASES = {**settings.DATABASES, REPLICA: {**settings.DATABASES["default"]}}
    return settings


def test_without_a_replica_every_read_goes_to_the_primary(settings):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        settings.DATABASES = {alias: value for alias, value in settings.DATABASES.items() if alias != REPLICA}
    with replica_reads():
        assert ReplicaRouter().db_for_read(AwarenessPage) == PRIMARY


def test_only_published_content_read_inside_a_replica_view_goes_to_the_replica(with_a_replica):
    router = ReplicaRouter()
    assert router.db_for_read(AwarenessPage) == PRIMARY  # not asked for: primary
    with replica_reads():
        assert router.db_for_read(AwarenessPage) == REPLICA
        assert router.db_for_read(Practice) == REPLICA
        # Reads that feed an access decision, a consent check or the audit chain never go there.
        for model in (User, Case, Consent, AuditEvent):
            assert router.db_for_read(model) == PRIMARY, model
        assert router.db_for_write(AwarenessPage) == PRIMARY
    assert router.db_for_read(AwarenessPage) == PRIMARY
    assert router.allow_migrate(REPLICA, "prevention") is False
    assert router.allow_migrate(PRIMARY, "prevention") is True


@pytest.mark.postgres
@pytest.mark.skipif(REPLICA not in connections.settings or connection.vendor != "postgresql",
                    reason="needs DATABASE_URL and DATABASE_REPLICA_URL on PostgreSQL")
@pytest.mark.django_db(transaction=True, databases=["default", REPLICA])
def test_a_public_awareness_page_is_read_from_the_replica_connection_and_nothing_else_is(client):
    # The replica connection is a second connection (a test mirror of the primary's database): the test
    # checks which connection each query used, replication itself is PostgreSQL's.
    AwarenessPage.objects.create(key="signs", language="en", title="Signs of trafficking", body="Synthetic body.",
                                 review_by=datetime.date(2030, 1, 1))
    with CaptureQueriesContext(connections[REPLICA]) as on_replica, \
            CaptureQueriesContext(connections[PRIMARY]) as on_primary:
        response = client.get(reverse("about:page", args=["signs"]))
    assert response.status_code == 200 and "Signs of trafficking" in response.content.decode()
    replica_sql = [q["sql"] for q in on_replica.captured_queries]
    assert replica_sql and all('"prevention_awarenesspage"' in sql for sql in replica_sql), replica_sql
    assert not any(sql.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE")) for sql in replica_sql)
    # A staff page reads nothing from the replica.
    with CaptureQueriesContext(connections[REPLICA]) as staff_reads:
        client.get(reverse("app:home"))
    assert staff_reads.captured_queries == []
    # The session, the language and the rest of the page's reads stayed on the primary.
    assert not any('"prevention_awarenesspage"' in q["sql"] for q in on_primary.captured_queries)
