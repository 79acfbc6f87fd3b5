from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "octip.core"
    label = "core"
    verbose_name = "Core"
    navigation = [("app:audit_log", _("Audit log"), "audit.view")]

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from . import checks, signals  # noqa: F401  (system checks; audit of logins and MFA events)
        from .private_files import create_database_files, make_database_files_private

        create_database_files()
        connection_created.connect(make_database_files_private, dispatch_uid="octip.private_database_files")

        _keep_secrets_out_of_the_admin()


def _keep_secrets_out_of_the_admin() -> None:
    """The Django admin bypasses scope and audit, so it holds reference data only: no MFA secrets
    (a TOTP key or recovery code shown there is a second factor handed over), no permission groups
    (roles live in core/roles.py)."""
    from django.contrib import admin
    from django.contrib.auth.models import Group
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice

    for model in (TOTPDevice, StaticDevice, Group):
        if admin.site.is_registered(model):
            admin.site.unregister(model)
