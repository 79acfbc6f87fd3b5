from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from octip.core.bounds import BoundedDateField
from octip.core.interpretation import InterpretationForm
from octip.partners.models import Organization

from .models import ConsentScope, ContactMethod, GivenBy


def end_of_day(day: datetime.date) -> datetime.datetime:
    """The last moment of ``day`` in the platform's time zone: a consent "until 31 March" covers that day."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(23, 59, 59)))


class ConsentForm(InterpretationForm):
    scope = forms.ChoiceField(label=_("What the person consents to"), choices=ConsentScope.choices,
                              widget=forms.RadioSelect)
    organization = forms.ModelChoiceField(
        label=_("Share with (partner organization)"), queryset=Organization.objects.none(), required=False,
        help_text=_("For a consent to share with an organization on the platform."))
    external_recipient = forms.CharField(
        label=_("Or share with (organization not on the platform)"), max_length=200, required=False,
        help_text=_("For a secure export to an organization that does not use the platform."))
    purpose = forms.CharField(label=_("Purpose"), max_length=300, required=False,
                              help_text=_("What the information will be used for, as explained to the person."))
    sections = forms.MultipleChoiceField(label=_("Sections the person agrees to share"), required=False,
                                         choices=[], widget=forms.CheckboxSelectMultiple)
    contact_method = forms.ChoiceField(label=_("How the person may be contacted"), required=False,
                                       choices=[("", "—"), *ContactMethod.choices])
    safe_times = forms.CharField(label=_("Safe times to contact"), max_length=300, required=False,
                                 help_text=_("For example: weekdays after 6 p.m.; never on weekends."))
    given_by = forms.ChoiceField(label=_("Given by"), choices=GivenBy.choices, initial=GivenBy.PERSON)
    language = forms.CharField(label=_("Language of the conversation"), max_length=60)
    interpreter_used = forms.BooleanField(label=_("An interpreter was used"), required=False)
    given_on = BoundedDateField(label=_("Given on"), required=False, widget=forms.DateInput(attrs={"type": "date"}),
                               help_text=_("Leave empty for now."))
    expires_on = BoundedDateField(label=_("Expires on"), required=False,
                                 widget=forms.DateInput(attrs={"type": "date"}),
                                 help_text=_("The consent ends at the end of this day. Leave empty if it does "
                                             "not expire."))

    def __init__(self, *args, case, **kwargs):
        from octip.cases.sections import SECTION_CHOICES

        super().__init__(*args, **kwargs)
        # The owner organization may be named too: a consent to keep seeing the case after a transfer.
        self.fields["organization"].queryset = Organization.objects.filter(is_active=True)
        self.fields["sections"].choices = SECTION_CHOICES

    def service_arguments(self) -> dict:
        data = dict(self.cleaned_data)
        given_on = data.pop("given_on")
        expires_on = data.pop("expires_on")
        today = timezone.localdate()
        if given_on is None or given_on == today:
            data["given_at"] = timezone.now()
        else:
            data["given_at"] = timezone.make_aware(datetime.datetime.combine(given_on, datetime.time(12)))
        data["expires_at"] = end_of_day(expires_on) if expires_on else None
        return data


class WithdrawConsentForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
                             help_text=_("For example: the person asked. The withdrawal takes effect at once."))
