"""Writes of prevention and education: authoring and publishing courses, learners and their
progress, certificates and their revocation, outreach, awareness pages and the practices library.

Staff writes need ``prevention.manage`` (the practices library: ``prevention.curate_practices``),
checked first through ``core.access.require``. Learner writes are the learner's own (the view passes
the learner of the session). Every write is audited (``core.audit.record``); a learner's event names
the learner by id only (a learner is not a staff actor).
"""

from __future__ import annotations

import datetime
import hashlib
import logging
import mimetypes
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from octip.core import audit
from octip.core.access import AccessDenied, Actor, require
from octip.core.bounds import refuse_out_of_range

from . import credentials
from .models import (
    ActivityCompletion,
    Attempt,
    AttemptAnswer,
    AwarenessPage,
    Campaign,
    Choice,
    CompletionState,
    Course,
    CourseVersion,
    Credential,
    Enrolment,
    Learner,
    Lesson,
    Material,
    MaterialFile,
    Module,
    OutreachEvent,
    Practice,
    Question,
    QuestionKind,
    Quiz,
    Setting,
    VersionStatus,
    email_indexes,
)
from .sanitize import clean_html

logger = logging.getLogger(__name__)

MANAGE = "prevention.manage"
CURATE = "prevention.curate_practices"


def base_url(fallback: str = "") -> str:
    """The platform's public address for links inside credentials (``credentials.site_url``: ``OCTIP_SITE_URL``;
    in development, else the request's)."""
    return credentials.site_url(fallback)


def _learner_target(learner: Learner) -> tuple[str, str]:
    return ("prevention.learner", str(learner.pk))


# --- Learners -----------------------------------------------------------------------------------

@transaction.atomic
def register_learner(*, email: str, password: str, display_name: str, organization_type: str = "",
                     region_id: int | None = None, site: str = "") -> Learner | None:
    """A member of the public opens a learner account (their only capability: to learn).

    The new learner, or None when the email already has an account: then nothing is created and the
    address is told that someone tried to register with it (a message to the owner of the address, never
    to the visitor). The caller answers the same either way, so the form does not tell who has an account;
    the password is hashed either way, so neither does the time it takes."""
    from octip.partners.models import OrganizationType, Region

    email = (email or "").strip().lower()
    display_name = (display_name or "").strip()
    errors: dict[str, list[str]] = {}
    try:
        validate_email(email)
    except ValidationError:
        errors["email"] = [_("Enter a valid email address.")]
    if not display_name or len(display_name) > 120:
        errors["display_name"] = [_("Write the name to print on your certificates (at most 120 characters).")]
    if organization_type and organization_type not in OrganizationType.values and organization_type != "public":
        errors["organization_type"] = [_("Choose a kind of organization from the list.")]
    if region_id is not None and not Region.objects.filter(pk=region_id).exists():
        errors["region"] = [_("Choose a region from the list.")]
    try:
        validate_password(password)
    except ValidationError as weak:
        errors["password"] = list(weak.messages)
    if errors:
        raise ValidationError(errors)
    hashed = make_password(password)
    existing = Learner.objects.filter(email_index__in=email_indexes(email)).first()
    if existing is None:
        learner = Learner(email=email, display_name=display_name, password=hashed,
                          organization_type=organization_type, region_id=region_id)
        learner.refresh_indexes()
        try:
            with transaction.atomic():
                learner.save(force_insert=True)
        except IntegrityError:  # registered at the same moment by another request
            existing = Learner.objects.filter(email_index__in=email_indexes(email)).first()
        else:
            audit.record(None, "prevention.learner_registered", _learner_target(learner))
            return learner
    if existing is not None:
        audit.record(None, "prevention.learner_registration_of_existing_email", _learner_target(existing))
    _tell_of_registration_attempt(email, site)
    return None


def _tell_of_registration_attempt(email: str, site: str) -> None:
    """Tell the owner of ``email`` that someone tried to open a learner account with it (after commit)."""
    subject = _("[OCTIP] Someone tried to create a learner account with your email")
    try:
        link = f"{base_url(site)}/learn/sign-in/"
    except ImproperlyConfigured:  # production without OCTIP_SITE_URL: no link from the Host header
        link = "/learn/sign-in/"
    body = _("Someone tried to create a learner account on the course site with this email address, which "
             "already has one. No new account was created and your account has not changed.\n\n"
             "If it was you, sign in with your password: %(link)s\n\n"
             "If it was not you, you need not do anything.") % {"link": link}
    transaction.on_commit(lambda: send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [email], fail_silently=True))


