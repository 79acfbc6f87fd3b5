from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from octip.cases.selectors import case_by_number, case_or_none
from octip.core.bounds import BoundedDateField, BoundedDateTimeField
from octip.core.interpretation import InterpretationForm, interpretation_initial
from octip.core.roles import roles_with
from octip.directory.models import ServiceStatus
from octip.directory.selectors import visible_services
from octip.partners.models import Region, User
from octip.screening.selectors import recent_screenings_for, screening_or_none
from octip.site.lines import phone_lines

from .models import CallerType, Channel, Contact, ContactType, DangerNow, Outcome, SeenWhen, TargetUnit, Urgency
from .reference import categories, flag_kinds


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def _screening_label(screening) -> str:
    return f"{timezone.localtime(screening.created_at):%Y-%m-%d %H:%M} · {screening.framework.slug} · " \
           f"{screening.conclusion}"


def hotline_staff(organization_id: int | None):
    users = User.objects.filter(is_active=True, role__in=roles_with("hotline.edit"))
    if organization_id is not None:
        users = users.filter(organization_id=organization_id)
    return users.order_by("full_name")


class ContactForm(InterpretationForm):
    """What an operator records about a contact. Urgency comes first: an emergency means 911."""

    urgency = forms.ChoiceField(label=_("Urgency"), choices=Urgency.choices, widget=forms.RadioSelect,
                                help_text=_("Emergency: someone is in danger now — call 911 first."))
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices)
    contact_type = forms.ChoiceField(
        label=_("Type of contact"), choices=ContactType.choices, initial=ContactType.SUBSTANTIVE, required=False,
        help_text=_("Silent, hang-up, wrong number, prank, abusive and testing contacts are counted, need no "
                    "follow-up and are closed when logged."))
    categories = forms.MultipleChoiceField(
        label=_("What the contact is about"), required=False, widget=forms.CheckboxSelectMultiple,
        help_text=_("Choose every category that applies (none for a non-data contact)."))
    caller_type = forms.ChoiceField(label=_("Who contacted the line"), choices=CallerType.choices)
    language = forms.CharField(label=_("Language"), max_length=60, required=False)
    interpreter_used = forms.BooleanField(label=_("An interpreter was used"), required=False)
    region = forms.ModelChoiceField(label=_("Region"), queryset=Region.objects.all(), required=False,
                                    empty_label=_("Unknown"))
    received_at = BoundedDateTimeField(label=_("Received"), widget=DateTimeLocalInput(), required=False,
                                      help_text=_("Leave empty for now."))
    summary = forms.CharField(label=_("Summary"), max_length=10_000, widget=forms.Textarea(attrs={"rows": 6}),
                              required=False,
                              help_text=_("What the caller said and what they need. Stored encrypted."))
    place = forms.CharField(label=_("Place"), max_length=300, required=False)
    indicators_noticed = forms.CharField(label=_("Indicators noticed"), max_length=5_000, required=False,
                                         widget=forms.Textarea(attrs={"rows": 3}))
    actions_taken = forms.CharField(label=_("Actions taken"), max_length=5_000, required=False,
                                    widget=forms.Textarea(attrs={"rows": 3}))
    reporter_contact = forms.CharField(label=_("How to reach the caller (optional)"), max_length=500,
                                       required=False, help_text=_("Only with the caller's agreement."))
    reporter_phone = forms.CharField(
        label=_("Caller's phone (optional)"), max_length=40, required=False,
        help_text=_("Stored encrypted. A caller who contacts the line again is recognised by it."))
    reporter_email = forms.EmailField(label=_("Caller's email (optional)"), max_length=254, required=False,
                                      help_text=_("Stored encrypted, like the phone."))
    follow_up_due = BoundedDateField(label=_("Follow-up due"), widget=DateInput(), required=False)
    lines_given = forms.MultipleChoiceField(label=_("Phone lines given to the caller"), required=False,
                                            widget=forms.CheckboxSelectMultiple)
    services_given = forms.ModelMultipleChoiceField(
        label=_("Directory services given to the caller"), queryset=None, required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("Active services of the directory. Hold Ctrl (or Cmd) to choose several."))
    outcome = forms.ChoiceField(label=_("Outcome"), required=False,
                                choices=[("", _("Still open"))] + list(Outcome.choices),
                                help_text=_("Choosing an outcome closes the contact and removes it from the queue."))
    handled_by = forms.ModelChoiceField(label=_("Handled by"), queryset=User.objects.none(), required=False,
                                        empty_label=_("Nobody yet"))
    case_number = forms.CharField(label=_("Link to an existing case (case number)"), max_length=20,
                                  required=False, help_text=_("For example BC-2026-000123. Only cases you can see."))

    screening = forms.ModelChoiceField(label=_("Linked screening"), queryset=None, required=False,
                                       empty_label=_("None"),
                                       help_text=_("Screenings you can see from the last 30 days."))

    def __init__(self, *args, organization_id: int | None, actor, current_screening_id=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.actor = actor
        # Labels in the reader's language, from the data file.
        self.fields["categories"].choices = [(c.code, c.label) for c in categories()]
        self.fields["lines_given"].choices = [(line.id, f"{line.name} ({line.number})") for line in phone_lines()]
        self.fields["services_given"].queryset = (visible_services(actor).filter(status=ServiceStatus.ACTIVE)
                                                  .select_related("organization").order_by("name"))
        self.fields["handled_by"].queryset = hotline_staff(organization_id)
        self.fields["screening"].queryset = recent_screenings_for(actor=actor, including=current_screening_id)
        self.fields["screening"].label_from_instance = _screening_label

    def clean_case_number(self):
        number = self.cleaned_data.get("case_number", "").strip().upper()
        if not number:
            self.cleaned_data["case"] = None
            return ""
        case = case_by_number(actor=self.actor, number=number)
        if case is None:
            raise forms.ValidationError(_("No case you can see has this number."))
        self.cleaned_data["case"] = case
        return number

    def clean_contact_type(self):
        return self.cleaned_data.get("contact_type") or ContactType.SUBSTANTIVE

    def clean(self):
        data = super().clean()
        substantive = data.get("contact_type") == ContactType.SUBSTANTIVE
        if substantive and not (data.get("summary") or "").strip() and "summary" not in self.errors:
            # A substantive contact must say what it was about (only a non-data one may leave it empty).
            self.add_error("summary", self.fields["summary"].error_messages["required"])
        return data

    def clean_received_at(self):
        value = self.cleaned_data.get("received_at")
        if value and value > timezone.now():
            raise forms.ValidationError(_("A contact cannot be received in the future."))
        return value


def contact_initial(contact: Contact, *, actor) -> dict:
    initial = {name: getattr(contact, name) for name in (
        "urgency", "channel", "contact_type", "categories", "reporter_phone", "reporter_email",
        "caller_type", "language", "interpreter_used", "region", "received_at",
        "summary", "place", "indicators_noticed", "actions_taken", "reporter_contact", "follow_up_due",
        "outcome", "handled_by")}
    initial.update(interpretation_initial(contact))
    initial["lines_given"] = list(contact.lines_given or [])
    initial["services_given"] = list(visible_services(actor).filter(pk__in=contact.services_given.all()))
    initial["screening"] = screening_or_none(actor=actor, screening_id=contact.screening_id)
    # A link to a case the editor cannot see is neither shown nor changed by their edit.
    visible = case_or_none(actor=actor, case_id=contact.case_id)
    initial["case"] = visible
    initial["case_number"] = visible.number if visible else ""
    return initial


class ContactEditForm(ContactForm):
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["received_at"].required = True
        self.fields["received_at"].help_text = ""


class ShiftForm(forms.Form):
    person = forms.ModelChoiceField(label=_("On call"), queryset=User.objects.none())
    starts_at = BoundedDateTimeField(label=_("Starts"), widget=DateTimeLocalInput())
    ends_at = BoundedDateTimeField(label=_("Ends"), widget=DateTimeLocalInput())
    escalation_contact = forms.ModelChoiceField(label=_("Escalation contact"), queryset=User.objects.none(),
                                                help_text=_("Who the person on call calls when they need help."))
    escalation_phone = forms.CharField(label=_("Escalation phone"), max_length=40, required=False)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args, organization_id: int | None, **kwargs):
        super().__init__(*args, **kwargs)
        staff = User.objects.filter(is_active=True, role__in=roles_with("hotline.edit")).order_by("full_name")
        if organization_id is not None:
            staff = staff.filter(organization_id=organization_id)
        self.fields["person"].queryset = staff
        self.fields["escalation_contact"].queryset = staff

    def clean(self):
        data = super().clean()
        if data.get("starts_at") and data.get("ends_at") and data["ends_at"] <= data["starts_at"]:
            self.add_error("ends_at", _("The shift must end after it starts."))
        return data


