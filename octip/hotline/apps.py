from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HotlineConfig(AppConfig):
    name = "octip.hotline"
    label = "hotline"
    verbose_name = _("24/7 line")
    #: (url name, label, permission or None): entries of the staff navigation (see core.context_processors).
    navigation: list = [
        ("hotline:queue", _("24/7 queue"), "hotline.view"),
        ("hotline:on_call", _("On call"), "hotline.view"),
    ]

    def ready(self) -> None:
        # An intake can start from a contact: the cases app hands that request to this app's page
        # (cases knows nothing of the 24/7 line).
        from octip.cases.views import register_intake_origin

        from .views import INTAKE_CONTACT, intake_from_contact

        register_intake_origin(INTAKE_CONTACT, intake_from_contact)
