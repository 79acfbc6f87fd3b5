from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReferralsConfig(AppConfig):
    name = "octip.referrals"
    label = "referrals"
    verbose_name = "Referrals"
    #: (url name, label, permission or None): entries of the staff navigation (see core.context_processors).
    navigation: list = [
        ("referrals:inbox", _("Referrals"), "case.view"),
        ("referrals:notifications", _("Notifications"), None),
    ]

    def ready(self) -> None:
        from octip.consent.signals import consent_withdrawn

        from .receivers import on_consent_withdrawn

        consent_withdrawn.connect(on_consent_withdrawn, dispatch_uid="referrals.on_consent_withdrawn")
