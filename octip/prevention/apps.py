from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PreventionConfig(AppConfig):
    name = "octip.prevention"
    label = "prevention"
    verbose_name = _("Prevention and education")
    #: (url name, label, permission or None): entries of the staff navigation (see core.context_processors).
    navigation: list = [
        ("prevention:courses", _("Courses"), "prevention.manage"),
        ("prevention:outreach", _("Outreach"), "prevention.manage"),
        ("prevention:practices", _("Practices library"), "prevention.curate_practices"),
    ]

    def ready(self) -> None:
        from . import checks  # noqa: F401 - registers the system checks
