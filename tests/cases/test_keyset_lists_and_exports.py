"""Long lists page by signed keyset cursors (``octip.core.keyset``), counts stop at a cap, "My work"
pages per group, and exports stream in batches with only the chosen columns (and only their
encrypted fields) read."""

from __future__ import annotations

import csv
import datetime
import io
import re
from html import unescape

import pytest
from django.http import FileResponse, StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone

from octip.cases import exports, selectors, services, views
from octip.cases.models import Case
from octip.core import crypto, keyset
from octip.core.models import AuditEvent

from .conftest import open_case, person_data


def _cases(world, count: int, *, tie: bool = True, **case_overrides) -> list[Case]:
    made = [open_case(world.caseworker_a, person_data(legal_name=f"Synthetic Person {i}", phone="",
                                                      date_of_birth=datetime.date(1990, 1, 1 + i % 27)),
                      **case_overrides) for i in range(count)]
    if tie:  # several cases opened in the same instant: the id must break the tie
        Case.objects.filter(pk__in=[c.pk for c in made]).update(opened_at=timezone.now())
    return made


def _walk(qs, size: int) -> tuple[list, list[keyset.KeysetPage]]:
    seen, pages, cursor = [], [], None
    while True:
        page = keyset.page(qs, name="cases", cursor=cursor, size=size)
        pages.append(page)
        seen += [row.pk for row in page.rows]
        if not page.next_cursor:
            return seen, pages
        cursor = page.next_cursor


# --- The cursor itself ------------------------------------------------------------------------

def test_pages_cover_every_row_once_in_order_when_opened_at_ties(world):
    _cases(world, 7)
    qs = Case.objects.all()
    seen, pages = _walk(qs, 3)
    expected = list(qs.order_by("-opened_at", "-pk").values_list("pk", flat=True))
    assert seen == expected and len(set(seen)) == len(seen) == 9
    assert [len(p.rows) for p in pages] == [3, 3, 3] and not pages[-1].has_more
    # Back from the last page: the previous page is the second one, exactly.
    back = keyset.page(qs, name="cases", cursor=pages[-1].prev_cursor, size=3)
    assert [r.pk for r in back.rows] == [r.pk for r in pages[1].rows] and back.has_more
    first = keyset.page(qs, name="cases", cursor=back.prev_cursor, size=3)
    assert [r.pk for r in first.rows] == [r.pk for r in pages[0].rows] and first.prev_cursor is None


@pytest.mark.parametrize("ordering", [("-opened_at", "-pk"), ("opened_at", "pk"), ("-shown_risk", "-opened_at", "-pk"),
                                      ("-risk_level", "opened_at", "pk")])
def test_the_row_comparison_and_the_or_give_the_same_rows_after_a_row(world, ordering):
    # One way (every column descending, or every one ascending): one row comparison, an index range; mixed
    # ways: the OR of column comparisons. Either gives every row after the cursor's, on an annotation too,
    # with the ties on opened_at broken by the primary key (a UUID: typed as the field stores it).
    from django.db.models import F

    _cases(world, 7)
    qs = Case.objects.annotate(shown_risk=F("risk_level")).order_by(*ordering)
    rows = list(qs)
    for i, row in enumerate(rows):
        after = keyset._beyond(qs, ordering, [keyset._value(row, spec) for spec in ordering])
        assert [r.pk for r in qs.filter(after)] == [r.pk for r in rows[i + 1:]], (ordering, i)
    one_way = keyset._beyond(qs, ordering, [keyset._value(rows[0], spec) for spec in ordering])
    assert any(isinstance(child, keyset.RowAfter) for child in one_way.children) == \
        (len({spec.startswith("-") for spec in ordering}) == 1)


@pytest.mark.parametrize("mangle", [
    lambda c: c[:-2] + ("A" if c[-2] != "A" else "B") + c[-1],  # the signature no longer matches
    lambda c: "x" + c,
    lambda c: "not-a-cursor",
    lambda c: keyset.signing.dumps({"v": 0, "o": ["-opened_at", "-pk"], "k": [], "d": "n"}, salt="octip.keyset.cases"),
    lambda c: keyset.make_cursor("referrals", ("-opened_at", "-pk"), Case.objects.first(), "n"),  # another list's
])
def test_an_altered_forged_or_foreign_cursor_is_refused(world, mangle):
    _cases(world, 3)
    cursor = keyset.page(Case.objects.all(), name="cases", size=2).next_cursor
    with pytest.raises(keyset.BadCursor):
        keyset.page(Case.objects.all(), name="cases", cursor=mangle(cursor), size=2)