@transaction.atomic
def staff_learner(*, actor: Actor) -> Learner:
    """The learner profile of a member of partner staff (made on first use), for their enrolments."""
    existing = Learner.objects.filter(staff_user_id=actor.pk).first()
    if existing is not None:
        return existing
    organization = actor.organization
    learner = Learner(
        email=actor.email, display_name=getattr(actor, "full_name", "") or actor.email, staff_user_id=actor.pk,
        organization_type=getattr(organization, "type", ""), region_id=getattr(organization, "region_id", None))
    learner.refresh_indexes()
    learner.save(force_insert=True)
    audit.record(actor, "prevention.learner_registered", _learner_target(learner), detail={"staff": True})
    return learner


@transaction.atomic
def rename_learner(*, learner: Learner, display_name: str) -> Learner:
    display_name = (display_name or "").strip()
    if not display_name or len(display_name) > 120:
        raise ValidationError({"display_name": _(
            "Write the name to print on your certificates (at most 120 characters).")})
    learner.display_name = display_name
    learner.save(update_fields=["display_name"])
    audit.record(None, "prevention.learner_renamed", _learner_target(learner))
    return learner


# --- Authoring ----------------------------------------------------------------------------------

def _require_draft(version: CourseVersion) -> None:
    if version.status != VersionStatus.DRAFT:
        raise ValidationError(_("Only a draft can be changed. Start a new version to change a published course."))


@transaction.atomic
def create_course(*, actor: Actor, slug: str, title: str, summary: str = "", language: str = "en") -> CourseVersion:
    """A new course, with its first version as a draft."""
    require(actor, MANAGE)
    if not slug or not title.strip():
        raise ValidationError({"title": _("Give the course a title and a short name.")})
    if Course.objects.filter(slug=slug).exists():
        raise ValidationError({"slug": _("A course with this short name already exists.")})
    course = Course.objects.create(slug=slug)
    version = CourseVersion.objects.create(course=course, number=1, title=title.strip(), summary=summary,
                                           language=language)
    audit.record(actor, "prevention.course_created", version, detail={"course": course.slug})
    return version


@transaction.atomic
def update_version(*, actor: Actor, version: CourseVersion, title: str, summary: str,
                   practice_ids: Iterable[int] = ()) -> CourseVersion:
    require(actor, MANAGE)
    _require_draft(version)
    if not title.strip():
        raise ValidationError({"title": _("Give the course a title.")})
    version.title, version.summary = title.strip(), summary
    version.save(update_fields=["title", "summary"])
    version.practices.set(Practice.objects.filter(pk__in=list(practice_ids)))
    audit.record(actor, "prevention.version_edited", version)
    return version


@transaction.atomic
def add_module(*, actor: Actor, version: CourseVersion, title: str) -> Module:
    require(actor, MANAGE)
    _require_draft(version)
    if not title.strip():
        raise ValidationError({"title": _("Give the module a title.")})
    position = (version.modules.aggregate(m=Max("position"))["m"] or 0) + 1
    module = Module.objects.create(version=version, title=title.strip(), position=position)
    audit.record(actor, "prevention.module_added", version, detail={"module": module.pk})
    return module


@transaction.atomic
def save_lesson(*, actor: Actor, module: Module, title: str, body: str, lesson: Lesson | None = None) -> Lesson:
    """Add or edit a lesson. The body is sanitized HTML; a body with anything unsafe is refused."""
    require(actor, MANAGE)
    _require_draft(module.version)
    if not title.strip():
        raise ValidationError({"title": _("Give the lesson a title.")})
    cleaned = clean_html(body)
    if lesson is None:
        position = (module.lessons.aggregate(m=Max("position"))["m"] or 0) + 1
        lesson = Lesson.objects.create(module=module, title=title.strip(), body=cleaned, position=position)
    else:
        if lesson.module_id != module.pk:
            raise ValidationError(_("This lesson belongs to another module."))
        lesson.title, lesson.body = title.strip(), cleaned
        lesson.save(update_fields=["title", "body"])
    audit.record(actor, "prevention.lesson_saved", module.version, detail={"lesson": lesson.pk})
    return lesson


