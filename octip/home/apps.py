from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HomeConfig(AppConfig):
    """The staff home page (``/app/``): the work waiting for each reader, counted through the apps'
    own doors. It sits above every app and no app imports it (import-linter says so)."""

    name = "octip.home"
    label = "home"
    verbose_name = _("Home")
