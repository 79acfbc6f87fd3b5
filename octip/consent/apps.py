from django.apps import AppConfig


class ConsentConfig(AppConfig):
    name = "octip.consent"
    label = "consent"
    verbose_name = "Consent"
    #: (url name, label, permission or None): entries of the staff navigation (see core.context_processors).
    navigation: list = []

    def ready(self) -> None:
        from octip.cases.sections import register_reader_content
        from octip.cases.timeline import register_labels

        from .models import ConsentScope, DisclosureBasis, section_label
        from .selectors import consents_section_for_printing

        # The printable case summary shows the consents a reader may read, asked of this app.
        register_reader_content("consents", lambda reader, case, chosen: consents_section_for_printing(
            reader=reader, case=case))

        # The case timeline tells of consents and disclosures in the reader's language by these labels.
        register_labels("consent_scope", ConsentScope)
        register_labels("disclosure_basis", DisclosureBasis)
        register_labels("sections", lambda names: ", ".join(section_label(name) for name in sorted(names)))
