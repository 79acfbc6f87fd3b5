"""Reads of prevention and education: published courses, a learner's progress, certificate
verification, trainer reports, outreach reach (the selector ``stats`` calls), the practices library
and the awareness pages with their translation status.

No case data is here and none is reachable from here. Staff reads of learner records need
``prevention.manage`` and are audited here, once.
"""

from __future__ import annotations

import datetime
import hashlib
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Max, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from octip.core import audit
from octip.core.access import Actor, require

from . import credentials
from .credentials import Status, Verification
from .models import (
    ActivityCompletion,
    AttemptAnswer,
    AwarenessPage,
    Campaign,
    CompletionState,
    Course,
    CourseVersion,
    Credential,
    Enrolment,
    Learner,
    Lesson,
    Material,
    MaterialFile,
    OutreachEvent,
    Practice,
    VersionStatus,
)

MANAGE = "prevention.manage"

#: The public pages every public language has (the key pages); English and French have them all.
KEY_PAGES = ("what-is-trafficking", "get-help", "report")
#: The languages of the public site beyond English and French (settings.LANGUAGES holds them all).
FULL_LANGUAGES = ("en", "fr")


# --- Courses ------------------------------------------------------------------------------------

def published_courses() -> list[CourseVersion]:
    return list(CourseVersion.objects.filter(status=VersionStatus.PUBLISHED).select_related("course")
                .order_by("title"))


def course_or_404(*, slug: str) -> Course:
    course = Course.objects.filter(slug=slug).first()
    if course is None:
        raise Http404
    return course


def courses_for(*, actor: Actor) -> list[Course]:
    require(actor, MANAGE)
    return list(Course.objects.prefetch_related("versions").order_by("slug"))


def version_or_404(*, actor: Actor, version_id: Any) -> CourseVersion:
    require(actor, MANAGE)
    version = CourseVersion.objects.filter(pk=version_id).select_related("course").first() \
        if str(version_id).isdigit() else None
    if version is None:
        raise Http404
    return version


def lesson_in_version_or_404(*, version: CourseVersion, lesson_id: Any) -> Lesson:
    lesson = Lesson.objects.filter(pk=lesson_id, module__version=version).select_related("module").first() \
        if str(lesson_id).isdigit() else None
    if lesson is None:
        raise Http404
    return lesson


@dataclass
class LessonProgress:
    lesson: Lesson
    lesson_state: str
    quiz_state: str | None
    attempts_used: int = 0
    best_score: int | None = None


@dataclass
class CourseProgress:
    enrolment: Enrolment
    modules: list[tuple[Any, list[LessonProgress]]] = field(default_factory=list)
    done: int = 0
    total: int = 0

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0


def enrolments_of(*, learner: Learner) -> list[Enrolment]:
    return list(learner.enrolments.select_related("version__course").prefetch_related("credential")
                .order_by("-enrolled_at"))


def enrolment_of(*, learner: Learner, course: Course) -> Enrolment | None:
    return Enrolment.objects.filter(learner=learner, version__course=course).select_related("version").first()


def progress(*, enrolment: Enrolment) -> CourseProgress:
    states = {(a.activity, a.lesson_id): a.state for a in enrolment.activities.all()}
    attempts: dict[int, list[int]] = defaultdict(list)
    for attempt in enrolment.attempts.all():
        attempts[attempt.quiz_id].append(attempt.score)
    out = CourseProgress(enrolment)
    for module in enrolment.version.modules.prefetch_related("lessons__quiz"):
        rows = []
        for lesson in module.lessons.all():
            quiz = getattr(lesson, "quiz", None)
            lesson_state = states.get((ActivityCompletion.Activity.LESSON, lesson.pk), CompletionState.INCOMPLETE)
            quiz_state = states.get((ActivityCompletion.Activity.QUIZ, lesson.pk), CompletionState.INCOMPLETE) \
                if quiz else None
            scores = attempts.get(quiz.pk, []) if quiz else []
            rows.append(LessonProgress(lesson, lesson_state, quiz_state, len(scores), max(scores) if scores else None))
            out.total += 1 + (1 if quiz else 0)
            out.done += (lesson_state != CompletionState.INCOMPLETE) + \
                (1 if quiz_state in {CompletionState.PASSED} else 0)
        out.modules.append((module, rows))
    return out


