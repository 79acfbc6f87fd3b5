"""Forms of the case pages. They parse what a person types (text, lists one a line); the rules for the
values are in ``validation``, shared with the API and the services."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from octip.core.bounds import BoundedDateField, BoundedDateTimeField
from octip.core.roles import roles_with
from octip.partners.models import Region, Team, User

from . import reference
from .models import (
    RISK_CODES,
    Case,
    ClosureOutcome,
    ConsentGiver,
    DocumentKind,
    EmergencyAccess,
    ExploitationType,
    Gender,
    IndigenousIdentity,
    NeedStatus,
    Person,
    Priority,
    ReferralSource,
    ReportOffice,
    RiskLevel,
    Sensitivity,
    Separation,
    Stage,
    Track,
)
from .selectors import NO_WORKER, OWNER_CHOICES_MAX, CaseOwners, case_owners, plan_action_owners
from .validation import clean_aliases, clean_citizenship, clean_identity_documents, clean_languages, parse_partial_date


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
    gender = forms.ChoiceField(label=_("Gender"), choices=Gender.choices, initial=Gender.UNKNOWN)
    pronouns = forms.CharField(label=_("Pronouns"), max_length=40, required=False)
    citizenship = forms.CharField(label=_("Citizenship"), required=False, max_length=100,
                                  help_text=_("ISO 3166 country codes separated by commas, e.g. CA, MX."))
    languages = forms.CharField(label=_("Languages"), required=False, max_length=200,
                                help_text=_("Separated by commas."))
    interpreter_needed = forms.BooleanField(label=_("Interpreter needed"), required=False)
    indigenous_identity = forms.ChoiceField(
        label=_("Indigenous identity (self-identified, optional)"), required=False,
        choices=[("", _("Not asked or not given"))] + list(IndigenousIdentity.choices))

    # The form turns text into lists; the rules for each list are in ``validation``, for every face.

    def clean_citizenship(self):
        return _field_rule(clean_citizenship, "citizenship", (self.cleaned_data.get("citizenship") or "").split(","))

    def clean_languages(self):
        return clean_languages((self.cleaned_data.get("languages") or "").split(","))

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
        return _field_rule(clean_identity_documents, "identity_documents", documents)

    def clean_aliases(self):
        return clean_aliases((self.cleaned_data.get("aliases") or "").splitlines())


def _field_rule(rule: Callable[[Any], Any], field: str, value: Any) -> Any:
    """Apply a ``validation`` rule to one field, its refusal shown on that field."""
    try:
        return rule(value)
    except forms.ValidationError as invalid:
        raise forms.ValidationError(invalid.message_dict[field]) from invalid


def person_initial(person: Person) -> dict[str, Any]:
    """The person's fields as ``PersonFieldsForm`` shows them: the lists written back as text."""
    return {
        "legal_name": person.legal_name, "preferred_name": person.preferred_name,
        "aliases": "\n".join(person.aliases or []), "date_of_birth": person.date_of_birth,
        "estimated_age": person.estimated_age, "phone": person.phone, "email": person.email,
        "address": person.address, "gender": person.gender, "pronouns": person.pronouns,
        "identity_documents": "\n".join(
            " | ".join([d.get("type", ""), d.get("number", ""), d.get("country", ""),
                        "yes" if d.get("held_by_person", True) else "no"])
            for d in person.identity_documents or []),
        "citizenship": ", ".join(person.citizenship), "languages": ", ".join(person.languages),
        "interpreter_needed": person.interpreter_needed, "indigenous_identity": person.indigenous_identity,
        "version": person.version}


class CaseFieldsForm(forms.Form):
    region = forms.ModelChoiceField(label=_("Region"), queryset=Region.objects.all())
    first_contact_date = BoundedDateField(label=_("First-contact date"), widget=DateInput())
    referral_source = forms.ChoiceField(label=_("Referral source"), choices=ReferralSource.choices)
    exploitation_types = forms.MultipleChoiceField(label=_("Exploitation types"), required=False,
                                                   choices=ExploitationType.choices,
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
    stage = forms.ChoiceField(label=_("Move to stage"), choices=Stage.choices)


class ClosureRequestForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=ClosureOutcome.choices)
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
    office = forms.ChoiceField(label=_("To which office or line"), choices=ReportOffice.choices)
    office_detail = forms.CharField(label=_("Office details"), max_length=200, required=False)
    reference = forms.CharField(label=_("Reference number"), max_length=100, required=False)


