from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "octip.core"
    label = "core"
    verbose_name = "Core"
    navigation = [("app:audit_log", _("Audit log"), "audit.view")]

    def ready(self) -> None:
        from . import signals  # noqa: F401  (audit of logins and MFA events)
