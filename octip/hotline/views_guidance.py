"""Pages of the line's scripts (``guidance``): the lead's list, a new version, one version with its
publish and retire buttons, its history; the readable (printable) scripts for every operator; and
the context of the aside beside the contact form."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from octip.core.access import require
from octip.core.forms import apply_validation_error

from . import guidance
from .forms_guidance import ScriptForm, ScriptLanguageForm

#: The GET parameter naming the language the scripts are shown in.
LANGUAGE_PARAM = "script_lang"


def guidance_context(request: HttpRequest) -> dict:
    """What ``hotline/_guidance_aside.html`` needs: the current script per topic in the language asked
    (``?script_lang=``, else the operator's), the language form, and links."""
    form = ScriptLanguageForm(request.GET or None)
    language = form.language()
    if not form.is_bound:
        form = ScriptLanguageForm(initial={LANGUAGE_PARAM: language})
    return {"guidance": {
        "language": language, "language_name": guidance.language_name(language),
        "shown": guidance.current_scripts(actor=request.user, language=language), "form": form,
        "fallback_name": guidance.language_name(guidance.FALLBACK_LANGUAGE),
        "read_url": reverse("hotline:guidance_read") + f"?{LANGUAGE_PARAM}={language}",
        "can_manage": guidance.may_manage(request.user)}}


@login_required
def guidance_read(request: HttpRequest) -> HttpResponse:
    """The current scripts, whole, in one language: to read to a caller, or to print."""
    require(request.user, "hotline.view")
    return render(request, "hotline/guidance_read.html", guidance_context(request))


@login_required
def guidance_list(request: HttpRequest) -> HttpResponse:
    """The lead's scripts by topic and language, with the published and the newest version."""
    require(request.user, "hotline.lead")
    return render(request, "hotline/guidance_list.html", {
        "keys": guidance.script_keys(actor=request.user), "topics": guidance.topics(),
        "languages": guidance.languages(), "is_default": guidance.lead_unit(request.user) is None})


@login_required
@require_http_methods(["GET", "POST"])
def guidance_new(request: HttpRequest) -> HttpResponse:
    """A new version of a script (a draft), prefilled from the newest version of its topic and language."""
    require(request.user, "hotline.lead")
    topic, language = request.GET.get("topic", ""), request.GET.get("language", "")
    latest = guidance.latest_version(actor=request.user, topic=topic, language=language) if topic else None
    initial = {"topic": topic, "language": language or guidance.active_language()}
    if latest is not None:
        initial.update(title=latest.title, body=latest.body)
    form = ScriptForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            script = guidance.draft_script(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Version %(version)s saved as a draft. Publish it to show it to operators.")
                             % {"version": script.version})
            return redirect("hotline:guidance_detail", script_id=script.pk)
    return render(request, "hotline/guidance_form.html", {"form": form, "latest": latest},
                  status=400 if form.errors else 200)


@login_required
def guidance_detail(request: HttpRequest, script_id: int) -> HttpResponse:
    """One version of a script; the lead of its line can publish, retire or write a new version."""
    require(request.user, "hotline.view")
    script = guidance.readable_script_or_404(actor=request.user, script_id=script_id)
    return render(request, "hotline/guidance_detail.html", {
        "script": script, "can_manage": guidance.may_manage(request.user, script),
        "new_url": reverse("hotline:guidance_new") + f"?topic={script.topic}&language={script.language}"})


@login_required
def guidance_history(request: HttpRequest, script_id: int) -> HttpResponse:
    """Every version of a script (its topic, language and line), the newest first."""
    require(request.user, "hotline.view")
    script = guidance.readable_script_or_404(actor=request.user, script_id=script_id)
    return render(request, "hotline/guidance_history.html", {
        "script": script, "versions": guidance.versions_of(actor=request.user, script=script),
        "can_manage": guidance.may_manage(request.user, script)})


def _change(request: HttpRequest, script_id: int, action, done: str) -> HttpResponse:
    require(request.user, "hotline.lead")
    script = guidance.managed_script_or_404(actor=request.user, script_id=script_id)
    try:
        action(actor=request.user, script=script)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, done % {"version": script.version})
    return redirect("hotline:guidance_detail", script_id=script.pk)


@login_required
@require_POST
def guidance_publish(request: HttpRequest, script_id: int) -> HttpResponse:
    return _change(request, script_id, guidance.publish_script,
                   _("Version %(version)s is published; the version published before it is retired."))


@login_required
@require_POST
def guidance_retire(request: HttpRequest, script_id: int) -> HttpResponse:
    return _change(request, script_id, guidance.retire_script, _("Version %(version)s is retired."))