class YouthProfileForm(VersionForm):
    guardian_name = forms.CharField(label=_("Guardian or caregiver"), max_length=200, required=False)
    guardian_relationship = forms.CharField(label=_("Relationship to the youth"), max_length=80, required=False)
    guardian_contact = forms.CharField(label=_("Guardian contact"), max_length=200, required=False)
    separation = forms.ChoiceField(label=_("Separated or unaccompanied"), choices=Separation.choices)
    migrant_services_involved = forms.BooleanField(label=_("MCFD migrant services involved"), required=False)
    consent_given_by = forms.ChoiceField(label=_("Whose consent was obtained"), required=False,
                                         choices=[("", _("Not yet obtained"))] + list(ConsentGiver.choices))


class AssignForm(forms.Form):
    owner_team = forms.ModelChoiceField(label=_("Owning team"), queryset=Team.objects.none(), required=False)
    owner_worker = forms.ModelChoiceField(label=_("Caseworker"), queryset=User.objects.none(), required=False)
    assigned_workers = forms.ModelMultipleChoiceField(label=_("Other assigned workers"), queryset=User.objects.none(),
                                                      required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, case: Case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner_team"].queryset = Team.objects.filter(organization_id=case.owner_organization_id)
        staff = User.objects.filter(organization_id=case.owner_organization_id, is_active=True,
                                    role__in=roles_with("case.create"))
        self.fields["owner_worker"].queryset = staff
        self.fields["assigned_workers"].queryset = staff


class BreakGlassForm(forms.Form):
    reason = forms.CharField(label=_("What is the emergency?"), widget=forms.Textarea(attrs={"rows": 3}),
                             min_length=10, max_length=2000,
                             help_text=_("Your access is recorded and reviewed by an auditor."))
    minutes = forms.IntegerField(label=_("Minutes of access"), initial=60, min_value=5, max_value=240)


class EmergencyReviewForm(forms.Form):
    review = forms.ChoiceField(label=_("Review"), choices=EmergencyAccess.Review.choices, widget=forms.RadioSelect)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)


class NeedForm(forms.Form):
    domain = forms.ChoiceField(label=_("Domain"), widget=forms.HiddenInput)
    priority = forms.ChoiceField(label=_("Priority"), choices=Priority.choices)
    status = forms.ChoiceField(label=_("Status"), choices=NeedStatus.choices)
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

    def __init__(self, *args, case: Case, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = plan_action_owners(actor=actor, case=case)


class TaskForm(forms.Form):
    title = forms.CharField(label=_("Task"), max_length=300)
    due = BoundedDateField(label=_("Due date"), widget=DateInput())
    assignee = forms.ModelChoiceField(label=_("Assigned to"), queryset=User.objects.none(), required=False)

    def __init__(self, *args, case: Case, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = User.objects.filter(organization_id=actor.organization_id, is_active=True)


class NoteForm(forms.Form):
    body = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 4}), max_length=20000)
    sensitivity = forms.ChoiceField(label=_("Sensitivity"), choices=Sensitivity.choices,
                                    initial=Sensitivity.NORMAL)


class SafetyPlanForm(forms.Form):
    risks = forms.CharField(label=_("Risks"), required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=8000)
    trusted_contacts = forms.CharField(label=_("Trusted contacts"), required=False,
                                       widget=forms.Textarea(attrs={"rows": 3}), max_length=8000)
    code_words = forms.CharField(label=_("Code words"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
                                 max_length=2000)
    emergency_steps = forms.CharField(label=_("Emergency steps"), required=False,
                                      widget=forms.Textarea(attrs={"rows": 4}), max_length=8000)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


#: The warning under every free-text box of a flag or an assessment: anyone in the owning circle reads it.
_NO_NAMES = _("Write what a colleague needs to know to keep the person safe. Avoid names where you can.")


class FlagForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of flag"), choices=())
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000,
                             help_text=_NO_NAMES)
    review_date = BoundedDateField(label=_("Review by"), widget=DateInput(),
                                   help_text=_("A review task is due on this date."))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("Choose…"))] + reference.choices(reference.flag_kinds())


class FlagEditForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000,
                             help_text=_NO_NAMES)
    review_date = BoundedDateField(label=_("Review by"), widget=DateInput(),
                                   help_text=_("The next review: its task moves to this date."))
    version = forms.IntegerField(widget=forms.HiddenInput)


class FlagResolveForm(forms.Form):
    note = forms.CharField(label=_("Why it no longer applies (optional)"), required=False,
                           widget=forms.Textarea(attrs={"rows": 3}), max_length=4000, help_text=_NO_NAMES)
    version = forms.IntegerField(widget=forms.HiddenInput)


class RiskForm(forms.Form):
    level = forms.ChoiceField(label=_("Risk level"), choices=())
    rationale = forms.CharField(label=_("What the assessment rests on"), widget=forms.Textarea(attrs={"rows": 4}),
                                max_length=4000, help_text=_NO_NAMES)
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["level"].choices = [("", _("Choose…"))] + [
            (RISK_CODES[level], label) for level, label in RiskLevel.choices if level != RiskLevel.NOT_ASSESSED]


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Type of document"), choices=DocumentKind.choices)
    file = forms.FileField(label=_("File"), help_text=_("PDF, JPEG, PNG or plain text, up to 10 MB. Do not write "
                                                        "names here: rename the file first, as anyone given the "
                                                        "documents reads its name."))


