from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StatsConfig(AppConfig):
    name = "octip.stats"
    label = "stats"
    verbose_name = _("Statistics")
    #: (url name, label, permission or None): entries of the staff navigation (see core.context_processors).
    navigation: list = [
        ("stats:dashboard", _("Statistics"), "stats.view"),
    ]
