import io

import pytest

from octip.partners import demo as partners_demo
from octip.screening import demo
from octip.screening.models import Screening

pytestmark = pytest.mark.django_db


def test_demo_screenings_are_anonymous_and_seeding_twice_creates_nothing_new():
    partners_demo.seed(scale=None, stdout=io.StringIO())
    demo.seed(scale=None, stdout=io.StringIO())
    count = Screening.objects.count()
    assert count == len(demo.DEMO_SCREENINGS)
    assert not Screening.objects.filter(case__isnull=False).exists()
    assert set(Screening.objects.values_list("conclusion", flat=True)) >= {"indicated", "possible"}
    demo.seed(scale=None, stdout=io.StringIO())
    assert Screening.objects.count() == count