class PersonSearchForm(forms.Form):
    """Who is searched for (a name, a date of birth, a phone): sent by POST, never in a web address."""

    q = forms.CharField(label=_("Case number or name"), required=False, max_length=200)
    phonetic = forms.BooleanField(label=_("Names that sound alike"), required=False)
    date_of_birth = BoundedDateField(label=_("Date of birth"), required=False, widget=DateInput())
    phone = forms.CharField(label=_("Phone"), required=False, max_length=40)


#: The fields of ``PersonSearchForm`` that may identify someone (``q`` unless it is a case number).
IDENTITY_CRITERIA = ("q", "phonetic", "date_of_birth", "phone")


class LongSelect(forms.Select):
    """A select of many plain options (the owner filters offer up to ``OWNER_CHOICES_MAX``): each
    option written in the select's own template, where Django's renders two templates per option
    (about half of a coordinator's case list page with 200 caseworkers and 200 teams offered).
    No option groups and no attributes on an option but ``selected``."""

    template_name = "cases/widgets/long_select.html"


class CaseFilterForm(forms.Form):
    """Filters that identify nobody: they may go in a web address (bookmarks, export links)."""

    stage = forms.ChoiceField(label=_("Stage"), required=False, choices=[("", _("Any"))] + list(Stage.choices))
    track = forms.ChoiceField(label=_("Track"), required=False, choices=[("", _("Any"))] + list(Track.choices))
    region = forms.ChoiceField(label=_("Region"), required=False)
    owner = forms.ChoiceField(label=_("Owner"), required=False,
                              choices=[("", _("Anyone")), ("me", _("Me")), ("team", _("My teams"))])
    worker = forms.ChoiceField(label=_("Caseworker"), required=False, widget=LongSelect)
    team = forms.TypedChoiceField(label=_("Team"), required=False, coerce=int, empty_value=None, widget=LongSelect)
    open = forms.BooleanField(label=_("Open cases only"), required=False)
    overdue = forms.BooleanField(label=_("With overdue tasks"), required=False)
    report_due = forms.BooleanField(label=_("Youth cases awaiting the duty-to-report"), required=False)
    flag = forms.ChoiceField(label=_("Flag"), required=False)

    def __init__(self, *args, actor=None, owners: CaseOwners | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["flag"].choices = [("", _("Any"))] + reference.choices(reference.flag_kinds())
        self.fields["region"].choices = [("", _("Any"))] + [(r.code, str(r)) for r in Region.objects.all()]
        # The caseworkers and teams offered are those owning a case the reader can see: staff names,
        # never a person's. Without a reader (no one to ask about), only "anyone".
        if owners is None:
            owners = case_owners(actor=actor) if actor is not None else CaseOwners([], [])
        self.fields["worker"].choices = [("", _("Anyone")), (NO_WORKER, _("Nobody (no worker)"))] + \
            self._offered(owners.workers, "worker")
        self.fields["team"].choices = [("", _("Any"))] + self._offered(owners.teams, "team")

    def _offered(self, owners: list[tuple[int, str]], field: str) -> list[tuple[str, str]]:
        """The first ``OWNER_CHOICES_MAX`` owners, and the one asked for if it is further down."""
        offered = [(str(pk), label) for pk, label in owners[:OWNER_CHOICES_MAX]]
        asked = str(self.data.get(field, "")) if self.is_bound else ""
        if asked and asked not in {value for value, _label in offered}:
            offered += [(str(pk), label) for pk, label in owners[OWNER_CHOICES_MAX:] if str(pk) == asked]
        return offered


class MyWorkFilterForm(forms.Form):
    due = forms.ChoiceField(label=_("Due"), required=False, choices=[
        ("", _("Any date")), ("overdue", _("Past their date")), ("soon", _("Due in the next 7 days"))])


class CaseSearchForm(PersonSearchForm, CaseFilterForm):
    """Both together, to validate one search."""


# --- Approvals and bulk reassignment ------------------------------------------------------------

class ApprovalRequestForm(forms.Form):
    subject = forms.ChoiceField(label=_("Submit for a coordinator's approval"), widget=forms.RadioSelect,
                                choices=[("needs_assessment", _("The needs assessment")),
                                         ("service_plan", _("The service plan"))])

    def __init__(self, *args, subjects: list[str] | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if subjects is not None:
            field = self.fields["subject"]
            field.choices = [c for c in field.choices if c[0] in subjects]  # type: ignore[attr-defined]


class ApprovalDecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), widget=forms.RadioSelect,
                                 choices=[("approve", _("Approve")), ("reject", _("Reject, with a comment"))])
    comment = forms.CharField(label=_("Comment for the caseworker"), widget=forms.Textarea(attrs={"rows": 3}),
                              max_length=2000, required=False,
                              help_text=_("Needed to reject. Do not write the person's name."))


