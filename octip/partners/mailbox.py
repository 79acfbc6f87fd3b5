"""Which mailbox an email address delivers to, as far as the address alone tells.

Two spellings that reach one mailbox must count as one address: otherwise an administrator creates an
account at ``their.name+desk@…`` and receives its password link. We fold what common providers ignore:
letter case, a ``+tag`` after the local part, and for Gmail the dots and the ``googlemail.com`` alias.
What the address cannot tell (a catch-all domain, a forwarding rule) is why a second person approves
roles that read identifying data.
"""

from __future__ import annotations

import unicodedata

#: Domains whose mail servers ignore dots in the local part, and the domain each one is an alias of.
DOTLESS_DOMAINS = {"gmail.com": "gmail.com", "googlemail.com": "gmail.com"}


def mailbox(address: str) -> str:
    """The canonical form of ``address``: equal for two addresses that reach the same mailbox."""
    text = unicodedata.normalize("NFKC", address).strip().lower()
    local, _at, domain = text.rpartition("@")
    local = local.split("+", 1)[0]
    domain = domain.rstrip(".")
    domain = DOTLESS_DOMAINS.get(domain, domain)
    if domain in DOTLESS_DOMAINS.values():
        local = local.replace(".", "")
    return f"{local}@{domain}"