@transaction.atomic
def set_quiz(*, actor: Actor, lesson: Lesson, pass_mark: int, max_attempts: int) -> Quiz:
    require(actor, MANAGE)
    _require_draft(lesson.module.version)
    errors = {}
    if not 1 <= pass_mark <= 100:
        errors["pass_mark"] = [_("The pass mark is a percentage from 1 to 100.")]
    if not 1 <= max_attempts <= 20:
        errors["max_attempts"] = [_("Allow from 1 to 20 attempts.")]
    if errors:
        raise ValidationError(errors)
    quiz, _created = Quiz.objects.update_or_create(lesson=lesson, defaults={"pass_mark": pass_mark,
                                                                            "max_attempts": max_attempts})
    audit.record(actor, "prevention.quiz_saved", lesson.module.version, detail={"quiz": quiz.pk})
    return quiz


@transaction.atomic
def add_question(*, actor: Actor, quiz: Quiz, text: str, kind: str, choices: Sequence[tuple[str, bool]],
                 feedback: str = "") -> Question:
    """A question with its answers (text, correct). One answer: exactly one correct; several: at least one."""
    require(actor, MANAGE)
    _require_draft(quiz.lesson.module.version)
    errors: dict[str, list[str]] = {}
    if not text.strip():
        errors["text"] = [_("Write the question.")]
    if kind not in QuestionKind.values:
        errors["kind"] = [_("Choose one answer or several answers.")]
    answers = [(t.strip(), bool(c)) for t, c in choices if t.strip()]
    correct = sum(1 for _t, c in answers if c)
    if len(answers) < 2:
        errors["choices"] = [_("Give at least two answers.")]
    elif kind == QuestionKind.SINGLE and correct != 1:
        errors["choices"] = [_("A one-answer question needs exactly one correct answer.")]
    elif correct < 1:
        errors["choices"] = [_("Mark at least one answer as correct.")]
    if errors:
        raise ValidationError(errors)
    position = (quiz.questions.aggregate(m=Max("position"))["m"] or 0) + 1
    question = Question.objects.create(quiz=quiz, text=text.strip(), kind=kind, feedback=feedback.strip(),
                                       position=position)
    Choice.objects.bulk_create([Choice(question=question, text=t, correct=c, position=i)
                                for i, (t, c) in enumerate(answers, start=1)])
    audit.record(actor, "prevention.question_added", quiz.lesson.module.version, detail={"question": question.pk})
    return question


@transaction.atomic
def publish_version(*, actor: Actor, version: CourseVersion) -> CourseVersion:
    """Publish a draft: new learners start it; the previous published version is retired (its
    learners keep it)."""
    require(actor, MANAGE)
    _require_draft(version)
    lessons = Lesson.objects.filter(module__version=version)
    if not lessons.exists():
        raise ValidationError(_("A course needs at least one lesson before it is published."))
    empty = Quiz.objects.filter(lesson__in=lessons, questions__isnull=True)
    if empty.exists():
        raise ValidationError(_("Every quiz needs at least one question before the course is published."))
    CourseVersion.objects.filter(course=version.course, status=VersionStatus.PUBLISHED).update(
        status=VersionStatus.RETIRED)
    version.status, version.published_at, version.published_by_id = VersionStatus.PUBLISHED, timezone.now(), actor.pk
    version.save(update_fields=["status", "published_at", "published_by"])
    audit.record(actor, "prevention.version_published", version, detail={"number": version.number})
    return version


