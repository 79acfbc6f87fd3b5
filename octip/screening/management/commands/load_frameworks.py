from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from octip.screening.definition import InvalidFramework
from octip.screening.loader import load_frameworks
from octip.screening.models import Framework


class Command(BaseCommand):
    help = ("Load the screening frameworks from octip/screening/frameworks/*.yaml "
            "(safe to run again: versions already loaded are left as they are).")

    def handle(self, *args, **options):
        try:
            with transaction.atomic():
                report = load_frameworks(Framework)
        except InvalidFramework as invalid:
            raise CommandError("No framework was loaded:\n- " + "\n- ".join(invalid.problems)) from None
        for label in report.created:
            self.stdout.write(f"Loaded {label}.")
        if report.unchanged:
            self.stdout.write(f"Already loaded: {', '.join(report.unchanged)}.")
        for label in report.conflicts:
            self.stderr.write(self.style.WARNING(
                f"{label} is already stored with a different definition; it was not changed. "
                "Bump `version` in the file to publish the correction."))
        self.stdout.write(self.style.SUCCESS(f"Frameworks: {len(report.created)} loaded, "
                                             f"{len(report.unchanged)} unchanged, {len(report.conflicts)} conflicts."))