class _StaffChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        inactive = "" if obj.is_active else f" ({_('inactive')})"
        return f"{obj.full_name or obj.email} — {obj.organization.name}{inactive}"


class ReassignmentForm(forms.Form):
    departing = _StaffChoice(label=_("Departing worker"), queryset=User.objects.none())
    receiver = _StaffChoice(label=_("Receiving worker"), queryset=User.objects.none())
    team = forms.ModelChoiceField(label=_("Owning team of the moved cases (optional)"), queryset=Team.objects.none(),
                                  required=False, help_text=_("Leave empty to keep each case's team."))
    confirm = forms.BooleanField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, staff, teams, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["departing"].queryset = staff  # type: ignore[attr-defined]
        self.fields["receiver"].queryset = staff.filter(is_active=True)  # type: ignore[attr-defined]
        self.fields["team"].queryset = teams  # type: ignore[attr-defined]
# --- The HTCDS trafficking profile and events -----------------------------------------------------

class TraffickingProfileForm(forms.Form):
    """The HTCDS profile: each list's labels in the reader's language, its HTCDS codes as values."""

    trafficking_status = forms.ChoiceField(label=_("Trafficking status"), required=False)
    status_decided_by = forms.ChoiceField(label=_("Status decided by"), required=False)
    recruitment_methods = forms.MultipleChoiceField(label=_("Method of recruitment"), required=False,
                                                    widget=forms.CheckboxSelectMultiple)
    recruitment_platforms = forms.MultipleChoiceField(label=_("Recruitment websites and apps"), required=False,
                                                      widget=forms.CheckboxSelectMultiple)
    exploitation_platforms = forms.MultipleChoiceField(label=_("Exploitation websites and apps"), required=False,
                                                       widget=forms.CheckboxSelectMultiple)
    labour_industry = forms.ChoiceField(label=_("Forced labour industry (ISIC section)"), required=False)
    sex_exploitation_types = forms.MultipleChoiceField(label=_("Type of sexual exploitation"), required=False,
                                                       widget=forms.CheckboxSelectMultiple)
    vulnerabilities = forms.MultipleChoiceField(label=_("Vulnerabilities"), required=False,
                                                widget=forms.CheckboxSelectMultiple)
    trafficker_relationship = forms.ChoiceField(label=_("Relationship to the trafficker"), required=False)
    age_when_trafficked = forms.IntegerField(label=_("Age when first trafficked"), required=False, min_value=0,
                                             max_value=120, help_text=_("In years."))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    LISTS = {"trafficking_status": "TraffickingStatus", "status_decided_by": "TraffickingStatusDecisionMakingOrg",
             "recruitment_methods": "MethodOfRecruitment", "recruitment_platforms": "WebsitesAndApps",
             "exploitation_platforms": "WebsitesAndApps", "labour_industry": "ForcedLabourIndustry",
             "sex_exploitation_types": "TypeOfSexExploitation", "vulnerabilities": "Vulnerabilities",
             "trafficker_relationship": "RelationshipToTrafficker"}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, list_name in self.LISTS.items():
            field = self.fields[name]
            choices = reference.choices(reference.htcds(list_name))
            field.choices = choices if isinstance(field, forms.MultipleChoiceField) else [("", "—"), *choices]


class TraffickingEventForm(forms.Form):
    type = forms.ChoiceField(label=_("Event"))
    date = forms.CharField(label=_("Date"), required=False, max_length=10,
                           help_text=_("YYYY-MM-DD, or YYYY-MM if only the month is known, or YYYY."))
    city = forms.CharField(label=_("City"), required=False, max_length=200)
    state = forms.CharField(label=_("State or province"), required=False, max_length=200)
    country = forms.CharField(label=_("Country"), required=False, max_length=2,
                              help_text=_("ISO 3166 two-letter code, such as CA or MX."))
    description = forms.CharField(label=_("Description"), required=False, max_length=4000,
                                  widget=forms.Textarea(attrs={"rows": 3}),
                                  help_text=_("What happened, in a few words. Do not write names."))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["type"].choices = reference.choices(reference.htcds("EventType"))

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if "date" in data:
            try:
                data["date"], data["date_precision"] = parse_partial_date(data["date"])
            except ValidationError as invalid:
                self.add_error("date", invalid.message_dict["date"])
        return data


class RemoveForm(forms.Form):
    confirm = forms.BooleanField(label=_("Yes, remove this event"), required=True)
