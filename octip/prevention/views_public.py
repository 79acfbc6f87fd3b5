"""Public faces: the learner's pages (/learn/), certificate verification (/verify/), the JWKS and status
list, the awareness pages (/about/) and the practices library (/practices/).

Every public page carries the site's quick exit (``_public``, as ``octip.site.views``). A learner's
pages ask ``learners.current_learner``; a learner is never ``request.user``.
"""

from __future__ import annotations

import json
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from octip.core.db_router import reads_from_replica
from octip.core.forms import apply_validation_error
from octip.site.lines import phone_lines

from . import credentials, learners, selectors, services
from .credentials import Status, jwks
from .forms import NameForm, PracticeFilterForm, RegisterForm, SignInForm, VerifyForm
from .models import CompletionState, email_indexes
from .pdf import certificate_pdf

STATUS_WORDS = {
    Status.VALID: "valid",
    Status.REVOKED: "revoked",
    Status.TAMPERED: "tampered",
    Status.UNKNOWN: "unknown",
}


def _public(request: HttpRequest, template: str, context: dict | None = None, status: int = 200) -> HttpResponse:
    base = {"lines": phone_lines(), "quick_exit_url": settings.OCTIP_QUICK_EXIT_URL,
            "learner": learners.current_learner(request), "staff_session": learners.is_staff_session(request)}
    return render(request, template, {**base, **(context or {})}, status=status)


def _site(request: HttpRequest) -> str:
    return request.build_absolute_uri("/").rstrip("/")


def learner_required(view: Any) -> Any:
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        learner = learners.current_learner(request)
        if learner is None and learners.is_staff_session(request):
            learner = services.staff_learner(actor=request.user)  # type: ignore[arg-type]
        if learner is None:
            return redirect(f"{reverse('learn:sign_in')}?next={request.path}")
        request.learner = learner  # type: ignore[attr-defined]
        return view(request, *args, **kwargs)
    return never_cache(wrapped)


# --- Learner accounts ---------------------------------------------------------------------------

def catalogue(request: HttpRequest) -> HttpResponse:
    learner = learners.current_learner(request)
    mine = selectors.enrolments_of(learner=learner) if learner else []
    return _public(request, "prevention/public/catalogue.html",
                   {"courses": selectors.published_courses(), "enrolments": mine})


#: Registrations counted per email (under every blind-index key version) and per client, in 15 minutes.
REGISTER_PER_EMAIL, REGISTER_PER_CLIENT = 5, 20


@require_http_methods(["GET", "POST"])
def register(request: HttpRequest) -> HttpResponse:
    """Open a learner account. The answer is the same whether or not the email already has one (the
    account is made, or the address is told of the attempt): the visitor then signs in with the password."""
    form = RegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        client = request.META.get("REMOTE_ADDR", "")
        if not learners.attempt_allowed("prevention.register", email_indexes(data["email"]), client,
                                        per_email=REGISTER_PER_EMAIL, per_client=REGISTER_PER_CLIENT):
            form.add_error(None, _("There were too many tries: wait a few minutes and try again."))
        else:
            try:
                services.register_learner(
                    email=data["email"], password=data["password"], display_name=data["display_name"],
                    organization_type=data["organization_type"],
                    region_id=data["region"].pk if data["region"] else None, site=_site(request))
            except ValidationError as refused:
                apply_validation_error(form, refused)
            else:
                messages.success(request, _(
                    "If this email can be used, your learner account is ready: sign in with it and your "
                    "password. If it already has an account, we have sent a message to it."))
                return redirect("learn:sign_in")
    return _public(request, "prevention/public/register.html", {"form": form},
                   status=400 if request.method == "POST" else 200)


@require_http_methods(["GET", "POST"])
def sign_in(request: HttpRequest) -> HttpResponse:
    form = SignInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        learner = learners.authenticate(request, email=form.cleaned_data["email"],
                                        password=form.cleaned_data["password"])
        if learner is None:
            form.add_error(None, _("The email or password is not right, or there were too many tries: wait a "
                                   "few minutes. (Partner staff sign in on the staff page.)"))
        else:
            learners.sign_in(request, learner)
            target = request.GET.get("next", "")
            return redirect(target if target.startswith("/learn/") else reverse("learn:catalogue"))
    return _public(request, "prevention/public/sign_in.html", {"form": form},
                   status=400 if request.method == "POST" else 200)


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    learners.sign_out(request)
    return redirect("learn:catalogue")


