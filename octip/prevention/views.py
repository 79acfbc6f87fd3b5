"""Staff pages of prevention and education (/app/prevention/): authoring courses, certificates,
trainer reports with exports, outreach, awareness pages with their translation status, and the
practices library. Each page calls one selector or service; refusals come back on the form."""

from __future__ import annotations

import io
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from octip.core.access import allows, require
from octip.core.csv_safety import neutralise, stream_csv
from octip.core.forms import apply_validation_error

from . import selectors, services
from .forms import (
    AwarenessPageForm,
    CampaignForm,
    CourseForm,
    EventForm,
    LessonForm,
    MaterialFileForm,
    MaterialForm,
    ModuleForm,
    PracticeForm,
    QuestionForm,
    QuizForm,
    ReportForm,
    RevokeForm,
    VersionForm,
)

MANAGE = "prevention.manage"


def _refused(form: Any, error: ValidationError) -> None:
    apply_validation_error(form, error)


# --- Courses ------------------------------------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def courses(request: HttpRequest) -> HttpResponse:
    require(request.user, MANAGE)
    form = CourseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            version = services.create_course(actor=request.user, **form.cleaned_data)
        except ValidationError as refused:
            _refused(form, refused)
        else:
            return redirect("prevention:version", version_id=version.pk)
    return render(request, "prevention/courses.html", {
        "courses": selectors.courses_for(actor=request.user), "form": form,
        "review_due": selectors.review_due()}, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def version(request: HttpRequest, version_id: int) -> HttpResponse:
    version = selectors.version_or_404(actor=request.user, version_id=version_id)
    forms_: dict[str, Any] = {
        "details": VersionForm(initial={"title": version.title, "summary": version.summary,
                                        "practices": list(version.practices.all())}),
        "module": ModuleForm(), "lesson": LessonForm(), "quiz": QuizForm(), "question": QuestionForm(),
    }
    status = 200
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            outcome = _version_action(request, version, action, forms_)
        except ValidationError as refused:
            messages.error(request, " ".join(refused.messages))
            outcome = 400
        if isinstance(outcome, HttpResponse):
            return outcome
        if outcome == 302:
            return redirect("prevention:version", version_id=version.pk)
        status = outcome
    return render(request, "prevention/version.html", {"version": version, "forms": forms_,
                                                       "modules": version.modules.prefetch_related(
                                                           "lessons__quiz__questions__choices")},
                  status=status)


def _version_action(request: HttpRequest, version: Any, action: str, forms_: dict[str, Any]) -> int | HttpResponse:
    """One authoring step from the version page; 302 when done, 400 with the form's errors."""
    post = request.POST
    if action == "details":
        form = forms_["details"] = VersionForm(post)
        if form.is_valid():
            try:
                services.update_version(actor=request.user, version=version, title=form.cleaned_data["title"],
                                        summary=form.cleaned_data["summary"],
                                        practice_ids=[p.pk for p in form.cleaned_data["practices"]])
                return 302
            except ValidationError as refused:
                _refused(form, refused)
        return 400
    if action == "module":
        form = forms_["module"] = ModuleForm(post)
        if form.is_valid():
            try:
                services.add_module(actor=request.user, version=version, title=form.cleaned_data["title"])
                return 302
            except ValidationError as refused:
                _refused(form, refused)
        return 400
    if action == "lesson":
        module = version.modules.filter(pk=post.get("module") or 0).first() if str(post.get("module", "")).isdigit() \
            else None
        form = forms_["lesson"] = LessonForm(post)
        if module is not None and form.is_valid():
            lesson = None
            if str(post.get("lesson", "")).isdigit():
                lesson = selectors.lesson_in_version_or_404(version=version, lesson_id=post["lesson"])
            try:
                services.save_lesson(actor=request.user, module=module, lesson=lesson, **form.cleaned_data)
                return 302
            except ValidationError as refused:
                _refused(form, refused)
        elif module is None:
            form.add_error(None, _("Choose the module."))
        return 400
    if action in {"quiz", "question"}:
        lesson = selectors.lesson_in_version_or_404(version=version, lesson_id=post.get("lesson", ""))
        if action == "quiz":
            form = forms_["quiz"] = QuizForm(post)
            if form.is_valid():
                try:
                    services.set_quiz(actor=request.user, lesson=lesson, **form.cleaned_data)
                    return 302
                except ValidationError as refused:
                    _refused(form, refused)
            return 400
        form = forms_["question"] = QuestionForm(post)
        quiz = getattr(lesson, "quiz", None)
        if quiz is None:
            form.add_error(None, _("Set up the lesson's quiz first."))
        elif form.is_valid():
            try:
                services.add_question(actor=request.user, quiz=quiz, text=form.cleaned_data["text"],
                                      kind=form.cleaned_data["kind"], choices=form.answer_lines(),
                                      feedback=form.cleaned_data["feedback"])
                return 302
            except ValidationError as refused:
                _refused(form, refused)
        return 400
    if action == "publish":
        services.publish_version(actor=request.user, version=version)
        messages.success(request, _("Published. New learners start this version."))
        return 302
    if action == "new_version":
        draft = services.new_version(actor=request.user, course=version.course)
        messages.success(request, _("Version %(n)s started as a draft.") % {"n": draft.number})
        return redirect("prevention:version", version_id=draft.pk)
    raise ValidationError(_("Unknown action."))


# --- Certificates -------------------------------------------------------------------------------

@login_required
def credentials(request: HttpRequest) -> HttpResponse:
    rows = selectors.credentials_for(actor=request.user)[:200]
    return render(request, "prevention/credentials.html", {"credentials": rows, "form": RevokeForm()})


@login_required
@require_POST
def revoke(request: HttpRequest, credential_id: str) -> HttpResponse:
    credential = selectors.credential_for_staff_or_404(actor=request.user, credential_id=credential_id)
    form = RevokeForm(request.POST)
    if form.is_valid():
        try:
            services.revoke_credential(actor=request.user, credential=credential, reason=form.cleaned_data["reason"])
            messages.success(request, _("The certificate is revoked."))
        except ValidationError as refused:
            messages.error(request, " ".join(refused.messages))
    else:
        messages.error(request, _("Say why the certificate is revoked."))
    return redirect("prevention:credentials")


# --- Reports ------------------------------------------------------------------------------------

def _report_tables(request: HttpRequest) -> tuple[str, list[Any], list[Any]]:
    form = ReportForm(request.GET or None)
    by = (form.cleaned_data.get("by") if form.is_valid() else "") or "organization_type"
    return by, selectors.training_report(actor=request.user, by=by), selectors.item_difficulty(actor=request.user)


@login_required
def reports(request: HttpRequest) -> HttpResponse:
    by, rows, items = _report_tables(request)
    return render(request, "prevention/reports.html", {"form": ReportForm(initial={"by": by}), "by": by,
                                                       "rows": rows, "items": items})


def _report_sheets(by: str, rows: list[Any], items: list[Any]) -> list[tuple[str, list[str], list[list[Any]]]]:
    return [
        (_("Completion"), [_("Group"), _("Enrolled"), _("Completed"), _("Passed"), _("Pass rate")],
         [[r.group, r.enrolled, r.completed, r.passed, r.pass_rate] for r in rows]),
        (_("Item difficulty"), [_("Course"), _("Quiz"), _("Question"), _("Answered"), _("Correct"), _("Facility (p)")],
         [[i.course, i.quiz, i.question, i.answered, i.correct, i.facility] for i in items]),
    ]


@login_required
def report_csv(request: HttpRequest) -> HttpResponse:
    by, rows, items = _report_tables(request)
    which = 1 if request.GET.get("table") == "items" else 0
    _title, columns, body = _report_sheets(by, rows, items)[which]
    return stream_csv(columns, body, f"training-{'items' if which else by}.csv")


@login_required
def report_xlsx(request: HttpRequest) -> HttpResponse:
    from openpyxl import Workbook

    by, rows, items = _report_tables(request)
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, columns, body in _report_sheets(by, rows, items):
        sheet = workbook.create_sheet(title[:31])
        sheet.append([neutralise(c) for c in columns])
        for line in body:
            sheet.append([neutralise(v) for v in line])
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    response = FileResponse(buffer, as_attachment=True, filename=f"training-{by}.xlsx",
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Cache-Control"] = "no-store, private"
    return response


# --- Outreach -----------------------------------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def outreach(request: HttpRequest) -> HttpResponse:
    events = selectors.events_for(actor=request.user)
    event_form = EventForm(request.POST or None, prefix="event")
    campaign_form = CampaignForm(request.POST if request.POST.get("action") == "campaign" else None, prefix="campaign")
    status = 200
    if request.method == "POST":
        try:
            if request.POST.get("action") == "campaign":
                event_form = EventForm(prefix="event")
                if campaign_form.is_valid():
                    services.save_campaign(actor=request.user, **campaign_form.cleaned_data)
                    return redirect("prevention:outreach")
            elif event_form.is_valid():
                data = event_form.cleaned_data
                services.record_event(actor=request.user, held_on=data["held_on"], region_id=data["region"].pk,
                                      setting=data["setting"], audience=data["audience"], reached=data["reached"],
                                      partner_ids=[o.pk for o in data["partners"]],
                                      material_ids=[m.pk for m in data["materials"]],
                                      campaign_id=data["campaign"].pk if data["campaign"] else None,
                                      notes=data["notes"])
                messages.success(request, _("Event recorded."))
                return redirect("prevention:outreach")
        except ValidationError as refused:
            _refused(campaign_form if request.POST.get("action") == "campaign" else event_form, refused)
        status = 400
    return render(request, "prevention/outreach.html", {
        "events": events[:100], "event_form": event_form, "campaign_form": campaign_form,
        "campaigns": selectors.campaigns_for(actor=request.user)[:50],
        "reach": selectors.outreach_reach(year=timezone.localdate().year)}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def materials(request: HttpRequest) -> HttpResponse:
    rows = selectors.materials_for(actor=request.user)
    form = MaterialForm(request.POST if request.POST.get("action") == "material" else None)
    file_form = MaterialFileForm(request.POST if request.POST.get("action") == "file" else None,
                                 request.FILES if request.POST.get("action") == "file" else None)
    status = 200
    if request.method == "POST":
        try:
            if request.POST.get("action") == "material" and form.is_valid():
                services.add_material(actor=request.user, **form.cleaned_data)
                return redirect("prevention:materials")
            if request.POST.get("action") == "file" and file_form.is_valid():
                material = rows.filter(pk=request.POST.get("material") or 0).first() \
                    if str(request.POST.get("material", "")).isdigit() else None
                if material is None:
                    raise ValidationError({"file": _("Choose the material.")})
                services.upload_material_file(actor=request.user, material=material,
                                              language=file_form.cleaned_data["language"],
                                              upload=file_form.cleaned_data["file"])
                messages.success(request, _("File uploaded."))
                return redirect("prevention:materials")
        except ValidationError as refused:
            _refused(file_form if request.POST.get("action") == "file" else form, refused)
        status = 400
    return render(request, "prevention/materials.html", {"materials": rows, "form": form, "file_form": file_form},
                  status=status)


@login_required
def material_download(request: HttpRequest, file_id: int) -> HttpResponse:
    row = selectors.material_file_or_404(actor=request.user, file_id=file_id)
    response = FileResponse(row.file.open("rb"), as_attachment=True, filename=row.filename,
                            content_type=row.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- Awareness pages ----------------------------------------------------------------------------

@login_required
def translations(request: HttpRequest) -> HttpResponse:
    from .forms import language_choices

    languages, table = selectors.translation_status(actor=request.user)
    return render(request, "prevention/translations.html", {"languages": languages, "table": table,
                                                            "today": timezone.localdate(),
                                                            "language_choices": language_choices()})


@login_required
def page_new(request: HttpRequest) -> HttpResponse:
    """Start a page: its address (a short name) and its language, then the editor."""
    from django.conf import settings
    from django.utils.text import slugify

    require(request.user, MANAGE)
    key = slugify(request.GET.get("key", ""))[:60]
    language = request.GET.get("language", "en")
    if not key or language not in dict(settings.LANGUAGES):
        messages.error(request, _("Give the page a short name and choose its language."))
        return redirect("prevention:translations")
    return redirect("prevention:page_edit", key=key, language=language)


@login_required
@require_http_methods(["GET", "POST"])
def page_edit(request: HttpRequest, key: str, language: str) -> HttpResponse:
    require(request.user, MANAGE)
    page = selectors.awareness_page(key=key, language=language)
    english = selectors.awareness_page(key=key, language="en")
    initial = {"title": page.title, "body": page.body, "review_by": page.review_by} if page else {
        "review_by": timezone.localdate().replace(year=timezone.localdate().year + 1)}
    form = AwarenessPageForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_awareness_page(actor=request.user, key=key, language=language, **form.cleaned_data)
        except ValidationError as refused:
            _refused(form, refused)
        else:
            messages.success(request, _("Page saved."))
            return redirect("prevention:translations")
    return render(request, "prevention/page_edit.html", {"form": form, "key": key, "language": language,
                                                         "english": english}, status=400 if form.errors else 200)


# --- Practices library --------------------------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def practices(request: HttpRequest, practice_id: int | None = None) -> HttpResponse:
    require(request.user, services.CURATE)
    practice = selectors.practice_or_404(practice_id=practice_id) if practice_id else None
    form = PracticeForm(request.POST or None, instance=practice)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_practice(actor=request.user, values=form.cleaned_data, practice=practice)
        except ValidationError as refused:
            _refused(form, refused)
        else:
            messages.success(request, _("Entry saved."))
            return redirect("prevention:practices")
    return render(request, "prevention/practices.html", {
        "form": form, "practice": practice, "practices": selectors.practices(),
        "may_manage": allows(request.user, MANAGE)}, status=400 if form.errors else 200)
