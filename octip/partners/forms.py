from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from octip.core.roles import ROLES

from .models import Organization, Team, User


class EmailLoginForm(AuthenticationForm):
    username = forms.EmailField(label=_("Email"), widget=forms.EmailInput(
        attrs={"autocomplete": "username", "autofocus": True}))
    password = forms.CharField(label=_("Password"), strip=False,
                               widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))

    error_messages = {
        "invalid_login": _("That email and password do not match an active account. "
                           "After several failed attempts the account is locked for a while."),
        "inactive": _("This account is inactive. Ask your organization's administrator."),
        "organization_inactive": _("Your organization's access to the platform is suspended. Ask the "
                                   "coordinating office."),
    }

    def confirm_login_allowed(self, user) -> None:
        super().confirm_login_allowed(user)
        if not user.organization.is_active:
            raise forms.ValidationError(self.error_messages["organization_inactive"], code="organization_inactive")


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"), max_length=20,
        help_text=_("The 6-digit code from your authenticator app, or one of your recovery codes."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}))


class TokenForm(forms.Form):
    name = forms.CharField(label=_("Token name"), max_length=100)
    days = forms.IntegerField(label=_("Valid for (days)"), min_value=1, max_value=366, initial=90)


ROLE_HELP = _("A role that reads identifying data (such as caseworker, 24/7 line operator or coordinator) takes "
              "effect only when a coordinator approves it.")


class StaffAccountForm(forms.Form):
    email = forms.EmailField(label=_("Email"), help_text=_(
        "The person's own address: their password link goes there. Not yours, and not a shared mailbox."))
    full_name = forms.CharField(label=_("Full name"), max_length=200)
    organization = forms.ModelChoiceField(label=_("Organization"), queryset=Organization.objects.none())
    role = forms.ChoiceField(label=_("Role"), choices=[], help_text=ROLE_HELP)
    teams = forms.ModelMultipleChoiceField(label=_("Teams"), queryset=Team.objects.none(), required=False,
                                           widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, actor: User, assignable_roles: frozenset[str], **kwargs):
        super().__init__(*args, **kwargs)
        organizations = Organization.objects.filter(is_active=True)
        if actor.role != "system_admin":
            organizations = organizations.filter(pk=actor.organization_id)
        self.fields["organization"].queryset = organizations
        self.fields["organization"].initial = actor.organization_id
        self.fields["teams"].queryset = Team.objects.filter(organization__in=organizations).select_related(
            "organization")
        self.fields["role"].choices = [(r.id, r.label) for r in ROLES.values() if r.id in assignable_roles]


class StaffAccountUpdateForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=[], help_text=ROLE_HELP)
    teams = forms.ModelMultipleChoiceField(label=_("Teams"), queryset=Team.objects.none(), required=False,
                                           widget=forms.CheckboxSelectMultiple)
    is_active = forms.BooleanField(label=_("Active"), required=False)

    def __init__(self, *args, account: User, assignable_roles: frozenset[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["teams"].queryset = Team.objects.filter(organization=account.organization)
        self.fields["role"].choices = [(r.id, r.label) for r in ROLES.values()
                                       if r.id in assignable_roles or r.id == account.role]


class RoleGrantRefusalForm(forms.Form):
    reason = forms.CharField(label=_("Reason (optional)"), max_length=500, required=False)


class RequiredApprovalsForm(forms.Form):
    """Which casework steps of the organization need a coordinator's approval."""

    requires_needs_approval = forms.BooleanField(
        label=_("The needs assessment needs a coordinator's approval"), required=False)
    requires_plan_approval = forms.BooleanField(
        label=_("The service plan needs a coordinator's approval"), required=False)
    requires_closure_approval = forms.BooleanField(
        label=_("Closing a case needs a coordinator's approval"), required=False,
        help_text=_("Without it, a caseworker's request closes the case at once."))