@learner_required
@require_http_methods(["GET", "POST"])
def account(request: HttpRequest) -> HttpResponse:
    learner = request.learner  # type: ignore[attr-defined]
    form = NameForm(request.POST or None, initial={"display_name": learner.display_name})
    if request.method == "POST" and form.is_valid():
        try:
            services.rename_learner(learner=learner, display_name=form.cleaned_data["display_name"])
        except ValidationError as refused:
            apply_validation_error(form, refused)
        else:
            messages.success(request, _("Saved. New certificates will carry this name."))
            return redirect("learn:account")
    return _public(request, "prevention/public/account.html",
                   {"form": form, "enrolments": selectors.enrolments_of(learner=learner)})


# --- Taking a course ----------------------------------------------------------------------------

def course(request: HttpRequest, slug: str) -> HttpResponse:
    course = selectors.course_or_404(slug=slug)
    learner = learners.current_learner(request)
    enrolment = selectors.enrolment_of(learner=learner, course=course) if learner else None
    if enrolment is not None and enrolment.state == CompletionState.PASSED and not hasattr(enrolment, "credential"):
        services.issue_if_possible(enrolment=enrolment, site=_site(request))  # passed while no key was set
        enrolment.refresh_from_db()
    version = enrolment.version if enrolment else course.published
    if version is None:
        raise Http404
    return _public(request, "prevention/public/course.html", {
        "course": course, "version": version, "enrolment": enrolment,
        "progress": selectors.progress(enrolment=enrolment) if enrolment else None})


@learner_required
@require_POST
def enrol(request: HttpRequest, slug: str) -> HttpResponse:
    course = selectors.course_or_404(slug=slug)
    try:
        services.enrol(learner=request.learner, course=course)  # type: ignore[attr-defined]
    except ValidationError as refused:
        messages.error(request, " ".join(refused.messages))
    return redirect("learn:course", slug=slug)


def _enrolment_or_redirect(request: HttpRequest, slug: str) -> Any:
    course = selectors.course_or_404(slug=slug)
    enrolment = selectors.enrolment_of(learner=request.learner, course=course)  # type: ignore[attr-defined]
    return course, enrolment


@learner_required
@require_http_methods(["GET", "POST"])
def lesson(request: HttpRequest, slug: str, lesson_id: int) -> HttpResponse:
    course, enrolment = _enrolment_or_redirect(request, slug)
    if enrolment is None:
        return redirect("learn:course", slug=slug)
    lesson = selectors.lesson_in_version_or_404(version=enrolment.version, lesson_id=lesson_id)
    result, errors, status = None, {}, 200
    if request.method == "POST":
        try:
            if request.POST.get("action") == "complete":
                services.complete_lesson(learner=request.learner, enrolment=enrolment,  # type: ignore[attr-defined]
                                         lesson_id=lesson.pk, site=_site(request))
                return redirect(_next_after(enrolment, lesson, slug))
            answers = {key[1:]: request.POST.getlist(key) for key in request.POST if key.startswith("q")}
            result = services.submit_quiz(learner=request.learner, enrolment=enrolment,  # type: ignore[attr-defined]
                                          lesson_id=lesson.pk, answers=answers, site=_site(request))
        except ValidationError as refused:
            errors = refused.message_dict if hasattr(refused, "error_dict") else {"__all__": refused.messages}
            status = 400
        enrolment.refresh_from_db()
    progress = selectors.progress(enrolment=enrolment)
    row = next((r for _m, rows in progress.modules for r in rows if r.lesson.pk == lesson.pk), None)
    quiz = getattr(lesson, "quiz", None)
    return _public(request, "prevention/public/lesson.html", {
        "course": course, "enrolment": enrolment, "lesson": lesson, "quiz": quiz, "row": row, "result": result,
        "errors": errors, "general_errors": errors.get("__all__", []),
        "questions": list(quiz.questions.prefetch_related("choices")) if quiz else [],
        "chosen": {key[1:]: request.POST.getlist(key) for key in request.POST if key.startswith("q")},
        "next_url": _next_after(enrolment, lesson, slug), "passed_course": enrolment.state == CompletionState.PASSED,
    }, status=status)


def _next_after(enrolment: Any, lesson: Any, slug: str) -> str:
    ordered = [r.lesson for _m, rows in selectors.progress(enrolment=enrolment).modules for r in rows]
    ids = [x.pk for x in ordered]
    if lesson.pk in ids and ids.index(lesson.pk) + 1 < len(ids):
        return reverse("learn:lesson", args=[slug, ids[ids.index(lesson.pk) + 1]])
    return reverse("learn:course", args=[slug])


