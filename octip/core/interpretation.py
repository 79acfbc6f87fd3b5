"""Interpretation: who interpreted a conversation with the person, built once for every record of one.

A 24/7 line contact (``hotline.Contact``), a consent (``consent.Consent``) and a follow-up meeting
(``cases.FollowUp``) each inherit ``Interpretation``: the interpreter's language, agency and id (the
agency's identifier of a third party: encrypted), and the answer to "does the interpreter know the
person or the alleged trafficker?". This module also holds the one validation (``clean_interpretation``),
the form part (``InterpretationForm``, rendered by ``core/interpretation_fieldset.html``), the API parts
(``InterpretationIn`` / ``InterpretationPatch`` / ``InterpretationOut``) and what a page shows
(``core/interpretation_facts.html``, ``interpretation_warning``).

Why the answer matters: in a small language community the interpreter may be a relative, a neighbour or
someone in the trafficker's circle. An interpreter who knows either of them can carry what the person
says back to the trafficker. Any answer but "no" (or "not asked") is shown as a warning where the
record is saved and read; on a case it is also a restricted timeline entry (written by each app's
service), and the pages suggest the case flag ``interpreter_not_community``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _
from ninja import Schema
from pydantic import Field as SchemaField

from .fields import EncryptedChar


class InterpreterKnows(models.TextChoices):
    """The answer to "does the interpreter know the person or the alleged trafficker?"."""

    NOT_ASKED = "not_asked", _("Not asked")
    NO = "no", _("No")
    KNOWS_PERSON = "knows_person", _("Knows the person")
    KNOWS_TRAFFICKER = "knows_trafficker", _("Knows the alleged trafficker")
    KNOWS_BOTH = "knows_both", _("Knows both")
    UNSURE = "unsure", _("Unsure")


#: The answers that make the interpreter a risk: the pages warn, the case gets a restricted entry.
CONFLICT_ANSWERS = frozenset({InterpreterKnows.KNOWS_PERSON, InterpreterKnows.KNOWS_TRAFFICKER,
                              InterpreterKnows.KNOWS_BOTH, InterpreterKnows.UNSURE})

#: The case flag a conflict suggests (``cases/data/flag_kinds.yaml``): a link, never an automatic flag.
SUGGESTED_FLAG = "interpreter_not_community"

WARNING = _("The interpreter may know the person or the trafficker. Arrange another interpreter before "
            "continuing; do not share details through this interpreter.")

#: The switch and the details, in the order forms and pages show them.
SWITCH = "interpreter_used"
DETAIL_FIELDS = ("interpreter_language", "interpreter_agency", "interpreter_id", "interpreter_knows")
FIELDS = (SWITCH, *DETAIL_FIELDS)

MAX_LANGUAGE = 60  # as ``hotline.Contact.language``: a language's name as the worker writes it ("Tagalog")
MAX_AGENCY = 200
MAX_ID = 100


class Interpretation(models.Model):
    """The interpreter of a conversation. ``interpreter_used`` is the switch: with it, the language and
    the answer about knowing the person are required; without it, nothing else is set
    (``clean_interpretation``). A model that already had ``interpreter_used`` keeps its own declaration."""

    interpreter_used = models.BooleanField(_("an interpreter was used"), default=False)
    interpreter_language = models.CharField(_("interpreter's language"), max_length=MAX_LANGUAGE, blank=True)
    interpreter_agency = models.CharField(_("interpreting agency"), max_length=MAX_AGENCY, blank=True)
    # An agency's identifier of a third party (and a way to find them): encrypted like a phone number.
    interpreter_id = EncryptedChar(_("interpreter id"), max_length=MAX_ID, blank=True)
    interpreter_knows = models.CharField(
        _("interpreter knows the person or the alleged trafficker"), max_length=20,
        choices=InterpreterKnows.choices, blank=True)

    class Meta:
        abstract = True

    @property
    def interpreter_may_know(self) -> bool:
        """Whether the answer calls for another interpreter (any answer but "no" or "not asked")."""
        return bool(self.interpreter_used) and self.interpreter_knows in CONFLICT_ANSWERS


# --- Validation -----------------------------------------------------------------------------------

def interpretation_values(record: Any) -> dict[str, Any]:
    """The interpretation fields of ``record`` (a model instance) as a dict."""
    return {name: getattr(record, name) for name in FIELDS}


def clean_interpretation(values: Mapping[str, Any], *, default_language: str = "") -> dict[str, Any]:
    """The one validation of interpretation fields, for every model, form and API: returns the cleaned
    values (stripped; the switch a bool) or raises ValidationError keyed by field, with a message a
    worker can act on. With an interpreter, the language and the answer are required (the language is
    ``default_language``, the record's own language of the conversation, when left empty); without one,
    nothing else may be set (a detail left over from a form would be saved unseen)."""
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext

    used = bool(values.get(SWITCH))
    cleaned: dict[str, Any] = {SWITCH: used}
    for name in DETAIL_FIELDS:
        raw = values.get(name)
        cleaned[name] = "" if raw is None else str(raw).strip()
    errors: dict[str, str] = {}
    limits = {"interpreter_language": MAX_LANGUAGE, "interpreter_agency": MAX_AGENCY, "interpreter_id": MAX_ID}
    for name, limit in limits.items():
        if len(cleaned[name]) > limit:
            errors[name] = gettext("Keep this under %(limit)s characters.") % {"limit": limit}
    knows = cleaned["interpreter_knows"]
    if knows and knows not in InterpreterKnows.values:
        errors["interpreter_knows"] = gettext("Choose an answer from the list.")
    if used:
        if not cleaned["interpreter_language"]:
            cleaned["interpreter_language"] = (default_language or "").strip()[:MAX_LANGUAGE]
        if not cleaned["interpreter_language"] and "interpreter_language" not in errors:
            errors["interpreter_language"] = gettext("Say in which language the interpreter interpreted.")
        if not knows:
            errors["interpreter_knows"] = gettext("Say whether the interpreter knows the person or the alleged "
                                                  "trafficker (or choose “Not asked”).")
    else:
        for name in DETAIL_FIELDS:
            if cleaned[name] and name not in errors:
                errors[name] = gettext("No interpreter was used: leave this empty, or tick “An interpreter was "
                                       "used”.")
    if errors:
        raise ValidationError(errors)
    return cleaned


def may_know(values: Mapping[str, Any]) -> bool:
    """``Interpretation.interpreter_may_know`` of plain values."""
    return bool(values.get(SWITCH)) and values.get("interpreter_knows") in CONFLICT_ANSWERS


def changed_fields(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[str]:
    """The interpretation fields whose value changed (names only: for an audit detail)."""
    return sorted(name for name in FIELDS if before.get(name) != after.get(name))


def audit_detail(values: Mapping[str, Any]) -> dict[str, Any]:
    """What an audit event says of the interpretation: codes and whether an id was given, never the id,
    the agency or the language (free text)."""
    return {"interpreter_used": bool(values.get(SWITCH)), "interpreter_knows": values.get("interpreter_knows") or "",
            "interpreter_id_given": bool(values.get("interpreter_id"))}


#: The permission of a reader who sees identifying data of persons: the interpreter id is shown to them only.
IDENTIFYING_PERMISSION = "case.view_identifying"


def may_see_interpreter_id(actor: Any) -> bool:
    """Whether ``actor`` is shown interpreter ids of records outside a case (a 24/7 line contact). On a
    case the rule is the ``identity`` section's: open to the reader (which needs this permission too)."""
    from .access import allows

    return allows(actor, IDENTIFYING_PERMISSION)


def withhold_interpreter_ids(rows: Iterable[Any], *, shown: bool) -> list[Any]:
    """``rows`` with their interpreter id blanked in memory unless ``shown`` (the reader sees identifying
    data): read-only rows, never save them."""
    rows = list(rows)
    if not shown:
        for row in rows:
            row.interpreter_id = ""
    return rows


# --- Forms ----------------------------------------------------------------------------------------

class InterpretationForm(forms.Form):
    """The interpretation fields of a form, validated by ``clean_interpretation``. ``includes/form.html``
    renders them together in one fieldset with a legend (``core/interpretation_fieldset.html``), so
    they are left out of ``visible_fields``."""

    interpreter_used = forms.BooleanField(label=_("An interpreter was used"), required=False)
    interpreter_language = forms.CharField(
        label=_("Interpreter's language"), max_length=MAX_LANGUAGE, required=False,
        help_text=_("Required with an interpreter (where the form asks the language of the conversation, "
                    "that language when left empty)."))
    interpreter_agency = forms.CharField(label=_("Interpreting agency"), max_length=MAX_AGENCY, required=False)
    interpreter_id = forms.CharField(label=_("Interpreter id"), max_length=MAX_ID, required=False,
                                     help_text=_("The agency's id of the interpreter. Stored encrypted."))
    interpreter_knows = forms.ChoiceField(
        label=_("Does the interpreter know the person or the alleged trafficker?"), required=False,
        choices=[("", "—"), *InterpreterKnows.choices],
        help_text=_("Ask before the conversation. If they may know either, arrange another interpreter."))

    def visible_fields(self) -> list[forms.BoundField]:
        return [field for field in super().visible_fields() if field.name not in FIELDS]

    @property
    def interpretation_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in FIELDS if name in self.fields]

    @property
    def interpreter_may_know(self) -> bool:
        """The warning of the fieldset, for a form shown again with a worrying answer."""
        data = getattr(self, "cleaned_data", None) or {}
        if not data and self.is_bound:
            data = {SWITCH: self[SWITCH].value(), "interpreter_knows": self["interpreter_knows"].value()}
        return may_know(data)

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        from django.core.exceptions import ValidationError

        try:
            data.update(clean_interpretation({name: data.get(name) for name in FIELDS},
                                             default_language=data.get("language") or ""))
        except ValidationError as invalid:
            for name, messages in invalid.message_dict.items():
                if name not in self.errors:
                    self.add_error(name, messages)
        return data


