from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "octip.cases"
    label = "cases"
    verbose_name = "Cases"
    #: (url name, label, permission or None): entries of the staff navigation (see core.context_processors).
    navigation: list = []
