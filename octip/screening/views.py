"""The guided screening (no JavaScript needed), its result page, and the frameworks pages.

The guided flow keeps its answers in the form itself (hidden fields carried from section to
section) until the last section is submitted: nothing is stored before the screener asks for the
result, and nothing about the person is kept in the session.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from octip.cases.selectors import case_or_none
from octip.core.access import allows, require
from octip.core.forms import apply_validation_error
from octip.site.lines import phone_lines

from . import engine, selectors, services
from .forms import PublishForm, SectionForm, StartForm, ThresholdForm, answer_field_name, note_field_name
from .models import AgeGroup, Framework


def _language() -> str:
    language = (get_language() or "en")[:2]
    return language if language in ("en", "fr") else "en"


def _text(value: dict, language: str) -> str:
    return value.get(language) or value.get("en", "")


@login_required
def index(request: HttpRequest) -> HttpResponse:
    require(request.user, "screening.use")
    screenings = list(selectors.screenings_for(actor=request.user)[:25])
    language = _language()
    rows = [{"screening": s, "title": _text(s.framework.definition["title"], language),
             "conclusion": engine.status_label(s.framework.definition, "conclusion", s.conclusion, language)}
            for s in screenings]
    return render(request, "screening/index.html", {"rows": rows})


def _cases_for(user):
    if not allows(user, "case.view"):
        return None
    return selectors.visible_cases(actor=user)


@login_required
@require_http_methods(["GET", "POST"])
def start(request: HttpRequest) -> HttpResponse:
    require(request.user, "screening.use")
    cases = _cases_for(request.user)
    initial = {}
    if request.method == "GET" and request.GET.get("case") and cases is not None:
        case = case_or_none(actor=request.user, case_id=request.GET["case"])
        if case is not None:
            initial["case"] = case.pk
    form = StartForm(request.POST or None, cases=cases, initial=initial)
    if request.method == "POST" and form.is_valid():
        framework = services.framework_for(form.framework_slug())
        state = {"framework": framework, "age_group": form.cleaned_data["age_group"],
                 "case": form.cleaned_data.get("case"), "answers": {}, "notes": {}}
        return _render_section(request, state, 0)
    return render(request, "screening/start.html", {"form": form}, status=400 if form.errors else 200)


def _state_from_post(request: HttpRequest) -> dict:
    """Read the carried state (framework, age, case, every answer and note) from the posted form."""
    post = request.POST
    try:
        framework = Framework.objects.get(slug=post.get("framework", ""), version=int(post.get("version", "")))
    except (Framework.DoesNotExist, ValueError):
        raise Http404 from None
    age_group = post.get("age_group", "")
    if age_group not in AgeGroup.values:
        raise Http404
    case = None
    if post.get("case"):
        case = case_or_none(actor=request.user, case_id=post["case"])
        if case is None:
            raise Http404
    answers, notes = {}, {}
    for dimension in framework.definition["dimensions"]:
        for indicator in dimension["indicators"]:
            value = post.get(answer_field_name(dimension["id"], indicator["id"]))
            if value is not None:
                answers[f"{dimension['id']}.{indicator['id']}"] = value
        note = post.get(note_field_name(dimension["id"]), "")
        if note.strip():
            notes[dimension["id"]] = note
    return {"framework": framework, "age_group": age_group, "case": case, "answers": answers, "notes": notes}


def _render_section(request: HttpRequest, state: dict, step: int, form: SectionForm | None = None,
                    status: int = 200) -> HttpResponse:
    framework = state["framework"]
    definition = framework.definition
    dimensions = definition["dimensions"]
    dimension = dimensions[step]
    language = _language()
    if form is None:
        initial = {answer_field_name(dimension["id"], i["id"]): state["answers"].get(f"{dimension['id']}.{i['id']}",
                                                                                     "unknown")
                   for i in dimension["indicators"]}
        initial[note_field_name(dimension["id"])] = state["notes"].get(dimension["id"], "")
        form = SectionForm(dimension=dimension, language=language, initial=initial)
    current = set(form.fields)
    carried = [(answer_field_name(*key.split(".", 1)), value) for key, value in state["answers"].items()
               if value != "unknown" and answer_field_name(*key.split(".", 1)) not in current]
    carried += [(note_field_name(d), text) for d, text in state["notes"].items() if note_field_name(d) not in current]
    return render(request, "screening/section.html", {
        "framework": framework, "title": _text(definition["title"], language),
        "notice": _text(definition.get("notice") or {}, language), "dimension": dimension,
        "dimension_label": _text(dimension["label"], language), "intro": _text(dimension["intro"], language),
        "form": form, "carried": carried, "step": step, "number": step + 1, "total": len(dimensions),
        "is_last": step == len(dimensions) - 1, "age_group": state["age_group"], "case": state["case"],
    }, status=status)


@login_required
@require_POST
def flow(request: HttpRequest) -> HttpResponse:
    """One section of the guided screening: validate it, then go back, forward, or to the result."""
    require(request.user, "screening.use")
    state = _state_from_post(request)
    framework = state["framework"]
    dimensions = framework.definition["dimensions"]
    try:
        step = int(request.POST.get("step", ""))
    except ValueError:
        raise Http404 from None
    if not 0 <= step < len(dimensions):
        raise Http404
    form = SectionForm(request.POST, dimension=dimensions[step], language=_language())
    if not form.is_valid():
        return _render_section(request, state, step, form=form, status=400)
    action = request.POST.get("action", "next")
    if action == "back" and step > 0:
        return _render_section(request, state, step - 1)
    if action == "finish" or step == len(dimensions) - 1:
        try:
            screening = services.save_screening(actor=request.user, framework=framework, answers=state["answers"],
                                                notes=state["notes"], age_group=state["age_group"],
                                                case=state["case"])
        except ValidationError as invalid:
            form.add_error(None, "; ".join(invalid.messages))
            return _render_section(request, state, step, form=form, status=400)
        return redirect("screening:detail", screening_id=screening.pk)
    return _render_section(request, state, step + 1)


@login_required
def detail(request: HttpRequest, screening_id) -> HttpResponse:
    """The result: dimension by dimension, the conclusion, the explanation, next steps. Printable."""
    require(request.user, "screening.use")
    screening = selectors.get_screening(actor=request.user, screening_id=screening_id)
    framework = screening.framework
    definition = framework.definition
    language = _language()
    assessment = engine.assess(definition, screening.answers, language=language)
    labels = {(d["id"], i["id"]): _text(i["label"], language) for d in definition["dimensions"]
              for i in d["indicators"]}
    strength_words = {"strong": _("strong"), "medium": _("medium"), "weak": _("weak")}
    dimensions = []
    for dimension in definition["dimensions"]:
        result = assessment.dimensions[dimension["id"]]
        dimensions.append({
            "id": dimension["id"], "label": _text(dimension["label"], language), "status": result.status,
            "status_label": engine.status_label(definition, "dimension", result.status, language),
            "present": [f"{labels[(dimension['id'], i)]} ({strength_words[s]})"
                        for s in ("strong", "medium", "weak") for i in result.present[s]],
            "unknown_count": sum(1 for i in dimension["indicators"]
                                 if screening.answers.get(f"{dimension['id']}.{i['id']}") == "unknown"),
            "note": (screening.notes or {}).get(dimension["id"], ""),
        })
    provisions = [{"label": _text(p["label"], language), "status": assessment.provisions[p["id"]],
                   "status_label": {"indicated": _("Supported by the answers"),
                                    "possible": _("Possibly supported: not known yet"),
                                    "not_indicated": _("Not supported by the answers")}[assessment.provisions[p["id"]]]}
                  for p in definition.get("provisions", [])]
    lines = {line.id: line for line in phone_lines()}
    linked_case = screening.case if screening.case_id and allows(request.user, "case.view", screening.case) else None
    return render(request, "screening/detail.html", {
        "screening": screening, "framework": framework, "title": _text(definition["title"], language),
        "notice": _text(definition.get("notice") or {}, language), "assessment": assessment,
        "conclusion_label": engine.status_label(definition, "conclusion", assessment.conclusion, language),
        "dimensions": dimensions, "provisions": provisions, "legal": definition["kind"] == "legal_checklist",
        "hotline": lines.get("octip_24_7"), "emergency": lines.get("emergency"),
        "child_protection": lines.get("mcfd_child_protection"),
        "intake_url": reverse("cases:intake") if allows(request.user, "case.create") else "",
        "linked_case": linked_case,
    })


@login_required
def framework_list(request: HttpRequest) -> HttpResponse:
    require(request.user, "screening.use")
    language = _language()
    rows = [{"framework": f, "title": _text(f.definition["title"], language)} for f in selectors.current_frameworks()]
    return render(request, "screening/framework_list.html", {
        "rows": rows, "can_publish": allows(request.user, "screening.publish_framework")})


@login_required
def framework_detail(request: HttpRequest, slug: str) -> HttpResponse:
    require(request.user, "screening.use")
    versions = list(selectors.framework_versions(slug))
    if not versions:
        raise Http404
    wanted = request.GET.get("version")
    framework = next((f for f in versions if str(f.version) == wanted), versions[0]) if wanted else versions[0]
    language = _language()
    definition = framework.definition
    strength_words = {"strong": _("strong"), "medium": _("medium"), "weak": _("weak")}
    dimensions = [{"id": d["id"], "label": _text(d["label"], language), "intro": _text(d["intro"], language),
                   "rule": _text(d["rule"]["description"], language) if d.get("rule") else "",
                   "indicators": [{"id": i["id"], "strength": strength_words[i["strength"]],
                                   "label": _text(i["label"], language), "question": _text(i["question"], language),
                                   "unverified": i.get("verified") is False} for i in d["indicators"]]}
                  for d in definition["dimensions"]]
    return render(request, "screening/framework_detail.html", {
        "framework": framework, "versions": versions, "title": _text(definition["title"], language),
        "notice": _text(definition.get("notice") or {}, language), "dimensions": dimensions,
        "dimension_rule": _text(definition["rule"]["dimension_positive"]["description"], language)
        if definition["rule"].get("dimension_positive") else "",
        "conclusion_rule": _text(definition["rule"]["conclusion"]["description"], language),
        "provisions": [_text(p["label"], language) for p in definition.get("provisions", [])],
        "is_latest": framework == versions[0],
        "can_publish": allows(request.user, "screening.publish_framework"),
    })


@login_required
@require_http_methods(["GET", "POST"])
def framework_publish(request: HttpRequest, slug: str) -> HttpResponse:
    """A coordinator publishes a corrected version (paste or upload YAML); invalid input changes nothing."""
    require(request.user, "screening.publish_framework")
    versions = list(selectors.framework_versions(slug))
    if not versions:
        raise Http404
    current = versions[0]
    form = PublishForm(request.POST or None, request.FILES or None,
                       initial={"definition": services.definition_text(current), "based_on": current.version})
    if request.method == "POST" and form.is_valid():
        try:
            framework = services.publish_framework(actor=request.user, slug=slug,
                                                   text=form.cleaned_data["definition"],
                                                   change_note=form.cleaned_data["change_note"],
                                                   based_on=form.cleaned_data["based_on"])
        except ValidationError as invalid:
            # The keys name places inside the framework's YAML: each message is shown above the form with its place.
            apply_validation_error(form, invalid, keyed_at_top=True, unkeyed=("definition",))
        else:
            return _published(request, framework)
    return render(request, "screening/framework_publish.html", {
        "form": form, "framework": current, "title": _text(current.definition["title"], _language())},
        status=400 if form.errors else 200)


def _published(request: HttpRequest, framework: Framework) -> HttpResponse:
    messages.success(request, _("Version %(version)s of %(framework)s is published. Earlier screenings keep "
                                "the version they were scored with.")
                     % {"version": framework.version, "framework": framework.slug})
    return redirect("screening:framework_detail", slug=framework.slug)


@login_required
@require_http_methods(["GET", "POST"])
def framework_thresholds(request: HttpRequest, slug: str) -> HttpResponse:
    """A coordinator changes the numbers of the decision rule without touching YAML."""
    require(request.user, "screening.publish_framework")
    versions = list(selectors.framework_versions(slug))
    if not versions:
        raise Http404
    current = versions[0]
    form = ThresholdForm(request.POST or None, definition=current.definition, language=_language(),
                         initial={"based_on": current.version})
    if request.method == "POST" and form.is_valid():
        try:
            framework = services.publish_thresholds(
                actor=request.user, slug=slug, thresholds=form.thresholds(), descriptions=form.descriptions(),
                change_note=form.cleaned_data["change_note"], based_on=form.cleaned_data["based_on"])
        except ValidationError as invalid:
            # The keys name places inside the framework's YAML: each message is shown above the form with its place.
            apply_validation_error(form, invalid, keyed_at_top=True, unkeyed=("definition",))
        else:
            return _published(request, framework)
    return render(request, "screening/framework_thresholds.html", {
        "form": form, "framework": current, "title": _text(current.definition["title"], _language())},
        status=400 if form.errors else 200)
