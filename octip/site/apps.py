from django.apps import AppConfig


class SiteConfig(AppConfig):
    name = "octip.site"
    label = "public_site"
    verbose_name = "Public site"

    def ready(self) -> None:
        from .languages import install

        install()
