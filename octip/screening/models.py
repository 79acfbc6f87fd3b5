"""Screening frameworks (versioned data) and saved screenings."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Max, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from octip.core.access import ScopedQuerySet, teammate_ids
from octip.core.fields import EncryptedJSON
from octip.core.roles import Scope


class FrameworkStatus(models.TextChoices):
    PROVISIONAL = "provisional", _("Provisional")
    VERIFIED = "verified", _("Verified")


class FrameworkSource(models.TextChoices):
    FILE = "file", _("Data file in the repository")
    APP = "app", _("Published in the app")


class FrameworkQuerySet(models.QuerySet):
    def current(self) -> FrameworkQuerySet:
        """The latest version of each framework."""
        latest = (type(self)(self.model).filter(slug=OuterRef("slug")).values("slug")
                  .annotate(top=Max("version")).values("top"))
        return self.filter(version=Subquery(latest))


class Framework(models.Model):
    """One version of a screening framework. Versions are never changed: a correction is a new row,
    so a screening always keeps the exact version it was scored with."""

    slug = models.SlugField(_("framework id"), max_length=60)
    version = models.PositiveIntegerField(_("version"))
    status = models.CharField(_("status"), max_length=20, choices=FrameworkStatus.choices)
    title = models.CharField(_("title"), max_length=200)
    definition = models.JSONField(_("definition"))
    source = models.CharField(_("source"), max_length=10, choices=FrameworkSource.choices,
                              default=FrameworkSource.FILE)
    change_note = models.TextField(_("what changed"), blank=True)
    published_at = models.DateTimeField(_("published at"), default=timezone.now)
    #: Empty for versions loaded from the repository's data files.
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+", verbose_name=_("published by"))

    objects = FrameworkQuerySet.as_manager()

    class Meta:
        ordering = ["slug", "-version"]
        constraints = [models.UniqueConstraint(fields=["slug", "version"], name="framework_unique_version")]
        verbose_name = _("screening framework")

    def __str__(self) -> str:
        return f"{self.slug} v{self.version}"

    def localized_title(self) -> str:
        title = self.definition.get("title", {})
        return title.get((get_language() or "en")[:2]) or title.get("en") or self.title


class AgeGroup(models.TextChoices):
    UNDER_18 = "under_18", _("Under 18")
    AGE_18 = "age_18", _("18 years old")
    ADULT = "adult_19_plus", _("19 or older")
    UNKNOWN = "unknown", _("Not sure")


#: Under 19 is a child in British Columbia (CFCSA s. 14): the duty to report applies.
DUTY_TO_REPORT_AGE_GROUPS = {AgeGroup.UNDER_18, AgeGroup.AGE_18, AgeGroup.UNKNOWN}


class ScreeningQuerySet(ScopedQuerySet):
    """Screenings are seen by their screener (own scope), their teammates (team), their organization
    (organization) or everyone holding ``screening.use`` with ``all`` scope."""

    view_permission = "screening.use"

    def scope_filter(self, user, scope: Scope) -> Q:
        if scope == Scope.ALL:
            return Q()
        if scope == Scope.ORGANIZATION:
            return Q(organization_id=user.organization_id)
        if scope == Scope.TEAM:
            return Q(screened_by_id=user.pk) | Q(screened_by_id__in=teammate_ids(user))
        return Q(screened_by_id=user.pk)


class Screening(models.Model):
    """A saved screening: the answers, scored by one framework version. Holds no name or contact
    details; the optional notes are encrypted because a screener might still write something
    identifying in them."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="screenings",
                                  verbose_name=_("framework"))
    age_group = models.CharField(_("age"), max_length=20, choices=AgeGroup.choices, default=AgeGroup.UNKNOWN)
    answers = EncryptedJSON(_("answers"))
    notes = EncryptedJSON(_("notes"), default=dict, blank=True)
    conclusion = models.CharField(_("conclusion"), max_length=20, db_index=True)
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, null=True, blank=True,
                             related_name="screenings", verbose_name=_("case"))
    screened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="screenings",
                                    verbose_name=_("screened by"))
    organization = models.ForeignKey("partners.Organization", on_delete=models.PROTECT,
                                     related_name="screenings", verbose_name=_("organization"))
    created_at = models.DateTimeField(_("screened at"), default=timezone.now, db_index=True)

    objects = ScreeningQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("screening")

    def __str__(self) -> str:
        return f"{self.framework.slug} · {self.created_at:%Y-%m-%d}"

    @property
    def duty_to_report(self) -> bool:
        return self.age_group in DUTY_TO_REPORT_AGE_GROUPS
