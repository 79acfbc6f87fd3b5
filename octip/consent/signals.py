"""Signals other apps listen to (consent never imports them: they depend on consent, not the reverse)."""

from django.dispatch import Signal

#: Sent inside the withdrawal's transaction with ``consent`` and ``actor``: whatever depended on the
#: consent (a referral's access grant, for example) must end now, in the same transaction.
consent_withdrawn = Signal()