def test_capped_count_stops_at_the_cap(world):
    _cases(world, 4)
    assert keyset.capped_count(Case.objects.all(), cap=3).more
    assert keyset.capped_count(Case.objects.all(), cap=3).shown == 3
    exact = keyset.capped_count(Case.objects.all(), cap=10)
    assert (exact.count, exact.more) == (6, False)


# --- The case list page -----------------------------------------------------------------------

def _links(html: str) -> dict[str, str]:
    return {rel: unescape(href) for href, rel in re.findall(r'href="([^"]+)" rel="(next|prev)"', html)}


def test_the_list_pages_by_cursor_and_keeps_its_filters(world, client_for, monkeypatch):
    monkeypatch.setattr(views, "LIST_PAGE", 2)
    _cases(world, 4, tie=True)
    client = client_for(world.caseworker_a)
    first = client.get(reverse("cases:list"), {"stage": "intake"})
    assert first.status_code == 200
    rows = [c.pk for c in first.context["rows"]]
    nxt = _links(first.content.decode())["next"]
    assert "stage=intake" in nxt and "cursor=" in nxt and "page=" not in nxt
    second = client.get(reverse("cases:list") + nxt)
    assert second.status_code == 200
    second_rows = [c.pk for c in second.context["rows"]]
    assert not set(rows) & set(second_rows)
    assert "prev" in _links(second.content.decode()) and "First page" in second.content.decode()
    assert first.context["total"].count == 5


def test_a_bad_cursor_on_the_page_is_a_form_error_and_lists_nothing(world, client_for):
    response = client_for(world.caseworker_a).get(reverse("cases:list"), {"cursor": "forged"})
    assert response.status_code == 400
    assert response.context["rows"] == [] and "not valid" in response.content.decode()
    assert not AuditEvent.objects.filter(action="person.listed").exists()


def test_the_person_search_still_posts_and_puts_no_cursor_or_criteria_in_links(world, client_for, monkeypatch):
    monkeypatch.setattr(views, "LIST_PAGE", 1)
    _cases(world, 3)
    response = client_for(world.caseworker_a).post(reverse("cases:list"), {"q": "Ana Beatriz Ferreira"})
    html = response.content.decode()
    assert response.status_code == 200 and [c.pk for c in response.context["rows"]] == [world.case_a.pk]
    assert "cursor=" not in html and "Ferreira" not in "".join(re.findall(r'href="([^"]*)"', html))
    event = AuditEvent.objects.filter(action="case.searched").get()
    assert event.detail["results"] == 1 and event.detail["results_capped"] is False


def test_the_list_shows_a_capped_count(world, client_for, monkeypatch):
    monkeypatch.setattr(keyset, "COUNT_CAP", 3)
    monkeypatch.setattr(keyset.capped_count, "__defaults__", (3,))
    _cases(world, 4)
    html = client_for(world.caseworker_a).get(reverse("cases:list")).content.decode()
    assert "More than 3 cases" in html


def test_deep_pages_take_as_many_queries_as_the_first(world, client_for, django_assert_max_num_queries, monkeypatch):
    monkeypatch.setattr(views, "LIST_PAGE", 2)
    _cases(world, 6)
    client = client_for(world.caseworker_a)
    with django_assert_max_num_queries(40) as first:
        html = client.get(reverse("cases:list")).content.decode()
    queries = len(first.captured_queries)  # read now: the next request empties the log it slices
    url = reverse("cases:list") + _links(html)["next"]
    html = client.get(url).content.decode()
    deep = reverse("cases:list") + _links(html)["next"]
    with django_assert_max_num_queries(queries):
        assert client.get(deep).status_code == 200


# --- The API ----------------------------------------------------------------------------------