@transaction.atomic
def new_version(*, actor: Actor, course: Course) -> CourseVersion:
    """A new draft copied from the latest version (modules, lessons, quizzes, questions)."""
    require(actor, MANAGE)
    source = course.latest
    if source is None:
        raise ValidationError(_("This course has no version to copy."))
    if source.status == VersionStatus.DRAFT:
        raise ValidationError(_("This course already has a draft: edit it."))
    draft = CourseVersion.objects.create(course=course, number=source.number + 1, title=source.title,
                                         summary=source.summary, language=source.language)
    draft.practices.set(source.practices.all())
    for module in source.modules.all():
        new_module = Module.objects.create(version=draft, title=module.title, position=module.position)
        for lesson in module.lessons.all():
            new_lesson = Lesson.objects.create(module=new_module, title=lesson.title, body=lesson.body,
                                               position=lesson.position)
            quiz = getattr(lesson, "quiz", None)
            if quiz is None:
                continue
            new_quiz = Quiz.objects.create(lesson=new_lesson, pass_mark=quiz.pass_mark, max_attempts=quiz.max_attempts)
            for question in quiz.questions.all():
                new_question = Question.objects.create(quiz=new_quiz, text=question.text, kind=question.kind,
                                                       feedback=question.feedback, position=question.position)
                Choice.objects.bulk_create([Choice(question=new_question, text=c.text, correct=c.correct,
                                                   position=c.position) for c in question.choices.all()])
    audit.record(actor, "prevention.version_started", draft, detail={"from": source.number})
    return draft


# --- Learning -----------------------------------------------------------------------------------

@transaction.atomic
def enrol(*, learner: Learner, course: Course) -> Enrolment:
    """Enrol in the course's published version; enrolling again returns the enrolment (and its version)
    the learner already has, even after a newer version was published."""
    existing = Enrolment.objects.filter(learner=learner, version__course=course).order_by("-enrolled_at").first()
    if existing is not None:
        return existing
    version = course.published
    if version is None:
        raise ValidationError(_("This course is not open for enrolment."))
    enrolment = Enrolment.objects.create(learner=learner, version=version)
    audit.record(learner.staff_user, "prevention.enrolled", enrolment,
                 detail={"learner": learner.pk, "version": version.pk})
    return enrolment


def _activities(enrolment: Enrolment) -> list[tuple[str, Lesson]]:
    lessons = Lesson.objects.filter(module__version=enrolment.version).select_related("quiz")
    out: list[tuple[str, Lesson]] = []
    for lesson in lessons.order_by("module__position", "module__pk", "position", "pk"):
        out.append((ActivityCompletion.Activity.LESSON, lesson))
        if hasattr(lesson, "quiz"):
            out.append((ActivityCompletion.Activity.QUIZ, lesson))
    return out


def _update_course_state(enrolment: Enrolment) -> Enrolment:
    """The course's state from its activities, as Moodle's course completion: incomplete until every
    activity is done; then passed when every quiz is passed, failed when a quiz is failed with no attempt
    left, complete for a course without quizzes."""
    states = {(a.activity, a.lesson_id): a.state for a in enrolment.activities.all()}
    wanted = _activities(enrolment)
    quizzes = [lesson for kind, lesson in wanted if kind == ActivityCompletion.Activity.QUIZ]
    failed_final = any(states.get((ActivityCompletion.Activity.QUIZ, q.pk)) == CompletionState.FAILED and
                       enrolment.attempts.filter(quiz=q.quiz).count() >= q.quiz.max_attempts for q in quizzes)
    done = all(states.get((k, lesson.pk)) in {CompletionState.COMPLETE, CompletionState.PASSED}
               for k, lesson in wanted)
    if failed_final:
        state = CompletionState.FAILED
    elif done and quizzes:
        state = CompletionState.PASSED
    elif done:
        state = CompletionState.COMPLETE
    else:
        state = CompletionState.INCOMPLETE
    if state != enrolment.state:
        enrolment.state = state
        enrolment.completed_at = timezone.now() if state != CompletionState.INCOMPLETE else None
        enrolment.save(update_fields=["state", "completed_at"])
    return enrolment


def _lesson_of(enrolment: Enrolment, lesson_id: Any) -> Lesson:
    lesson = Lesson.objects.filter(pk=lesson_id, module__version=enrolment.version).first() \
        if str(lesson_id).isdigit() else None
    if lesson is None:
        raise ValidationError(_("This lesson is not part of your course."))
    return lesson


