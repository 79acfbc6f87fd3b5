from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from octip.consent.forms import end_of_day
from octip.consent.models import DisclosureBasis
from octip.core.access import allows
from octip.core.bounds import BoundedDateField
from octip.partners.models import Organization, OrganizationType

from .models import ReferralStatus, TransferStatus, Urgency, response_targets


def _basis_fields(form, actor) -> None:
    if allows(actor, "consent.legal_basis"):
        form.fields["basis"] = forms.ChoiceField(
            label=_("Basis for sharing"), choices=DisclosureBasis.choices, initial=DisclosureBasis.CONSENT,
            help_text=_("The person's consent, unless a legal basis applies and you can justify it in writing."))
        form.fields["justification"] = forms.CharField(
            label=_("Written justification (legal basis only)"), required=False,
            widget=forms.Textarea(attrs={"rows": 3}))


class ReferralForm(forms.Form):
    service = forms.ModelChoiceField(label=_("Service in the directory"), queryset=None, required=False,
                                     help_text=_("A service run by a partner organization on the platform."))
    organization = forms.ModelChoiceField(label=_("Or a partner organization"), queryset=None, required=False)
    purpose = forms.CharField(label=_("Purpose"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000,
                              help_text=_("What you ask the receiver to do for the person. Do not write names "
                                          "here: the receiving organization reads it."))
    urgency = forms.ChoiceField(label=_("Urgency"), choices=Urgency.choices, widget=forms.RadioSelect,
                                initial=Urgency.ROUTINE)
    sections = forms.MultipleChoiceField(label=_("Sections the receiver may see"), choices=[],
                                         widget=forms.CheckboxSelectMultiple)
    respond_by = BoundedDateField(label=_("Respond by"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, actor, case, **kwargs):
        from octip.cases.sections import SECTION_CHOICES
        from octip.directory.models import Service

        super().__init__(*args, **kwargs)
        targets = response_targets()
        self.fields["respond_by"].help_text = _(
            "Leave empty to use the target for the urgency: emergency %(e)s h, urgent %(u)s h, routine %(r)s h.") % {
            "e": targets["emergency"], "u": targets["urgent"], "r": targets["routine"]}
        self.fields["service"].queryset = (Service.objects.visible_to(actor)
                                           .filter(status="active", partner_organization__is_active=True)
                                           .exclude(partner_organization_id=case.owner_organization_id)
                                           .exclude(partner_organization__type=OrganizationType.LAW_ENFORCEMENT)
                                           .select_related("partner_organization").order_by("name"))
        self.fields["service"].label_from_instance = lambda s: f"{s.name} — {s.partner_organization.name}"
        # A police service is told through a police contact, never a referral or transfer.
        self.fields["organization"].queryset = Organization.objects.filter(is_active=True).exclude(
            pk=case.owner_organization_id).exclude(type=OrganizationType.LAW_ENFORCEMENT)
        self.fields["sections"].choices = SECTION_CHOICES
        _basis_fields(self, actor)

    def clean(self):
        data = super().clean()
        if not data.get("service") and not data.get("organization"):
            self.add_error("service", _("Choose a service or a partner organization."))
        return data

    def service_arguments(self) -> dict:
        data = dict(self.cleaned_data)
        day = data.pop("respond_by")
        data["respond_by"] = end_of_day(day) if day else None
        return data


class CaseNumberForm(forms.Form):
    number = forms.CharField(label=_("Case number"), max_length=20,
                             help_text=_("For example BC-2026-000123. Only cases you work on can be referred."))


class TransferForm(forms.Form):
    organization = forms.ModelChoiceField(label=_("Transfer the case to"), queryset=None)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000,
                             help_text=_("Do not write names here: the receiving organization reads it."))

    def __init__(self, *args, actor, case, **kwargs):
        super().__init__(*args, **kwargs)
        # A police service is told through a police contact, never a referral or transfer.
        self.fields["organization"].queryset = Organization.objects.filter(is_active=True).exclude(
            pk=case.owner_organization_id).exclude(type=OrganizationType.LAW_ENFORCEMENT)
        _basis_fields(self, actor)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), required=False, max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 2}))


class BoxFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("Any")), *ReferralStatus.choices])
    overdue = forms.BooleanField(label=_("Awaiting a response past their date"), required=False)


class TransferFilterForm(forms.Form):
    box = forms.ChoiceField(required=False, widget=forms.HiddenInput,
                            choices=[("inbox", "inbox"), ("outbox", "outbox")])
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("Any")), *TransferStatus.choices])
    overdue = forms.BooleanField(label=_("Awaiting a response past their date"), required=False)


class ExportForm(forms.Form):
    recipient = forms.CharField(label=_("Organization not on the platform"), max_length=200)
    purpose = forms.CharField(label=_("Purpose"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)
    sections = forms.MultipleChoiceField(label=_("Sections to export"), choices=[],
                                         widget=forms.CheckboxSelectMultiple)
    police = forms.BooleanField(label=_("The recipient is a police service"), required=False, help_text=_(
        "Then the person's consent to contact with police is needed as well, and their choice about police "
        "is respected."))

    def __init__(self, *args, actor, **kwargs):
        from octip.cases.sections import SECTION_CHOICES

        super().__init__(*args, **kwargs)
        self.fields["sections"].choices = SECTION_CHOICES
        _basis_fields(self, actor)


