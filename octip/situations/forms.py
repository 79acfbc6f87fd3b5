"""Forms of the situations pages: text in, values out. The rules are the services'."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Relationship, RoleInProcess, SituationKind
from .services import ITEMS_MAX, TEXT_MAX, TITLE_MAX


class SituationForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=SituationKind.choices)
    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX,
                            help_text=_("A short name the team will recognise. It is stored encrypted."))
    description = forms.CharField(label=_("Description"), required=False, max_length=TEXT_MAX,
                                  widget=forms.Textarea(attrs={"rows": 5}))


class LinesField(forms.CharField):
    """One entry a line."""

    widget = forms.Textarea(attrs={"rows": 3})

    def to_python(self, value: Any) -> list[str]:  # type: ignore[override]
        text = super().to_python(value) or ""
        return [line.strip() for line in text.splitlines() if line.strip()]

    def prepare_value(self, value: Any) -> Any:
        return "\n".join(value) if isinstance(value, list) else value

    def validate(self, value: Any) -> None:
        if self.required and not value:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        if len(value) > ITEMS_MAX:
            raise forms.ValidationError(_("Enter at most %(max)s entries.") % {"max": ITEMS_MAX})


_ONE_A_LINE = _("One a line.")


class PersonOfInterestForm(forms.Form):
    names = LinesField(label=_("Names"), required=False, help_text=_ONE_A_LINE)
    aliases = LinesField(label=_("Aliases"), required=False, help_text=_ONE_A_LINE)
    phones = LinesField(label=_("Phone numbers"), required=False,
                        help_text=_("One a line. A 24/7 contact giving one of these numbers alerts the case owner."))
    vehicles = LinesField(label=_("Vehicles"), required=False, help_text=_ONE_A_LINE)
    addresses = LinesField(label=_("Addresses"), required=False, help_text=_ONE_A_LINE)
    businesses = LinesField(label=_("Businesses"), required=False, help_text=_ONE_A_LINE)
    roles_in_process = forms.MultipleChoiceField(label=_("Role in the process"), choices=RoleInProcess.choices,
                                                 required=False, widget=forms.CheckboxSelectMultiple)
    notes = forms.CharField(label=_("Notes"), required=False, max_length=TEXT_MAX,
                            widget=forms.Textarea(attrs={"rows": 4}))


class CaseNumberForm(forms.Form):
    number = forms.CharField(label=_("Case number"), max_length=20,
                             help_text=_("A case of your own circle, for example BC-2026-000123."))


class PoiCaseForm(CaseNumberForm):
    relationship = forms.ChoiceField(label=_("Relationship to the person"), required=False,
                                     choices=[("", _("Not known")), *Relationship.choices])


class SituationChoiceForm(forms.Form):
    situation = forms.TypedChoiceField(label=_("Situation"), coerce=int, choices=[])

    def __init__(self, *args: Any, situations: list, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["situation"].choices = [(s.pk, f"{s.title} ({s.get_kind_display()})") for s in situations]