def credential_of_learner_or_404(*, learner: Learner, credential_id: Any) -> Credential:
    try:
        credential = Credential.objects.filter(pk=credential_id, enrolment__learner=learner).select_related(
            "enrolment__version").first()
    except (ValueError, Exception) as bad:  # a malformed UUID
        raise Http404 from bad
    if credential is None:
        raise Http404
    return credential


def manages_certificates(actor: Actor) -> bool:
    """Whether ``actor`` may see and revoke the certificates: the office issues them (the issuer of every
    certificate is the coordinating office), so only its trainers do; a partner's trainer does not see the
    certificates and names of every learner."""
    from octip.core.access import allows
    from octip.partners.models import OrganizationType

    organization = getattr(actor, "organization", None)
    return bool(allows(actor, MANAGE) and organization is not None
                and getattr(organization, "type", "") == OrganizationType.COORDINATING_OFFICE)


def credentials_for(*, actor: Actor) -> QuerySet[Credential]:
    """Certificates for a trainer of the office (the page shows the printed name and the course only);
    another organization's trainer gets a 404 (``manages_certificates``)."""
    require(actor, MANAGE)
    if not manages_certificates(actor):
        raise Http404
    audit.record(actor, "prevention.credentials_listed", None)
    return Credential.objects.select_related("enrolment__learner", "enrolment__version").order_by("-issued_at")


def credential_for_staff_or_404(*, actor: Actor, credential_id: Any) -> Credential:
    require(actor, MANAGE)
    if not manages_certificates(actor):
        raise Http404
    try:
        credential = Credential.objects.filter(pk=credential_id).first()
    except Exception as bad:  # noqa: BLE001 - a malformed UUID is a 404
        raise Http404 from bad
    if credential is None:
        raise Http404
    return credential


# --- Verification -------------------------------------------------------------------------------

def verify_token(token: str) -> Verification:
    """Verify a certificate as presented: the signature against the JWKS, then our record and the
    status list. ``unknown`` when it is not ours, ``tampered`` when its content does not match its
    signature (or our record of it), ``revoked``, or ``valid``."""
    checked = credentials.check_signature(token)
    if checked.status != Status.VALID:
        return checked
    credential = Credential.objects.filter(pk=checked.credential_id).first() if _is_uuid(checked.credential_id) \
        else None
    if credential is None:
        return Verification(Status.UNKNOWN, checked.claims, checked.credential_id)
    if credential.token != token.strip():
        return Verification(Status.TAMPERED, checked.claims, checked.credential_id)
    if credential.revoked_at is not None:
        return Verification(Status.REVOKED, checked.claims, checked.credential_id)
    return checked


def verify_id(credential_id: Any) -> Verification:
    """Verify the certificate we issued under this id (what the QR code on the PDF points to)."""
    credential = Credential.objects.filter(pk=credential_id).first() if _is_uuid(credential_id) else None
    if credential is None:
        return Verification(Status.UNKNOWN)
    return verify_token(credential.token)


def _is_uuid(value: Any) -> bool:
    import uuid

    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


def status_list_claims(*, number: int, site: str) -> dict[str, Any] | None:
    if number < 1 or not Credential.objects.filter(status_list=number).exists() and number != 1:
        return None
    revoked = list(Credential.objects.filter(status_list=number, revoked_at__isnull=False)
                   .values_list("status_index", flat=True))
    return credentials.status_list_claims(base_url=credentials.site_url(site), number=number,
                                          revoked_indexes=revoked)


#: How long a signed status list is kept; an issue or a revocation makes a new one at once.
STATUS_LIST_CACHE_SECONDS = 3600


