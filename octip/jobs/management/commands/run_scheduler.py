"""Enqueue the periodic jobs when they are due: ``manage.py run_scheduler`` (``--once`` for one
pass, e.g. from cron). Any number of schedulers may run: each run is claimed in the database."""

from __future__ import annotations

import signal
import time
from typing import Any

from django.core.management.base import BaseCommand
from django.db import close_old_connections

from octip.jobs.services import tick


class Command(BaseCommand):
    help = "Enqueue the periodic jobs that are due (settings.OCTIP_PERIODIC_JOBS)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--once", action="store_true", help="One pass, then exit.")
        parser.add_argument("--interval", type=float, default=15.0, help="Seconds between passes.")

    def handle(self, *args: Any, **options: Any) -> None:
        running = True

        def stop(signum: int, frame: object) -> None:
            nonlocal running
            running = False

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        while True:
            close_old_connections()
            for name in tick():
                self.stdout.write(f"enqueued {name}")
            if options["once"] or not running:
                return
            slept = 0.0
            while running and slept < options["interval"]:
                time.sleep(0.5)
                slept += 0.5
            if not running:
                return
