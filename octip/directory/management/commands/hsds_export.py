"""``manage.py hsds_export --format json|csv DIR``: the whole directory as HSDS 3.0."""

from django.core.management.base import BaseCommand, CommandError

from octip.directory.exporter import ExportInvalid, export


class Command(BaseCommand):
    help = ("Write the directory as HSDS 3.0: JSON (one list per table) or a tabular data package "
            "(datapackage.json and CSVs). Includes partners-only services: keep the files confidential.")

    def add_arguments(self, parser):
        parser.add_argument("directory")
        parser.add_argument("--format", choices=["json", "csv"], default="json")

    def handle(self, *args, **options):
        try:
            counts = export(options["directory"], fmt=options["format"])
        except ExportInvalid as invalid:
            raise CommandError(f"Export stopped, a record does not validate: {invalid}") from invalid
        for kind, count in counts.items():
            if count:
                self.stdout.write(f"{kind}: {count}")
        self.stdout.write(self.style.SUCCESS(f"Wrote {sum(counts.values())} records to {options['directory']}."))