@transaction.atomic
def complete_lesson(*, learner: Learner, enrolment: Enrolment, lesson_id: Any, site: str = "") -> ActivityCompletion:
    """The learner has read a lesson: its activity is complete (progress is saved). Reading the last
    activity of a course whose quizzes are all passed passes the course and issues the certificate."""
    if enrolment.learner_id != learner.pk:
        raise ValidationError(_("This is not your enrolment."))
    lesson = _lesson_of(enrolment, lesson_id)
    completion, _created = ActivityCompletion.objects.update_or_create(
        enrolment=enrolment, activity=ActivityCompletion.Activity.LESSON, lesson=lesson,
        defaults={"state": CompletionState.COMPLETE})
    if _update_course_state(enrolment).state == CompletionState.PASSED:
        issue_if_possible(enrolment=enrolment, site=site)
    return completion


class QuizResult:
    def __init__(self, attempt: Attempt, feedback: list[dict[str, Any]], credential: Credential | None) -> None:
        self.attempt = attempt
        self.feedback = feedback
        self.credential = credential


def _parse_answers(quiz: Quiz, answers: Mapping[str, Sequence[str]]) -> dict[int, set[int]]:
    """Answers (question id → chosen choice ids, as strings from a form or JSON) checked against the quiz:
    every question answered, each choice one of its question's, one choice for a one-answer question."""
    questions = list(quiz.questions.prefetch_related("choices"))
    known = {str(q.pk) for q in questions}
    errors: dict[str, list[str]] = {}
    unexpected = [key for key in answers if key not in known]
    if unexpected:
        errors["__all__"] = [_("The answers name a question that is not in this quiz.")]
    chosen: dict[int, set[int]] = {}
    for position, question in enumerate(questions, start=1):
        raw = [str(v) for v in answers.get(str(question.pk), []) if str(v).strip()]
        valid = {str(c.pk) for c in question.choices.all()}
        if not raw:
            errors[f"q{question.pk}"] = [_("Answer question %(n)s.") % {"n": position}]
        elif any(v not in valid for v in raw):
            errors[f"q{question.pk}"] = [_("Question %(n)s: choose among its answers.") % {"n": position}]
        elif question.kind == QuestionKind.SINGLE and len(set(raw)) > 1:
            errors[f"q{question.pk}"] = [_("Question %(n)s takes one answer only.") % {"n": position}]
        else:
            chosen[question.pk] = {int(v) for v in raw}
    if errors:
        raise ValidationError(errors)
    return chosen


@transaction.atomic
def submit_quiz(*, learner: Learner, enrolment: Enrolment, lesson_id: Any, answers: Mapping[str, Sequence[str]],
                site: str = "") -> QuizResult:
    """Mark one attempt at a quiz. Refused (nothing recorded) when an answer is missing or invalid or no
    attempt is left. Passing the last quiz passes the course and issues the certificate."""
    if enrolment.learner_id != learner.pk:
        raise ValidationError(_("This is not your enrolment."))
    lesson = _lesson_of(enrolment, lesson_id)
    quiz = getattr(lesson, "quiz", None)
    if quiz is None:
        raise ValidationError(_("This lesson has no quiz."))
    # Lock the enrolment: two submissions at once cannot both take the last attempt.
    Enrolment.objects.select_for_update().filter(pk=enrolment.pk).first()
    used = enrolment.attempts.filter(quiz=quiz).count()
    if enrolment.attempts.filter(quiz=quiz, passed=True).exists():
        raise ValidationError(_("You have already passed this quiz."))
    if used >= quiz.max_attempts:
        raise ValidationError(_("No attempt is left for this quiz."))
    chosen = _parse_answers(quiz, answers)
    questions = list(quiz.questions.prefetch_related("choices"))
    right = 0
    feedback: list[dict[str, Any]] = []
    rows: list[tuple[Question, set[int], bool]] = []
    for question in questions:
        correct_ids = {c.pk for c in question.choices.all() if c.correct}
        is_right = chosen[question.pk] == correct_ids
        right += is_right
        rows.append((question, chosen[question.pk], is_right))
        feedback.append({"question": question.text, "correct": is_right, "feedback": question.feedback,
                         "answers": [c.text for c in question.choices.all() if c.correct]})
    score = round(100 * right / len(questions))
    passed = score >= quiz.pass_mark
    attempt = Attempt.objects.create(enrolment=enrolment, quiz=quiz, number=used + 1, score=score, passed=passed)
    for question, picked, is_right in rows:
        answer = AttemptAnswer.objects.create(attempt=attempt, question=question, correct=is_right)
        answer.choices.set(picked)
    ActivityCompletion.objects.update_or_create(
        enrolment=enrolment, activity=ActivityCompletion.Activity.QUIZ, lesson=lesson,
        defaults={"state": CompletionState.PASSED if passed else CompletionState.FAILED})
    # Answering a lesson's quiz means the lesson was read.
    ActivityCompletion.objects.get_or_create(enrolment=enrolment, activity=ActivityCompletion.Activity.LESSON,
                                             lesson=lesson, defaults={"state": CompletionState.COMPLETE})
    audit.record(learner.staff_user, "prevention.quiz_attempted", attempt,
                 detail={"learner": learner.pk, "score": score, "passed": passed})
    _update_course_state(enrolment)
    credential = None
    if enrolment.state == CompletionState.PASSED:
        credential = issue_if_possible(enrolment=enrolment, site=site)
    return QuizResult(attempt, feedback, credential)


