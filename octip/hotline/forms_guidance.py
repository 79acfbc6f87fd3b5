"""Input of the line's scripts (``guidance``): a new version, and the language to show them in."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from . import guidance


class ScriptForm(forms.Form):
    """A new version of one script. Topic and language come from the list; title and text are plain
    text (shown escaped, a blank line between paragraphs)."""

    topic = forms.ChoiceField(label=_("Topic"))
    language = forms.ChoiceField(label=_("Language of the script"))
    title = forms.CharField(label=_("Title"), max_length=guidance.MAX_TITLE)
    body = forms.CharField(label=_("Text"), max_length=guidance.MAX_BODY, strip=False,
                           widget=forms.Textarea(attrs={"rows": 16}),
                           help_text=_("Plain text. Leave a blank line between paragraphs."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topic"].choices = [(t.code, t.label) for t in guidance.topics()]
        self.fields["language"].choices = guidance.languages()


class ScriptLanguageForm(forms.Form):
    """Which language to show the scripts in (a GET parameter, so the contact form keeps working)."""

    script_lang = forms.ChoiceField(label=_("Show the scripts in"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["script_lang"].choices = guidance.languages()

    def language(self) -> str:
        if self.is_valid() and self.cleaned_data.get("script_lang"):
            return self.cleaned_data["script_lang"]
        return guidance.active_language()
