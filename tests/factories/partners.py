"""Organizations, teams and staff accounts (with their authenticator devices). Only synthetic people, ever."""

from __future__ import annotations

import factory

from octip.partners.models import Organization, Region, Team, User
from octip.partners.models import SealedTOTPDevice as TOTPDevice

PASSWORD = "correct-horse-battery-staple"


def region(code: str) -> Region:
    """A region by code; reloads the data file when a transactional test flushed the table."""
    if not Region.objects.filter(code=code).exists():
        from octip.partners.regions import load_regions

        load_regions(Region)
    return Region.objects.get(code=code)


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Test Partner {n}")
    type = "community_organization"
    region = factory.LazyFunction(lambda: region("fraser"))


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Team {n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"staff{n}@test.octip.invalid")
    full_name = factory.Faker("name", locale="en_CA")
    organization = factory.SubFactory(OrganizationFactory)
    role = "caseworker"

    @factory.post_generation
    def password(self, create, extracted, **kwargs):
        self.set_password(extracted or PASSWORD)
        if create:
            self.save(update_fields=["password"])

    @factory.post_generation
    def teams(self, create, extracted, **kwargs):
        if create and extracted:
            self.teams.set(extracted)


def confirmed_totp(user: User) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)


def totp_code(device: TOTPDevice, offset: int = 0) -> str:
    """The code the device's authenticator app would show now (offset in 30-second steps)."""
    from django_otp.oath import TOTP

    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = totp.time + offset * device.step
    return f"{totp.token():0{device.digits}d}"


def unused_totp_code(device: TOTPDevice) -> str:
    """A valid code that the device has not accepted yet (a TOTP code works only once)."""
    import time

    device.refresh_from_db()
    now_t = int((time.time() - device.t0) // device.step)
    return totp_code(device, offset=max(0, device.last_t + 1 - now_t))
