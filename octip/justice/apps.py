from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JusticeConfig(AppConfig):
    name = "octip.justice"
    label = "justice"
    verbose_name = "Justice and immigration"
    #: (url name, label, permission or None): entries of the staff navigation (see core.context_processors).
    navigation: list = [
        ("justice:deadlines", _("Deadlines"), "justice.view"),
    ]

    def ready(self) -> None:
        from octip.cases.sections import register_content
        from octip.cases.timeline import register_labels
        from octip.consent.policy import register_police_objection
        from octip.consent.signals import consent_withdrawn

        from . import models
        from .receivers import on_consent_withdrawn
        from .selectors import justice_section_content, justice_section_held
        from .services import person_declines_police

        consent_withdrawn.connect(on_consent_withdrawn, dispatch_uid="justice.on_consent_withdrawn")
        register_content("justice", justice_section_content, holds=justice_section_held)
        register_police_objection(person_declines_police)
        # The case timeline tells of justice events in the reader's language by these labels.
        register_labels("police_purpose", models.ContactPurpose)
        register_labels("police_choice", models.PoliceChoice)
        register_labels("police_access_end", models.AccessEndCause)
        register_labels("court_date_kind", models.CourtDateKind)
        register_labels("aid_status", models.AidStatus)
        register_labels("status_kind", models.StatusKind)
        register_labels("letter_kind", models.LetterKind)