HONEYPOT_FIELD = "website"


class ReportForm(forms.Form):
    """The public report of concern: as few questions as possible, in plain words."""

    danger_now = forms.ChoiceField(
        label=_("Is someone in danger right now?"), choices=DangerNow.choices, widget=forms.RadioSelect,
        error_messages={"required": _("Please tell us if someone is in danger right now.")})
    what_happened = forms.CharField(
        label=_("What did you see or hear?"), max_length=5_000, widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Describe what worried you. You do not need to be sure it is trafficking."),
        error_messages={"required": _("Please tell us what you saw or heard.")})
    region = forms.ModelChoiceField(
        label=_("Where? (region)"), queryset=Region.objects.all(), empty_label=_("Choose a region"),
        error_messages={"required": _("Please choose the region where it happened.")})
    place = forms.CharField(label=_("Place (optional)"), max_length=300, required=False,
                            help_text=_("A town, street or business, if you know it."))
    seen_when = forms.ChoiceField(
        label=_("When?"), choices=SeenWhen.choices, widget=forms.RadioSelect,
        error_messages={"required": _("Please tell us when it happened, or choose “Not sure”.")})
    anonymous = forms.ChoiceField(
        label=_("Can we contact you?"), widget=forms.RadioSelect,
        choices=[("yes", _("No — I want to stay anonymous")), ("no", _("Yes — I give my contact details below"))],
        error_messages={"required": _("Please choose whether we can contact you.")})
    contact_details = forms.CharField(
        label=_("Your phone number or email (optional)"), max_length=300, required=False,
        help_text=_("Only if you chose to be contacted. We use it only to follow up on this report."))
    def clean(self):
        data = super().clean()
        anonymous = data.get("anonymous")
        details = (data.get("contact_details") or "").strip()
        if anonymous == "no" and not details:
            self.add_error("contact_details", _("Please give a phone number or email, or choose to stay anonymous."))
        if anonymous == "yes" and details:
            self.add_error("contact_details", _("You chose to stay anonymous: please remove your contact "
                                                "details, or choose to be contacted."))
        return data

    @property
    def is_bot(self) -> bool:
        """The honeypot ``website`` input is hidden from people (CSS) but tempting to bots."""
        return bool(self.data.get(HONEYPOT_FIELD, "").strip())


