from __future__ import annotations

import pytest

from tests.clients import signed_in_client
from tests.factories import OrganizationFactory, TeamFactory, UserFactory

# A real S3 server on loopback (s3_server, s3_bucket) for the object-storage tests.
pytest_plugins = ["tests.object_storage"]


@pytest.fixture(autouse=True)
def _mfa_on_by_default(settings):
    # Tests run with MFA enforced, as production does; a test that needs it off says so.
    settings.OCTIP_REQUIRE_MFA = True


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    # Argon2 costs a quarter of a second per password by design; tests create hundreds of accounts.
    # tests/partners/test_authentication.py checks that the real settings hash with Argon2.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _cache_in_the_test_process(settings):
    # The platform's cache is shared (the database or Redis, settings.CACHES); a test is one process,
    # and a cache of its own, emptied by the tests that count in it, needs no database access.
    # tests/deployment/test_shared_state.py counts across real processes in the shared caches.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                                   "LOCATION": "octip-tests"}}
    from django.core.cache import cache

    cache.clear()  # the process's cache outlives a test: no entry of another test's rows is read
    # The home page counts afresh, so that a test may change rows and count again;
    # tests/home/test_home.py checks the numbers shared between coordinators.
    settings.OCTIP_HOME_COUNTS_SECONDS = 0


@pytest.fixture(autouse=True)
def _jobs_run_in_process(settings):
    # The fast path: an enqueued job runs at once in the test's process. tests/jobs/test_worker.py
    # starts a real worker on the database queue.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def _audit_checkpoints_in_a_temporary_folder(settings, tmp_path_factory):
    # Checkpoints a test signs (the scheduler's job among them) never land in the checkout's var/.
    from octip.core import checkpoints

    settings.OCTIP_AUDIT_CHECKPOINT_DIR = tmp_path_factory.mktemp("audit-checkpoints")
    settings.OCTIP_AUDIT_SIGNING_KEY_FILE = settings.OCTIP_AUDIT_CHECKPOINT_DIR / "signing_key"
    checkpoints.reset_signing_key()
    yield
    checkpoints.reset_signing_key()


@pytest.fixture
def org(db):
    return OrganizationFactory()


@pytest.fixture
def other_org(db):
    return OrganizationFactory()


@pytest.fixture
def make_user(db):
    def make(role: str = "caseworker", organization=None, teams=None, **fields):
        organization = organization or OrganizationFactory()
        return UserFactory(role=role, organization=organization, teams=teams or [], **fields)
    return make


@pytest.fixture
def team(org):
    return TeamFactory(organization=org)


@pytest.fixture
def client_for(db):
    """``client_for(user)`` → a Django test client signed in as the user, MFA passed."""
    return signed_in_client


@pytest.fixture(autouse=True)
def _english():
    """Every test starts in English: a request in French leaves French active in its thread (the
    locale middleware activates it and nothing deactivates it), and a later test of the same worker
    would then read French messages where it asserts English ones."""
    from django.utils import translation

    translation.activate("en")
    yield
    translation.activate("en")
