"""``manage.py audit_proof EVENT_ID``: an inclusion proof for one audit event, as JSON."""

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from octip.core.checkpoints import consistency_proof, inclusion_proof
from octip.core.models import AuditEvent


class Command(BaseCommand):
    help = ("Print the proof that an audit event is in the log as a signed checkpoint states it "
            "(or, with --consistency SIZE, that the checkpoint of SIZE is a prefix of the newest). "
            "Verify it anywhere with tools/verify_checkpoint.py.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("event_id", nargs="?", type=int, help="The audit event's id.")
        parser.add_argument("--consistency", type=int, metavar="SIZE", default=None,
                            help="Prove the checkpoint of this tree size consistent with the newest instead.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["consistency"] is not None:
                proof = consistency_proof(options["consistency"])
            elif options["event_id"] is None:
                raise CommandError("Give an audit event id, or --consistency SIZE.")
            else:
                event = AuditEvent.objects.filter(pk=options["event_id"]).first()
                if event is None:
                    raise CommandError(f"No audit event has the id {options['event_id']}.")
                proof = inclusion_proof(event)
        except LookupError as missing:
            raise CommandError(str(missing)) from missing
        self.stdout.write(json.dumps(proof, indent=2))
