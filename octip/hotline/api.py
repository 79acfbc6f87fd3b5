"""The 24/7 line API. Lists carry no protected text; reading one contact is audited."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.utils import timezone
from ninja import Query, Router, Status

from octip.cases.selectors import is_visible_case
from octip.core import keyset
from octip.core.access import require
from octip.core.interpretation import interpretation_out, may_see_interpreter_id
from octip.partners.models import Region
from octip.screening.selectors import is_visible_screening

from . import selectors, services
from .models import Contact
from .schemas import CallerFlagIn, CallerFlagOut, ContactIn, ContactOut, ContactPatch, ContactSummaryOut
from .targets import response_targets

router = Router(tags=["hotline"])


def _region(code: str | None) -> Region | None:
    if not code:
        return None
    region = Region.objects.filter(code=code).first()
    if region is None:
        raise ValidationError({"region": [f"Unknown region code: {code!r}."]})
    return region


def _out(contact: Contact, *, full: bool, actor=None) -> dict:
    target = response_targets().get(contact.urgency)
    respond_by = target.respond_by(contact.received_at) if target else None
    body = {
        "id": contact.pk, "reference": contact.reference, "channel": contact.channel,
        "contact_type": contact.contact_type, "categories": list(contact.categories or []),
        "caller_type": contact.caller_type, "urgency": contact.urgency,
        "region": contact.region.code if contact.region_id else None, "language": contact.language,
        "interpreter_used": contact.interpreter_used, "received_at": contact.received_at,
        "first_response_at": contact.first_response_at, "respond_by": respond_by,
        "overdue": bool(contact.is_open and contact.first_response_at is None and respond_by
                        and respond_by < timezone.now()),
        "follow_up_due": contact.follow_up_due, "outcome": contact.outcome,
        "handled_by": contact.handled_by.email if contact.handled_by_id else None,
        "organization_id": contact.organization_id, "version": contact.version,
    }
    if full:
        body.update({name: getattr(contact, name) for name in (
            "danger_now", "seen_when", "summary", "place", "indicators_noticed", "actions_taken",
            "reporter_contact", "reporter_phone", "reporter_email")})
        body.update(interpretation_out(contact, show_id=may_see_interpreter_id(actor)))
        repeat = selectors.repeat_contacts(actor=actor, contact=contact)
        body["previous_contacts"] = repeat.count
        body["previous_contact_ids"] = [c.pk for c in repeat.shown]
        body["lines_given"] = list(contact.lines_given or [])
        body["services_given"] = [s.pk for s in selectors.services_given(actor=actor, contact=contact)]
        body["caller_flags"] = [{"id": f.pk, "kind": f.kind, "reason": f.reason, "expires_on": f.expires_on}
                                for f in selectors.active_flags_on(actor=actor, contact=contact)]
        # Say which case only to someone who can see it.
        body["case_id"] = contact.case_id if is_visible_case(actor=actor, case_id=contact.case_id) else None
        body["screening_id"] = contact.screening_id if is_visible_screening(
            actor=actor, screening_id=contact.screening_id) else None
    return body


@router.get("/hotline/contacts", response=list[ContactSummaryOut])
def list_contacts(request, response: HttpResponse, open_only: bool = False,
                  limit: int = Query(keyset.DEFAULT_LIMIT, ge=1, le=keyset.MAX_LIMIT),
                  cursor: str = Query("", max_length=2000)):
    """Contacts in the caller's scope, newest first, without their protected text; ``limit`` a page,
    the next page by ``cursor`` (``X-Next-Cursor``)."""
    require(request.auth, "hotline.view")
    contacts = selectors.contacts_for(actor=request.auth).defer(*selectors.PROTECTED_FIELDS)
    if open_only:
        contacts = contacts.open()
    rows = keyset.api_page(contacts, request=request, response=response, name="hotline.contacts", cursor=cursor,
                           limit=limit, ordering=("-received_at", "-pk"))
    return [_out(c, full=False) for c in rows]


@router.post("/hotline/contacts", response={201: ContactOut})
def create_contact(request, body: ContactIn):
    require(request.auth, "hotline.edit")
    fields = body.dict()
    fields["region"] = _region(fields.pop("region"))
    contact = services.log_contact(actor=request.auth, **fields)
    return Status(201, _out(contact, full=True, actor=request.auth))


@router.get("/hotline/contacts/{contact_id}", response=ContactOut)
def get_contact(request, contact_id: int):
    """One contact with its protected text; the read is recorded in the audit log."""
    contact = selectors.contact_for_reading(actor=request.auth, contact_id=contact_id, purpose="api")
    return _out(contact, full=True, actor=request.auth)


@router.patch("/hotline/contacts/{contact_id}", response=ContactOut)
def update_contact(request, contact_id: int, body: ContactPatch):
    """Change some fields. ``version`` is the version you read: if someone saved since, 409."""
    contact = selectors.contact_or_404(actor=request.auth, contact_id=contact_id)
    changes = body.dict(exclude_unset=True)
    version = changes.pop("version")
    if "region" in changes:
        changes["region"] = _region(changes["region"])
    for name in ("channel", "caller_type", "urgency", "interpreter_used", "received_at", "contact_type", "categories"):
        if name in changes and changes[name] is None:
            raise ValidationError({name: ["This field cannot be null."]})
    for name in ("language", "danger_now", "seen_when", "place", "indicators_noticed", "actions_taken",
                 "reporter_contact", "outcome", "summary", "reporter_phone", "reporter_email",
                 "interpreter_language", "interpreter_agency", "interpreter_id", "interpreter_knows"):
        if name in changes and changes[name] is None:
            changes[name] = ""
    for name in ("lines_given", "services_given"):
        if name in changes and changes[name] is None:
            changes[name] = []
    contact = services.update_contact(actor=request.auth, contact=contact, expected_version=version,
                                      changes=changes)
    audit_read = selectors.contact_for_reading(actor=request.auth, contact_id=contact.pk, purpose="api")
    return _out(audit_read, full=True, actor=request.auth)


def _flag_out(flag) -> dict:
    return {"id": flag.pk, "kind": flag.kind, "expires_on": flag.expires_on, "active": flag.is_active(),
            "source_contact_id": flag.source_contact_id, "set_at": flag.set_at, "lifted_at": flag.lifted_at}


@router.get("/hotline/caller-flags", response=list[CallerFlagOut])
def list_caller_flags(request, response: HttpResponse, active_only: bool = False,
                      limit: int = Query(keyset.DEFAULT_LIMIT, ge=1, le=keyset.MAX_LIMIT),
                      cursor: str = Query("", max_length=2000)):
    """The line's caller flags (the lead only), the latest first, without reasons; by ``cursor``."""
    require(request.auth, "hotline.lead")
    flags = selectors.caller_flags_for(actor=request.auth)
    if active_only:
        flags = flags.active()
    rows = keyset.api_page(flags, request=request, response=response, name="hotline.caller_flags", cursor=cursor,
                           limit=limit, ordering=("-set_at", "-pk"))
    return [_flag_out(f) for f in rows]