class QueueFilterForm(forms.Form):
    past_target = forms.BooleanField(label=_("Only contacts past their first-response target"), required=False)


class CallerFlagForm(forms.Form):
    """The lead flags the caller of a contact, for the operators of the line."""

    kind = forms.ChoiceField(label=_("Kind of flag"))
    reason = forms.CharField(label=_("Reason"), max_length=2_000, widget=forms.Textarea(attrs={"rows": 3}),
                             help_text=_("What operators should know. Stored encrypted; shown to your line's "
                                         "operators when this caller contacts the line again."))
    expires_on = BoundedDateField(label=_("Expires on"), widget=DateInput(), required=False,
                                  help_text=_("Leave empty for the kind's usual length. At most a year."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(k.code, k.label) for k in flag_kinds()]


class TargetsForm(forms.Form):
    """The first-response target of each urgency: an amount and a unit."""

    def __init__(self, *args, targets: dict, **kwargs):
        super().__init__(*args, **kwargs)
        for urgency in Urgency:
            current = targets.get(urgency.value)
            self.fields[f"{urgency.value}_amount"] = forms.IntegerField(
                label=_("%(urgency)s: amount") % {"urgency": urgency.label}, min_value=1, max_value=20_160,
                initial=current.amount if current else None)
            self.fields[f"{urgency.value}_unit"] = forms.ChoiceField(
                label=_("%(urgency)s: unit") % {"urgency": urgency.label}, choices=TargetUnit.choices,
                initial=current.unit if current else None)

    def targets(self) -> dict[str, tuple[int, str]]:
        data = self.cleaned_data
        return {u.value: (data[f"{u.value}_amount"], data[f"{u.value}_unit"]) for u in Urgency}
