from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReferralsConfig(AppConfig):
    name = "octip.referrals"
    label = "referrals"
    verbose_name = "Referrals"
    #: (url name, label, permission or None): entries of the staff navigation (see core.context_processors).
    navigation: list = [
        ("referrals:inbox", _("Referrals"), "case.view"),
    ]

    def ready(self) -> None:
        from octip.cases.timeline import register_labels
        from octip.consent.signals import consent_withdrawn

        from .models import ReferralStatus, TransferStatus, Urgency
        from .receivers import on_consent_withdrawn

        consent_withdrawn.connect(on_consent_withdrawn, dispatch_uid="referrals.on_consent_withdrawn")
        # The case timeline tells of referrals and transfers in the reader's language by these labels.
        register_labels("urgency", Urgency)
        register_labels("referral_status", ReferralStatus)
        register_labels("transfer_status", TransferStatus)