@learner_required
def certificate_pdf_download(request: HttpRequest, credential_id: str) -> HttpResponse:
    credential = selectors.credential_of_learner_or_404(learner=request.learner,  # type: ignore[attr-defined]
                                                        credential_id=credential_id)
    verify_url = request.build_absolute_uri(reverse("verify:credential", args=[credential.pk]))
    response = HttpResponse(certificate_pdf(credential, verify_url=verify_url), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="certificate-{credential.pk}.pdf"'
    return response


@learner_required
def certificate_jwt_download(request: HttpRequest, credential_id: str) -> HttpResponse:
    credential = selectors.credential_of_learner_or_404(learner=request.learner,  # type: ignore[attr-defined]
                                                        credential_id=credential_id)
    response = HttpResponse(credential.token, content_type="application/vc+jwt")
    response["Content-Disposition"] = f'attachment; filename="certificate-{credential.pk}.jwt"'
    return response


# --- Verification -------------------------------------------------------------------------------

def _verification_context(verification: Any) -> dict[str, Any]:
    claims = verification.claims or {}
    vc = claims if isinstance(claims, dict) else {}
    subject = vc.get("credentialSubject", {}) if isinstance(vc, dict) else {}
    shown = verification.status in {Status.VALID, Status.REVOKED}
    name = next((i.get("identityHash") for i in subject.get("identifier", []) if isinstance(i, dict)
                 and i.get("identityType") == "name"), "") if shown else ""
    return {"status": STATUS_WORDS[verification.status], "verification": verification,
            "holder": name, "achievement": subject.get("achievement", {}).get("name", "") if shown else "",
            "valid_from": vc.get("validFrom", "") if shown else ""}


@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    form = VerifyForm(request.POST or None)
    context: dict[str, Any] = {"form": form}
    if request.method == "POST" and form.is_valid():
        context.update(_verification_context(selectors.verify_token(form.cleaned_data["credential"])))
    return _public(request, "prevention/public/verify.html", context)


def verify_credential(request: HttpRequest, credential_id: str) -> HttpResponse:
    return _public(request, "prevention/public/verify.html",
                   {"form": VerifyForm(), **_verification_context(selectors.verify_id(credential_id))})


def jwks_json(request: HttpRequest) -> JsonResponse:
    response = JsonResponse(jwks())
    response["Cache-Control"] = "public, max-age=300"
    response["Access-Control-Allow-Origin"] = "*"
    return response


def status_list(request: HttpRequest, number: int) -> HttpResponse:
    """The Bitstring Status List credential, signed (VC-JWT, cached per revision of the list: a GET writes
    nothing); ``?format=json`` shows its claims."""
    if request.GET.get("format") == "json":
        claims = selectors.status_list_claims(number=number, site=_site(request))
        if claims is None:
            raise Http404
        return JsonResponse(claims)
    token = selectors.signed_status_list(number=number, site=_site(request))
    if token is None:
        raise Http404
    response = HttpResponse(token, content_type="application/vc+jwt")
    response["Cache-Control"] = "public, max-age=60"
    response["Access-Control-Allow-Origin"] = "*"
    return response


def issuer(request: HttpRequest) -> JsonResponse:
    site = credentials.site_url(_site(request))
    return JsonResponse({"@context": ["https://www.w3.org/ns/credentials/v2",
                                      "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
                         "id": f"{site}/credentials/issuer", "type": ["Profile"],
                         "name": "Office to Combat Trafficking in Persons (demonstration)", "url": f"{site}/",
                         "jwks": f"{site}/.well-known/jwks.json"})


# --- Awareness pages ----------------------------------------------------------------------------

@reads_from_replica
def awareness_index(request: HttpRequest) -> HttpResponse:
    return _public(request, "prevention/public/about_index.html",
                   {"pages": selectors.awareness_pages_in(language=get_language() or "en")})


@reads_from_replica
def awareness(request: HttpRequest, key: str) -> HttpResponse:
    language = get_language() or "en"
    page = selectors.awareness_page(key=key, language=language)
    fallback = None
    if page is None:
        fallback = selectors.awareness_page(key=key, language="en")
        if fallback is None:
            raise Http404
    return _public(request, "prevention/public/about.html",
                   {"page": page or fallback, "fallback": fallback is not None})


# --- Practices library (public reading) ---------------------------------------------------------

@reads_from_replica
def practices(request: HttpRequest) -> HttpResponse:
    form = PracticeFilterForm(request.GET or None, jurisdictions=selectors.jurisdictions(), topics=selectors.topics())
    filters = form.cleaned_data if form.is_valid() else {}
    rows = selectors.practices(query=filters.get("q", ""), kind=filters.get("kind", ""),
                               jurisdiction=filters.get("jurisdiction", ""), topic=filters.get("topic", ""),
                               evidence=filters.get("evidence", ""))
    return _public(request, "prevention/public/practices.html", {"form": form, "practices": rows})


@reads_from_replica
def practice(request: HttpRequest, practice_id: int) -> HttpResponse:
    return _public(request, "prevention/public/practice.html",
                   {"practice": selectors.practice_or_404(practice_id=practice_id)})


def dumps(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False)
