from django.apps import AppConfig


class ScreeningConfig(AppConfig):
    name = "octip.screening"
    label = "screening"
    verbose_name = "Screening"
    #: (url name, label, permission or None): entries of the staff navigation (see core.context_processors).
    navigation: list = []
