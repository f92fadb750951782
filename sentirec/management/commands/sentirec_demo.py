"""``manage.py sentirec_demo``: fill the site with the shipped demo reviews and logins."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from sentirec.services.demo import DEMO_ADMIN, DEMO_USER, load_demo
from sentirec.services.importing import DatasetImportError
from sentirec.services.scoring import enqueue_pending_reviews


class Command(BaseCommand):
    help = (
        "Load the demo data (real Amazon reviews from Blitzer et al.'s Multi-Domain Sentiment "
        "dataset, with a derived follow graph), score them, and create the demo logins."
    )

    def handle(self, *args, **options) -> None:
        try:
            summary = load_demo(progress=options["verbosity"] > 0)
        except DatasetImportError as exc:
            raise CommandError(str(exc)) from None
        for line in summary.lines():
            self.stdout.write(line)
        queued = enqueue_pending_reviews()
        if queued:
            self.stdout.write(f"Scoring {queued} reviews (in-process without a broker)...")
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo login: {DEMO_USER.username} / {DEMO_USER.password}   "
                f"(admin: {DEMO_ADMIN.username} / {DEMO_ADMIN.password})"
            )
        )
