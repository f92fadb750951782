"""sentirec's AppConfig: the swappable item setting's default, and what loads when the
app is ready (checks, signal receivers, tasks, the feed's cache invalidation and
model serving, admin)."""

from django.apps import AppConfig, apps
from django.conf import settings
from django.db.models.signals import post_migrate


class SentirecConfig(AppConfig):
    name = "sentirec"
    verbose_name = "Sentirec: reviews, sentiment and feeds"
    default_auto_field = "django.db.models.BigAutoField"

    def __init__(self, app_name: str, app_module) -> None:
        super().__init__(app_name, app_module)
        from sentirec.conf import DEFAULT_ITEM_MODEL, ITEM_MODEL_SETTING

        # Like AUTH_USER_MODEL, the swappable item setting must exist for migrations
        # (``settings.SENTIREC_ITEM_MODEL``); give it its default before models load.
        if not hasattr(settings, ITEM_MODEL_SETTING):
            setattr(settings, ITEM_MODEL_SETTING, DEFAULT_ITEM_MODEL)

    def ready(self) -> None:
        # Registers the checks, the signal receivers, and the tasks under the names
        # sentirec.queueing sends (in-process runs look them up by name).
        from sentirec import checks, signals, tasks  # noqa: F401

        # the feed's receivers: cache invalidation, the served preference model
        from sentirec.feeds import cache, serving  # noqa: F401

        post_migrate.connect(signals.register_shipped_model, sender=self)

        if apps.is_installed("django.contrib.admin"):
            from sentirec.feeds import admin  # noqa: F401  (preference models, feed preview)
