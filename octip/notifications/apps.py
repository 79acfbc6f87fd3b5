from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "octip.notifications"
    label = "notifications"
    verbose_name = _("Notifications")
    #: (url name, label, permission or None): entries of the staff navigation (see core.context_processors).
    navigation: list = [
        ("notifications:list", _("Notifications"), None),
    ]
