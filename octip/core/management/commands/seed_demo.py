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
from django.core.management.base import BaseCommand
from django.db import transaction
from faker import Faker

SEED = 20070401


class Command(BaseCommand):
    help = "Create synthetic demo data (safe to run again: nothing is duplicated)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--scale", type=int, default=None,
                            help="Generate this many synthetic cases (for benchmarks) instead of the default.")

    def handle(self, *args: Any, scale: int | None, **options: Any) -> None:
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
        for module in sorted(modules, key=lambda m: m.ORDER):
            Faker.seed(SEED)
            random.seed(SEED)
            with transaction.atomic():
                module.seed(scale=scale, stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo data ready."))
