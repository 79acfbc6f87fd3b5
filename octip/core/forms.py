"""Forms and form helpers shared by every app's pages."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .bounds import BoundedDateField


def apply_validation_error(form: forms.Form, error: ValidationError, *, keyed_at_top: bool = False,
                           unkeyed: Collection[str] = ()) -> None:
    """Put a service's refusal on the form that asked for it, so the page shows it like any form error.

    Each message goes on its field when the form has that field, else at the top of the form.
    ``keyed_at_top`` is for services whose keys name a place inside a document rather than a field
    (a screening framework's YAML): every message goes at the top, prefixed with its key, except the
    keys in ``unkeyed`` (messages about the document as a whole).
    """
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for key, messages in error.message_dict.items():
        if keyed_at_top:
            for message in messages:
                form.add_error(None, message if key in unkeyed else f"{key}: {message}")
        else:
            form.add_error(key if key in form.fields else None, messages)


class AuditFilterForm(forms.Form):
    actor = forms.CharField(label=_("Actor email"), required=False, max_length=254)
    organization = forms.IntegerField(label=_("Organization id"), required=False, min_value=1)
    action = forms.CharField(label=_("Action"), required=False, max_length=80,
                             help_text=_("For example auth.login, or auth. for every sign-in event."))
    target_type = forms.CharField(label=_("Target type"), required=False, max_length=80)
    target_id = forms.CharField(label=_("Target id"), required=False, max_length=80)
    date_from = BoundedDateField(label=_("From (date)"), required=False,
                                widget=forms.DateInput(attrs={"type": "date"}))
    date_to = BoundedDateField(label=_("To (date)"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data  # what ``Form.clean`` returns (the stubs type its result Optional)
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", _("The end date is before the start date."))
        return data
