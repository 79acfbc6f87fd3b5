"""The order of the lists and their cursors tell a reader nothing of the risk of a case whose summary
they do not read (security finding: a receiver of a referral's needs section decoded the level from
``X-Next-Cursor``, and the order alone ranked the shared cases by risk). Lists order by the risk as
the reader sees it (``selectors.shown_risk``): the level where the summary is theirs, 0 elsewhere."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from octip.cases import selectors
from octip.cases.models import Case, Task
from tests.cases.conftest import open_case, person_data, share

pytestmark = pytest.mark.django_db


def _cursor_keys(cursor: str, name: str) -> list:
    payload = signing.loads(cursor, salt=f"octip.keyset.{name}")
    return payload["k"]


@pytest.fixture
def shared(world):
    """Three cases of organization A seen by organization B: ``hi`` (critical, the oldest) and ``lo``
    (not assessed, the newest) share the needs and tasks only; ``mid`` (medium) shares the summary.
    B's own ``case_b`` is high."""
    now = timezone.now()
    made = {}
    for i, (name, level, hours) in enumerate((("hi", 4, 3), ("lo", 0, 1), ("mid", 2, 2))):
        case = open_case(world.caseworker_a, person_data(legal_name=f"Synthetic Shared {i}", phone="",
                                                         date_of_birth=datetime.date(1991, 2, 1 + i)))
        Case.objects.filter(pk=case.pk).update(risk_level=level, opened_at=now - datetime.timedelta(hours=hours))
        made[name] = case
    Case.objects.filter(pk=world.case_b.pk).update(risk_level=3, opened_at=now - datetime.timedelta(hours=4))
    share(world, made["hi"], ["needs", "tasks"], source_id="r-hi")
    share(world, made["lo"], ["needs", "tasks"], source_id="r-lo")
    share(world, made["mid"], ["summary", "needs"], source_id="r-mid")
    return made


def _pages(actor, per_page=1) -> tuple[list, list]:
    seen, keys, cursor = [], [], None
    while True:
        rows = selectors.case_rows(actor=actor, filters=selectors.CaseFilters(), per_page=per_page, cursor=cursor)
        seen += [c.pk for c in rows.rows]
        cursor = rows.page.next_cursor
        if not cursor:
            return seen, keys
        keys.append(_cursor_keys(cursor, "cases")[0])


def test_a_receiver_of_other_sections_gets_them_newest_first_and_cursors_carry_no_level(world, shared):
    seen, keys = _pages(world.caseworker_b)
    # B's own case (high) and the case whose summary B reads (medium) by risk; the others newest first,
    # as if not assessed: the critical case is last, not first.
    assert seen == [world.case_b.pk, shared["mid"].pk, shared["lo"].pk, shared["hi"].pk]
    assert keys == [["v", 3], ["v", 2], ["v", 0]]


def test_the_probe_of_the_finding_learns_nothing_through_the_api(world, shared, client_for):
    client = client_for(world.caseworker_b)
    seen, cursor, keys = [], "", []
    while True:
        response = client.get("/api/v1/cases", {"limit": 1, **({"cursor": cursor} if cursor else {})})
        assert response.status_code == 200
        seen += [row["number"] for row in response.json()]
        cursor = response.headers.get("X-Next-Cursor", "")
        if not cursor:
            break
        keys.append(_cursor_keys(cursor, "cases")[0])
    assert seen == [world.case_b.number, shared["mid"].number, shared["lo"].number, shared["hi"].number]
    assert ["v", 4] not in keys and keys[-1] == ["v", 0]
    body = {row["number"]: row for row in client.get("/api/v1/cases", {"limit": 10}).json()}
    assert body[shared["hi"].number]["risk_level"] == "" and body[shared["mid"].number]["risk_level"] == "medium"


def test_the_owner_and_the_coordinator_still_get_the_highest_risk_first(world, shared):
    for actor in (world.caseworker_a, world.coordinator):
        seen, _ = _pages(actor, per_page=2)
        expected = list(Case.objects.visible_to(actor).order_by("-risk_level", "-opened_at", "-pk")
                        .values_list("pk", flat=True))
        assert seen == expected and len(set(seen)) == len(seen)
    assert seen[0] == shared["hi"].pk


def test_the_index_serves_whoever_reads_every_summary_they_see(world, shared):
    # No per-row condition for the coordinator (scope: every case) nor for an actor without a grant
    # that leaves the summary out: the plain column, so the index ``case_risk_opened`` serves the order.
    for actor in (world.coordinator, world.caseworker_a):
        sql = str(selectors.case_list(actor=actor, annotate=False).query).upper()
        assert "CASE WHEN" not in sql
    assert "CASE WHEN" in str(selectors.case_list(actor=world.caseworker_b, annotate=False).query).upper()


def test_the_csv_export_of_a_receiver_follows_the_shown_order(world, shared, client_for):
    response = client_for(world.caseworker_b).get(reverse("cases:export_csv"), {"columns": "case_number"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [row[0] for row in rows[1:]] == [world.case_b.number, shared["mid"].number, shared["lo"].number,
                                            shared["hi"].number]
    owner = client_for(world.caseworker_a).get(reverse("cases:export_xlsx"), {"columns": "case_number"})
    assert owner.status_code == 200


def test_my_work_orders_tasks_on_shared_cases_without_their_level(world, shared):
    today = timezone.localdate()
    made = {name: Task.objects.create(case=case, title=f"Synthetic task {name}", assignee=world.caseworker_b,
                                      due=today + datetime.timedelta(days=days), created_by=world.caseworker_a)
            for name, case, days in (("hi", shared["hi"], 1), ("lo", shared["lo"], 2),
                                     ("mid", shared["mid"], 3), ("own", world.case_b, 4))}
    seen, keys, cursors = [], [], {}
    while True:
        groups = selectors.my_work_for_reading(actor=world.caseworker_b, limit=1, cursors=cursors)
        seen += [t.pk for t in groups["mine"]]
        nxt = groups["pages"]["mine"].next_cursor
        if not nxt:
            break
        keys.append(_cursor_keys(nxt, "my_work.mine")[0])
        cursors = {"mine": nxt}
    assert seen == [made["own"].pk, made["mid"].pk, made["hi"].pk, made["lo"].pk]
    assert keys == [["v", 3], ["v", 2], ["v", 0]]
    # The owner's My work still puts the critical case's task first.
    Task.objects.filter(pk__in=[t.pk for t in made.values()]).update(assignee=world.caseworker_a)
    own = Task.objects.filter(pk=made["own"].pk)
    own.update(assignee=world.caseworker_b)
    mine = list(selectors.my_work(actor=world.caseworker_a)["mine"])
    assert mine[0].pk == made["hi"].pk and mine[0].risk == 4
    assert list(selectors.plan_actions_due(actor=world.caseworker_b)) == []


def test_a_cursor_of_the_older_ordering_is_refused(world):
    from octip.core import keyset

    world.case_a.shown_risk = 0
    old = keyset.make_cursor("cases", ("-risk_level", "-opened_at", "-pk"), Case.objects.get(pk=world.case_a.pk), "n")
    with pytest.raises(keyset.BadCursor):
        selectors.case_rows(actor=world.caseworker_a, filters=selectors.CaseFilters(), cursor=old)
