"""Pages of the 24/7 line's quality review: the lead draws samples, reviews contacts against the
rubric and shares feedback; an operator reads the reviews of their own contacts and acknowledges them.
Every object door answers 404 outside the reader's scope (another organization, another operator)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods, require_POST

from octip.core.access import require
from octip.core.forms import apply_validation_error
from octip.core.versioning import StaleVersion

from . import selectors, services
from .forms_review import ReviewForm, SampleForm, score_field
from .rubric import rubric

STALE = gettext_lazy("Someone else saved this review while you were editing it. Your changes were not saved. "
                     "Reload the page to see the current version, then apply your change again.")


@login_required
@require_http_methods(["GET", "POST"])
def review_samples(request: HttpRequest) -> HttpResponse:
    """The lead's samples, and the form to draw a new one."""
    require(request.user, "hotline.lead")
    form = SampleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            sample = services.draw_review_sample(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            count = sample.reviews.count()
            messages.success(request, ngettext("Sample drawn: %(count)s contact to review.",
                                               "Sample drawn: %(count)s contacts to review.", count) % {"count": count})
            return redirect("hotline:review_sample_detail", sample_id=sample.pk)
    samples = selectors.review_samples_for(actor=request.user)[:100]
    return render(request, "hotline/review_samples.html", {"form": form, "samples": samples},
                  status=400 if form.errors else 200)


@login_required
def review_sample_detail(request: HttpRequest, sample_id: int) -> HttpResponse:
    require(request.user, "hotline.lead")
    sample = selectors.review_sample_or_404(actor=request.user, sample_id=sample_id)
    reviews = selectors.reviews_for(actor=request.user).filter(sample=sample).order_by("operator__full_name",
                                                                                        "contact__received_at")
    return render(request, "hotline/review_sample.html", {"sample": sample, "reviews": reviews})


def _answers(review) -> list[tuple]:
    current = rubric()
    scores = review.scores or {}
    return [(c, current.answer_label(c, scores.get(c.code))) for c in current.criteria]


@login_required
@require_http_methods(["GET", "POST"])
def review_edit(request: HttpRequest, review_id: int) -> HttpResponse:
    """The contact (read through the audited door) beside the rubric form; "Save draft" or "Share with
    the operator". A shared review is shown, not edited."""
    require(request.user, "hotline.lead")
    review = selectors.review_for_reading(actor=request.user, review_id=review_id, purpose="quality review")
    contact = selectors.contact_for_reading(actor=request.user, contact_id=review.contact_id,
                                            purpose="quality review")
    form = ReviewForm(request.POST or None, rubric=rubric(), review=review)
    status = 200
    if request.method == "POST" and not review.is_shared:
        status = 400
        if form.is_valid():
            try:
                # Save and share together: a share refused (a criterion unscored) saves nothing either, so
                # the form's version stays the stored one.
                with transaction.atomic():
                    services.save_review(actor=request.user, review=review,
                                         expected_version=form.cleaned_data["version"], scores=form.scores(),
                                         feedback=form.cleaned_data["feedback"],
                                         reviewer_note=form.cleaned_data["reviewer_note"])
                    if "share" in request.POST:
                        services.share_review(actor=request.user, review=review, expected_version=review.version)
            except StaleVersion:
                form.add_error(None, STALE)
                status = 409
            except ValidationError as error:
                _apply(form, error)
            else:
                messages.success(request, _("Review shared with the operator.") if review.is_shared
                                 else _("Draft saved."))
                return redirect("hotline:review_edit", review_id=review.pk)
    return render(request, "hotline/review_edit.html", {
        "review": review, "contact": contact, "form": form, "answers": _answers(review), "rubric": rubric(),
        "score_fields": [form[score_field(c.code)] for c in rubric().criteria],
        "services_given": selectors.services_given(actor=request.user, contact=contact)}, status=status)


def _apply(form: ReviewForm, error: ValidationError) -> None:
    """A service's errors on the form: a criterion's code names its radio group."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, errors in error.message_dict.items():
        field = score_field(name) if score_field(name) in form.fields else name
        for message in errors:
            form.add_error(field if field in form.fields else None, message)


@login_required
def review_summary(request: HttpRequest) -> HttpResponse:
    """Per operator of the lead's line: reviews shared, acknowledged, drafts, and average per criterion."""
    require(request.user, "hotline.lead")
    return render(request, "hotline/review_summary.html", {
        "summaries": selectors.review_summary(actor=request.user), "rubric": rubric()})


@login_required
def my_reviews(request: HttpRequest) -> HttpResponse:
    """The reviews of my own contacts that a lead shared with me."""
    require(request.user, "hotline.view")
    reviews = selectors.my_reviews(actor=request.user).order_by("-shared_at", "-pk")[:200]
    return render(request, "hotline/review_mine.html", {"reviews": reviews})


@login_required
def my_review(request: HttpRequest, review_id: int) -> HttpResponse:
    """One review shared with me: scores and feedback (the read is audited), and "Acknowledge"."""
    require(request.user, "hotline.view")
    review = selectors.my_review_for_reading(actor=request.user, review_id=review_id)
    return render(request, "hotline/review_read.html", {"review": review, "answers": _answers(review)})


@login_required
@require_POST
def review_acknowledge(request: HttpRequest, review_id: int) -> HttpResponse:
    require(request.user, "hotline.view")
    review = selectors.review_or_404(actor=request.user, review_id=review_id)
    try:
        services.acknowledge_review(actor=request.user, review=review)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Review acknowledged. Thank you."))
    return redirect("hotline:my_review", review_id=review.pk)
