"""``manage.py sentirec_import FORMAT PATH``: load a public dataset into the site."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sentirec.services.importing import FORMATS, DatasetImportError, import_dataset
from sentirec.services.scoring import enqueue_pending_reviews


class Command(BaseCommand):
    help = (
        "Import a public dataset: blitzer (multi-domain .review folders), filmtrust, "
        "ciaodvd, ciao (rating.mat + trustnetwork.mat) or lastfm (hetrec-2k). "
        "Idempotent: importing twice creates nothing new."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("format", choices=FORMATS, help="the dataset's format")
        parser.add_argument("path", help="the dataset's folder (or one of its files)")
        parser.add_argument(
            "--limit", type=int, default=None, help="read at most this many rows (per file)"
        )
        parser.add_argument(
            "--no-score", action="store_true", help="do not enqueue sentiment scoring of reviews"
        )

    def handle(self, *args, format: str, path: str, limit: int | None, no_score: bool, **opts):
        if limit is not None and limit < 1:
            raise CommandError("--limit must be a positive number of rows.")
        try:
            summary = import_dataset(format, path, limit=limit, progress=opts["verbosity"] > 0)
        except DatasetImportError as exc:
            raise CommandError(str(exc)) from None
        for line in summary.lines():
            self.stdout.write(line)
        if not no_score and summary.created["reviews"]:
            queued = enqueue_pending_reviews()
            self.stdout.write(f"Queued {queued} reviews for sentiment scoring.")