def issue_if_possible(*, enrolment: Enrolment, site: str = "") -> Credential | None:
    """The certificate of a passed enrolment, or None while no signing key is configured (the pass stands;
    the certificate is issued when the learner next opens the course)."""
    try:
        with transaction.atomic():
            return issue_credential(enrolment=enrolment, site=site)
    except ImproperlyConfigured as missing:
        logger.error("Certificate not issued: %s", missing)
        return None


# --- Certificates -------------------------------------------------------------------------------

@transaction.atomic
def issue_credential(*, enrolment: Enrolment, site: str = "", issued_at: datetime.datetime | None = None) -> Credential:
    """Sign the Open Badges 3.0 credential of a passed enrolment (once; a second call returns it)."""
    existing = Credential.objects.filter(enrolment=enrolment).first()
    if existing is not None:
        return existing
    if enrolment.state != CompletionState.PASSED:
        raise ValidationError(_("A certificate is issued only when the course is passed."))
    learner, version = enrolment.learner, enrolment.version
    # Indexes run on across lists: the n-th credential has list 1 + n // size, index n % size.
    last = Credential.objects.order_by("-status_list", "-status_index").values("status_list", "status_index").first()
    serial = (last["status_list"] - 1) * credentials.STATUS_LIST_SIZE + last["status_index"] + 1 if last else 0
    status_list, index = 1 + serial // credentials.STATUS_LIST_SIZE, serial % credentials.STATUS_LIST_SIZE
    credential = Credential(enrolment=enrolment, status_list=status_list, status_index=index,
                            issued_at=issued_at or timezone.now())
    claims = credentials.open_badge_claims(
        credential_id=str(credential.id), base_url=base_url(site), issued_at=credential.issued_at,
        course_title=version.title, course_slug=version.course.slug, version=version.number, summary=version.summary,
        display_name=learner.display_name, email=learner.email, status_list=status_list, status_index=index)
    credential.token, credential.kid = credentials.sign(claims)
    try:
        with transaction.atomic():
            credential.save(force_insert=True)
    except IntegrityError:
        raise ValidationError(_("The certificate could not be issued just now; try again.")) from None
    audit.record(learner.staff_user, "prevention.credential_issued", credential,
                 detail={"learner": learner.pk, "kid": credential.kid})
    return credential


@transaction.atomic
def revoke_credential(*, actor: Actor, credential: Credential, reason: str) -> Credential:
    """Revoke a certificate: its bit is set in the status list and every verification says revoked. Only a
    trainer of the office revokes (``selectors.manages_certificates``); another's trainer is refused."""
    from .selectors import manages_certificates

    require(actor, MANAGE)
    if not manages_certificates(actor):
        audit.record_denial(actor, MANAGE, credential)
        raise AccessDenied(MANAGE)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the certificate is revoked.")})
    if credential.revoked_at is not None:
        raise ValidationError(_("This certificate is already revoked."))
    credential.revoked_at, credential.revoked_by_id = timezone.now(), actor.pk
    credential.revocation_reason = reason[:300]
    credential.save(update_fields=["revoked_at", "revoked_by", "revocation_reason"])
    audit.record(actor, "prevention.credential_revoked", credential)
    return credential