@router.post("/hotline/contacts/{contact_id}/caller-flags", response={201: list[CallerFlagOut]})
def flag_caller(request, contact_id: int, body: CallerFlagIn):
    """Flag the caller of a contact (the lead only): one flag per phone or email it gives."""
    require(request.auth, "hotline.lead")
    contact = selectors.contact_or_404(actor=request.auth, contact_id=contact_id)
    flags = services.set_caller_flag(actor=request.auth, contact=contact, **body.dict())
    return Status(201, [_flag_out(f) for f in flags])


@router.post("/hotline/caller-flags/{flag_id}/lift", response=CallerFlagOut)
def lift_caller_flag(request, flag_id: int):
    require(request.auth, "hotline.lead")
    flag = selectors.caller_flag_or_404(actor=request.auth, flag_id=flag_id)
    return _flag_out(services.lift_caller_flag(actor=request.auth, flag=flag))


# --- Quality review -------------------------------------------------------------------------------
# (Imported here, not in the block at the top, so that this section merges as one appended block.)

from .schemas import ContactReviewFeedbackOut, ContactReviewOut, ReviewSampleOut  # noqa: E402


def _sample_out(sample) -> dict:
    return {"id": sample.pk, "period_start": sample.period_start, "period_end": sample.period_end,
            "size_per_operator": sample.size_per_operator, "pool_size": sample.pool_size, "seed": sample.seed,
            "rubric_version": sample.rubric_version, "drawn_by": sample.drawn_by.email, "drawn_at": sample.drawn_at,
            "reviews": sample.review_count}