def signed_status_list(*, number: int, site: str) -> str | None:
    """The signed status list ``number`` (a VC-JWT), or None when there is no such list. Signed once per
    revision of the list and kept in the cache: the revision (its credentials, its revoked ones, the last
    revocation) changes on every issue and revocation, so a verifier never gets a stale list, and an
    anonymous GET neither signs again nor writes to the database."""
    if number < 1:
        return None
    revision = Credential.objects.filter(status_list=number).aggregate(
        issued=Count("pk"), revoked=Count("revoked_at"), last=Max("revoked_at"))
    if not revision["issued"] and number != 1:
        return None
    base, kid = credentials.site_url(site), credentials.ring().current_kid
    key = "prevention.status_list:" + hashlib.sha256(
        f"{number}|{revision['issued']}|{revision['revoked']}|{revision['last']}|{base}|{kid}".encode()).hexdigest()
    token = cache.get(key)
    if token is None:
        claims = status_list_claims(number=number, site=site)
        if claims is None:
            return None
        token, _kid = credentials.sign(claims, register=False)
        cache.set(key, token, STATUS_LIST_CACHE_SECONDS)
    return token


# --- Trainer reports ----------------------------------------------------------------------------

@dataclass
class ReportRow:
    group: str
    enrolled: int
    completed: int
    passed: int

    @property
    def pass_rate(self) -> str:
        return f"{round(100 * self.passed / self.enrolled)} %" if self.enrolled else "—"


def _label_org_type(code: str) -> str:
    from octip.partners.models import OrganizationType

    if not code or code == "public":
        return str(_public_label())
    return str(dict(OrganizationType.choices).get(code, code))


def _public_label() -> str:
    from django.utils.translation import gettext as _

    return _("Member of the public")


def training_report(*, actor: Actor, by: str, version: CourseVersion | None = None) -> list[ReportRow]:
    """Enrolments, completions and passes grouped by organization type, region or month of enrolment."""
    require(actor, MANAGE)
    enrolments = Enrolment.objects.select_related("learner__region")
    if version is not None:
        enrolments = enrolments.filter(version__course=version.course)
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for enrolment in enrolments:
        if by == "organization_type":
            group = _label_org_type(enrolment.learner.organization_type)
        elif by == "region":
            group = str(enrolment.learner.region) if enrolment.learner.region else "—"
        else:
            group = timezone.localtime(enrolment.enrolled_at).strftime("%Y-%m")
        counts[group]["enrolled"] += 1
        if enrolment.state != CompletionState.INCOMPLETE:
            counts[group]["completed"] += 1
        if enrolment.state == CompletionState.PASSED:
            counts[group]["passed"] += 1
    audit.record(actor, "prevention.report_viewed", None, detail={"by": by})
    return [ReportRow(g, c["enrolled"], c["completed"], c["passed"]) for g, c in sorted(counts.items())]


@dataclass
class ItemDifficulty:
    course: str
    quiz: str
    question: str
    answered: int
    correct: int

    @property
    def facility(self) -> str:
        """The share answered correctly (the classical item facility index p)."""
        return f"{self.correct / self.answered:.2f}" if self.answered else "—"


def item_difficulty(*, actor: Actor) -> list[ItemDifficulty]:
    require(actor, MANAGE)
    rows = (AttemptAnswer.objects.values("question__quiz__lesson__module__version__title",
                                         "question__quiz__lesson__title", "question__text", "question_id")
            .annotate(answered=Count("pk"), right=Count("pk", filter=Q(correct=True)))
            .order_by("question__quiz__lesson__module__version__title", "question__quiz__lesson__title", "question_id"))
    return [ItemDifficulty(r["question__quiz__lesson__module__version__title"], r["question__quiz__lesson__title"],
                           r["question__text"], r["answered"], r["right"]) for r in rows]


# --- Outreach -----------------------------------------------------------------------------------

def events_for(*, actor: Actor) -> QuerySet[OutreachEvent]:
    require(actor, MANAGE)
    return OutreachEvent.objects.select_related("region", "campaign").prefetch_related("partners", "materials")


def campaigns_for(*, actor: Actor) -> QuerySet[Campaign]:
    require(actor, MANAGE)
    return Campaign.objects.all()


def material_file_or_404(*, actor: Actor, file_id: Any) -> MaterialFile:
    require(actor, MANAGE)
    row = MaterialFile.objects.filter(pk=file_id).first() if str(file_id).isdigit() else None
    if row is None:
        raise Http404
    audit.record(actor, "prevention.material_downloaded", row)
    return row