def interpretation_initial(record: Any) -> dict[str, Any]:
    """A form's initial values of ``record``'s interpretation."""
    return interpretation_values(record)


# --- API ------------------------------------------------------------------------------------------

class InterpretationIn(Schema):
    interpreter_used: bool = False
    interpreter_language: str = SchemaField("", max_length=MAX_LANGUAGE)
    interpreter_agency: str = SchemaField("", max_length=MAX_AGENCY)
    interpreter_id: str = SchemaField("", max_length=MAX_ID)
    interpreter_knows: str = SchemaField("", description="One of " + ", ".join(InterpreterKnows.values) + ".")


class InterpretationPatch(Schema):
    interpreter_used: bool | None = None
    interpreter_language: str | None = SchemaField(None, max_length=MAX_LANGUAGE)
    interpreter_agency: str | None = SchemaField(None, max_length=MAX_AGENCY)
    interpreter_id: str | None = SchemaField(None, max_length=MAX_ID)
    interpreter_knows: str | None = None


class InterpretationOut(Schema):
    """``interpreter_id`` is empty for a reader who does not see identifying data."""

    interpreter_used: bool
    interpreter_language: str
    interpreter_agency: str
    interpreter_id: str
    interpreter_knows: str
    interpreter_may_know: bool


def interpretation_out(record: Any, *, show_id: bool) -> dict[str, Any]:
    """``InterpretationOut`` of ``record``; the id only if ``show_id``."""
    out = interpretation_values(record)
    out["interpreter_id"] = out["interpreter_id"] if show_id else ""
    out["interpreter_may_know"] = may_know(out)
    return out