def rotate_signing_key(*, actor: Actor | None) -> str:
    """Rotate the development key ring (production: the operator adds a key to the environment).
    Old certificates keep verifying: the retired public key stays in the JWKS."""
    if actor is not None:
        require(actor, MANAGE)
    if getattr(settings, "PRODUCTION", False) or getattr(settings, "OCTIP_CREDENTIAL_SIGNING_KEYS", ""):
        raise ValidationError(_("The signing keys come from OCTIP_CREDENTIAL_SIGNING_KEYS: append a new "
                                "kid:key entry there (manage.py rotate_credential_key --print) and restart."))
    with transaction.atomic():
        credentials.register_ring_keys()
        kid = credentials.rotate_development_ring()
        credentials.register_ring_keys()
        audit.record(actor, "prevention.signing_key_rotated", ("prevention.signingkey", kid))
    return kid


# --- Outreach -----------------------------------------------------------------------------------

MATERIAL_MAX_BYTES = 10 * 1024 * 1024
#: What a material file may be: its extension, the type it must declare, and how its first bytes begin.
MATERIAL_TYPES: dict[str, tuple[str, tuple[bytes, ...]]] = {
    ".pdf": ("application/pdf", (b"%PDF-",)),
    ".png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    ".jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", (b"PK\x03\x04",)),
    ".pptx": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", (b"PK\x03\x04",)),
    ".txt": ("text/plain", ()),
}


