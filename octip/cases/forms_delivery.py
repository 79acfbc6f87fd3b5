"""Forms of the services-delivered and follow-up pages. They parse; the rules are the services'
(``cases.services.delivery``), shared with the API: "one provider, not both and not neither" is
refused there, and its message is put on the form."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from octip.core.bounds import BoundedDateField
from octip.core.interpretation import InterpretationForm

from . import reference
from .forms import DateInput
from .models import DeliveryStatus, FollowUpMode, FollowUpWith
from .selectors import delivery_providers, taxonomy_terms_for_delivery


class ServiceDeliveryForm(forms.Form):
    domain = forms.ChoiceField(label=_("Need domain"), required=False)
    taxonomy_term = forms.ModelChoiceField(label=_("Service type (HSDS taxonomy term)"), required=False,
                                           queryset=taxonomy_terms_for_delivery())
    provider_organization = forms.ModelChoiceField(
        label=_("Provider: a partner organization"), required=False, queryset=delivery_providers(actor=None)[0],
        help_text=_("Choose either a partner organization or a directory service."))
    provider_service = forms.ModelChoiceField(label=_("Provider: a directory service"), required=False,
                                              queryset=delivery_providers(actor=None)[1])
    status = forms.ChoiceField(label=_("Delivery status"), choices=DeliveryStatus.choices)
    started_on = BoundedDateField(label=_("Start date"), required=False, widget=DateInput())
    ended_on = BoundedDateField(label=_("End date"), required=False, widget=DateInput())
    notes = forms.CharField(label=_("Delivery notes"), required=False, max_length=10000,
                            widget=forms.Textarea(attrs={"rows": 3}),
                            help_text=_("Write no names here unless the service needs them."))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        organizations, services = delivery_providers(actor=actor)
        self.fields["provider_organization"].queryset = organizations
        self.fields["provider_service"].queryset = services
        self.fields["taxonomy_term"].queryset = taxonomy_terms_for_delivery()
        self.fields["domain"].choices = [("", "—"), *reference.choices(reference.needs_domains())]


class FollowUpForm(InterpretationForm):
    contacted_on = BoundedDateField(label=_("Date of contact"), widget=DateInput())
    mode = forms.ChoiceField(label=_("How"), choices=FollowUpMode.choices)
    with_whom = forms.MultipleChoiceField(label=_("With whom"), choices=FollowUpWith.choices,
                                          widget=forms.CheckboxSelectMultiple)
    with_whom_detail = forms.CharField(label=_("With whom (details)"), required=False, max_length=200,
                                       help_text=_("Optional. Encrypted; shown only to those who may see it."))
    note = forms.CharField(label=_("Follow-up note"), required=False, max_length=10000,
                           widget=forms.Textarea(attrs={"rows": 4}))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class FollowUpCadenceForm(forms.Form):
    every_days = forms.IntegerField(label=_("Follow up every (days)"), required=False, min_value=0, max_value=366,
                                    help_text=_("Leave empty or 0 to stop the cadence."))


class PlanActionDueForm(forms.Form):
    due = BoundedDateField(label=_("Due date"), required=False, widget=DateInput(),
                           help_text=_("Leave empty to remove the due date; the action's task follows."))
    version = forms.IntegerField(widget=forms.HiddenInput)
