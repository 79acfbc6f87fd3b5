"""Regions are data (``data/regions.yaml``); this loads them into the Region table."""

from __future__ import annotations

from pathlib import Path

import yaml

REGIONS_FILE = Path(__file__).resolve().parent / "data" / "regions.yaml"


def load_regions(region_model) -> None:
    """Create or update every region of the data file. Takes the model so migrations can pass theirs."""
    entries = yaml.safe_load(REGIONS_FILE.read_text(encoding="utf-8"))
    for position, entry in enumerate(entries):
        region_model.objects.update_or_create(code=entry["code"], defaults={
            "name": entry["name"], "name_fr": entry.get("name_fr", ""), "kind": entry["kind"],
            "position": position})
