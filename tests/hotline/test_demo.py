import io

from octip.hotline import demo
from octip.hotline.models import Contact, OnCallShift
from octip.hotline.selectors import on_call_now, queue
from octip.partners import demo as partners_demo
from octip.partners.models import User


def test_demo_has_every_urgency_overdue_items_and_someone_on_call_and_is_idempotent(db):
    out = io.StringIO()
    partners_demo.seed(scale=None, stdout=out)
    demo.seed(scale=None, stdout=out)
    counts = (Contact.objects.count(), OnCallShift.objects.count())
    demo.seed(scale=None, stdout=out)
    assert (Contact.objects.count(), OnCallShift.objects.count()) == counts
    assert set(Contact.objects.values_list("urgency", flat=True)) == {"emergency", "urgent", "routine"}
    operator = User.objects.get(email=partners_demo.demo_email("hotline"))
    entries = queue(actor=operator)
    assert any(e.overdue for e in entries) and not all(e.overdue for e in entries)
    assert on_call_now(actor=operator).exists()
