"""Make a de-identified statistical release from the command line.

    manage.py stats_release --kind ctdc|htcds|aggregate|annual --period YEAR --out DIR --user EMAIL
                            [--epsilon E] [--delta D] [--k K]

``--user`` names the staff account (holding ``stats.release``) the release is made and audited as.
A refusal exits non-zero with the reason and writes nothing.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from octip.partners.models import User
from octip.stats.services import create_release


class Command(BaseCommand):
    help = "Make a de-identified statistical release (ctdc, htcds, aggregate or annual) into a new folder."

    def add_arguments(self, parser):
        parser.add_argument("--kind", required=True, help="ctdc, htcds, aggregate or annual")
        parser.add_argument("--period", required=True, help="the year")
        parser.add_argument("--out", required=True, help="a new or empty folder")
        parser.add_argument("--user", required=True, help="e-mail of the staff account making the release")
        parser.add_argument("--epsilon", default=None, help="differential privacy: the ε this release spends")
        parser.add_argument("--delta", default=None)
        parser.add_argument("--k", default=None, help="the smallest count shown (default: OCTIP_STATS_K, 11)")

    def handle(self, *args, **options):
        user = User.objects.filter(email__iexact=options["user"], is_active=True).first()
        if user is None:
            raise CommandError(f"No active staff account {options['user']}.")
        try:
            release = create_release(actor=user, kind=options["kind"], period=options["period"], k=options["k"],
                                     epsilon=options["epsilon"], delta=options["delta"], out=options["out"])
        except ValidationError as exc:
            messages = [f"{field}: {' '.join(errs)}" for field, errs in exc.message_dict.items()] \
                if hasattr(exc, "error_dict") else exc.messages
            raise CommandError("Release refused. " + " ".join(messages)) from exc
        except PermissionDenied as exc:
            raise CommandError(f"Release refused: {user.email} may not publish statistical releases "
                               "(stats.release).") from exc
        self.stdout.write(f"Release {release.reference} ({release.id}): {release.row_count} rows, "
                          f"files in {release.directory}")