def _check_upload(upload: UploadedFile) -> tuple[str, str]:
    name = (upload.name or "").rsplit("/", 1)[-1][:200]
    extension = ("." + name.rsplit(".", 1)[-1].lower()) if "." in name else ""
    if upload.size is None or upload.size > MATERIAL_MAX_BYTES:
        raise ValidationError({"file": _("The file is too large: at most %(mb)s MB.") % {
            "mb": MATERIAL_MAX_BYTES // (1024 * 1024)}})
    if upload.size == 0:
        raise ValidationError({"file": _("The file is empty.")})
    if extension not in MATERIAL_TYPES:
        raise ValidationError({"file": _("This kind of file is not accepted. Accepted: PDF, PNG, JPEG, Word, "
                                         "PowerPoint and plain text.")})
    content_type, magics = MATERIAL_TYPES[extension]
    head = upload.read(16)
    upload.seek(0)
    if magics and not head.startswith(magics):
        raise ValidationError({"file": _("The file's content does not match its name (%(ext)s).") % {"ext": extension}})
    if not magics:
        try:
            upload.read(MATERIAL_MAX_BYTES).decode("utf-8")
        except UnicodeDecodeError:
            raise ValidationError({"file": _("A text file must be UTF-8 text.")}) from None
        upload.seek(0)
    return name, content_type or (mimetypes.guess_type(name)[0] or "application/octet-stream")


@transaction.atomic
def add_material(*, actor: Actor, title: str, description: str = "") -> Material:
    require(actor, MANAGE)
    if not title.strip():
        raise ValidationError({"title": _("Give the material a title.")})
    material = Material.objects.create(title=title.strip(), description=description.strip())
    audit.record(actor, "prevention.material_added", material)
    return material


@transaction.atomic
def upload_material_file(*, actor: Actor, material: Material, language: str, upload: UploadedFile) -> MaterialFile:
    """A new version of a material in one language. Size-limited and type-checked (extension, and the
    file's first bytes); refused with a clear error otherwise, nothing stored."""
    require(actor, MANAGE)
    if language not in dict(settings.LANGUAGES):
        raise ValidationError({"language": _("Choose a language from the list.")})
    name, content_type = _check_upload(upload)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    version = (material.files.filter(language=language).aggregate(m=Max("version"))["m"] or 0) + 1
    row = MaterialFile(material=material, language=language, version=version, filename=name,
                       content_type=content_type, size=upload.size or 0, sha256=digest.hexdigest(),
                       uploaded_by_id=actor.pk)
    row.file.save(name, upload, save=False)
    row.save()
    audit.record(actor, "prevention.material_uploaded", row, detail={"language": language, "version": version})
    return row


@transaction.atomic
def save_campaign(*, actor: Actor, name: str, starts_on: datetime.date, ends_on: datetime.date | None = None,
                  description: str = "") -> Campaign:
    require(actor, MANAGE)
    refuse_out_of_range(starts_on=starts_on, ends_on=ends_on)
    if not name.strip():
        raise ValidationError({"name": _("Give the campaign a name.")})
    if ends_on is not None and ends_on < starts_on:
        raise ValidationError({"ends_on": _("A campaign cannot end before it starts.")})
    campaign = Campaign.objects.create(name=name.strip(), starts_on=starts_on, ends_on=ends_on,
                                       description=description.strip(), created_by_id=actor.pk)
    audit.record(actor, "prevention.campaign_created", campaign)
    return campaign


@transaction.atomic
def record_event(*, actor: Actor, held_on: datetime.date, region_id: int, setting: str, audience: str,
                 reached: int, partner_ids: Iterable[int] = (), material_ids: Iterable[int] = (),
                 campaign_id: int | None = None, notes: str = "") -> OutreachEvent:
    """Record an outreach event (no one reached is named: the audience is a description, a number)."""
    from octip.partners.models import Organization, Region

    require(actor, MANAGE)
    refuse_out_of_range(held_on=held_on)
    errors: dict[str, list[str]] = {}
    if setting not in Setting.values:
        errors["setting"] = [_("Choose a setting from the list.")]
    if not Region.objects.filter(pk=region_id).exists():
        errors["region"] = [_("Choose a region from the list.")]
    if reached < 0 or reached > 1_000_000:
        errors["reached"] = [_("Give the number of people reached (0 to 1,000,000).")]
    if held_on > timezone.localdate() + datetime.timedelta(days=366):
        errors["held_on"] = [_("The date is more than a year away.")]
    if not audience.strip():
        errors["audience"] = [_("Describe the audience.")]
    if errors:
        raise ValidationError(errors)
    event = OutreachEvent.objects.create(held_on=held_on, region_id=region_id, setting=setting,
                                         audience=audience.strip(), reached=reached, campaign_id=campaign_id,
                                         notes=notes.strip(), recorded_by_id=actor.pk)
    event.partners.set(Organization.objects.filter(pk__in=list(partner_ids)))
    event.materials.set(Material.objects.filter(pk__in=list(material_ids)))
    audit.record(actor, "prevention.event_recorded", event)
    return event


# --- Awareness pages ----------------------------------------------------------------------------

@transaction.atomic
def save_awareness_page(*, actor: Actor, key: str, language: str, title: str, body: str,
                        review_by: datetime.date) -> AwarenessPage:
    """Add or replace one public page in one language; the body is sanitized HTML."""
    require(actor, MANAGE)
    refuse_out_of_range(review_by=review_by)
    errors: dict[str, list[str]] = {}
    if language not in dict(settings.LANGUAGES):
        errors["language"] = [_("Choose a language from the list.")]
    if not key or not title.strip():
        errors["title"] = [_("Give the page a title.")]
    if errors:
        raise ValidationError(errors)
    cleaned = clean_html(body)
    page, created = AwarenessPage.objects.update_or_create(
        key=key, language=language, defaults={"title": title.strip(), "body": cleaned, "review_by": review_by,
                                              "updated_by_id": actor.pk})
    audit.record(actor, "prevention.page_saved", page, detail={"key": key, "language": language, "new": created})
    return page


# --- Practices library --------------------------------------------------------------------------

PRACTICE_FIELDS = ("title", "kind", "source", "jurisdiction", "year", "evidence_level", "topics", "summary",
                   "link", "reviewed_by", "reviewed_on")


@transaction.atomic
def save_practice(*, actor: Actor, values: Mapping[str, Any], practice: Practice | None = None) -> Practice:
    """Add or edit an entry of the practices library (trainers and coordinators curate it)."""
    require(actor, CURATE)
    row = practice or Practice()
    for name in PRACTICE_FIELDS:
        if name in values:
            setattr(row, name, values[name])
    row.full_clean()
    row.save()
    audit.record(actor, "prevention.practice_saved", row, detail={"new": practice is None})
    return row
