"""``manage.py sentirec_train``: retrain the sentiment model now, in this process (a job in
the registry like the admin's and the API's, run here rather than on a worker)."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sentirec.models import RetrainJob, RetrainStatus, RetrainTrigger


def parse_option(text: str) -> tuple[str, object]:
    """``key=value`` with a JSON value (``epochs=3``, ``freeze_embeddings=true``)."""
    key, sep, value = text.partition("=")
    if not sep or not key:
        raise ValueError(f"expected key=value, got {text!r}")
    try:
        return key, json.loads(value)
    except json.JSONDecodeError:
        return key, value


class Command(BaseCommand):
    help = (
        "Train a candidate sentiment model on SENTIREC['RETRAIN_BASE_DATA'] plus the site's "
        "reviews, evaluate it on the fixed validation set, and promote it if it is at least "
        "as accurate as the active model."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--arch", help="architecture (default: SENTIREC['RETRAIN_ARCH'])")
        parser.add_argument(
            "--option",
            "-o",
            dest="raw_options",
            action="append",
            default=[],
            metavar="KEY=VALUE",
            help="a training option, e.g. -o epochs=3 -o lr=0.001 (repeatable)",
        )

    def handle(self, *args, arch: str | None, raw_options: list[str], **opts) -> None:
        from sentirec.services import training  # imports torch

        try:
            options = dict(map(parse_option, raw_options))
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        job = RetrainJob.objects.create(
            trigger=RetrainTrigger.COMMAND, request={"arch": arch, "options": options}
        )
        job = training.run_retrain_job(job.pk, progress=opts["verbosity"] > 0)
        if job.status != RetrainStatus.SUCCEEDED:
            raise CommandError(f"Retrain job {job.pk} {job.status}: {job.reason}")
        self.stdout.write(f"Job {job.pk}: registered {job.model.version}. {job.reason}")
