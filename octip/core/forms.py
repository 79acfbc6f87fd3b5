from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .bounds import BoundedDateField


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
        data = super().clean() or {}
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", _("The end date is before the start date."))
        return data
