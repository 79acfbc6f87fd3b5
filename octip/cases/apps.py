from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "octip.cases"
    label = "cases"
    verbose_name = _("Cases")
    #: (url name, label, permission or None): entries of the staff navigation (see core.context_processors).
    navigation: list = [
        ("cases:list", _("Cases"), "case.view"),
        ("cases:my_work", _("My work"), "case.view"),
        ("cases:intake", _("New intake"), "case.create"),
        ("cases:emergency_review_list", _("Emergency access review"), "audit.review_emergency_access"),
        ("cases:approvals", _("Approvals waiting"), "case.approve"),
        ("cases:reassign", _("Reassign a departing worker"), "case.reassign_departing"),
    ]