def _review_out(review, *, feedback: bool = False) -> dict:
    body = {"id": review.pk, "sample_id": review.sample_id, "contact_id": review.contact_id,
            "contact_reference": review.contact.reference, "operator": review.operator.email,
            "reviewer": review.reviewer.email, "rubric_version": review.rubric_version,
            "scores": dict(review.scores or {}), "status": review.status, "shared_at": review.shared_at,
            "acknowledged_at": review.acknowledged_at}
    if feedback:
        body["feedback"] = review.feedback
    return body


@router.get("/hotline/review-samples", response=list[ReviewSampleOut])
def list_review_samples(request, response: HttpResponse,
                        limit: int = Query(keyset.DEFAULT_LIMIT, ge=1, le=keyset.MAX_LIMIT),
                        cursor: str = Query("", max_length=2000)):
    """The line's quality-review samples (the lead only), the latest first; by ``cursor``."""
    from django.db.models import Count

    require(request.auth, "hotline.lead")
    samples = selectors.review_samples_for(actor=request.auth).annotate(review_count=Count("reviews"))
    rows = keyset.api_page(samples, request=request, response=response, name="hotline.review_samples",
                           cursor=cursor, limit=limit, ordering=("-drawn_at", "-pk"))
    return [_sample_out(s) for s in rows]


@router.get("/hotline/reviews", response=list[ContactReviewOut])
def list_reviews(request, response: HttpResponse, sample_id: int | None = None,
                 limit: int = Query(keyset.DEFAULT_LIMIT, ge=1, le=keyset.MAX_LIMIT),
                 cursor: str = Query("", max_length=2000)):
    """The line's reviews (the lead only), without feedback or notes; of one sample with ``sample_id``."""
    require(request.auth, "hotline.lead")
    reviews = selectors.reviews_for(actor=request.auth)
    if sample_id is not None:
        reviews = reviews.filter(sample=selectors.review_sample_or_404(actor=request.auth, sample_id=sample_id))
    rows = keyset.api_page(reviews, request=request, response=response, name="hotline.reviews", cursor=cursor,
                           limit=limit, ordering=("-pk",))
    return [_review_out(r) for r in rows]


@router.get("/hotline/my-reviews", response=list[ContactReviewOut])
def list_my_reviews(request, response: HttpResponse,
                    limit: int = Query(keyset.DEFAULT_LIMIT, ge=1, le=keyset.MAX_LIMIT),
                    cursor: str = Query("", max_length=2000)):
    """The reviews of my own contacts shared with me, the latest first, without their feedback."""
    require(request.auth, "hotline.view")
    rows = keyset.api_page(selectors.my_reviews(actor=request.auth), request=request, response=response,
                           name="hotline.my_reviews", cursor=cursor, limit=limit, ordering=("-shared_at", "-pk"))
    return [_review_out(r) for r in rows]


@router.get("/hotline/my-reviews/{review_id}", response=ContactReviewFeedbackOut)
def get_my_review(request, review_id: int):
    """One review shared with me, with its feedback; the read is recorded in the audit log."""
    require(request.auth, "hotline.view")
    return _review_out(selectors.my_review_for_reading(actor=request.auth, review_id=review_id), feedback=True)


