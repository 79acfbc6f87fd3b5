from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnersConfig(AppConfig):
    name = "octip.partners"
    label = "partners"
    verbose_name = "Partners"
    navigation = [
        ("app:home", _("Home"), None),
        ("app:staff_list", _("Staff accounts"), "user.view"),
        ("app:role_grants", _("Role requests"), "user.view"),
        ("app:approval_settings", _("Approvals required"), "organization.set_approvals"),
        ("app:profile", _("My profile"), None),
    ]
