"""The load test's staff: 50 synthetic accounts of four roles, each with a confirmed authenticator
(TOTP) and a personal API token, and the names each may search for. Run by ``run.py`` with the
server's own environment (same database, same keys), after ``seed_demo``; never against a real
database (it refuses a database whose name does not start with ``load_``).

Writes one JSON file (the path given) that only the locust process reads: the accounts' password,
TOTP keys and API tokens, and synthetic names. It lives in the run's temporary folder and is
deleted with it.

    python bench/load/prepare.py OUT.json
"""

from __future__ import annotations

import json
import os
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "octip.settings")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402

from octip.cases import models as m  # noqa: E402
from octip.partners import demo  # noqa: E402
from octip.partners.models import Organization, SealedTOTPDevice, Team, User  # noqa: E402
from octip.partners.services import create_api_token  # noqa: E402

#: (role, how many, the demo accounts whose organization and team they copy, in turn). 50 in all: the
#: office's coordinators and 24/7 line, and caseworkers and screeners in three partner organizations.
STAFF = [
    ("caseworker", 24, ["caseworker", "caseworker2", "caseworker3", "caseworker4"]),
    ("coordinator", 8, ["coordinator"]),
    ("hotline_operator", 10, ["hotline"]),
    ("screener", 8, ["screener"]),
]
NAMES_PER_USER = 8


def _template(local: str) -> tuple[Organization, Team | None]:
    for account_local, _name, _role, org_name, team_name in demo.ACCOUNTS:
        if account_local == local:
            org = Organization.objects.get(name=org_name)
            return org, Team.objects.get(organization=org, name=team_name) if team_name else None
    raise LookupError(local)


def _names_in_scope(user: User, rng: random.Random) -> list[str]:
    """Synthetic names on cases the user may open, decrypted here only so the load can search for them."""
    numbers = list(m.Case.objects.in_own_scope(user).order_by("number").values_list("pk", flat=True)[:2000])
    picked = rng.sample(numbers, min(NAMES_PER_USER, len(numbers)))
    return [c.person.legal_name for c in m.Case.objects.filter(pk__in=picked).select_related("person")]


def main(out: Path) -> None:
    if not connection.settings_dict["NAME"].startswith("load_"):
        raise SystemExit("prepare.py runs only on a load test database (load_*).")
    rng = random.Random(15)
    hashed = None
    accounts = []
    with transaction.atomic():
        for role, count, templates in STAFF:
            for i in range(count):
                org, team = _template(templates[i % len(templates)])
                user = User(email=f"load-{role.replace('_', '-')}-{i + 1:02}@{demo.DEMO_DOMAIN}",
                            full_name=f"Load {role.replace('_', ' ')} {i + 1}", role=role, organization=org)
                if hashed is None:  # one Argon2 hash for all: the same synthetic password
                    user.set_password(demo.DEMO_PASSWORD)
                    hashed = user.password
                else:
                    user.password = hashed
                user.save()
                if team:
                    user.teams.add(team)
                # The platform's authenticator model (secret encrypted at rest), as enrolment makes it.
                device = SealedTOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
                _token, raw = create_api_token(actor=user, name="load test", days=1)
                accounts.append({"email": user.email, "role": role, "totp_key": device.key, "api_token": raw,
                                 "names": _names_in_scope(user, rng) if role != "screener" else []})
    out.write_text(json.dumps({"password": demo.DEMO_PASSWORD, "accounts": accounts}))
    out.chmod(0o600)
    visible = {a["role"]: sum(1 for b in accounts if b["role"] == a["role"]) for a in accounts}
    print(f"Prepared {len(accounts)} staff accounts {visible}, with TOTP devices and API tokens.")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    main(Path(sys.argv[1]))
