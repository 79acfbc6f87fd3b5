"""Sign-in, MFA, the profile page and staff-account administration."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordResetForm
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login

from octip.core.access import get_visible_or_404, require
from octip.core.roles import ROLES

from . import selectors, services
from .forms import (
    CodeForm,
    EmailLoginForm,
    RequiredApprovalsForm,
    RoleGrantRefusalForm,
    StaffAccountForm,
    StaffAccountUpdateForm,
    TokenForm,
)
from .models import ApiToken, RoleGrant, User


def _safe_next(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return target
    return default


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = EmailLoginForm
    redirect_authenticated_user = True


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    messages.info(request, _("You are signed out."))
    return redirect("accounts:login")


@login_required
@require_http_methods(["GET", "POST"])
def mfa_verify(request: HttpRequest) -> HttpResponse:
    if not services.has_confirmed_authenticator(request.user):
        return redirect("accounts:mfa_enrol")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = services.verify_second_factor(actor=request.user, code=form.cleaned_data["code"])
        if device is not None:
            otp_login(request, device)
            return redirect(_safe_next(request, reverse("app:home")))
        form.add_error("code", _("That code is not valid. Check your authenticator's time, or use a "
                                 "recovery code."))
    return render(request, "accounts/mfa_verify.html", {"form": form, "next": _safe_next(request, "")},
                  status=400 if form.errors else 200)


def _qr_svg(uri: str) -> str:
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    return image.to_string(encoding="unicode")


@login_required
@require_http_methods(["GET", "POST"])
def mfa_enrol(request: HttpRequest) -> HttpResponse:
    """Enrol (or re-enrol) an authenticator. Re-enrolment needs a session that already passed MFA."""
    enrolled = services.has_confirmed_authenticator(request.user)
    if enrolled and not request.user.is_verified():
        return redirect(f"{reverse('accounts:mfa_verify')}?next={reverse('accounts:mfa_enrol')}")
    device = services.pending_totp_device(request.user)
    if device is None or request.method == "GET" and request.GET.get("restart"):
        device = services.start_totp_enrolment(actor=request.user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = services.confirm_totp_enrolment(actor=request.user, device=device,
                                                code=form.cleaned_data["code"])
        if codes is not None:
            otp_login(request, device)
            return render(request, "accounts/recovery_codes.html", {"codes": codes, "next": _safe_next(
                request, reverse("app:home"))})
        form.add_error("code", _("That code does not match. Scan the code again or type the key, then "
                                 "enter the current 6-digit code."))
    context = {"form": form, "qr_svg": _qr_svg(device.config_url), "manual_key": services.manual_key(device),
               "re_enrolment": enrolled, "next": _safe_next(request, "")}
    return render(request, "accounts/mfa_enrol.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def recovery_codes_regenerate(request: HttpRequest) -> HttpResponse:
    if not request.user.is_verified():
        return redirect("accounts:mfa_verify")
    codes = services.regenerate_recovery_codes(actor=request.user)
    return render(request, "accounts/recovery_codes.html", {"codes": codes, "next": reverse("app:profile")})


@login_required
@require_POST
def logout_everywhere(request: HttpRequest) -> HttpResponse:
    services.log_out_everywhere(actor=request.user)
    logout(request)
    messages.info(request, _("You are signed out on every device."))
    return redirect("accounts:login")


class StaffPasswordResetForm(PasswordResetForm):
    """Also reaches new accounts, which have no usable password until they choose one here."""

    def get_users(self, email):
        return User.objects.filter(email__iexact=email.strip(), is_active=True)


class PasswordResetView(auth_views.PasswordResetView):
    form_class = StaffPasswordResetForm
    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/password_reset_email.txt"
    subject_template_name = "accounts/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")


# --- staff area -------------------------------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    token_form = TokenForm(request.POST or None)
    new_token = None
    if request.method == "POST":
        if token_form.is_valid():
            try:
                _row, new_token = services.create_api_token(actor=request.user, **token_form.cleaned_data)
            except ValidationError as invalid:
                token_form.add_error(None, invalid)
        status = 400 if token_form.errors else 201
    else:
        status = 200
    context = {"token_form": token_form, "new_token": new_token,
               "tokens": selectors.tokens_of(actor=request.user),
               "has_authenticator": services.has_confirmed_authenticator(request.user)}
    return render(request, "app/profile.html", context, status=status)


@login_required
@require_POST
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=token_id, user=request.user)
    services.revoke_api_token(actor=request.user, token=token)
    messages.success(request, _("Token revoked."))
    return redirect("app:profile")


def _assignable(actor: User) -> frozenset[str]:
    return frozenset(ROLES) if actor.role == "system_admin" else services.ORG_ADMIN_ASSIGNABLE


@login_required
def staff_list(request: HttpRequest) -> HttpResponse:
    require(request.user, "user.view")
    accounts = list(selectors.staff_visible_to(actor=request.user))
    holds = selectors.sign_in_holds_of([a.email for a in accounts])
    for account in accounts:
        account.sign_in_hold = holds.get(account.email)  # type: ignore[attr-defined]  # for the template
    return render(request, "app/staff_list.html", {"accounts": accounts})


@login_required
@require_http_methods(["GET", "POST"])
def staff_create(request: HttpRequest) -> HttpResponse:
    require(request.user, "user.manage")
    form = StaffAccountForm(request.POST or None, actor=request.user, assignable_roles=_assignable(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            account = services.create_user(actor=request.user, **form.cleaned_data)
        except ValidationError as invalid:
            form.add_error(None, invalid)
        else:
            messages.success(request, _("Account created for %(email)s. Ask them to set a password with "
                                        "'Forgot your password?'.") % {"email": account.email})
            _say_if_waiting(request, account)
            return redirect("app:staff_list")
    return render(request, "app/staff_form.html", {"form": form}, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def staff_edit(request: HttpRequest, user_id: int) -> HttpResponse:
    account = get_visible_or_404(User.objects.all(), request.user, pk=user_id)
    require(request.user, "user.manage", account)
    pending = selectors.pending_role_of(account)
    # A request still waiting is what the form shows: saving the form unchanged keeps it waiting.
    initial = {"role": pending.role if pending else account.role, "teams": list(account.teams.all()),
               "is_active": account.is_active}
    form = StaffAccountUpdateForm(request.POST or None, initial=initial, account=account,
                                  assignable_roles=_assignable(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            services.update_user(actor=request.user, user=account, **form.cleaned_data)
        except ValidationError as invalid:
            form.add_error(None, invalid)
        else:
            messages.success(request, _("Account updated."))
            _say_if_waiting(request, account)
            return redirect("app:staff_list")
    return render(request, "app/staff_edit.html", {"form": form, "account": account, "pending": pending},
                  status=400 if form.errors else 200)


def _say_if_waiting(request: HttpRequest, account: User) -> None:
    pending = selectors.pending_role_of(account)
    if pending is not None:
        messages.info(request, _(
            "The role %(role)s reads identifying data: it takes effect when a coordinator approves it, under "
            "'Role requests'. Until then the account keeps its current role.") % {"role": pending.role_def.label
                                                                                   if pending.role_def else
                                                                                   pending.role})


@login_required
@require_POST
def staff_unlock(request: HttpRequest, user_id: int) -> HttpResponse:
    account = get_visible_or_404(User.objects.all(), request.user, pk=user_id)
    services.unlock_user(actor=request.user, user=account)
    messages.success(request, _("%(email)s can sign in again.") % {"email": account.email})
    return redirect("app:staff_list")


@login_required
@require_POST
def staff_password_link(request: HttpRequest, user_id: int) -> HttpResponse:
    """Email the account a password link, at its address on file; nothing in the request chooses where."""
    account = get_visible_or_404(User.objects.all(), request.user, pk=user_id)
    try:
        services.send_password_link(actor=request.user, account=account, domain=request.get_host(),
                                    use_https=request.is_secure())
    except ValidationError as invalid:
        messages.error(request, " ".join(invalid.messages))
    else:
        messages.success(request, _("A password link was sent to %(email)s, the address on file.")
                         % {"email": account.email})
    return redirect("app:staff_edit", user_id=account.pk)


@login_required
def role_grants(request: HttpRequest) -> HttpResponse:
    """Role requests waiting for a coordinator, and the roles given recently: coordinators decide here,
    administrators follow their requests, auditors review every grant."""
    require(request.user, "user.view")
    pending = list(selectors.pending_role_grants(actor=request.user))
    context = {"pending": [(grant, services.may_decide(request.user, grant)) for grant in pending],
               "unfamiliar": selectors.unfamiliar_domains(pending),
               "recent": selectors.recent_role_grants(actor=request.user),
               "refusal_form": RoleGrantRefusalForm()}
    return render(request, "app/role_grants.html", context)


@login_required
@require_POST
def role_grant_approve(request: HttpRequest, grant_id: int) -> HttpResponse:
    grant = get_visible_or_404(RoleGrant.objects.all(), request.user, pk=grant_id)
    try:
        account = services.approve_role_grant(actor=request.user, grant=grant)
    except ValidationError as invalid:
        messages.error(request, " ".join(invalid.messages))
    else:
        messages.success(request, _("%(name)s now has the role %(role)s.") % {
            "name": account.full_name, "role": account.role_def.label if account.role_def else account.role})
    return redirect("app:role_grants")


@login_required
@require_POST
def role_grant_refuse(request: HttpRequest, grant_id: int) -> HttpResponse:
    grant = get_visible_or_404(RoleGrant.objects.all(), request.user, pk=grant_id)
    form = RoleGrantRefusalForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors["reason"]))
        return redirect("app:role_grants")
    try:
        services.refuse_role_grant(actor=request.user, grant=grant, reason=form.cleaned_data["reason"])
    except ValidationError as invalid:
        messages.error(request, " ".join(invalid.messages))
    else:
        messages.success(request, _("The request was refused; %(name)s keeps their current role.")
                         % {"name": grant.account.full_name})
    return redirect("app:role_grants")


@login_required
def approval_settings(request: HttpRequest) -> HttpResponse:
    """The organization administrator's choice of which casework steps need a coordinator's approval."""
    require(request.user, "organization.set_approvals")
    organization = request.user.organization
    fields = services.APPROVAL_SETTINGS
    form = RequiredApprovalsForm(request.POST or None, initial={
        field: getattr(organization, field) for field in fields.values()})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.set_required_approvals(actor=request.user, organization=organization, required={
                    subject: form.cleaned_data[field] for subject, field in fields.items()})
            except ValidationError as invalid:
                form.add_error(None, invalid)
                status = 400
            else:
                messages.success(request, _("The approvals your organization requires are saved."))
                return redirect("app:approval_settings")
        else:
            status = 400
    return render(request, "app/approval_settings.html", {"form": form, "organization": organization},
                  status=status)
