"""The demo host project as an app, so that its own system checks run."""

from __future__ import annotations

from django.apps import AppConfig


class SocialsiteConfig(AppConfig):
    name = "socialsite"
    verbose_name = "sentirec demo site"

    def ready(self) -> None:
        from socialsite import checks  # noqa: F401  (registers the checks)
