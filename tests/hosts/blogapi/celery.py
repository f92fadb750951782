"""The blog's Celery app, read from Django's settings (tasks run in-process here)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.hosts.blogapi.settings")
app = Celery("blogapi")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