def test_api_cases_page_by_cursor_headers_and_keep_the_body_a_list(world, client_for):
    _cases(world, 4)
    client = client_for(world.caseworker_a)
    first = client.get("/api/v1/cases", {"limit": 2, "stage": "intake"})
    assert first.status_code == 200 and isinstance(first.json(), list) and len(first.json()) == 2
    assert 'rel="next"' in first["Link"] and "stage=intake" in first["Link"]
    ids = [c["id"] for c in first.json()]
    while "X-Next-Cursor" in first:
        first = client.get("/api/v1/cases", {"limit": 2, "stage": "intake", "cursor": first["X-Next-Cursor"]})
        ids += [c["id"] for c in first.json()]
    assert len(ids) == len(set(ids)) == 5
    # The search pages the same way, the criteria and the cursor in the body.
    search = client.post("/api/v1/cases/search", {"search": "Synthetic Person 1", "limit": 1},
                         content_type="application/json")
    assert search.status_code == 200 and "Link" not in search


@pytest.mark.parametrize("path", ["/api/v1/cases", "/api/v1/referrals", "/api/v1/transfers",
                                  "/api/v1/screenings", "/api/v1/hotline/contacts", "/api/v1/emergency-access"])
def test_api_lists_refuse_a_bad_cursor_and_an_out_of_range_limit(world, client_for, path):
    user = {"/api/v1/screenings": world.screener_a, "/api/v1/hotline/contacts": world.coordinator,
            "/api/v1/emergency-access": world.auditor}.get(path, world.caseworker_a)
    client = client_for(user)
    assert client.get(path).status_code == 200
    before = AuditEvent.objects.count()
    bad = client.get(path, {"cursor": "forged"})
    assert bad.status_code == 400 and "cursor" in bad.json()["errors"]
    assert AuditEvent.objects.count() == before  # nothing read, nothing recorded
    if path != "/api/v1/cases":  # /cases clamps its limit, as it always has
        assert client.get(path, {"limit": 201}).status_code == 400
        assert client.get(path, {"limit": 0}).status_code == 400


def test_api_offset_still_works_and_refuses_to_be_mixed_with_a_cursor(world, client_for):
    _cases(world, 3)
    client = client_for(world.caseworker_a)
    assert len(client.get("/api/v1/cases", {"offset": 1, "limit": 2}).json()) == 2
    cursor = client.get("/api/v1/cases", {"limit": 1})["X-Next-Cursor"]
    assert client.get("/api/v1/cases", {"offset": 1, "cursor": cursor}).status_code == 400


def test_api_list_queries_are_flat_as_cases_grow(world, client_for, django_assert_max_num_queries):
    client = client_for(world.caseworker_a)
    _cases(world, 2)
    with django_assert_max_num_queries(40) as few:
        cursor = client.get("/api/v1/cases", {"limit": 2})["X-Next-Cursor"]
    queries = len(few.captured_queries)
    _cases(world, 8)
    with django_assert_max_num_queries(queries):
        assert client.get("/api/v1/cases", {"limit": 2, "cursor": cursor}).status_code == 200


# --- My work ----------------------------------------------------------------------------------

def test_my_work_pages_each_group_and_records_how_many_were_shown(world):
    for i in range(5):
        services.add_task(actor=world.caseworker_a, case=world.case_a, title=f"task {i}",
                          due=datetime.date(2020, 1, 1), assignee=world.caseworker_a)
    first = selectors.my_work_for_reading(actor=world.caseworker_a, limit=2)
    assert len(first["mine"]) == 2 and first["totals"]["mine"].count == 5
    seen = [t.pk for t in first["mine"]]
    cursor = first["pages"]["mine"].next_cursor
    while cursor:
        more = selectors.my_work_for_reading(actor=world.caseworker_a, limit=2, cursors={"mine": cursor})
        seen += [t.pk for t in more["mine"]]
        cursor = more["pages"]["mine"].next_cursor
    assert len(seen) == len(set(seen)) == 5
    event = AuditEvent.objects.filter(action="case.tasks_listed").first()
    assert event.detail["mine"] == 2 and event.detail["totals"]["mine"] == 5


