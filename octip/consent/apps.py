from django.apps import AppConfig


class ConsentConfig(AppConfig):
    name = "octip.consent"
    label = "consent"
    verbose_name = "Consent"
    #: (url name, label, permission or None): entries of the staff navigation (see core.context_processors).
    navigation: list = []

    def ready(self) -> None:
        from octip.cases.timeline import register_labels

        from .models import ConsentScope, DisclosureBasis, section_label

        # The case timeline tells of consents and disclosures in the reader's language by these labels.
        register_labels("consent_scope", ConsentScope)
        register_labels("disclosure_basis", DisclosureBasis)
        register_labels("sections", lambda names: ", ".join(section_label(name) for name in sorted(names)))
