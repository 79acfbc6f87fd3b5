"""Releases and the privacy-budget ledger. Both are append-only: a row is written once, by
``stats.services``, and never changed or deleted (``save`` of an existing row and ``delete``
raise)."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AppendOnly(models.Model):
    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ValueError(f"{type(self).__name__} rows are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise ValueError(f"{type(self).__name__} rows are append-only.")


class ReleaseKind(models.TextChoices):
    CTDC = "ctdc", _("CTDC case-level file (k-anonymized)")
    AGGREGATE = "aggregate", _("Aggregate tables (CSV and XLSX)")
    ANNUAL = "annual", _("Annual report (PDF)")
    HTCDS = "htcds", _("HTCDS case-level files (k-anonymized)")


class ReleaseQuerySet(models.QuerySet["Release"]):
    pass


class Release(AppendOnly):
    """One de-identified release: what was asked, with what protection, and the files it wrote."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    reference = models.CharField(_("reference"), max_length=40, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=ReleaseKind.choices)
    period = models.PositiveSmallIntegerField(_("period (year)"))
    parameters = models.JSONField(default=dict)
    k = models.PositiveSmallIntegerField()
    seed = models.CharField(max_length=24, help_text="The rounding seed (a 63-bit integer, as text).")
    epsilon = models.FloatField(null=True, blank=True)
    delta = models.FloatField(null=True, blank=True)
    suppression = models.JSONField(default=dict)
    software = models.JSONField(default=dict)
    row_count = models.PositiveIntegerField(default=0)
    #: Cases of the period left out for want of an active de-identified statistics consent.
    left_out = models.PositiveIntegerField(default=0)
    #: [{"name", "sha256", "size"}] of each file written, the manifest last (without its own hash).
    files = models.JSONField(default=list)
    directory = models.CharField(max_length=500)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    objects = ReleaseQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("statistical release")

    def __str__(self) -> str:
        return self.reference


class BudgetSpend(AppendOnly):
    """One spend of a dataset-year's privacy budget: who, when, which query, how much ε."""

    dataset = models.CharField(max_length=40)
    year = models.PositiveSmallIntegerField()
    epsilon = models.FloatField()
    delta = models.FloatField(default=0.0)
    query = models.CharField(max_length=200)
    release = models.ForeignKey(Release, on_delete=models.PROTECT, related_name="spends")
    spent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    spent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["spent_at", "id"]
        indexes = [models.Index(fields=["dataset", "year"])]

    def __str__(self) -> str:
        return f"{self.dataset} {self.year}: ε {self.epsilon}"
