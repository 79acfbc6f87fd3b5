"""Forms of the 24/7 line's quality review: drawing a sample, and one review against the rubric."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from octip.core.bounds import BoundedDateField

from .forms import DateInput
from .models import ContactReview
from .rubric import Rubric


class SampleForm(forms.Form):
    period_start = BoundedDateField(label=_("From"), widget=DateInput())
    period_end = BoundedDateField(label=_("To (inclusive)"), widget=DateInput())
    size_per_operator = forms.IntegerField(label=_("Contacts per operator"), min_value=1, max_value=50, initial=3,
                                           help_text=_("Up to this many contacts of each operator are drawn."))
    seed = forms.IntegerField(label=_("Seed (optional)"), required=False, min_value=0, max_value=2**62 - 1,
                              help_text=_("Leave empty for a new random draw. The seed of an earlier sample draws "
                                          "the same contacts again from the same pool."))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["period_start"].initial = today - datetime.timedelta(days=30)
        self.fields["period_end"].initial = today


def score_field(code: str) -> str:
    return f"score_{code}"


class ReviewForm(forms.Form):
    """One radio group per criterion of the rubric (a draft may leave some unanswered), the feedback
    for the operator and the reviewer's private note."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, rubric: Rubric, review: ContactReview, **kwargs: Any) -> None:
        initial = {"version": review.version, "feedback": review.feedback, "reviewer_note": review.reviewer_note,
                   **{score_field(code): str(value) for code, value in (review.scores or {}).items()}}
        super().__init__(*args, initial=initial, **kwargs)
        self.rubric = rubric
        for criterion in rubric.criteria:
            self.fields[score_field(criterion.code)] = forms.ChoiceField(
                label=criterion.label, help_text=criterion.description, required=False,
                choices=rubric.choices(criterion), widget=forms.RadioSelect)
        self.fields["feedback"] = forms.CharField(
            label=_("Feedback to the operator"), required=False, widget=forms.Textarea(attrs={"rows": 5}),
            max_length=5000, help_text=_("The operator reads this. Say what went well and what to do next time."))
        self.fields["reviewer_note"] = forms.CharField(
            label=_("Private note (not shown to the operator)"), required=False,
            widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)

    def scores(self) -> dict[str, str]:
        return {c.code: self.cleaned_data.get(score_field(c.code)) or "" for c in self.rubric.criteria}
