from django.core.management.base import BaseCommand, CommandError

from octip.partners.models import User
from octip.partners.services import create_api_token


class Command(BaseCommand):
    help = "Create a personal API token for EMAIL. The token is printed alone on the last line."

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--name", default="command line")
        parser.add_argument("--days", type=int, default=None)

    def handle(self, *args, email: str, name: str, days: int | None, **options):
        user = User.objects.filter(email__iexact=email.strip(), is_active=True).first()
        if user is None:
            raise CommandError(f"No active account has the email {email!r}.")
        try:
            token, raw = create_api_token(actor=user, name=name, days=days)
        except Exception as refused:  # noqa: BLE001 - shown to the operator as is
            raise CommandError(f"Cannot create a token for {email}: {refused}") from refused
        self.stdout.write(f"Token {token.prefix}… for {user.email}, expires {token.expires_at:%Y-%m-%d}.")
        self.stdout.write(raw)