def patch_values(current: Mapping[str, Any], changes: Mapping[str, Any]) -> dict[str, Any]:
    """The interpretation after a PATCH: ``changes`` (null for a text: empty) over ``current``."""
    merged = dict(current)
    for name in FIELDS:
        if name in changes:
            value = changes[name]
            merged[name] = (False if name == SWITCH else "") if value is None else value
    return merged


# --- Pages ----------------------------------------------------------------------------------------

def warn_if_may_know(request: Any, record: Any) -> None:
    """After saving ``record``: the warning, on the page the worker lands on, when the interpreter may
    know the person or the trafficker."""
    from django.contrib import messages

    if getattr(record, "interpreter_may_know", False):
        messages.warning(request, WARNING)


def interpreter_text(values: Mapping[str, Any]) -> str:
    """The interpretation in one line, for a printout cell: "—" without an interpreter; else the language,
    the agency, the id (when the values carry it) and the answer, and the warning when they may know."""
    if not values.get(SWITCH):
        return "—"
    knows = values.get("interpreter_knows") or ""
    parts = [values.get("interpreter_language") or "", values.get("interpreter_agency") or "",
             values.get("interpreter_id") or "",
             str(InterpreterKnows(knows).label) if knows in InterpreterKnows.values else knows]
    text = " · ".join(p for p in parts if p)
    return f"{text} — {WARNING}" if may_know(values) else text


def demo_values(language: str, *, knows: str = InterpreterKnows.NO, agency: str = "") -> dict[str, Any]:
    """The interpretation of a synthetic record (``seed_demo``) in ``language``: an interpreter for any
    language but English and French, with the answer ``knows``."""
    if language in ("English", "French"):
        return {SWITCH: False}
    return {SWITCH: True, "interpreter_language": language, "interpreter_knows": str(knows),
            "interpreter_agency": agency}
