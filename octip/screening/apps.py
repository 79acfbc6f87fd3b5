from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScreeningConfig(AppConfig):
    name = "octip.screening"
    label = "screening"
    verbose_name = "Screening"
    #: (url name, label, permission or None): entries of the staff navigation (see core.context_processors).
    navigation: list = [
        ("screening:index", _("Screening"), "screening.use"),
        ("screening:frameworks", _("Screening frameworks"), "screening.use"),
    ]
