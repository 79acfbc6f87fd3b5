from django.apps import AppConfig


class HotlineConfig(AppConfig):
    name = "octip.hotline"
    label = "hotline"
    verbose_name = "Hotline"
    #: (url name, label, permission or None): entries of the staff navigation (see core.context_processors).
    navigation: list = []
