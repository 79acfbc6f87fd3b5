"""Core's own tables: the audit log (append-only, hash-chained), and the base of every record that is
edited by more than one person at a time (``VersionedModel``)."""

from __future__ import annotations

from typing import Any, NoReturn

from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    """Append-only: the ORM offers no way to change or remove an event."""

    def update(self, **kwargs: Any) -> NoReturn:  # noqa: ARG002
        raise TypeError("Audit events are append-only.")

    def delete(self) -> NoReturn:
        raise TypeError("Audit events are append-only.")


class AuditEvent(models.Model):
    """One entry of the hash-chained audit log. Write only through ``octip.core.audit.record``.

    ``hash`` is SHA-256 over ``prev_hash`` and the canonical JSON of the event's own fields, so
    altering or removing any row breaks the chain at that row (``manage.py verify_audit``).
    """

    seq = models.PositiveBigIntegerField(unique=True)
    occurred_at = models.DateTimeField(db_index=True)
    actor_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    actor_email = models.CharField(max_length=254, blank=True)
    organization_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    action = models.CharField(max_length=80, db_index=True)
    target_type = models.CharField(max_length=80, blank=True, db_index=True)
    target_id = models.CharField(max_length=80, blank=True, db_index=True)
    purpose = models.TextField(blank=True)
    detail = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["seq"]
        verbose_name = _("audit event")

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.target_type}:{self.target_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise TypeError("Audit events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise TypeError("Audit events are append-only.")


class AuditCheckpoint(models.Model):
    """A signed checkpoint of the audit log's Merkle tree (``octip.core.checkpoints``). Append-only like
    the events; each is also exported outside the database, which is what makes it worth keeping:
    whoever can write the database could write this table too."""

    tree_size = models.PositiveBigIntegerField(unique=True)
    root_hash = models.CharField(max_length=64)
    last_hash = models.CharField(max_length=64)
    timestamp = models.CharField(max_length=40)
    key_id = models.CharField(max_length=16)
    signature = models.TextField()
    #: The compact range of the tree at this size (hex), to extend it without reading older events.
    frontier = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["tree_size"]

    def __str__(self) -> str:
        return f"checkpoint {self.tree_size}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise TypeError("Audit checkpoints are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise TypeError("Audit checkpoints are append-only.")


class VersionedModel(models.Model):
    """An editable record that refuses a save that lost a race (see ``core.versioning``)."""

    version = models.PositiveIntegerField(default=1)

    class Meta:
        abstract = True
