from __future__ import annotations

from typing import Any

from django import forms

from .models import EMERGENCY_KINDS, Channel, Kind


class PreferencesForm(forms.Form):
    """One choice per kind; the emergency kinds offer no "off"."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for kind in Kind:
            choices = [c for c in Channel.choices if not (kind in EMERGENCY_KINDS and c[0] == Channel.OFF)]
            self.fields[kind.value] = forms.ChoiceField(label=kind.label, choices=choices,
                                                        widget=forms.RadioSelect)