def materials_for(*, actor: Actor) -> QuerySet[Material]:
    require(actor, MANAGE)
    return Material.objects.prefetch_related("files")


def outreach_reach(*, year: int) -> dict[str, Any]:
    """Numbers of people reached by outreach in ``year``, by region (rows) and setting (columns), as raw
    counts for ``stats`` to control (``stats`` may import this app; this app never imports ``stats``).
    Outreach counts are of audiences, not of persons in cases, but they pass disclosure control like
    every other number that leaves."""
    from octip.partners.models import Region

    from .models import Setting

    regions = list(Region.objects.order_by("position", "name"))
    settings_ = list(Setting)
    cells = [[0] * len(settings_) for _ in regions]
    events = [[0] * len(settings_) for _ in regions]
    row_of = {r.pk: i for i, r in enumerate(regions)}
    col_of = {s.value: j for j, s in enumerate(settings_)}
    for event in OutreachEvent.objects.filter(held_on__year=year).values("region_id", "setting", "reached"):
        i, j = row_of.get(event["region_id"]), col_of.get(event["setting"])
        if i is None or j is None:
            continue
        cells[i][j] += event["reached"]
        events[i][j] += 1
    return {"row_codes": [r.code for r in regions], "row_labels": [str(r) for r in regions],
            "col_codes": [s.value for s in settings_], "col_labels": [str(s.label) for s in settings_],
            "reached": cells, "events": events}


# --- Practices library --------------------------------------------------------------------------

def practices(*, query: str = "", kind: str = "", jurisdiction: str = "", topic: str = "",
              evidence: str = "") -> QuerySet[Practice]:
    rows = Practice.objects.all()
    if query:
        rows = rows.filter(Q(title__icontains=query) | Q(summary__icontains=query) | Q(source__icontains=query)
                           | Q(topics__icontains=query))
    if kind:
        rows = rows.filter(kind=kind)
    if jurisdiction:
        rows = rows.filter(jurisdiction=jurisdiction)
    if topic:
        rows = rows.filter(topics__icontains=topic)
    if evidence:
        rows = rows.filter(evidence_level=evidence)
    return rows


def jurisdictions() -> list[str]:
    return sorted(set(Practice.objects.values_list("jurisdiction", flat=True)))


def topics() -> list[str]:
    found: set[str] = set()
    for text in Practice.objects.values_list("topics", flat=True):
        found.update(t.strip() for t in text.split(",") if t.strip())
    return sorted(found)


def practice_or_404(*, practice_id: Any) -> Practice:
    row = Practice.objects.filter(pk=practice_id).first() if str(practice_id).isdigit() else None
    if row is None:
        raise Http404
    return row


# --- Awareness pages ----------------------------------------------------------------------------

def awareness_page(*, key: str, language: str) -> AwarenessPage | None:
    """The page in this language; None when it has no translation there."""
    return AwarenessPage.objects.filter(key=key, language=language).first()


def awareness_pages_in(*, language: str) -> list[AwarenessPage]:
    return list(AwarenessPage.objects.filter(language=language).order_by("key"))


@dataclass
class TranslationCell:
    language: str
    page: AwarenessPage | None
    expected: bool

    @property
    def overdue(self) -> bool:
        return self.page is not None and self.page.review_by < timezone.localdate()


def translation_status(*, actor: Actor) -> tuple[list[str], list[tuple[str, list[TranslationCell]]]]:
    """For each page and language: present, missing (where it is expected) or due for review."""
    require(actor, MANAGE)
    languages = [code for code, _name in settings.LANGUAGES]
    pages = {(p.key, p.language): p for p in AwarenessPage.objects.all()}
    keys = sorted({k for k, _lang in pages} | set(KEY_PAGES))
    table = []
    for key in keys:
        table.append((key, [TranslationCell(lang, pages.get((key, lang)),
                                            lang in FULL_LANGUAGES or key in KEY_PAGES) for lang in languages]))
    return languages, table


def review_due(*, today: datetime.date | None = None) -> int:
    return AwarenessPage.objects.filter(review_by__lt=today or timezone.localdate()).count()
