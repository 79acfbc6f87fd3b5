from django.apps import AppConfig


class ConsentConfig(AppConfig):
    name = "octip.consent"
    label = "consent"
    verbose_name = "Consent"
    #: (url name, label, permission or None): entries of the staff navigation (see core.context_processors).
    navigation: list = []
