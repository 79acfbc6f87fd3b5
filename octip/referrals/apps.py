from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "octip.referrals"
    label = "referrals"
    verbose_name = "Referrals"
    #: (url name, label, permission or None): entries of the staff navigation (see core.context_processors).
    navigation: list = []
