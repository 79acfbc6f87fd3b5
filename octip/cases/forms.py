from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from octip.core.bounds import BoundedDateField, BoundedDateTimeField
from octip.partners.models import Region, Team, User

from . import models as m
from . import reference


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class PersonFieldsForm(forms.Form):
    legal_name = forms.CharField(label=_("Legal name (or the name the person gives)"), max_length=200)
    preferred_name = forms.CharField(label=_("Preferred name"), max_length=200, required=False)
    aliases = forms.CharField(label=_("Other names used"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
                              help_text=_("One per line."))
    date_of_birth = BoundedDateField(label=_("Date of birth"), required=False, widget=DateInput())
    estimated_age = forms.IntegerField(label=_("Estimated age"), required=False, min_value=0, max_value=120,
                                       help_text=_("When the date of birth is not known."))
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    email = forms.EmailField(label=_("Email"), required=False)
    address = forms.CharField(label=_("Address"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    identity_documents = forms.CharField(
        label=_("Identity documents"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One per line: type | number | country code | held by the person (yes or no). "
                    "For example: passport | X1234567 | MX | no"))
    gender = forms.ChoiceField(label=_("Gender"), choices=m.Gender.choices, initial=m.Gender.UNKNOWN)
    pronouns = forms.CharField(label=_("Pronouns"), max_length=40, required=False)
    citizenship = forms.CharField(label=_("Citizenship"), required=False, max_length=100,
                                  help_text=_("ISO 3166 country codes separated by commas, e.g. CA, MX."))
    languages = forms.CharField(label=_("Languages"), required=False, max_length=200,
                                help_text=_("Separated by commas."))
    interpreter_needed = forms.BooleanField(label=_("Interpreter needed"), required=False)
    indigenous_identity = forms.ChoiceField(
        label=_("Indigenous identity (self-identified, optional)"), required=False,
        choices=[("", _("Not asked or not given"))] + list(m.IndigenousIdentity.choices))

    def clean_citizenship(self):
        raw = self.cleaned_data.get("citizenship") or ""
        codes = [c.strip().upper() for c in raw.split(",") if c.strip()]
        unknown = [c for c in codes if c not in reference.country_codes()]
        if unknown:
            raise forms.ValidationError(_("Unknown ISO 3166 country code: %(codes)s.") % {"codes": ", ".join(unknown)})
        return codes

    def clean_languages(self):
        raw = self.cleaned_data.get("languages") or ""
        return [p.strip() for p in raw.split(",") if p.strip()]

    def clean_identity_documents(self):
        documents = []
        for line in (self.cleaned_data.get("identity_documents") or "").splitlines():
            if not line.strip():
                continue
            parts = [p.strip() for p in line.split("|")] + ["", "", "", ""]
            held = parts[3].lower()
            if held not in ("", "yes", "no", "oui", "non"):
                raise forms.ValidationError(_("End each line with yes or no: does the person hold the document?"))
            documents.append({"type": parts[0], "number": parts[1], "country": parts[2].upper(),
                              "held_by_person": held not in ("no", "non")})
        from .validation import clean_identity_documents

        try:
            return clean_identity_documents(documents)
        except forms.ValidationError as invalid:
            raise forms.ValidationError(invalid.message_dict["identity_documents"]) from invalid

    def clean_aliases(self):
        raw = self.cleaned_data.get("aliases") or ""
        return [line.strip() for line in raw.splitlines() if line.strip()]


class CaseFieldsForm(forms.Form):
    region = forms.ModelChoiceField(label=_("Region"), queryset=Region.objects.all())
    first_contact_date = BoundedDateField(label=_("First-contact date"), widget=DateInput())
    referral_source = forms.ChoiceField(label=_("Referral source"), choices=m.ReferralSource.choices)
    exploitation_types = forms.MultipleChoiceField(label=_("Exploitation types"), required=False,
                                                   choices=m.ExploitationType.choices,
                                                   widget=forms.CheckboxSelectMultiple)
    setting = forms.ChoiceField(label=_("Setting (Polaris typology)"), required=False)
    means_of_control = forms.MultipleChoiceField(label=_("Means of control"), required=False,
                                                 widget=forms.CheckboxSelectMultiple)
    immediate_danger = forms.BooleanField(label=_("Immediate danger"), required=False)
    needs_interpreter = forms.BooleanField(label=_("Needs an interpreter"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["setting"].choices = [("", _("Not known"))] + reference.choices(reference.polaris_settings())
        self.fields["means_of_control"].choices = reference.choices(reference.means_of_control())


class IntakeForm(PersonFieldsForm, CaseFieldsForm):
    confirm_duplicate = forms.BooleanField(
        label=_("I have checked the possible existing record and still want to open a new case"), required=False)

    PERSON = ["legal_name", "preferred_name", "aliases", "date_of_birth", "estimated_age", "phone", "email",
              "address", "identity_documents", "gender", "pronouns", "citizenship", "languages", "interpreter_needed",
              "indigenous_identity"]
    CASE = ["region", "first_contact_date", "referral_source", "exploitation_types", "setting",
            "means_of_control", "immediate_danger", "needs_interpreter"]

    field_order = [*PERSON, *CASE, "confirm_duplicate"]

    def person_data(self) -> dict:
        return {k: self.cleaned_data.get(k) for k in self.PERSON}

    def case_data(self) -> dict:
        return {k: self.cleaned_data.get(k) for k in self.CASE}


class CaseEditForm(CaseFieldsForm, VersionForm):
    pass


class PersonEditForm(PersonFieldsForm, VersionForm):
    pass


class StageForm(VersionForm):
    stage = forms.ChoiceField(label=_("Move to stage"), choices=m.Stage.choices)


class ClosureRequestForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=m.ClosureOutcome.choices)
    reason = forms.CharField(label=_("Reason for closing"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)


class ClosureDecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), widget=forms.RadioSelect,
                                 choices=[("approve", _("Approve: close the case")),
                                          ("reject", _("Reject: the case stays open"))])
    comment = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)


class ReopenForm(forms.Form):
    reason = forms.CharField(label=_("Reason for reopening"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)


class DutyToReportForm(forms.Form):
    reported_by_name = forms.CharField(label=_("Who reported"), max_length=200)
    reported_at = BoundedDateTimeField(label=_("When"), widget=DateTimeInput())
    office = forms.ChoiceField(label=_("To which office or line"), choices=m.ReportOffice.choices)
    office_detail = forms.CharField(label=_("Office details"), max_length=200, required=False)
    reference = forms.CharField(label=_("Reference number"), max_length=100, required=False)


class YouthProfileForm(VersionForm):
    guardian_name = forms.CharField(label=_("Guardian or caregiver"), max_length=200, required=False)
    guardian_relationship = forms.CharField(label=_("Relationship to the youth"), max_length=80, required=False)
    guardian_contact = forms.CharField(label=_("Guardian contact"), max_length=200, required=False)
    separation = forms.ChoiceField(label=_("Separated or unaccompanied"), choices=m.Separation.choices)
    migrant_services_involved = forms.BooleanField(label=_("MCFD migrant services involved"), required=False)
    consent_given_by = forms.ChoiceField(label=_("Whose consent was obtained"), required=False,
                                         choices=[("", _("Not yet obtained"))] + list(m.ConsentGiver.choices))


class AssignForm(forms.Form):
    owner_team = forms.ModelChoiceField(label=_("Owning team"), queryset=Team.objects.none(), required=False)
    owner_worker = forms.ModelChoiceField(label=_("Caseworker"), queryset=User.objects.none(), required=False)
    assigned_workers = forms.ModelMultipleChoiceField(label=_("Other assigned workers"), queryset=User.objects.none(),
                                                      required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, case: m.Case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner_team"].queryset = Team.objects.filter(organization_id=case.owner_organization_id)
        staff = User.objects.filter(organization_id=case.owner_organization_id, is_active=True,
                                    role__in=["caseworker", "coordinator", "screener", "hotline_operator"])
        self.fields["owner_worker"].queryset = staff
        self.fields["assigned_workers"].queryset = staff


class BreakGlassForm(forms.Form):
    reason = forms.CharField(label=_("What is the emergency?"), widget=forms.Textarea(attrs={"rows": 3}),
                             min_length=10, max_length=2000,
                             help_text=_("Your access is recorded and reviewed by an auditor."))
    minutes = forms.IntegerField(label=_("Minutes of access"), initial=60, min_value=5, max_value=240)


class EmergencyReviewForm(forms.Form):
    review = forms.ChoiceField(label=_("Review"), choices=m.EmergencyAccess.Review.choices, widget=forms.RadioSelect)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)


class NeedForm(forms.Form):
    domain = forms.ChoiceField(label=_("Domain"), widget=forms.HiddenInput)
    priority = forms.ChoiceField(label=_("Priority"), choices=m.Priority.choices)
    status = forms.ChoiceField(label=_("Status"), choices=m.NeedStatus.choices)
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=4000)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["domain"].choices = reference.choices(reference.needs_domains())


class GoalForm(forms.Form):
    description = forms.CharField(label=_("Goal"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))


class PlanActionForm(forms.Form):
    description = forms.CharField(label=_("Action"), max_length=1000)
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=User.objects.none(), required=False)
    due = BoundedDateField(label=_("Due date"), required=False, widget=DateInput())

    def __init__(self, *args, case: m.Case, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = User.objects.filter(pk__in=action_owner_ids(case, actor))


def action_owner_ids(case: m.Case, actor) -> list[int]:
    """Who may own a plan action: active users who can see the case, of the actor's organization (and of
    the case's organization when the case is in the actor's own scope). A receiver of a referral is
    never shown the owner organization's staff."""
    organizations = {actor.organization_id}
    if m.Case.objects.in_own_scope(actor).filter(pk=case.pk).exists():
        organizations.add(case.owner_organization_id)
    return [user.pk for user in User.objects.filter(organization_id__in=organizations, is_active=True)
            if m.Case.objects.visible_to(user).filter(pk=case.pk).exists()]


class TaskForm(forms.Form):
    title = forms.CharField(label=_("Task"), max_length=300)
    due = BoundedDateField(label=_("Due date"), widget=DateInput())
    assignee = forms.ModelChoiceField(label=_("Assigned to"), queryset=User.objects.none(), required=False)

    def __init__(self, *args, case: m.Case, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = User.objects.filter(organization_id=actor.organization_id, is_active=True)


class NoteForm(forms.Form):
    body = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 4}), max_length=20000)
    sensitivity = forms.ChoiceField(label=_("Sensitivity"), choices=m.Sensitivity.choices,
                                    initial=m.Sensitivity.NORMAL)


