"""Synthetic consents for the consent and referral tests. Only synthetic people, ever."""

from __future__ import annotations

import datetime

from django.utils import timezone

from octip.consent.models import Consent


def make_consent(*, case, obtained_by, scope: str = "share_with_organization", organization=None,
                 sections=("summary", "needs"), given_at=None, expires_at=None, withdrawn_at=None,
                 **fields) -> Consent:
    """A consent row as the person gave it (bypasses the service: for arranging a test's world)."""
    share = scope == "share_with_organization"
    return Consent.objects.create(
        case=case, scope=scope, organization=organization if share else None,
        sections=list(sections) if share else [], purpose=fields.pop("purpose", "housing support" if share else ""),
        obtained_by=obtained_by, language=fields.pop("language", "English"),
        given_at=given_at or timezone.now() - datetime.timedelta(days=1), expires_at=expires_at,
        withdrawn_at=withdrawn_at, **fields)
