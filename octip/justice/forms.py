"""Forms of the justice pages: text to values; the rules about the values are in ``services``."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from octip.cases.sections import SECTION_CHOICES
from octip.consent.models import DisclosureBasis
from octip.core.bounds import BoundedDateField
from octip.partners.models import Organization

from . import rules
from .models import (
    AidStatus,
    ContactPurpose,
    CourtDateKind,
    CvapStatus,
    Decision,
    ImpactStatement,
    LetterKind,
    Outcome,
    PoliceChoice,
    StatusKind,
)
from .services import LETTER_DETAILS

DATE = {"widget": forms.DateInput(attrs={"type": "date"})}


def _section_choices(block: str) -> list[tuple[str, str]]:
    return [(s.code, f"{s.cite} — {s.label}") for s in getattr(rules, block)()]


class PoliceChoiceForm(forms.Form):
    choice = forms.ChoiceField(label=_("What the person said about involving police"), choices=PoliceChoice.choices,
                               widget=forms.RadioSelect)


class PoliceContactForm(forms.Form):
    organization = forms.ModelChoiceField(label=_("Police service on the platform"), required=False,
                                          queryset=Organization.objects.filter(type="law_enforcement", is_active=True))
    external_agency = forms.CharField(label=_("Or a police service not on the platform"), max_length=200,
                                      required=False)
    purpose = forms.ChoiceField(label=_("Purpose"), choices=ContactPurpose.choices)
    sections = forms.MultipleChoiceField(label=_("Sections shared"), choices=SECTION_CHOICES,
                                         widget=forms.CheckboxSelectMultiple)
    officer = forms.CharField(label=_("Officer"), max_length=200, required=False)
    file_number = forms.CharField(label=_("Police file number"), max_length=100, required=False)
    contacted_on = BoundedDateField(label=_("Date of contact"), **DATE)
    basis = forms.ChoiceField(label=_("Basis"), choices=DisclosureBasis.choices, initial=DisclosureBasis.CONSENT)
    justification = forms.CharField(label=_("Justification (for a basis other than consent)"), required=False,
                                    widget=forms.Textarea(attrs={"rows": 3}))


class ProceedingForm(forms.Form):
    accused = forms.CharField(label=_("Accused"), max_length=200)
    court_file = forms.CharField(label=_("Court file number"), max_length=100, required=False)
    charges = forms.MultipleChoiceField(label=_("Charges"), choices=[], widget=forms.CheckboxSelectMultiple)
    conditions = forms.CharField(label=_("Bail or no-contact conditions that matter for safety planning"),
                                 required=False, widget=forms.Textarea(attrs={"rows": 3}))
    no_contact_order = forms.BooleanField(label=_("No-contact order in place"), required=False)
    publication_bans = forms.MultipleChoiceField(label=_("Publication bans"), choices=[], required=False,
                                                 widget=forms.CheckboxSelectMultiple)
    impact_statement = forms.ChoiceField(label=_("Victim impact statement"), choices=ImpactStatement.choices)
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Outcome.choices)
    sentence = forms.CharField(label=_("Sentence"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    restitution_ordered = forms.BooleanField(label=_("Restitution ordered"), required=False)
    restitution_amount = forms.DecimalField(label=_("Restitution amount (CAD)"), required=False, min_value=0,
                                            max_digits=12, decimal_places=2)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["charges"].choices = _section_choices("charges")
        self.fields["publication_bans"].choices = _section_choices("publication_bans")


class ProceedingEditForm(ProceedingForm):
    """The proceedings as they move on (the accused is recorded once)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["accused"]


class CourtDateForm(forms.Form):
    on = BoundedDateField(label=_("Date"), **DATE)
    kind = forms.ChoiceField(label=_("Kind"), choices=CourtDateKind.choices)
    place = forms.CharField(label=_("Courthouse or place"), max_length=200)


class AidForm(forms.Form):
    section = forms.ChoiceField(label=_("Testimonial aid"), choices=[])
    status = forms.ChoiceField(label=_("Status"), choices=AidStatus.choices)
    hearing_on = BoundedDateField(label=_("Hearing date"), required=False, **DATE)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["section"].choices = _section_choices("testimonial_aids")


class AidDecisionForm(forms.Form):
    status = forms.ChoiceField(label=_("Decision"), choices=[(AidStatus.GRANTED, AidStatus.GRANTED.label),
                                                             (AidStatus.REFUSED, AidStatus.REFUSED.label)],
                               widget=forms.RadioSelect)


class StatusForm(forms.Form):
    kind = forms.ChoiceField(label=_("Status or permit"), choices=StatusKind.choices)
    decision = forms.ChoiceField(label=_("Decision"), choices=Decision.choices)
    applied_on = BoundedDateField(label=_("Applied on"), required=False, **DATE)
    decided_on = BoundedDateField(label=_("Decided on"), required=False, **DATE)
    issued_on = BoundedDateField(label=_("Issued on"), required=False, **DATE)
    expires_on = BoundedDateField(label=_("Expires on"), required=False,
                                  help_text=_("Leave empty for a TRP: the length in force on the day of issue "
                                              "applies."), **DATE)
    renews = forms.TypedChoiceField(label=_("Renews"), required=False, coerce=int, empty_value=None, choices=[])

    def __init__(self, *args: Any, renewable: list[tuple[int, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["renews"].choices = [("", "—"), *(renewable or [])]


class StatusEditForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=Decision.choices)
    applied_on = BoundedDateField(label=_("Applied on"), required=False, **DATE)
    decided_on = BoundedDateField(label=_("Decided on"), required=False, **DATE)
    issued_on = BoundedDateField(label=_("Issued on"), required=False, **DATE)
    expires_on = BoundedDateField(label=_("Expires on"), required=False,
                                  help_text=_("Leave empty for a TRP: the length in force on the day of issue "
                                              "applies."), **DATE)


BENEFIT_LABELS = {"medical_dental": _("Medical and dental care"), "counselling": _("Counselling"),
                  "protective_measures": _("Protective measures"), "income_support": _("Income support"),
                  "transportation": _("Transportation")}


def benefit_choices() -> list[tuple[str, Any]]:
    return [(code, BENEFIT_LABELS.get(code, code)) for code in rules.cvap_benefits()]


class CvapForm(forms.Form):
    offence_on = BoundedDateField(label=_("Date of the offence"), **DATE)
    sexual_offence = forms.BooleanField(label=_("A sexual offence"), required=False)
    status = forms.ChoiceField(label=_("Status"), choices=CvapStatus.choices)
    submitted_on = BoundedDateField(label=_("Submitted on"), required=False, **DATE)
    benefits_requested = forms.MultipleChoiceField(label=_("Benefits asked for"), required=False, choices=[],
                                                   widget=forms.CheckboxSelectMultiple)
    benefits_granted = forms.MultipleChoiceField(label=_("Benefits granted"), required=False, choices=[],
                                                 widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["benefits_requested"].choices = benefit_choices()
        self.fields["benefits_granted"].choices = benefit_choices()


DETAIL_LABELS = {"legal_name": _("Legal name"), "date_of_birth": _("Date of birth"),
                 "case_number": _("Case number"), "support_summary": _("Status of the application")}


class LetterForm(forms.Form):
    kind = forms.ChoiceField(label=_("Letter"), choices=LetterKind.choices)
    details = forms.MultipleChoiceField(label=_("Details the person wants in the letter"),
                                        choices=[(d, DETAIL_LABELS[d]) for d in LETTER_DETAILS],
                                        widget=forms.CheckboxSelectMultiple)
