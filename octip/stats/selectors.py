"""Reads of the stats app.

``extract_for`` is the one door from the platform's tables into statistics: it asks ``stats.view``
(or ``stats.release``), then reads only clear, non-identifying columns (``.values()`` of named
fields: never an encrypted field, never free text, never a case number) into the DuckDB extract.
Analysts hold no ``case.view``, so this read does not go through ``Case.objects.visible_to``: it is
not a read of a case but of counts, and nothing it reads can name anyone.
"""

from __future__ import annotations

import datetime
import hashlib
from pathlib import Path
from typing import Any

import numpy as np
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from octip.cases.models import (
    Case,
    ClosureRequest,
    Need,
    NeedStatus,
    TraffickingEvent,
    TraffickingProfile,
    YouthProfile,
)
from octip.consent.models import ConsentScope
from octip.consent.policy import cases_with_active_consent
from octip.core import audit
from octip.core.access import Actor, allows, require
from octip.core.private_files import file_sha256
from octip.hotline.models import Contact
from octip.hotline.reference import trafficking_codes
from octip.hotline.targets import response_targets
from octip.referrals.models import Referral, ReferralStatus

from . import disclosure
from .extract import (
    UNKNOWN,
    Extract,
    build_from_columns,
    exploitation_of,
    funding_of,
    world_region_of,
)
from .models import Release, ReleaseQuerySet
from .tables import Figures, Filters, compute, left_out_count


def _year_bounds(year: int) -> tuple[datetime.datetime, datetime.datetime]:
    tz = timezone.get_current_timezone()
    return (datetime.datetime(year, 1, 1, tzinfo=tz), datetime.datetime(year + 1, 1, 1, tzinfo=tz))


def _require_stats(actor: Actor) -> None:
    if not allows(actor, "stats.release"):
        require(actor, "stats.view")


