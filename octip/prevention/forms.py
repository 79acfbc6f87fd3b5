"""Forms of prevention and education: they parse text into values; the rules live in the services."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from octip.core.bounds import BoundedDateField
from octip.partners.models import Organization, OrganizationType, Region

from .models import EvidenceLevel, Material, Practice, PracticeKind, QuestionKind, Setting


def language_choices() -> list[tuple[str, str]]:
    from octip.site.languages import PUBLIC_LANGUAGES

    return [(code, PUBLIC_LANGUAGES.get(code, (str(name), str(name), False))[1]) for code, name in settings.LANGUAGES]


def _org_type_choices() -> list[tuple[str, str]]:
    return [("", _("Prefer not to say")), ("public", _("Member of the public")), *OrganizationType.choices]


class RegisterForm(forms.Form):
    display_name = forms.CharField(
        label=_("Name to print on your certificates"), max_length=120,
        help_text=_("Any name you choose. It is the only personal detail a certificate shows."))
    email = forms.EmailField(
        label=_("Email"), max_length=254,
        help_text=_("To sign in. A certificate carries only a salted hash of it, never the email."))
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput(render_value=False),
                               help_text=_("At least 12 characters."))
    organization_type = forms.ChoiceField(label=_("Where you work or volunteer"), required=False, choices=())
    region = forms.ModelChoiceField(label=_("Region"), queryset=Region.objects.all(), required=False,
                                    empty_label=_("Prefer not to say"))

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["organization_type"].choices = _org_type_choices()


class SignInForm(forms.Form):
    email = forms.EmailField(label=_("Email"), max_length=254)
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput(render_value=False))


class NameForm(forms.Form):
    display_name = forms.CharField(label=_("Name to print on your certificates"), max_length=120)


class VerifyForm(forms.Form):
    credential = forms.CharField(label=_("Certificate (the signed text, a JWT)"), max_length=20000,
                                 widget=forms.Textarea(attrs={"rows": 5}))


class CourseForm(forms.Form):
    slug = forms.SlugField(label=_("Short name (for the address)"), max_length=80)
    title = forms.CharField(label=_("Title"), max_length=200)
    summary = forms.CharField(label=_("Summary"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class VersionForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    summary = forms.CharField(label=_("Summary"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    practices = forms.ModelMultipleChoiceField(label=_("Further reading in the practices library"),
                                               queryset=Practice.objects.all(), required=False,
                                               widget=forms.CheckboxSelectMultiple)


class ModuleForm(forms.Form):
    title = forms.CharField(label=_("Module title"), max_length=200)


class LessonForm(forms.Form):
    title = forms.CharField(label=_("Lesson title"), max_length=200)
    body = forms.CharField(label=_("Text (HTML: paragraphs, headings, lists, emphasis, tables, links)"),
                           widget=forms.Textarea(attrs={"rows": 14}))


class QuizForm(forms.Form):
    pass_mark = forms.IntegerField(label=_("Pass mark (%)"), min_value=1, max_value=100, initial=80)
    max_attempts = forms.IntegerField(label=_("Attempts allowed"), min_value=1, max_value=20, initial=3)


class QuestionForm(forms.Form):
    text = forms.CharField(label=_("Question"), max_length=500)
    kind = forms.ChoiceField(label=_("Answers"), choices=QuestionKind.choices)
    choices = forms.CharField(label=_("Answers, one a line; start a correct one with *"),
                              widget=forms.Textarea(attrs={"rows": 5}))
    feedback = forms.CharField(label=_("Feedback shown after an attempt"), required=False,
                               widget=forms.Textarea(attrs={"rows": 2}))

    def answer_lines(self) -> list[tuple[str, bool]]:
        lines = [line.strip() for line in self.cleaned_data["choices"].splitlines() if line.strip()]
        return [(line.lstrip("*").strip(), line.startswith("*")) for line in lines]


class RevokeForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300)


class EventForm(forms.Form):
    held_on = BoundedDateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    region = forms.ModelChoiceField(label=_("Region"), queryset=Region.objects.all())
    setting = forms.ChoiceField(label=_("Setting"), choices=Setting.choices)
    audience = forms.CharField(label=_("Audience"), max_length=200)
    reached = forms.IntegerField(label=_("Number of people reached"), min_value=0, max_value=1_000_000)
    partners = forms.ModelMultipleChoiceField(label=_("Partner organizations"), required=False,
                                              queryset=Organization.objects.filter(is_active=True))
    materials = forms.ModelMultipleChoiceField(label=_("Materials used"), required=False,
                                               queryset=Material.objects.all())
    campaign = forms.ModelChoiceField(label=_("Campaign"), required=False, queryset=None)  # type: ignore[arg-type]
    notes = forms.CharField(label=_("Notes (no names)"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: object, **kwargs: object) -> None:
        from .models import Campaign

        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["campaign"].queryset = Campaign.objects.all()  # type: ignore[attr-defined]


class CampaignForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    starts_on = BoundedDateField(label=_("Starts"), widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = BoundedDateField(label=_("Ends"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class MaterialForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class MaterialFileForm(forms.Form):
    language = forms.ChoiceField(label=_("Language"), choices=())
    file = forms.FileField(label=_("File (PDF, PNG, JPEG, Word, PowerPoint or text; at most 10 MB)"))

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["language"].choices = language_choices()


class AwarenessPageForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(label=_("Text (HTML: paragraphs, headings, lists, emphasis, tables, links)"),
                           widget=forms.Textarea(attrs={"rows": 14}))
    review_by = BoundedDateField(label=_("Review by"), widget=forms.DateInput(attrs={"type": "date"}))


class PracticeForm(forms.ModelForm):
    link = forms.URLField(label=_("link"), max_length=500, assume_scheme="https")

    class Meta:
        model = Practice
        fields = ["title", "kind", "source", "jurisdiction", "year", "evidence_level", "topics", "summary", "link",
                  "reviewed_by", "reviewed_on"]
        widgets = {"summary": forms.Textarea(attrs={"rows": 5})}
        field_classes = {"reviewed_on": BoundedDateField}


class PracticeFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("All")), *PracticeKind.choices])
    evidence = forms.ChoiceField(label=_("Evidence level"), required=False,
                                 choices=[("", _("All")), *EvidenceLevel.choices])
    jurisdiction = forms.ChoiceField(label=_("Jurisdiction"), required=False, choices=())
    topic = forms.ChoiceField(label=_("Topic"), required=False, choices=())

    def __init__(self, *args: object, jurisdictions: list[str], topics: list[str], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["jurisdiction"].choices = [("", _("All")), *((j, j) for j in jurisdictions)]
        self.fields["topic"].choices = [("", _("All")), *((t, t) for t in topics)]


class ReportForm(forms.Form):
    by = forms.ChoiceField(label=_("Group by"), choices=[("organization_type", _("Kind of organization")),
                                                         ("region", _("Region")), ("month", _("Month"))],
                           required=False)