def test_my_work_refuses_a_bad_cursor_and_reads_nothing(world, client_for):
    response = client_for(world.caseworker_a).get(reverse("cases:my_work"), {"mine_cursor": "forged"})
    assert response.status_code == 400
    assert not AuditEvent.objects.filter(action="case.tasks_listed").exists()


# --- Exports ----------------------------------------------------------------------------------

def _csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


def test_export_columns_can_be_chosen_and_an_unknown_one_is_refused(world, client_for):
    client = client_for(world.caseworker_a)
    response = client.get(reverse("cases:export_csv"), {"columns": "case_number,legal_name"})
    assert isinstance(response, StreamingHttpResponse) and response["Cache-Control"].startswith("no-store")
    rows = _csv(response)
    assert rows[0] == ["case_number", "legal_name"] and [world.case_a.number, "Ana Beatriz Ferreira"] in rows
    refused = client.get(reverse("cases:export_csv"), {"columns": "case_number,shoe_size"})
    assert refused.status_code == 400 and "shoe_size" in refused.content.decode()
    assert not AuditEvent.objects.filter(action="case.exported", detail__columns=["case_number", "shoe_size"]).exists()


def test_an_identifying_column_is_refused_without_the_permission(world, client_for, monkeypatch):
    from octip.core import roles

    limited = roles.ROLES["caseworker"].permissions - {"case.export_identifying"}
    monkeypatch.setitem(roles.ROLES, "caseworker", roles.Role(
        "caseworker", "Caseworker", roles.Scope.TEAM, frozenset(limited), True))
    response = client_for(world.caseworker_a).get(reverse("cases:export_csv"), {"columns": "legal_name"})
    assert response.status_code == 400


def test_only_the_chosen_encrypted_columns_are_decrypted(world, client_for, monkeypatch):
    decrypted: list[str] = []
    real = crypto.decrypt

    def counting(value, context):
        decrypted.append(context)
        return real(value, context)

    monkeypatch.setattr(crypto, "decrypt", counting)
    client = client_for(world.caseworker_a)
    _csv(client.get(reverse("cases:export_csv"), {"columns": "case_number,stage,region"}))
    assert not [c for c in decrypted if c.startswith("cases.person") or c.startswith("cases.youthprofile")]
    decrypted.clear()
    _csv(client.get(reverse("cases:export_csv"), {"columns": "case_number,legal_name"}))
    assert {c for c in decrypted if c.startswith("cases.person")} == {"cases.person.legal_name"}


def test_the_xlsx_export_is_a_file_response(world, client_for):
    from openpyxl import load_workbook

    response = client_for(world.caseworker_a).get(reverse("cases:export_xlsx"), {"columns": "case_number"})
    assert isinstance(response, FileResponse) and response["Cache-Control"].startswith("no-store")
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert [r[0] for r in sheet.iter_rows(values_only=True)] == ["case_number", world.case_a.number]


def test_an_export_records_each_batch_before_it_leaves_and_says_when_complete(world, client_for, monkeypatch):
    monkeypatch.setattr(exports, "BATCH", 2)
    made = _cases(world, 4)
    body = _csv(client_for(world.caseworker_a).get(reverse("cases:export_csv")))
    events = list(AuditEvent.objects.filter(action="case.exported").order_by("seq"))
    assert len(events) == 3 and len({e.detail["export_id"] for e in events}) == 1
    assert [e.detail["batch"] for e in events] == [1, 2, 3]
    assert events[-1].detail["complete"] is True and events[-1].detail["rows"] == 5
    assert not any(e.detail.get("complete") for e in events[:-1])
    exported = [pk for e in events for pk in e.detail["case_ids"]]
    assert sorted(exported) == sorted(str(pk) for pk in [world.case_a.pk, *(c.pk for c in made)])
    assert sorted(exported) == sorted(row[1] for row in body[1:])
    assert sorted(pk for e in events for pk in e.detail["identifying_case_ids"]) == sorted(exported)


def test_the_list_page_offers_the_columns_the_reader_may_export_with_the_filters(world, client_for):
    html = client_for(world.caseworker_a).get(reverse("cases:list"), {"stage": "intake"}).content.decode()
    assert 'name="columns" value="legal_name"' in html and 'name="stage" value="intake"' in html
