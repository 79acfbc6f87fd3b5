"""One mechanism for the tables of blind-index tokens.

A protected row (a person, a person of interest, a 24/7 contact's reporter) is found by keyed hashes
of its names, phones or emails, one row each in a token table, under the key version ``key_id`` of
the row it finds. Each token table subclasses ``BlindIndexToken``, names the foreign key to that
row (``owner_field``) and says how the row's tokens are made (``tokens_of``); writing them after a
save and rewriting them after a key rotation is then ``replace_for``, the same for every table.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar, Self

from django.db import models, transaction

#: Rows per INSERT: a row has a handful of tokens, so a batch of rows is a few of these.
INSERT_BATCH = 2000


class BlindIndexToken(models.Model):
    """One blind index of a protected row, under the key version ``key_id``. Abstract."""

    kind = models.CharField(max_length=10)
    key_id = models.CharField(max_length=32)
    token = models.CharField(max_length=64)

    #: The name of the foreign key to the row these tokens find.
    owner_field: ClassVar[str] = ""

    class Meta:
        abstract = True

    @classmethod
    def tokens_of(cls, owner: Any) -> list[Self]:  # pragma: no cover - abstract
        """The tokens (unsaved) of one saved row, under that row's key version, each once."""
        raise NotImplementedError

    @classmethod
    def replace_for(cls, owners: Sequence[Any]) -> None:
        """Replace the tokens of these saved rows with the ones their fields give now. Call it after
        saving the rows' key version, in the same transaction (it opens one if there is none)."""
        if not owners:
            return
        rows = [token for owner in owners for token in cls.tokens_of(owner)]
        with transaction.atomic():
            cls._default_manager.filter(**{f"{cls.owner_field}__in": [owner.pk for owner in owners]}).delete()
            cls._default_manager.bulk_create(rows, batch_size=INSERT_BATCH)
