from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from octip.partners.models import User
from octip.partners.services import grant_role_from_command_line


class Command(BaseCommand):
    help = ("Give EMAIL the role ROLE from the server, without a second person: for the first coordinator of "
            "a new installation, who nobody could approve. Audited; the auditors are emailed.")

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("role")

    def handle(self, *args, email: str, role: str, **options):
        account = User.objects.filter(email__iexact=email.strip()).first()
        if account is None:
            raise CommandError(f"No account has the email {email!r}.")
        try:
            grant_role_from_command_line(account=account, role=role)
        except ValidationError as refused:
            raise CommandError(" ".join(refused.messages)) from refused
        self.stdout.write(f"{account.email} now has the role {role}.")
