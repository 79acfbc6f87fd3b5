from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DirectoryConfig(AppConfig):
    name = "octip.directory"
    label = "directory"
    verbose_name = _("Directory")
    #: (url name, label, permission or None): entries of the staff navigation (see core.context_processors).
    navigation: list = [("directory:index", _("Service directory"), None)]
