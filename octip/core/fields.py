"""Encrypted model fields. Values are encrypted on the way into the database and decrypted on
the way out; the database only ever holds ciphertext.

Encrypted columns cannot be filtered or ordered on (every encryption of a value differs): store a
blind index beside the field for exact-match lookup (``octip.core.crypto.blind_index``).
"""

from __future__ import annotations

import datetime
import json
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.lookups import Lookup
from django.utils.dateparse import parse_date

from . import crypto

if TYPE_CHECKING:
    # The mixin is only ever mixed into a Field; saying so lets the checker see self.model, self.name...
    _FieldBase = models.Field[Any, Any]
else:
    _FieldBase = object


class EncryptedMixin(_FieldBase):
    """Encrypts ``to_text(value)`` under the key ring; the column is text of any length."""

    encrypted = True

    def context(self) -> str:
        return f"{self.model._meta.label_lower}.{self.name}"

    def get_internal_type(self) -> str:
        return "TextField"

    def to_text(self, value: Any) -> str:
        return str(value)

    def from_text(self, text: str) -> Any:
        return text

    def get_prep_value(self, value: Any) -> Any:
        value = self.to_python(value)
        if value is None or value == "":
            return value
        return crypto.encrypt(self.to_text(value), self.context())

    def get_db_prep_value(self, value: Any, connection: Any, prepared: bool = False) -> Any:
        return value if prepared else self.get_prep_value(value)

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if value is None or value == "":
            return value
        return self.from_text(crypto.decrypt(value, self.context()))

    def get_lookup(self, lookup_name: str) -> type[Lookup[Any]] | None:
        # Only emptiness can be asked of ciphertext; anything else would silently match nothing.
        if lookup_name != "isnull":
            return None
        return super().get_lookup(lookup_name)


class EncryptedText(EncryptedMixin, models.TextField):
    """A text field stored encrypted. ``max_length`` is enforced on the plaintext in forms."""


class EncryptedChar(EncryptedMixin, models.CharField):
    """A short text field stored encrypted; the column is unbounded text."""

    def db_parameters(self, connection: Any) -> dict[str, Any]:
        return {"type": connection.data_types["TextField"], "check": None}

    def get_internal_type(self) -> str:
        return "TextField"


class EncryptedDate(EncryptedMixin, models.DateField):
    """A date stored encrypted (ISO 8601 text inside the ciphertext)."""

    def to_text(self, value: datetime.date) -> str:
        return value.isoformat()

    def from_text(self, text: str) -> datetime.date | None:
        return parse_date(text)


class EncryptedJSON(EncryptedMixin, models.TextField):
    """A JSON value (list or object) stored encrypted."""

    if TYPE_CHECKING:
        # django-stubs reads a field's Python type from these: a list or an object here, not text.
        _pyi_private_set_type: Any
        _pyi_private_get_type: Any

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str) and value and not value.startswith(crypto.PREFIX):
            try:
                return json.loads(value)
            except ValueError as bad:
                raise ValidationError("Enter valid JSON.") from bad
        return value

    def to_text(self, value: Any) -> str:
        return json.dumps(value, ensure_ascii=False, sort_keys=True)

    def from_text(self, text: str) -> Any:
        return json.loads(text)

    def get_prep_value(self, value: Any) -> Any:
        if value is None:
            return None
        return crypto.encrypt(self.to_text(value), self.context())

    def value_to_string(self, obj: models.Model) -> str:
        return self.to_text(self.value_from_object(obj))


def encrypted_fields(model: type[models.Model]) -> list[models.Field[Any, Any]]:
    return [f for f in model._meta.concrete_fields if getattr(f, "encrypted", False)]


def blind_indexed_models() -> list[type[models.Model]]:
    """Every model with blind-index columns. It says so with ``index_key_id`` (the blind-index key
    version its indexes were made under), ``refresh_indexes()`` and ``INDEXED_FIELDS`` (its own index
    columns), and, when some of its indexes are rows of another table, a ``reindexed(rows)`` classmethod
    that rewrites them (``cases.Person``: its names' search tokens, ``cases.search_index``).
    ``manage.py rotate_blind_index_key`` and the backup manifest read them."""
    from django.apps import apps

    found = [model for model in apps.get_models()
             if "index_key_id" in {f.name for f in model._meta.concrete_fields}
             and hasattr(model, "refresh_indexes") and hasattr(model, "INDEXED_FIELDS")]
    return sorted(found, key=lambda m: m._meta.label_lower)
