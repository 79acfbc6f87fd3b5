"""Synthetic demonstration data, idempotent and from a fixed seed.

Each app that has demo data provides ``octip.<app>.demo`` with ``ORDER`` (an int) and
``seed(*, scale, stdout)``; they run in ``ORDER``. Only synthetic people, ever.
"""

import importlib
import random
from argparse import ArgumentParser
from types import ModuleType
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from faker import Faker

SEED = 20070401


class Command(BaseCommand):
    help = "Create synthetic demo data (safe to run again: nothing is duplicated)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--scale", type=int, default=None,
                            help="Generate this many synthetic cases (for benchmarks) instead of the default.")

    def handle(self, *args: Any, scale: int | None, **options: Any) -> None:
        # The demo's staff accounts share a published password: they must never exist beside real records.
        if getattr(settings, "PRODUCTION", False):
            raise CommandError("seed_demo refuses to run in production (OCTIP_ENV=production): demo accounts share "
                               "a published password, and synthetic cases must not mix with real ones.")
        if scale is not None and scale < 0:
            self.stderr.write("--scale must be 0 or more.")
            raise SystemExit(2)
        modules: list[ModuleType] = []
        for config in apps.get_app_configs():
            if not config.name.startswith("octip."):
                continue
            try:
                modules.append(importlib.import_module(f"{config.name}.demo"))
            except ModuleNotFoundError as missing:
                if missing.name != f"{config.name}.demo":
                    raise
        modules.sort(key=lambda m: m.ORDER)
        # Every module that takes a part of the scale checks it before any module writes anything.
        for module in modules:
            if scale is not None and hasattr(module, "check_scale"):
                try:
                    module.check_scale(scale)
                except ValueError as bad:
                    raise CommandError(str(bad)) from None
        for module in modules:
            Faker.seed(SEED)
            random.seed(SEED)
            if scale is not None and getattr(module, "BATCHED_AT_SCALE", False):
                # It commits batch by batch so that a stopped run resumes: no transaction around it.
                module.seed(scale=scale, stdout=self.stdout)
                continue
            with transaction.atomic():
                module.seed(scale=scale, stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo data ready."))