class SafetyPlanForm(forms.Form):
    risks = forms.CharField(label=_("Risks"), required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=8000)
    trusted_contacts = forms.CharField(label=_("Trusted contacts"), required=False,
                                       widget=forms.Textarea(attrs={"rows": 3}), max_length=8000)
    code_words = forms.CharField(label=_("Code words"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
                                 max_length=2000)
    emergency_steps = forms.CharField(label=_("Emergency steps"), required=False,
                                      widget=forms.Textarea(attrs={"rows": 4}), max_length=8000)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Type of document"), choices=m.DocumentKind.choices)
    file = forms.FileField(label=_("File"), help_text=_("PDF, JPEG, PNG or plain text, up to 10 MB."))


class PersonSearchForm(forms.Form):
    """Who is searched for (a name, a date of birth, a phone): sent by POST, never in a web address."""

    q = forms.CharField(label=_("Case number or name"), required=False, max_length=200)
    phonetic = forms.BooleanField(label=_("Names that sound alike"), required=False)
    date_of_birth = BoundedDateField(label=_("Date of birth"), required=False, widget=DateInput())
    phone = forms.CharField(label=_("Phone"), required=False, max_length=40)


#: The fields of ``PersonSearchForm`` that may identify someone (``q`` unless it is a case number).
IDENTITY_CRITERIA = ("q", "phonetic", "date_of_birth", "phone")


class CaseFilterForm(forms.Form):
    """Filters that identify nobody: they may go in a web address (bookmarks, export links)."""

    stage = forms.ChoiceField(label=_("Stage"), required=False, choices=[("", _("Any"))] + list(m.Stage.choices))
    track = forms.ChoiceField(label=_("Track"), required=False, choices=[("", _("Any"))] + list(m.Track.choices))
    region = forms.ChoiceField(label=_("Region"), required=False)
    owner = forms.ChoiceField(label=_("Owner"), required=False,
                              choices=[("", _("Anyone")), ("me", _("Me")), ("team", _("My teams"))])
    overdue = forms.BooleanField(label=_("With overdue tasks"), required=False)
    report_due = forms.BooleanField(label=_("Youth cases awaiting the duty-to-report"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [("", _("Any"))] + [(r.code, str(r)) for r in Region.objects.all()]


class CaseSearchForm(PersonSearchForm, CaseFilterForm):
    """Both together, to validate one search."""
