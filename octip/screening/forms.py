"""Forms of the guided screening and of framework publishing."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import AgeGroup

ANSWER_CHOICES = [("yes", _("Yes")), ("no", _("No")), ("unknown", _("Don't know"))]

#: The start form's "tool" → framework id (ILO lists are chosen by age and kind of exploitation).
ILO = "ilo"
TOOL_CHOICES = [
    (ILO, _("ILO–EC indicators of trafficking (recommended for front-line screening)")),
    ("ca-criminal-code", _("Criminal Code of Canada checklist (ss. 279.01–279.04)")),
    ("palermo", _("Palermo Protocol checklist (act, means, purpose)")),
]
EXPLOITATION_CHOICES = [("labour", _("Work or services (labour exploitation)")),
                        ("sexual", _("Sexual exploitation"))]


def answer_field_name(dimension_id: str, indicator_id: str) -> str:
    # Ids are lowercase words joined by underscores (see definition.IDENTIFIER): "-" cannot occur in them.
    return f"a-{dimension_id}-{indicator_id}"


def note_field_name(dimension_id: str) -> str:
    return f"n-{dimension_id}"


class StartForm(forms.Form):
    age_group = forms.ChoiceField(
        label=_("How old is the person?"), choices=AgeGroup.choices, widget=forms.RadioSelect,
        help_text=_("Under 18 uses the children's indicators. Anyone under 19 is a child in British Columbia: "
                    "the result page then reminds you of the duty to report."))
    exploitation = forms.ChoiceField(
        label=_("What kind of exploitation are you concerned about?"), choices=EXPLOITATION_CHOICES,
        widget=forms.RadioSelect, required=False,
        help_text=_("If both, start with the one that seems most likely; you can screen again for the other."))
    tool = forms.ChoiceField(label=_("Which questions do you want to use?"), choices=TOOL_CHOICES,
                             widget=forms.RadioSelect, initial=ILO)
    case = forms.ModelChoiceField(
        label=_("Link to a case (optional)"), queryset=None, required=False,
        empty_label=_("No case: anonymous screening"),
        help_text=_("Leave this empty to screen without any identifying information."))

    def __init__(self, *args, cases=None, **kwargs):
        super().__init__(*args, **kwargs)
        if cases is None:
            del self.fields["case"]
        else:
            self.fields["case"].queryset = cases
            self.fields["case"].label_from_instance = lambda case: case.number

    def clean(self):
        data = super().clean()
        if data.get("tool") == ILO and not data.get("exploitation"):
            self.add_error("exploitation", _("Choose the kind of exploitation for the ILO–EC indicators."))
        return data

    def framework_slug(self) -> str:
        data = self.cleaned_data
        if data["tool"] != ILO:
            return data["tool"]
        population = "child" if data["age_group"] == AgeGroup.UNDER_18 else "adult"
        return f"ilo-{population}-{data['exploitation']}"


class SectionForm(forms.Form):
    """The questions of one dimension, each yes / no / don't know, and an optional note."""

    def __init__(self, *args, dimension: dict, language: str, **kwargs):
        super().__init__(*args, **kwargs)
        for indicator in dimension["indicators"]:
            question = indicator["question"].get(language) or indicator["question"]["en"]
            self.fields[answer_field_name(dimension["id"], indicator["id"])] = forms.ChoiceField(
                label=question, choices=ANSWER_CHOICES, widget=forms.RadioSelect, initial="unknown", required=False)
        self.fields[note_field_name(dimension["id"])] = forms.CharField(
            label=_("Notes on this section (optional)"), required=False, max_length=2000,
            widget=forms.Textarea(attrs={"rows": 3}),
            help_text=_("Write what you observed. Do not write names, addresses or other identifying details."))


class PublishForm(forms.Form):
    definition = forms.CharField(
        label=_("Framework definition (YAML)"), required=False,
        widget=forms.Textarea(attrs={"rows": 24, "spellcheck": "false", "class": "framework-yaml"}),
        help_text=_("Edit the items, strengths, questions or thresholds. The version number is set for you."))
    upload = forms.FileField(label=_("Or upload a YAML file"), required=False,
                             help_text=_("If you upload a file, it is used instead of the text above."))
    change_note = forms.CharField(label=_("What changed and why"), max_length=2000,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    based_on = forms.IntegerField(widget=forms.HiddenInput)

    def clean(self):
        data = super().clean()
        upload = data.get("upload")
        if upload:
            if upload.size > 512 * 1024:
                self.add_error("upload", _("The file is larger than 512 KB."))
                return data
            try:
                data["definition"] = upload.read().decode("utf-8")
            except UnicodeDecodeError:
                self.add_error("upload", _("The file is not UTF-8 text."))
        elif not (data.get("definition") or "").strip():
            self.add_error("definition", _("Paste the framework's YAML or upload a file."))
        return data


class ThresholdForm(forms.Form):
    """The numbers of each rule ("at least N ..."), and the rule's wording, which must say the same."""

    def __init__(self, *args, definition: dict, language: str, **kwargs):
        from .services import editable_rules, threshold_key

        super().__init__(*args, **kwargs)
        labels = {d["id"]: d["label"].get(language) or d["label"]["en"] for d in definition["dimensions"]}
        strength_words = {"strong": _("strong"), "medium": _("medium"), "weak": _("weak")}
        self.scopes = []
        for scope, rule in editable_rules(definition).items():
            scope_label = _("Every section") if scope == "default" else labels[scope]
            keys = []
            for a, alternative in enumerate(rule["any_of"]):
                for t, term in enumerate(alternative):
                    if "strengths" in term:
                        counted = " + ".join(str(strength_words[s]) for s in term["strengths"])
                    else:
                        counted = ", ".join(term["indicators"])
                    key = threshold_key(scope, a, t)
                    self.fields[key] = forms.IntegerField(
                        label=_("%(scope)s — option %(option)s: at least how many yes answers among %(counted)s")
                        % {"scope": scope_label, "option": a + 1, "counted": counted},
                        min_value=1, max_value=99, initial=term["at_least"])
                    keys.append(key)
            for language_code, language_name in (("en", _("English")), ("fr", _("French"))):
                key = f"d-{scope}-{language_code}"
                self.fields[key] = forms.CharField(
                    label=_("%(scope)s — the rule in words (%(language)s)") % {"scope": scope_label,
                                                                             "language": language_name},
                    widget=forms.Textarea(attrs={"rows": 3}), max_length=2000,
                    initial=rule["description"].get(language_code, ""),
                    help_text=_("Update it so that it says what the numbers say."))
                keys.append(key)
            self.scopes.append((scope, keys))
        self.fields["change_note"] = forms.CharField(label=_("What changed and why"), max_length=2000,
                                                     widget=forms.Textarea(attrs={"rows": 3}))
        self.fields["based_on"] = forms.IntegerField(widget=forms.HiddenInput)

    def thresholds(self) -> dict[str, int]:
        return {k: v for k, v in self.cleaned_data.items() if k.startswith("t-")}

    def descriptions(self) -> dict[str, dict[str, str]]:
        result: dict[str, dict[str, str]] = {}
        for key, value in self.cleaned_data.items():
            if key.startswith("d-"):
                scope, language_code = key[2:].rsplit("-", 1)
                result.setdefault(scope, {})[language_code] = value
        return result
