"""The Celery application of the demo site: configuration comes from Django settings."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "socialsite.settings")

app = Celery("socialsite")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_after_finalize.connect
def _periodic_tasks(sender: Celery, **kwargs) -> None:
    from sentirec.schedule import add_periodic_tasks

    add_periodic_tasks(sender)
