"""Case flags and the risk level: raised, edited and resolved by the case's own circle, the kinds shown to
receivers of the summary and nothing more, the reasons and rationales encrypted, the case list filtered
by flag and ordered by risk with exact keyset paging, "My work" ordered by risk, flat query counts."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from octip.cases import selectors, services
from octip.cases.models import Case, CaseFlag, RiskAssessment, RiskLevel, Stage, Task, TimelineEntry
from octip.core.access import AccessDenied
from octip.core.audit import AuditEvent
from octip.core.versioning import StaleVersion
from tests.cases.conftest import open_case, person_data, share

pytestmark = pytest.mark.django_db

REASON = "FLAGREASONMARK the recruiter waits outside the building"
RATIONALE = "RISKMARK threats were made last week"


def _in(days: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days)


def _counts() -> tuple[int, int, int, int]:
    return (CaseFlag.objects.count(), Task.objects.count(), TimelineEntry.objects.count(),
            RiskAssessment.objects.count())


def _raise(world, case=None, kind="no_home_contact", **kw):
    return services.raise_flag(actor=world.caseworker_a, case=case or world.case_a, kind=kind,
                               reason=kw.pop("reason", REASON), review_date=kw.pop("review_date", _in(14)))


# --- Services -----------------------------------------------------------------------------------

def test_raising_a_flag_records_it_with_its_review_task_audit_and_timeline(world):
    flag = _raise(world)
    assert flag.kind == "no_home_contact" and flag.raised_by == world.caseworker_a and flag.is_open
    task = flag.review_task
    assert task.due == _in(14) and task.assignee == world.case_a.owner_worker and task.done_at is None
    assert "Do not contact at home" in task.title and "FLAGREASONMARK" not in task.title
    assert task.section == "summary"  # the title names the kind: only readers of the summary see the task
    entry = world.case_a.timeline.get(kind="case.flag_raised")
    assert "Do not contact at home" in entry.text() and "FLAGREASONMARK" not in entry.summary
    event = AuditEvent.objects.filter(action="case.flag_raised").latest("pk")
    assert event.detail["kind"] == "no_home_contact" and "FLAGREASONMARK" not in str(event.detail)
    assert world.case_a.flag_codes() == ["no_home_contact"]


@pytest.mark.parametrize(("changes", "field"), [
    ({"kind": "not_a_kind"}, "kind"),
    ({"reason": "   "}, "reason"),
    ({"reason": "x" * 4001}, "reason"),
    ({"review_date": timezone.localdate() - datetime.timedelta(days=1)}, "review_date"),
    ({"review_date": timezone.localdate() + datetime.timedelta(days=400)}, "review_date"),
    ({"review_date": None}, "review_date"),
])
def test_a_flag_refused_for_its_input_changes_nothing(world, changes, field):
    before = _counts()
    with pytest.raises(ValidationError) as refused:
        services.raise_flag(actor=world.caseworker_a, case=world.case_a, **{
            "kind": "safety_concern", "reason": REASON, "review_date": _in(7), **changes})
    assert field in refused.value.message_dict
    assert _counts() == before


def test_one_open_flag_of_a_kind_per_case_and_none_on_a_closed_case(world):
    _raise(world)
    before = _counts()
    with pytest.raises(ValidationError):
        _raise(world)
    Case.objects.filter(pk=world.case_b.pk).update(stage=Stage.CLOSED)
    closed = Case.objects.get(pk=world.case_b.pk)
    with pytest.raises(ValidationError):
        services.raise_flag(actor=world.caseworker_b, case=closed, kind="safety_concern", reason=REASON,
                            review_date=_in(3))
    assert _counts() == before


def test_editing_moves_the_review_task_and_resolving_closes_it(world):
    flag = _raise(world)
    flag = services.edit_flag(actor=world.caseworker_a, flag=flag, reason="Updated reason", review_date=_in(30),
                              expected_version=flag.version)
    assert Task.objects.get(pk=flag.review_task_id).due == _in(30)
    with pytest.raises(StaleVersion):
        services.edit_flag(actor=world.caseworker_a, flag=flag, reason="Lost", review_date=_in(5), expected_version=0)
    assert CaseFlag.objects.get(pk=flag.pk).reason == "Updated reason"
    flag = services.resolve_flag(actor=world.caseworker_a, flag=flag, note="Moved to a new place",
                                 expected_version=flag.version)
    assert flag.resolved_by == world.caseworker_a and not flag.is_open
    assert Task.objects.get(pk=flag.review_task_id).done_at is not None
    assert Case.objects.get(pk=world.case_a.pk).flag_codes() == []
    with pytest.raises(ValidationError):
        services.resolve_flag(actor=world.caseworker_a, flag=flag, expected_version=flag.version)
    kinds = list(world.case_a.timeline.values_list("kind", flat=True))
    assert {"case.flag_raised", "case.flag_updated", "case.flag_resolved"} <= set(kinds)


def test_assessing_the_risk_keeps_its_history_and_the_current_level_on_the_case(world):
    services.assess_risk(actor=world.caseworker_a, case=world.case_a, level="medium", rationale="First look")
    case = Case.objects.get(pk=world.case_a.pk)
    services.assess_risk(actor=world.caseworker_a, case=case, level="critical", rationale=RATIONALE,
                         expected_version=case.version)
    case = Case.objects.get(pk=world.case_a.pk)
    assert case.risk_level == RiskLevel.CRITICAL and case.risk_code() == "critical"
    history = selectors.risk_history(actor=world.caseworker_a, case=case)
    assert [a.level_code() for a in history] == ["critical", "medium"]
    entry = case.timeline.filter(kind="case.risk_assessed").order_by("-pk").first()
    assert entry.text() == "Risk level set to Critical (was Medium)."
    before = _counts()
    for level, rationale in (("extreme", "x"), ("high", ""), ("not_assessed", "x")):
        with pytest.raises(ValidationError):
            services.assess_risk(actor=world.caseworker_a, case=case, level=level, rationale=rationale)
    with pytest.raises(StaleVersion):
        services.assess_risk(actor=world.caseworker_a, case=case, level="low", rationale="x", expected_version=0)
    assert _counts() == before and Case.objects.get(pk=case.pk).risk_level == RiskLevel.CRITICAL


def test_reasons_notes_and_rationales_are_encrypted_at_rest(world):
    flag = _raise(world)
    services.resolve_flag(actor=world.caseworker_a, flag=flag, note="RESOLVEMARK she moved",
                          expected_version=flag.version)
    services.assess_risk(actor=world.caseworker_a, case=world.case_a, level="high", rationale=RATIONALE)
    with connection.cursor() as cursor:
        cursor.execute("SELECT reason, resolution_note FROM cases_caseflag")
        flags = repr(cursor.fetchall())
        cursor.execute("SELECT rationale FROM cases_riskassessment")
        risks = repr(cursor.fetchall())
    assert "FLAGREASONMARK" not in flags and "RESOLVEMARK" not in flags and "RISKMARK" not in risks
    assert CaseFlag.objects.get(pk=flag.pk).reason == REASON


# --- Doors --------------------------------------------------------------------------------------

def test_another_organization_gets_a_404_and_changes_nothing(world, client_for):
    flag = _raise(world)
    services.assess_risk(actor=world.caseworker_a, case=world.case_a, level="high", rationale=RATIONALE)
    before = _counts()
    other = client_for(world.caseworker_b)
    case = world.case_a.pk
    for url in (reverse("cases:flag_add", args=[case]), reverse("cases:flag_edit", args=[case, flag.pk]),
                reverse("cases:flag_resolve", args=[case, flag.pk]), reverse("cases:risk_assess", args=[case])):
        assert other.get(url).status_code == 404, url
        assert other.post(url, {"kind": "safety_concern", "reason": "x", "review_date": _in(3).isoformat(),
                                "level": "low", "rationale": "x", "version": 1, "note": ""}).status_code == 404, url
    assert other.get(f"/api/v1/cases/{case}/flags").status_code == 404
    assert other.get(f"/api/v1/cases/{case}/risk").status_code == 404
    assert other.post(f"/api/v1/cases/{case}/flags", {"kind": "safety_concern", "reason": "x",
                                                      "review_date": _in(3).isoformat()},
                      content_type="application/json").status_code == 404
    assert other.post(f"/api/v1/cases/{case}/flags/{flag.pk}/resolve", {"version": flag.version},
                      content_type="application/json").status_code == 404
    assert other.post(f"/api/v1/cases/{case}/risk", {"level": "low", "rationale": "x"},
                      content_type="application/json").status_code == 404
    listed = other.get(reverse("cases:list"), {"flag": "no_home_contact"}).content.decode()
    assert world.case_a.number not in listed
    assert [c["id"] for c in other.get("/api/v1/cases", {"flag": "no_home_contact"}).json()] == []
    assert _counts() == before


def test_a_receiver_of_the_summary_sees_the_kinds_and_level_but_no_reason_and_changes_nothing(world, client_for):
    flag = _raise(world, kind="trafficker_contact")
    services.assess_risk(actor=world.caseworker_a, case=world.case_a, level="high", rationale=RATIONALE)
    share(world, world.case_a, ["summary"])
    receiver = client_for(world.caseworker_b)
    page = receiver.get(reverse("cases:detail", args=[world.case_a.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Trafficker may make contact" in html and "Risk: High" in html
    assert "FLAGREASONMARK" not in html and "RISKMARK" not in html and 'id="flags-heading"' not in html
    body = receiver.get(f"/api/v1/cases/{world.case_a.pk}").json()
    assert body["flags"] == ["trafficker_contact"] and body["risk_level"] == "high"
    flags = receiver.get(f"/api/v1/cases/{world.case_a.pk}/flags").json()
    assert [(f["kind"], f["reason"], f["resolution_note"]) for f in flags] == [("trafficker_contact", None, None)]
    assert "FLAGREASONMARK" not in str(flags)
    assert receiver.get(f"/api/v1/cases/{world.case_a.pk}/risk").status_code == 404
    before = _counts()
    assert receiver.post(f"/api/v1/cases/{world.case_a.pk}/flags", {
        "kind": "safety_concern", "reason": "x", "review_date": _in(3).isoformat()},
        content_type="application/json").status_code == 403
    assert receiver.post(f"/api/v1/cases/{world.case_a.pk}/flags/{flag.pk}/resolve", {"version": flag.version},
                         content_type="application/json").status_code == 403
    assert receiver.get(reverse("cases:flag_resolve", args=[world.case_a.pk, flag.pk])).status_code == 403
    assert receiver.get(reverse("cases:flag_add", args=[world.case_a.pk])).status_code == 403
    assert _counts() == before
    # The filter finds the case for a reader of its summary.
    listed = receiver.get(reverse("cases:list"), {"flag": "trafficker_contact"}).content.decode()
    assert world.case_a.number in listed


def test_a_receiver_of_other_sections_learns_nothing_of_the_flags(world, client_for):
    _raise(world, kind="trafficker_contact")
    services.assess_risk(actor=world.caseworker_a, case=world.case_a, level="critical", rationale=RATIONALE)
    share(world, world.case_a, ["tasks", "timeline"])
    receiver = client_for(world.caseworker_b)
    html = receiver.get(reverse("cases:detail", args=[world.case_a.pk])).content.decode()
    assert "Trafficker may make contact" not in html and "Critical" not in html
    assert receiver.get(f"/api/v1/cases/{world.case_a.pk}/flags").status_code == 404
    body = receiver.get(f"/api/v1/cases/{world.case_a.pk}").json()
    assert body["flags"] == [] and body["risk_level"] == ""
    assert "flag" not in str(receiver.get(f"/api/v1/cases/{world.case_a.pk}/timeline").json()).lower()
    assert "Trafficker" not in str(receiver.get(f"/api/v1/cases/{world.case_a.pk}/tasks").json())
    listed = receiver.get(reverse("cases:list"), {"flag": "trafficker_contact"}).content.decode()
    assert world.case_a.number not in listed


# --- Pages --------------------------------------------------------------------------------------

def test_the_owner_raises_reviews_and_resolves_a_flag_through_the_pages(world, client_for):
    client = client_for(world.caseworker_a)
    case = world.case_a.pk
    refused = client.post(reverse("cases:flag_add", args=[case]), {"kind": "", "reason": "", "review_date": ""})
    assert refused.status_code == 400 and CaseFlag.objects.count() == 0
    assert 'aria-invalid="true"' in refused.content.decode() or "errorlist" in refused.content.decode()
    done = client.post(reverse("cases:flag_add", args=[case]), {
        "kind": "no_voicemail", "reason": REASON, "review_date": _in(10).isoformat()})
    assert done.status_code == 302
    flag = CaseFlag.objects.get()
    html = client.get(reverse("cases:detail", args=[case])).content.decode()
    assert "Do not leave voicemail" in html and "FLAGREASONMARK" in html and "review due" not in html
    CaseFlag.objects.filter(pk=flag.pk).update(review_date=timezone.localdate())
    assert "review due" in client.get(reverse("cases:detail", args=[case])).content.decode()
    edit = client.get(reverse("cases:flag_edit", args=[case, flag.pk]))
    assert edit.status_code == 200 and "FLAGREASONMARK" in edit.content.decode()
    assert client.post(reverse("cases:flag_edit", args=[case, flag.pk]), {
        "reason": "Reviewed", "review_date": _in(40).isoformat(), "version": flag.version}).status_code == 302
    flag.refresh_from_db()
    assert client.post(reverse("cases:flag_resolve", args=[case, flag.pk]),
                       {"note": "", "version": flag.version}).status_code == 302
    assert CaseFlag.objects.get().resolved_at is not None
    assert client.get(reverse("cases:flag_edit", args=[case, 987654])).status_code == 404
    assert client.post(reverse("cases:risk_assess", args=[case]), {
        "level": "medium", "rationale": RATIONALE, "version": Case.objects.get(pk=case).version}).status_code == 302
    html = client.get(reverse("cases:detail", args=[case])).content.decode()
    assert "RISKMARK" in html and "Risk: Medium" in html


def test_the_pages_speak_french(world, client_for):
    client = client_for(world.caseworker_a)
    _raise(world, kind="child_in_household")
    page = client.get(reverse("cases:detail", args=[world.case_a.pk]), HTTP_ACCEPT_LANGUAGE="fr")
    assert "Enfant dans le ménage" in page.content.decode()


def test_a_flag_past_its_review_date_is_overdue_on_my_work(world, client_for):
    flag = _raise(world)
    past = timezone.localdate() - datetime.timedelta(days=2)
    CaseFlag.objects.filter(pk=flag.pk).update(review_date=past)
    Task.objects.filter(pk=flag.review_task_id).update(due=past)
    groups = selectors.my_work_for_reading(actor=world.caseworker_a)
    assert flag.review_task_id in [t.pk for t in groups["overdue"]]
    html = client_for(world.caseworker_a).get(reverse("cases:my_work")).content.decode()
    assert "Review the flag: Do not contact at home" in html


# --- Lists: filter, order, keyset, queries ---------------------------------------------------------

def _many(world, levels: list[int]) -> list[Case]:
    made = [open_case(world.caseworker_a, person_data(legal_name=f"Synthetic Person {i}", phone="",
                                                      date_of_birth=datetime.date(1990, 1, 1 + i)))
            for i in range(len(levels))]
    now = timezone.now()
    for i, (case, level) in enumerate(zip(made, levels, strict=True)):
        # Ties on both keys: several cases at one level opened in the same instant.
        Case.objects.filter(pk=case.pk).update(risk_level=level, opened_at=now - datetime.timedelta(minutes=i % 2))
    return made


def test_the_case_list_pages_by_risk_then_newest_with_every_row_once(world):
    _many(world, [0, 3, 3, 1, 4, 3, 0, 2, 3, 1, 4])
    expected = list(Case.objects.visible_to(world.caseworker_a).exclude(stage=Stage.CLOSED)
                    .order_by("-risk_level", "-opened_at", "-pk").values_list("pk", flat=True))
    seen, cursor, pages = [], None, []
    while True:
        rows = selectors.case_rows(actor=world.caseworker_a, filters=selectors.CaseFilters(), per_page=3,
                                   cursor=cursor)
        pages.append(rows.page)
        seen += [c.pk for c in rows.rows]
        cursor = rows.page.next_cursor
        if not cursor:
            break
    assert seen == expected and len(set(seen)) == len(seen)
    levels = list(Case.objects.filter(pk__in=seen).values_list("pk", "risk_level"))
    by_pk = dict(levels)
    assert [by_pk[pk] for pk in seen] == sorted(by_pk.values(), reverse=True)
    back = selectors.case_rows(actor=world.caseworker_a, filters=selectors.CaseFilters(), per_page=3,
                               cursor=pages[-1].prev_cursor)
    assert [c.pk for c in back.rows] == seen[-len(pages[-1].rows) - 3:-len(pages[-1].rows)]


def test_an_old_cursor_without_the_risk_is_refused(world, client_for):
    from octip.core import keyset

    old = keyset.make_cursor("cases", ("-opened_at", "-pk"), world.case_a, "n")
    with pytest.raises(keyset.BadCursor):
        selectors.case_rows(actor=world.caseworker_a, filters=selectors.CaseFilters(), cursor=old)


def test_my_work_pages_by_risk_then_due_with_every_task_once(world):
    cases = _many(world, [1, 4, 0, 4, 2])
    for i, case in enumerate(cases):
        for j in range(2):
            services.add_task(actor=world.caseworker_a, case=case, title=f"Task {i}-{j}", due=_in(j),
                              assignee=world.caseworker_a)
    query = selectors.my_work(actor=world.caseworker_a)["mine"]
    expected = list(query.order_by("-risk", "due", "id").values_list("pk", flat=True))
    seen, cursors = [], {}
    while True:
        groups = selectors.my_work_for_reading(actor=world.caseworker_a, limit=3, cursors=cursors)
        seen += [t.pk for t in groups["mine"]]
        nxt = groups["pages"]["mine"].next_cursor
        if not nxt:
            break
        cursors = {"mine": nxt}
    assert seen == expected and len(seen) == len(set(seen)) == Task.objects.filter(
        assignee=world.caseworker_a, done_at__isnull=True).count()
    risks = [Task.objects.select_related("case").get(pk=pk).case.risk_level for pk in seen]
    assert risks == sorted(risks, reverse=True)


def test_the_list_filters_by_flag_kind_on_both_faces(world, client_for):
    flagged, plain = _many(world, [0, 0])
    _raise(world, case=flagged, kind="interpreter_not_community")
    _raise(world, case=plain, kind="no_voicemail")
    resolved = _raise(world, case=world.case_a, kind="interpreter_not_community")
    services.resolve_flag(actor=world.caseworker_a, flag=resolved, expected_version=resolved.version)
    client = client_for(world.caseworker_a)
    html = client.get(reverse("cases:list"), {"flag": "interpreter_not_community"}).content.decode()
    assert flagged.number in html and plain.number not in html and world.case_a.number not in html
    assert "Interpreter must not be from the community" in html  # the badge on the row
    api = client.get("/api/v1/cases", {"flag": "interpreter_not_community"}).json()
    assert [c["id"] for c in api] == [str(flagged.pk)] and api[0]["flags"] == ["interpreter_not_community"]
    assert client.get("/api/v1/cases", {"flag": "nonsense"}).status_code == 400
    assert client.get(reverse("cases:list"), {"flag": "nonsense"}).status_code == 400


def test_the_list_page_and_the_api_stay_flat_as_flags_grow(world, client_for):
    client = client_for(world.caseworker_a)
    assert client.get(reverse("cases:list")).status_code == 200  # steady state (session, owner choices)
    counts = []
    for extra in (2, 6):
        for case in _many(world, [2] * extra):
            _raise(world, case=case, kind="safety_concern")
            _raise(world, case=case, kind="no_voicemail")
        with CaptureQueriesContext(connection) as page:
            assert client.get(reverse("cases:list")).status_code == 200
        with CaptureQueriesContext(connection) as api:
            assert client.get("/api/v1/cases").status_code == 200
        counts.append((len(page), len(api)))
    assert counts[0] == counts[1], counts


def test_the_case_page_stays_flat_as_flags_and_assessments_grow(world, client_for):
    client = client_for(world.caseworker_a)
    assert client.get(reverse("cases:detail", args=[world.case_a.pk])).status_code == 200
    counts = []
    for kinds in (["safety_concern"], ["no_voicemail", "child_in_household", "no_home_contact"]):
        for kind in kinds:
            _raise(world, kind=kind)
            case = Case.objects.get(pk=world.case_a.pk)
            services.assess_risk(actor=world.caseworker_a, case=case, level="high", rationale="x")
        with CaptureQueriesContext(connection) as page:
            assert client.get(reverse("cases:detail", args=[world.case_a.pk])).status_code == 200
        counts.append(len(page))
    assert counts[0] == counts[1], counts


# --- API ----------------------------------------------------------------------------------------

def test_the_api_raises_edits_resolves_and_assesses(world, client_for):
    client = client_for(world.caseworker_a)
    base = f"/api/v1/cases/{world.case_a.pk}"
    bad = client.post(f"{base}/flags", {"kind": "x", "reason": "r", "review_date": _in(3).isoformat()},
                      content_type="application/json")
    assert bad.status_code == 400 and "kind" in bad.content.decode() and CaseFlag.objects.count() == 0
    made = client.post(f"{base}/flags", {"kind": "safety_concern", "reason": REASON,
                                         "review_date": _in(3).isoformat()}, content_type="application/json")
    assert made.status_code == 201, made.content
    flag = made.json()
    assert flag["reason"] == REASON and flag["kind_label"] == "Safety concern" and not flag["review_due"]
    edited = client.patch(f"{base}/flags/{flag['id']}", {"reason": "New", "review_date": _in(9).isoformat(),
                                                          "version": flag["version"]}, content_type="application/json")
    assert edited.status_code == 200 and edited.json()["review_date"] == _in(9).isoformat()
    stale = client.post(f"{base}/flags/{flag['id']}/resolve", {"version": 0}, content_type="application/json")
    assert stale.status_code == 409
    done = client.post(f"{base}/flags/{flag['id']}/resolve", {"version": edited.json()["version"], "note": "ok"},
                       content_type="application/json")
    assert done.status_code == 200 and done.json()["resolved_at"]
    assert client.get(f"{base}/flags").json() == []
    assert len(client.get(f"{base}/flags", {"include_resolved": True}).json()) == 1
    risk = client.post(f"{base}/risk", {"level": "high", "rationale": RATIONALE}, content_type="application/json")
    assert risk.status_code == 201 and risk.json()["level"] == "high"
    assert client.post(f"{base}/risk", {"level": "severe", "rationale": "x"},
                       content_type="application/json").status_code == 400
    history = client.get(f"{base}/risk").json()
    assert [(a["level"], a["rationale"]) for a in history] == [("high", RATIONALE)]
    assert client.get(base).json()["risk_level"] == "high"
    assert AuditEvent.objects.filter(action="case.risk_history_viewed").exists()


def test_a_caseworker_outside_the_case_is_refused_by_the_service(world):
    with pytest.raises(AccessDenied):
        services.raise_flag(actor=world.caseworker_b, case=world.case_a, kind="safety_concern", reason="x",
                            review_date=_in(2))


def test_an_emergency_access_outside_the_circle_reads_the_reasons_and_the_risk_history(world, client_for,
                                                                                      monkeypatch):
    from tests.factories import UserFactory

    _raise(world, kind="trafficker_contact")
    services.assess_risk(actor=world.caseworker_a, case=world.case_a, level="critical", rationale=RATIONALE)
    coordinator = UserFactory(role="coordinator", organization=world.org_b)
    services.break_glass(actor=coordinator, case=world.case_a, reason="Police called about an immediate risk.")
    # Only coordinators break the glass, and their scope is every case: as if it were not (a role that
    # may break the glass on cases outside its scope), the emergency alone opens the reasons.
    monkeypatch.setattr(selectors, "is_own_case", lambda actor, case: actor.pk != coordinator.pk)
    client = client_for(coordinator)
    html = client.get(reverse("cases:detail", args=[world.case_a.pk])).content.decode()
    assert "FLAGREASONMARK" in html and "RISKMARK" in html and "Raise a flag" not in html
    assert client.get(f"/api/v1/cases/{world.case_a.pk}/flags").json()[0]["reason"] == REASON
    assert client.get(f"/api/v1/cases/{world.case_a.pk}/risk").status_code == 200
