from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from octip.partners.models import Region

from . import models as m
from .hsds import EXTENSION_TAXONOMY_ID
from .selectors import ServiceSearch, needs_taxonomy_terms
from .services import EDITABLE_FIELDS, need_terms

LANGUAGE_CHOICES = [
    ("", _("Any language")), ("en", _("English")), ("fr", _("French")), ("zh", _("Chinese")),
    ("pa", _("Punjabi")), ("es", _("Spanish")), ("tl", _("Tagalog")), ("ko", _("Korean")),
    ("vi", _("Vietnamese")), ("ar", _("Arabic")), ("fa", _("Persian (Farsi)")), ("ru", _("Russian")),
    ("uk", _("Ukrainian")), ("hi", _("Hindi")), ("crg", _("Michif")), ("cr", _("Cree")),
]


class DirectorySearchForm(forms.Form):
    """Find a service by need, words, region, language, eligibility and opening hours."""

    q = forms.CharField(label=_("Words"), required=False, max_length=200,
                        help_text=_("Name, description or organization."))
    need = forms.ChoiceField(label=_("Need"), required=False)
    region = forms.ChoiceField(label=_("Region"), required=False)
    language = forms.ChoiceField(label=_("Language"), required=False, choices=LANGUAGE_CHOICES)
    age = forms.IntegerField(label=_("Age of the person"), required=False, min_value=0, max_value=120)
    gender = forms.ChoiceField(label=_("Gender of the person"), required=False, choices=[
        ("", _("Any")), *[(value, label) for value, label in m.GenderEligibility.choices if value]])
    open_now = forms.BooleanField(label=_("Open now (Vancouver time)"), required=False)

    def __init__(self, *args, services, staff: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["need"].choices = [("", _("Any need"))] + [
            (str(term.pk), term.name) for term in needs_taxonomy_terms(services)]
        self.fields["region"].choices = [("", _("Anywhere in B.C."))] + [
            (region.code, str(region)) for region in Region.objects.filter(kind="health_region")]
        if not staff:
            for name in ("age", "gender", "open_now"):
                del self.fields[name]

    def criteria(self) -> ServiceSearch:
        data = self.cleaned_data
        return ServiceSearch(
            search=data.get("q", ""), taxonomy_term_id=data.get("need") or None,
            region_codes=[data["region"]] if data.get("region") else [], language=data.get("language", ""),
            age=data.get("age"), gender=data.get("gender", ""), open_now=data.get("open_now", False),
            include_inactive=False)


class ServiceEditForm(forms.Form):
    """The steward's edit of a service. A plain form (not a ModelForm) so that validating it never
    changes the loaded record: the service function compares against what is stored."""

    WIDGETS = {
        "name": forms.TextInput, "alternate_name": forms.TextInput, "url": forms.URLInput,
        "email": forms.EmailInput, "wait_time": forms.TextInput,
        "description": forms.Textarea(attrs={"rows": 4}),
        "application_process": forms.Textarea(attrs={"rows": 3}),
        "eligibility_description": forms.Textarea(attrs={"rows": 3}),
        "fees_description": forms.Textarea(attrs={"rows": 2}),
        "interpretation_services": forms.Textarea(attrs={"rows": 2}),
        "alert": forms.Textarea(attrs={"rows": 2}),
    }
    HELP = {
        "visibility": _("Partners only: shown only to signed-in partner staff. Use it for confidential "
                        "locations such as shelters; their address never reaches the public site or API."),
        "application_process": _("How a caseworker refers someone, or how a person applies."),
    }

    def __init__(self, *args, service: m.Service, **kwargs):
        kwargs.setdefault("initial", {**forms.models.model_to_dict(service, fields=EDITABLE_FIELDS),
                                      "version": service.version})
        super().__init__(*args, **kwargs)
        self.fields.update(forms.models.fields_for_model(m.Service, fields=EDITABLE_FIELDS, widgets=self.WIDGETS,
                                                         help_texts=self.HELP))
        self.service = service
        self.fields["needs"] = forms.ModelMultipleChoiceField(
            label=_("Needs met"), required=False, widget=forms.CheckboxSelectMultiple,
            queryset=m.TaxonomyTerm.objects.exclude(taxonomy_id=EXTENSION_TAXONOMY_ID).order_by("name"),
            help_text=_("Caseworkers find the service by these needs."))
        if not self.is_bound:
            self.initial["needs"] = [t.pk for t in need_terms(service)]
        if service.visibility == m.Visibility.PARTNERS:
            self.fields["confirm_publication"] = forms.BooleanField(
                label=_("I confirm that this service and its address may be shown to the public"), required=False,
                help_text=_("Needed only to change a partners-only service to public."))
        self.fields["version"] = forms.IntegerField(widget=forms.HiddenInput)
        self.fields["email"] = forms.EmailField(label=_("email"), required=False, widget=forms.EmailInput)
        self.fields["url"] = forms.URLField(label=_("website"), required=False, assume_scheme="https")

    def clean(self):
        data = super().clean()
        low, high = data.get("minimum_age"), data.get("maximum_age")
        for name in ("minimum_age", "maximum_age"):
            if data.get(name) is not None and not 0 <= data[name] <= 120:
                self.add_error(name, _("Enter an age between 0 and 120."))
        if low is not None and high is not None and low > high:
            self.add_error("maximum_age", _("The maximum age must not be below the minimum age."))
        if (self.service.visibility == m.Visibility.PARTNERS and data.get("visibility") == m.Visibility.PUBLIC
                and not data.get("confirm_publication")):
            self.add_error("confirm_publication", _(
                "This service is confidential. Confirm that its details and address may be shown to the public."))
        return data

    def changes(self) -> dict:
        return {name: self.cleaned_data[name] for name in EDITABLE_FIELDS}