def build_extract(*, actor: Actor, year: int, at: datetime.datetime | None = None) -> Extract:
    """The extract of ``year`` (cases opened, referrals sent and contacts received that year),
    consent taken at ``at`` (now: the release time)."""
    _require_stats(actor)
    at = at or timezone.now()
    start, end = _year_bounds(year)
    consented_ids = cases_with_active_consent(ConsentScope.DEIDENTIFIED_STATISTICS, at=at)
    consented = Exists(consented_ids.filter(case_id=OuterRef("pk")))
    outcome = Subquery(ClosureRequest.objects.filter(case_id=OuterRef("pk"), decision="approved")
                       .order_by("-decided_at").values("outcome")[:1])
    migrant = Exists(YouthProfile.objects.filter(case_id=OuterRef("pk"), migrant_services_involved=True))
    cases: QuerySet[Any] = (Case.objects.filter(opened_at__gte=start, opened_at__lt=end)
                            .annotate(consented=consented, outcome=outcome, migrant=migrant)
                            .values("pk", "track", "region__code", "person__age_band", "person__gender",
                                    "person__citizenship", "exploitation_types", "setting", "means_of_control",
                                    "referral_source", "stage", "first_contact_date", "closed_at", "outcome",
                                    "consented", "migrant"))
    columns: dict[str, dict[str, list[Any]]] = {name: {} for name in ("cases", "needs", "referrals", "contacts",
                                                                      "events")}
    c = columns["cases"]
    # The HTCDS profile's codes (clear columns of named fields, never an event's place or account).
    profiles: dict[Any, dict[str, Any]] = {p["case_id"]: dict(p) for p in TraffickingProfile.objects.filter(
        case__opened_at__gte=start, case__opened_at__lt=end).values(
        "case_id", "trafficking_status", "status_decided_by", "recruitment_methods", "recruitment_platforms",
        "exploitation_platforms", "labour_industry", "sex_exploitation_types", "vulnerabilities",
        "trafficker_relationship", "age_when_trafficked")}
    funding_by_case: dict[Any, tuple[str, str, bool]] = {}
    for row in cases:
        citizenship = (row["person__citizenship"] or [""])[0] if row["person__citizenship"] else ""
        types = row["exploitation_types"] or []
        closed = row["stage"] == "closed" and row["closed_at"] is not None
        days = (timezone.localdate(row["closed_at"]) - row["first_contact_date"]).days if closed else None
        funding = funding_of(row["track"], row["migrant"])
        region = row["region__code"] or UNKNOWN
        funding_by_case[row["pk"]] = (funding, region, bool(row["consented"]))
        for name, value in (
            ("year", year), ("region", region), ("track", row["track"]), ("funding", funding),
            ("age_band", row["person__age_band"] or ""), ("gender", row["person__gender"]),
            ("citizenship", citizenship), ("world_region", world_region_of(citizenship)),
            ("exploitation", exploitation_of(types)), ("sexual", "sexual" in types), ("labour", "labour" in types),
            ("other_exploitation", "other" in types), ("setting", row["setting"] or ""),
            ("means", list(row["means_of_control"] or [])), ("referral_source", row["referral_source"]),
            ("closed", closed), ("days_to_close", max(days, 0) if days is not None else None),
            ("closure_outcome", row["outcome"] if closed else None), ("consented", bool(row["consented"])),
        ):
            c.setdefault(name, []).append(value)
        profile: dict[str, Any] = profiles.get(row["pk"], {})
        for name, key in (("trafficking_status", "trafficking_status"), ("status_decided_by", "status_decided_by"),
                          ("labour_industry", "labour_industry"),
                          ("trafficker_relationship", "trafficker_relationship"),
                          ("age_trafficked", "age_when_trafficked")):
            c.setdefault(name, []).append(profile.get(key) if profile.get(key) not in ("", None) else None)
        for name, key in (("recruitment_methods", "recruitment_methods"),
                          ("recruitment_platforms", "recruitment_platforms"),
                          ("exploitation_platforms", "exploitation_platforms"),
                          ("sex_exploitation", "sex_exploitation_types"), ("vulnerabilities", "vulnerabilities")):
            c.setdefault(name, []).append(list(profile.get(key) or []))
    n = columns["needs"]
    for need in Need.objects.filter(case_id__in=list(funding_by_case)).values("case_id", "domain", "status"):
        funding, region, ok = funding_by_case[need["case_id"]]
        for name, value in (("year", year), ("region", region), ("funding", funding), ("domain", need["domain"]),
                            ("met", need["status"] == NeedStatus.MET), ("consented", ok)):
            n.setdefault(name, []).append(value)
    e = columns["events"]
    for event in TraffickingEvent.objects.filter(case_id__in=list(funding_by_case)).values("case_id", "type", "date",
                                                                                         "country"):
        for name, value in (("year", year), ("type", event["type"]),
                            ("event_year", event["date"].year if event["date"] else None),
                            ("country", event["country"] or None), ("consented", funding_by_case[event["case_id"]][2])):
            e.setdefault(name, []).append(value)
    r = columns["referrals"]
    referrals = (Referral.objects.filter(sent_at__gte=start, sent_at__lt=end)
                 .annotate(consented=Exists(consented_ids.filter(case_id=OuterRef("case_id"))))
                 .values("status", "sent_at", "responded_at", "case__track", "case__region__code", "consented",
                         "case_id"))
    accepted = {ReferralStatus.ACCEPTED, ReferralStatus.COMPLETED, ReferralStatus.CLOSED_WITHOUT_SERVICE}
    for ref in referrals:
        days_to_accept = None
        if ref["status"] in accepted and ref["responded_at"] is not None:
            days_to_accept = max((ref["responded_at"] - ref["sent_at"]).days, 0)
        migrant_case = funding_by_case.get(ref["case_id"], ("", "", False))[0] == "mcfd_migrant_services"
        for name, value in (("year", year), ("region", ref["case__region__code"] or UNKNOWN),
                            ("funding", funding_of(ref["case__track"], migrant_case)), ("status", ref["status"]),
                            ("days_to_accept", days_to_accept), ("consented", bool(ref["consented"]))):
            r.setdefault(name, []).append(value)
    h = columns["contacts"]
    targets = response_targets()
    contacts = (Contact.objects.filter(received_at__gte=start, received_at__lt=end)
                .annotate(consented=Q(case__isnull=True) | Exists(consented_ids.filter(case_id=OuterRef("case_id"))))
                .values("channel", "urgency", "region__code", "received_at", "first_response_at", "consented",
                        "contact_type", "categories"))
    trafficking = trafficking_codes()
    for contact in contacts:
        minutes, response = None, "none"
        if contact["first_response_at"] is not None:
            minutes = max(int((contact["first_response_at"] - contact["received_at"]).total_seconds() // 60), 0)
            target = targets.get(contact["urgency"])
            due = target.respond_by(contact["received_at"]) if target else None
            response = "met" if due is None or contact["first_response_at"] <= due else "missed"
        for name, value in (("year", year), ("region", contact["region__code"] or UNKNOWN),
                            ("channel", contact["channel"]), ("urgency", contact["urgency"]), ("response", response),
                            ("minutes_to_response", minutes), ("consented", bool(contact["consented"])),
                            ("contact_type", contact["contact_type"]),
                            ("counts_as_case", contact["contact_type"] == "substantive"
                             and bool(trafficking & set(contact["categories"] or [])))):
            h.setdefault(name, []).append(value)
    return build_from_columns(columns, year=year, built_at=at)


def dashboard(*, actor: Actor, year: int, region: str = "", exact: bool = False,
              k: int = disclosure.DEFAULT_K) -> Figures:
    """The dashboard's figures. Analysts (and everyone by default) see controlled figures of the
    consented cases only; a coordinator asking for ``exact`` sees exact operational counts of every
    case (``stats.view`` with ``case.approve_closure``: the coordinator's own work)."""
    _require_stats(actor)
    if exact and not may_see_exact(actor):
        require(actor, "case.approve_closure")
    with build_extract(actor=actor, year=year) as extract:
        filters = Filters(year=year, region=region, consented_only=not exact)
        seed = dashboard_seed(year=year, region=region, k=k)
        figures = compute(extract, filters, k=k, rng=None if exact else np.random.default_rng(seed),
                          controlled=not exact)
        left_out = left_out_count(extract, filters)
    figures.seed = None if exact else seed
    if exact:
        figures.left_out = left_out
    else:
        shown = disclosure.control_counts([left_out], labels=["left out"], k=k, rng=np.random.default_rng(seed + 1))
        figures.left_out = shown.entries[0][0]
    return figures


def dashboard_seed(*, year: int, region: str, k: int) -> int:
    """The dashboard's rounding seed: the same for the same year, region and k. A fresh seed on each
    request would let someone average many roundings of one table back to its true counts."""
    from django.conf import settings

    key = hashlib.blake2b(f"octip.stats.dashboard|{year}|{region}|{k}".encode(), digest_size=8,
                          key=settings.SECRET_KEY.encode()[:64]).digest()
    return int.from_bytes(key, "big") >> 1


def may_see_exact(actor: Actor) -> bool:
    """Exact internal operational counts are for coordinators only."""
    return allows(actor, "stats.view") and allows(actor, "case.approve_closure")


def releases_for(*, actor: Actor) -> ReleaseQuerySet:
    _require_stats(actor)
    return Release.objects.all()


def release_or_404(*, actor: Actor, release_id: Any) -> Release:
    from django.http import Http404

    _require_stats(actor)
    release = Release.objects.filter(pk=release_id).first() if _is_uuid(release_id) else None
    if release is None:
        raise Http404
    return release


def _is_uuid(value: Any) -> bool:
    import uuid

    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


def release_file(*, actor: Actor, release: Release, name: str) -> Path:
    """The path of one of a release's files, after checking it is listed and unchanged; the
    download is audited."""
    _require_stats(actor)
    entry = next((f for f in release.files if f["name"] == name), None)
    if entry is None:
        raise FileNotFoundError(name)
    path = Path(release.directory) / entry["name"]
    if not path.is_file() or file_sha256(path) != entry["sha256"]:
        raise FileNotFoundError(name)
    audit.record(actor, "stats.release_downloaded", release, detail={"file": entry["name"]})
    return path



def operational(*, actor: Actor, region: str = "") -> dict[str, Any]:
    """Exact internal operational counts for coordinators: today's open caseload by stage and track,
    overdue work. Through ``visible_to`` (a coordinator's scope is every case)."""
    if not may_see_exact(actor):
        require(actor, "case.approve_closure")
    from django.db.models import Count

    from octip.cases.models import Stage, Task, Track
    from octip.cases.selectors import overdue_q

    cases = Case.objects.visible_to(actor).open()
    if region:
        cases = cases.filter(region__code=region)
    by = {(row["stage"], row["track"]): row["n"] for row in cases.values("stage", "track").annotate(n=Count("pk"))}
    stages = [s for s in Stage.choices if s[0] != Stage.CLOSED]
    tracks = list(Track.choices)
    table = disclosure.exact_table([[by.get((s, t), 0) for t, _l in tracks] for s, _label in stages],
                                   row_labels=[str(label) for _s, label in stages],
                                   col_labels=[str(label) for _t, label in tracks],
                                   title=str(_("Open caseload today, by stage and track")), key="caseload")
    overdue_tasks = Task.objects.filter(case__in=cases, done_at__isnull=True, due__lt=timezone.localdate()).count()
    return {"caseload": table, "overdue_tasks": overdue_tasks,
            "cases_with_overdue_tasks": cases.filter(overdue_q()).count(),
            "referrals_overdue": Referral.objects.visible_to(actor).filter(
                status=ReferralStatus.SENT, respond_by__lt=timezone.now(),
                **({"case__region__code": region} if region else {})).count()}
