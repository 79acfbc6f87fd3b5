from django.conf import settings
from django.core.management.base import BaseCommand

from octip.partners.demo import DEMO_PASSWORD, demo_accounts


class Command(BaseCommand):
    help = "Print how to sign in to the demo: one account per role, the password, and the MFA setting."

    def add_arguments(self, parser):
        parser.add_argument("--url", default="http://127.0.0.1:8000/")

    def handle(self, *args, url: str, **options):
        self.stdout.write("")
        self.stdout.write(f"OCTIP Platform demo: {url}  (staff sign-in: {url.rstrip('/')}/accounts/login/)")
        self.stdout.write(f"Every demo account's password: {DEMO_PASSWORD}")
        for role, email, organization in demo_accounts():
            self.stdout.write(f"  {role:<17} {email:<40} {organization}")
        if settings.OCTIP_REQUIRE_MFA:
            self.stdout.write("MFA: enforced — each account enrols an authenticator app at first sign-in.")
        else:
            self.stdout.write("MFA: NOT enforced — switched off for this demo (OCTIP_REQUIRE_MFA=0). "
                              "Production always enforces it.")
        self.stdout.write("")
