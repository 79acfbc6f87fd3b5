"""``manage.py hsds_import PATH``: validate and upsert HSDS data, all or nothing."""

from django.core.management.base import BaseCommand, CommandError

from octip.directory import hsds
from octip.directory.importer import ImportRefused, import_path
from octip.directory.models import Visibility


class Command(BaseCommand):
    help = ("Import an HSDS 3.0 JSON document or list, or a tabular data package folder "
            "(datapackage.json and CSVs). Every object is validated first; nothing is written if any fails.")

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--kind", choices=sorted(hsds.KINDS),
                            help="The HSDS object a JSON file holds, when its name does not say.")
        parser.add_argument("--visibility", choices=Visibility.values,
                            help="Visibility of services this import creates (default: public). "
                                 "Use 'partners' for confidential services.")
        parser.add_argument("--dry-run", action="store_true", help="Validate and count, then write nothing.")

    def handle(self, *args, **options):
        try:
            report = import_path(options["path"], kind=options["kind"], visibility=options["visibility"],
                                 dry_run=options["dry_run"])
        except ImportRefused as refused:
            for problem in refused.problems:
                self.stderr.write(str(problem))
            raise CommandError(str(refused)) from refused
        for warning in report.warnings:
            self.stderr.write(f"warning: {warning}")
        kinds = sorted(set(report.created) | set(report.updated) | set(report.unchanged),
                       key=hsds.ORDER.index)
        for kind in kinds:
            self.stdout.write(f"{kind}: {report.created[kind]} created, {report.updated[kind]} updated, "
                              f"{report.unchanged[kind]} unchanged")
        totals = report.totals()
        prefix = "Dry run (nothing written): " if options["dry_run"] else ""
        self.stdout.write(self.style.SUCCESS(
            f"{prefix}{totals['created']} created, {totals['updated']} updated, {totals['unchanged']} unchanged."))
