"""System checks of the platform's own configuration (``manage.py check``, run by ``runserver`` and
``migrate`` too). Production also refuses these at settings load (octip/settings.py), so that a worker
process that never runs the checks does not start either."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, register
from django.core.checks import Warning as CheckWarning
from django.core.files.storage import storages

from .crypto import key_ring_problems
from .private_files import readable_by_others

KEY_HINT = ('Make a key with: python -c "from octip.core.crypto import new_key; print(new_key())". '
            "The key ring is OCTIP_FIELD_KEYS=k1:<key>,k2:<key> (the last one encrypts new values).")


@register(Tags.security)
def check_key_ring(app_configs: Sequence[AppConfig] | None = None, **kwargs: Any) -> list[CheckMessage]:
    """The field-encryption key ring and the blind-index key, as configured or in the development key
    file: each problem an error that names it (never the key). A missing key file is no problem: it is
    generated on first use, outside production."""
    field_spec, index_spec = settings.OCTIP_FIELD_KEYS, settings.OCTIP_BLIND_INDEX_KEY
    where = "OCTIP_FIELD_KEYS / OCTIP_BLIND_INDEX_KEY"
    if not field_spec or not index_spec:
        path = settings.OCTIP_KEY_FILE
        if not path.exists():
            return []
        where = str(path)
        try:
            stored = json.loads(path.read_text())
            field_spec = field_spec or str(stored["field_keys"])
            index_spec = index_spec or str(stored["blind_index_key"])
        except (OSError, ValueError, KeyError, TypeError):
            return [Error(f"The key file {where} cannot be read as the key file this platform writes.",
                          hint=KEY_HINT, id="octip.E001")]
    return [Error(f"{problem} ({where})", hint=KEY_HINT, id="octip.E001")
            for problem in key_ring_problems(field_spec, index_spec)]


@register(Tags.security)
def check_private_folders(app_configs: Sequence[AppConfig] | None = None, **kwargs: Any) -> list[CheckMessage]:
    """The var folder (database, key file) and the uploads folder, when they already exist from an
    older version that made them readable by other users. New ones are created 0700."""
    folders = [settings.VAR_DIR]
    location = getattr(storages["default"], "location", None)  # a file-system storage's folder
    if location:
        folders.append(Path(location))
    return [CheckWarning(f"{folder} can be read by other users of this machine: it holds survivors' records.",
                    hint=f"chmod 700 {folder}", id="octip.W001")
            for folder in folders if folder.is_dir() and readable_by_others(folder)]
