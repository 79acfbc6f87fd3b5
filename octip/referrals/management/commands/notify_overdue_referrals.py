"""Tell both sides of each referral whose response is overdue (once per referral).

Run it from cron or a scheduler every few minutes: ``manage.py notify_overdue_referrals``.
"""

from django.core.management.base import BaseCommand

from octip.referrals.services import notify_overdue


class Command(BaseCommand):
    help = "Notify senders and receivers of referrals whose response date has passed (once each)."

    def handle(self, *args, **options):
        count = notify_overdue()
        self.stdout.write(f"{count} overdue referral(s) notified.")
