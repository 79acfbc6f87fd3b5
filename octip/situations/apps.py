from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SituationsConfig(AppConfig):
    name = "octip.situations"
    label = "situations"
    verbose_name = _("Situations")
    #: (url name, label, permission or None): entries of the staff navigation (see core.context_processors).
    navigation: list = [
        ("situations:list", _("Situations"), "situation.view"),
    ]

    def ready(self) -> None:
        from octip.cases.timeline import register_labels
        from octip.cases.views import register_case_block
        from octip.hotline.signals import contact_logged

        from .models import SituationKind
        from .receivers import on_contact_logged
        from .views import case_block

        # The 24/7 line tells of a logged contact; this app looks for a person of interest's phone in it.
        contact_logged.connect(on_contact_logged, dispatch_uid="situations.on_contact_logged")
        register_labels("situation_kind", SituationKind)
        # The case page shows the situations of a case through this block (cases imports nothing of ours).
        register_case_block(case_block)