@router.post("/hotline/my-reviews/{review_id}/acknowledge", response=ContactReviewOut)
def acknowledge_review(request, review_id: int):
    """Acknowledge a review shared with me (once)."""
    require(request.auth, "hotline.view")
    review = selectors.review_or_404(actor=request.auth, review_id=review_id)
    return _review_out(services.acknowledge_review(actor=request.auth, review=review))

# --- Scripts (guidance) ----------------------------------------------------------------------------

from . import guidance  # noqa: E402  (appended section: its imports stay with it)
from .schemas import ScriptIn, ScriptOut  # noqa: E402


def _script_out(script, *, fallback: bool = False) -> dict:
    return ScriptOut(id=script.pk, topic=script.topic, language=script.language, version=script.version,
                     title=script.title, body=script.body, status=script.status,
                     organization_id=script.organization_id, written_at=script.written_at,
                     published_at=script.published_at, retired_at=script.retired_at, fallback=fallback).dict()


@router.get("/hotline/scripts", response=list[ScriptOut])
def list_scripts(request, response: HttpResponse, language: str = "", topic: str = "",
                 limit: int = Query(keyset.DEFAULT_LIMIT, ge=1, le=keyset.MAX_LIMIT),
                 cursor: str = Query("", max_length=2000)):
    """The published scripts that apply to the caller (their line's and the province-wide defaults),
    newest first; ``language``/``topic`` narrow them; by ``cursor`` (``X-Next-Cursor``). For the one
    script per topic an operator is shown, with the English fallback, see ``/hotline/scripts/current``."""
    require(request.auth, "hotline.view")
    if language and not guidance.is_language(language):
        raise ValidationError({"language": [f"Unknown language code: {language!r}."]})
    scripts = guidance.scripts_for(actor=request.auth).published()
    if language:
        scripts = scripts.filter(language=language)
    if topic:
        scripts = scripts.filter(topic=topic)
    rows = keyset.api_page(scripts, request=request, response=response, name="hotline.scripts", cursor=cursor,
                           limit=limit, ordering=("-published_at", "-pk"))
    return [_script_out(s) for s in rows]


@router.get("/hotline/scripts/current", response=list[ScriptOut])
def current_scripts(request, language: str = ""):
    """Per topic, the script shown beside the contact form in ``language`` (default: the caller's
    language), falling back to English (``fallback``); a topic with none is left out."""
    require(request.auth, "hotline.view")
    if language and not guidance.is_language(language):
        raise ValidationError({"language": [f"Unknown language code: {language!r}."]})
    shown = guidance.current_scripts(actor=request.auth, language=language or None)
    return [_script_out(s.script, fallback=s.fallback) for s in shown if s.script is not None]


@router.get("/hotline/scripts/{script_id}/versions", response=list[ScriptOut])
def script_versions(request, script_id: int):
    """Every version of the script's topic and language of its line, newest first (drafts for its lead)."""
    require(request.auth, "hotline.view")
    script = guidance.readable_script_or_404(actor=request.auth, script_id=script_id)
    return [_script_out(s) for s in guidance.versions_of(actor=request.auth, script=script)]


@router.post("/hotline/scripts", response={201: ScriptOut})
def create_script_version(request, body: ScriptIn):
    """A new version (a draft) of a script of the lead's line (the defaults for the coordinating office)."""
    require(request.auth, "hotline.lead")
    return Status(201, _script_out(guidance.draft_script(actor=request.auth, **body.dict())))


@router.post("/hotline/scripts/{script_id}/publish", response=ScriptOut)
def publish_script(request, script_id: int):
    """Publish a draft; the version published before it is retired."""
    require(request.auth, "hotline.lead")
    script = guidance.managed_script_or_404(actor=request.auth, script_id=script_id)
    return _script_out(guidance.publish_script(actor=request.auth, script=script))


@router.post("/hotline/scripts/{script_id}/retire", response=ScriptOut)
def retire_script(request, script_id: int):
    require(request.auth, "hotline.lead")
    script = guidance.managed_script_or_404(actor=request.auth, script_id=script_id)
    return _script_out(guidance.retire_script(actor=request.auth, script=script))

