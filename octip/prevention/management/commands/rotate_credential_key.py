"""Rotate the key that signs certificates. Old certificates keep verifying: the retired public key
stays in the JWKS (/.well-known/jwks.json).

In development the new key is added to the ring file under var/. With OCTIP_CREDENTIAL_SIGNING_KEYS set
(production), ``--print`` prints a new ``kid:key`` entry to append to it; restart, then run this command
once more without ``--print`` to mark the old key retired and publish the new one.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from octip.prevention import credentials, services


class Command(BaseCommand):
    help = "Rotate the Ed25519 key that signs certificates (old certificates still verify)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--print", action="store_true", help="Print a new kid:key entry for the environment.")

    def handle(self, *args: Any, print: bool = False, **options: Any) -> None:  # noqa: A002 - the option's name
        if print:
            kid = f"octip-{timezone.now():%Y%m%d}-{credentials.secrets.token_hex(3)}"
            self.stdout.write(f"{kid}:{credentials.new_signing_key()}")
            self.stderr.write("Append it (comma-separated, last) to OCTIP_CREDENTIAL_SIGNING_KEYS, restart, then run "
                              "this command again without --print.")
            return
        if settings.OCTIP_CREDENTIAL_SIGNING_KEYS:
            credentials.reset_ring()
            credentials.register_ring_keys()
            self.stdout.write(f"Signing with {credentials.ring().current_kid}; older keys are retired and stay "
                              "published.")
            return
        try:
            kid = services.rotate_signing_key(actor=None)
        except Exception as error:  # noqa: BLE001 - shown to the operator
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS(f"New signing key {kid}; the old one stays in the JWKS."))
